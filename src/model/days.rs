//! Which days a schedule (or one of its periods) is active: DaysActive as
//! the original tool wrote it (`all`, `weekdays`, `weekends`, `mon,wed,fri`),
//! plus ranges (`mon-fri`), the nth weekday of a month (`mon#1`), the last
//! one (`fri#L`); and the optional MonthDays (`1-3,15,L`) and Months
//! (`jan-mar,dec`) that narrow them further.
//!
//! The forms of AWS Instance Scheduler are read as its parser
//! (`cron/parser.py`, `cron/cron_to_running_period.py`) reads them, so its
//! periods mean the same here: `*`/`?`, steps (`mon-fri/2`, `Mon/2`,
//! `1/7`, `3-L/2`, `jan/3`), numeric weekdays (0 is Monday, a lone `L`
//! Sunday), `monL` (last Monday), `15W` (nearest weekday, never crossing
//! the month). Names are the three-letter or full English names only, and
//! whatever is not one of these forms is an error, never another meaning.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::quoted;

const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The index of `word` in `names` when it is a full name or its first
/// three letters; never a prefix of any other length (`decimal` is not
/// December).
fn name_index(word: &str, names: &[&str]) -> Option<u32> {
    names
        .iter()
        .position(|n| word == *n || (word.len() == 3 && n.starts_with(word)))
        .map(|i| i as u32)
}

/// A number of ASCII digits (no sign, no space inside), as written.
fn number(word: &str) -> Option<u32> {
    if word.is_empty() || word.len() > 2 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok()
}

/// The step of `range/step`. AWS Instance Scheduler reads only a step's
/// last digit (`1/15` is every fifth day there, `1/10` never ends), so a
/// step of two digits is refused rather than read differently from it.
fn step(word: &str) -> Result<u32, String> {
    match word.trim() {
        w if w.len() == 1 => match number(w) {
            Some(n @ 1..=9) => Ok(n),
            _ => Err(format!("step {} must be 1-9", quoted(w))),
        },
        w => Err(format!(
            "step {} must be one digit 1-9 (AWS Instance Scheduler reads only a step's last digit)",
            quoted(w)
        )),
    }
}

/// The values of `start-end/step` within `lo..=hi`, exactly as AWS
/// Instance Scheduler's `_range_to_discrete_values` counts them: a start
/// after the end wraps once around the domain, keeping the step.
fn stepped(start: u32, end: u32, step: u32, lo: u32, hi: u32) -> Vec<u32> {
    let mut out = Vec::new();
    if start > hi {
        return out;
    }
    let mut wrap = start > end;
    let mut p = start;
    while wrap || p <= end {
        if (lo..=hi).contains(&p) {
            out.push(p);
        }
        p += step;
        if wrap && p > hi {
            p -= hi - lo + 1;
            wrap = false;
        }
    }
    out
}

/// One comma-separated part split into `range` and its optional step.
fn split_step(part: &str) -> Result<(&str, Option<u32>), String> {
    match part.split_once('/') {
        Some((range, s)) => Ok((range.trim(), Some(step(s)?))),
        None => Ok((part, None)),
    }
}

/// The parts of a comma list, trimmed and lowercased; an empty part (`mon,,fri`
/// or an empty text) is an error.
fn parts(text: &str) -> Result<Vec<String>, String> {
    text.split(',')
        .map(|p| p.trim().to_ascii_lowercase())
        .map(|p| {
            if p.is_empty() {
                Err(format!("{} has an empty part", quoted(text)))
            } else {
                Ok(p)
            }
        })
        .collect()
}

/// Which occurrence of a weekday in its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Nth {
    /// The first (1) to fifth (5).
    Number(u8),
    /// The last of the month.
    Last,
}

/// DaysActive: weekdays, and weekdays of a given rank in their month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DaysActive {
    /// Bit `n`: every weekday `n` days from Monday.
    every: u8,
    nth: Vec<(Weekday, Nth)>,
}

impl DaysActive {
    pub const ALL: u8 = 0b111_1111;

    /// Every day of the week (a period without DaysActive).
    pub fn all() -> DaysActive {
        DaysActive {
            every: Self::ALL,
            nth: vec![],
        }
    }

    /// Parses `all`, `weekdays`, `weekends` or a comma list of `mon`,
    /// `mon-fri`, `mon#1`..`mon#5` and `fri#L` (case and spaces ignored),
    /// and AWS Instance Scheduler's forms: `*`, `0`-`6` (0 is Monday),
    /// `L` (Sunday), steps `mon-fri/2` and `Mon/2`, `monL` (last Monday).
    pub fn parse(text: &str) -> Result<DaysActive, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "all" | "everyday" | "daily" => return Ok(DaysActive::all()),
            "weekdays" => {
                return Ok(DaysActive {
                    every: 0b001_1111,
                    nth: vec![],
                })
            }
            "weekends" => {
                return Ok(DaysActive {
                    every: 0b110_0000,
                    nth: vec![],
                })
            }
            _ => {}
        }
        let mut days = DaysActive::default();
        for p in parts(text)? {
            days.add(&p)?;
        }
        Ok(days)
    }

    /// Adds one part of a list: `*`, a step, a range, an nth or last
    /// weekday, or a day.
    fn add(&mut self, p: &str) -> Result<(), String> {
        let bad = || {
            format!(
                "{} is not a day (use all, weekdays, weekends or a list like mon,wed,fri, mon-fri, mon#1, fri#L)",
                quoted(p)
            )
        };
        // A weekday by name or by AWS Instance Scheduler's number (0 Monday).
        let day = |w: &str| -> Option<u32> {
            let w = w.trim();
            number(w)
                .filter(|n| *n <= 6)
                .or_else(|| name_index(w, &WEEKDAYS))
        };
        let mut set = |values: Vec<u32>| values.iter().for_each(|v| self.every |= 1 << v);
        if p == "*" || p == "?" {
            set((0..7).collect());
        } else if p.contains('/') {
            let (range, step) = split_step(p).map_err(|e| format!("{}: {e}", bad()))?;
            let (from, to) = match range.split_once('-') {
                Some((a, b)) => (day(a), day(b)),
                None => (day(range), Some(6)),
            };
            let (Some(from), Some(to)) = (from, to) else {
                return Err(bad());
            };
            set(stepped(from, to, step.unwrap_or(1), 0, 6));
        } else if let Some((a, b)) = p.split_once('-') {
            let (Some(from), Some(to)) = (day(a), day(b)) else {
                return Err(bad());
            };
            set(stepped(from, to, 1, 0, 6));
        } else if let Some((d, rank)) = p.split_once('#') {
            let d = day(d).ok_or_else(bad)?;
            let nth = match rank.trim() {
                "l" | "last" => Nth::Last,
                n => match number(n) {
                    Some(n @ 1..=5) => Nth::Number(n as u8),
                    _ => return Err(bad()),
                },
            };
            self.nth.push((weekday(d), nth));
        } else if p == "l" {
            set(vec![6]);
        } else if let Some(d) = day(p) {
            set(vec![d]);
        } else if let Some(d) = p.strip_suffix('l').and_then(day) {
            self.nth.push((weekday(d), Nth::Last));
        } else {
            return Err(bad());
        }
        Ok(())
    }

    /// Whether these days repeat each week (no nth weekday).
    pub fn is_weekly(&self) -> bool {
        self.nth.is_empty()
    }

    /// Whether `date` is one of these days.
    pub fn contains(&self, date: NaiveDate) -> bool {
        let wd = date.weekday();
        if self.every & (1 << wd.num_days_from_monday()) != 0 {
            return true;
        }
        self.nth.iter().any(|(d, n)| {
            *d == wd
                && match n {
                    Nth::Number(k) => (date.day() - 1) / 7 + 1 == u32::from(*k),
                    Nth::Last => date
                        .checked_add_days(chrono::Days::new(7))
                        .is_none_or(|next| next.month() != date.month()),
                }
        })
    }
}

/// The weekday `n` days from Monday (`n` < 7).
fn weekday(n: u32) -> Weekday {
    Weekday::try_from(n as u8).unwrap_or(Weekday::Mon)
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn last_of_month(date: NaiveDate) -> u32 {
    let (y, m) = match date.month() {
        12 => (date.year() + 1, 1),
        m => (date.year(), m + 1),
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .map_or(31, |d| d.day())
}

/// MonthDays: days of the month (`1-3,15,L`; `L` is the last day), with
/// AWS Instance Scheduler's steps (`1/7`, `15-30/3`), ranges to the last
/// day (`6-L`, `3-L/2`) and nearest weekdays (`15W`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthDays {
    /// Bit `n`: day `n` of the month (1..=31).
    days: u32,
    last: bool,
    /// Bit `n`: the weekday nearest day `n` (`nW`).
    #[serde(skip_serializing_if = "is_zero")]
    nearest: u32,
}

impl MonthDays {
    pub fn parse(text: &str) -> Result<MonthDays, String> {
        let bad = |p: &str| {
            format!(
                "{} is not a day of the month (use 1-31, ranges like 1-3 or 6-L, steps like 1/7 or 15-30/3, L, and 15W)",
                quoted(p)
            )
        };
        let day = |s: &str| number(s.trim()).filter(|n| (1..=31).contains(n));
        let mut out = MonthDays::default();
        for p in parts(text)? {
            let p = p.as_str();
            let (range, step) = split_step(p).map_err(|e| format!("{}: {e}", bad(p)))?;
            let mut set = |values: Vec<u32>| values.iter().for_each(|v| out.days |= 1 << v);
            if step.is_none() && (p == "*" || p == "?") {
                set((1..=31).collect());
            } else if step.is_none() && (p == "l" || p == "last") {
                out.last = true;
            } else if let Some(n) = range.strip_suffix('w').filter(|_| step.is_none()) {
                out.nearest |= 1 << day(n).ok_or_else(|| bad(p))?;
            } else {
                // `n-L` and `n/step` run to the last day, and a day past the
                // month's end never comes: 31 stands for L in every month.
                let (from, to) = match range.split_once('-') {
                    Some((a, b)) if b.trim() == "l" => (day(a), Some(31)),
                    Some((a, b)) => (day(a), day(b)),
                    None if step.is_some() => (day(range), Some(31)),
                    None => (day(range), day(range)),
                };
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(bad(p));
                };
                if from > to {
                    return Err(format!(
                        "{}: month days do not wrap (write {from}-L,1-{to})",
                        bad(p)
                    ));
                }
                set(stepped(from, to, step.unwrap_or(1), 1, 31));
            }
        }
        Ok(out)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        let last = last_of_month(date);
        self.days & (1 << date.day()) != 0
            || (self.last && date.day() == last)
            || (1..=last)
                .filter(|n| self.nearest & (1 << n) != 0)
                .any(|n| nearest_weekday(date, n, last) == date.day())
    }
}

/// The weekday nearest day `n` of `date`'s month, never crossing it: a
/// Saturday the 1st gives Monday the 3rd, a Sunday the last gives the
/// Friday before (as AWS Instance Scheduler resolves `nW`).
fn nearest_weekday(date: NaiveDate, n: u32, last: u32) -> u32 {
    match date.with_day(n).map(|d| d.weekday()) {
        Some(Weekday::Sat) if n == 1 => 3,
        Some(Weekday::Sat) => n - 1,
        Some(Weekday::Sun) if n == last => n - 2,
        Some(Weekday::Sun) => n + 1,
        _ => n,
    }
}

/// Months: `jan-mar,dec` (names or numbers 1-12), with AWS Instance
/// Scheduler's steps (`jan/3`, `3-9/2`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Months(u16);

impl Months {
    pub fn parse(text: &str) -> Result<Months, String> {
        let bad = |p: &str| {
            format!(
                "{} is not a month (use jan-dec, january-december or 1-12, ranges like jan-mar, steps like jan/3 or 3-9/2)",
                quoted(p)
            )
        };
        let month = |s: &str| -> Option<u32> {
            let s = s.trim();
            number(s)
                .filter(|n| (1..=12).contains(n))
                .or_else(|| name_index(s, &MONTHS).map(|i| i + 1))
        };
        let mut out = 0u16;
        for p in parts(text)? {
            let p = p.as_str();
            let (range, step) = split_step(p).map_err(|e| format!("{}: {e}", bad(p)))?;
            let (from, to) = match range.split_once('-') {
                _ if step.is_none() && (p == "*" || p == "?") => (Some(1), Some(12)),
                Some((a, b)) => (month(a), month(b)),
                None if step.is_some() => (month(range), Some(12)),
                None => (month(range), month(range)),
            };
            let (Some(from), Some(to)) = (from, to) else {
                return Err(bad(p));
            };
            for m in stepped(from, to, step.unwrap_or(1), 1, 12) {
                out |= 1 << m;
            }
        }
        Ok(Months(out))
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.0 & (1 << date.month()) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_originals_values_keep_their_meaning() {
        let w = DaysActive::parse("weekdays").unwrap();
        assert!(w.contains(d("2026-11-30")) && !w.contains(d("2026-12-05")));
        let l = DaysActive::parse(" Mon, WED ,fri").unwrap();
        assert!(l.contains(d("2026-12-02")) && !l.contains(d("2026-12-01")));
        assert!(DaysActive::parse("all").unwrap().contains(d("2026-12-06")));
        assert!(DaysActive::parse("weekends")
            .unwrap()
            .contains(d("2026-12-06")));
    }

    #[test]
    fn ranges_nth_and_last_weekdays() {
        let r = DaysActive::parse("mon-wed").unwrap();
        assert!(r.contains(d("2026-12-01")) && !r.contains(d("2026-12-03")));
        let wrap = DaysActive::parse("fri-mon").unwrap();
        assert!(wrap.contains(d("2026-12-06")) && !wrap.contains(d("2026-12-01")));
        let first_monday = DaysActive::parse("mon#1").unwrap();
        assert!(first_monday.contains(d("2026-12-07")) && !first_monday.contains(d("2026-11-30")));
        let last_friday = DaysActive::parse("fri#L").unwrap();
        assert!(last_friday.contains(d("2026-12-25")) && !last_friday.contains(d("2026-12-18")));
        for bad in [
            "funday", "mon#6", "mon#", "xx-fri", "mon-", "#1", "tues", "thurs", "monda",
            "mon,,fri", "",
        ] {
            assert!(DaysActive::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn month_days_and_months() {
        let md = MonthDays::parse("1-3,15,L").unwrap();
        for ok in [
            "2026-12-01",
            "2026-12-03",
            "2026-12-15",
            "2026-12-31",
            "2027-02-28",
        ] {
            assert!(md.contains(d(ok)), "{ok}");
        }
        assert!(!md.contains(d("2026-12-04")) && !md.contains(d("2026-12-30")));
        let m = Months::parse("jan-mar,Dec").unwrap();
        assert!(
            m.contains(d("2027-02-01"))
                && m.contains(d("2026-12-01"))
                && !m.contains(d("2026-11-30"))
        );
        assert!(Months::parse("nov-feb").unwrap().contains(d("2027-01-10")));
        for bad in ["0", "32", "5-2", "x"] {
            assert!(MonthDays::parse(bad).is_err(), "{bad}");
        }
        for bad in ["smarch", "decimal", "janitor", "marchxyz-may", "sept", "ja"] {
            assert!(Months::parse(bad).is_err(), "{bad}");
        }
    }

    /// The days of `year`-`month` that `rule` contains.
    fn days_of(year: i32, month: u32, rule: impl Fn(NaiveDate) -> bool) -> Vec<u32> {
        NaiveDate::from_ymd_opt(year, month, 1)
            .unwrap()
            .iter_days()
            .take_while(|d| d.month() == month)
            .filter(|d| rule(*d))
            .map(|d| d.day())
            .collect()
    }

    /// The weekdays (0 Monday .. 6 Sunday) of a week that `text` holds.
    fn weekdays(text: &str) -> Vec<u32> {
        let days = DaysActive::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        // 2026-11-30 is a Monday.
        (0u32..7)
            .filter(|i| days.contains(d("2026-11-30") + chrono::Days::new(u64::from(*i))))
            .collect()
    }

    fn months(text: &str) -> Vec<u32> {
        let m = Months::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        (1..=12)
            .filter(|n| m.contains(NaiveDate::from_ymd_opt(2024, *n, 1).unwrap()))
            .collect()
    }

    /// AWS Instance Scheduler's weekday cases (its tests compare parse
    /// trees; here each tree's days of one week are compared instead).
    #[test]
    fn aws_instance_scheduler_weekdays() {
        let all: &[u32] = &[0, 1, 2, 3, 4, 5, 6];
        let cases: &[(&str, &str, &[u32])] = &[
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_wildcards",
                "*",
                all,
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_wildcards",
                "?",
                all,
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_numeric_ranges",
                "0-2",
                &[0, 1, 2],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_numeric_ranges",
                "1-5",
                &[1, 2, 3, 4, 5],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_numeric_ranges",
                "5-6",
                &[5, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_numeric_ranges_wrapped",
                "6-0",
                &[0, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_numeric_ranges_wrapped",
                "2-1",
                all,
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated",
                "1,3,6",
                &[1, 3, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated",
                "4, 2, 5, 0, 6",
                &[0, 2, 4, 5, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_name_ranges",
                "Monday-Friday",
                &[0, 1, 2, 3, 4],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_name_ranges",
                "Saturday-Sunday",
                &[5, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_name_ranges_wrapped",
                "Sunday-Monday",
                &[0, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_name_ranges_wrapped",
                "wednesday-tuesday",
                all,
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated_names",
                "Tuesday,Thursday,Sunday",
                &[1, 3, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated_names",
                "Monday, Friday, Sunday, Tuesday, Wednesday",
                &[0, 1, 2, 4, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_abbr_ranges",
                "mon-fri",
                &[0, 1, 2, 3, 4],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_abbr_ranges",
                "Sat-Sun",
                &[5, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_abbr_ranges_wrapped",
                "sun-mon",
                &[0, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_abbr_ranges_wrapped",
                "Wed-Tue",
                all,
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated_abbrs",
                "tue,thu,sun",
                &[1, 3, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_comma_separated_abbrs",
                "Mon, Fri, Sun, Tue, Wed",
                &[0, 1, 2, 4, 6],
            ),
            // A string set {"2", "Sat-Sun", "Monday"} is joined with commas.
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_multiple_expressions",
                "2,Sat-Sun,Monday",
                &[0, 2, 5, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_last_day_wildcard",
                "L",
                &[6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_steps",
                "Mon/2",
                &[0, 2, 4, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_steps",
                "3/3",
                &[3, 6],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_steps",
                "Thursday/2",
                &[3, 5],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_range_steps",
                "1-5/3",
                &[1, 4],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_range_steps",
                "Mon-Fri/2",
                &[0, 2, 4],
            ),
            (
                "test_weekdays_parser.py::test_weekdays_parser_parses_range_steps",
                "Tuesday-Sunday/3",
                &[1, 4],
            ),
            // _range_to_discrete_values wraps once and keeps the step.
            (
                "test_cron_to_running_period.py::test_range_wraps_as_expected (5-4/2)",
                "4-3/2",
                &[1, 3, 4, 6],
            ),
            (
                "test_cron_to_running_period.py::test_range_wraps_as_expected (6-4/2)",
                "5-3/2",
                &[0, 2, 5],
            ),
        ];
        for (source, text, want) in cases {
            assert_eq!(weekdays(text), *want, "{source}: {text}");
        }
        for (i, name) in WEEKDAYS.iter().enumerate() {
            let source = "test_weekdays_parser.py::test_weekdays_parser_parses_single_names";
            for text in [
                name.to_string(),
                name.to_uppercase(),
                name[..3].to_string(),
                name[..3].to_uppercase(),
            ] {
                assert_eq!(weekdays(&text), [i as u32], "{source}: {text}");
            }
            let source =
                "test_weekdays_parser.py::test_weekdays_parser_parses_single_numeric_values";
            assert_eq!(weekdays(&i.to_string()), [i as u32], "{source}: {i}");
        }
        for (source, bad) in [
            (
                "test_weekdays_parser.py::test_weekdays_parser_errors_on_empty_set",
                "",
            ),
            ("test_weekdays_parser.py::test_invalid_value", "-1"),
            ("test_weekdays_parser.py::test_invalid_value", "7"),
            ("test_weekdays_parser.py::test_invalid_value", "wensday"),
            ("test_weekdays_parser.py::test_invalid_value", "fro"),
            ("test_weekdays_parser.py::test_invalid_value", "3-L"),
            ("test_weekdays_parser.py::test_invalid_value", "^-6"),
            ("test_weekdays_parser.py::test_invalid_nth_weekday", "0#6"),
            ("test_weekdays_parser.py::test_invalid_nth_weekday", "0#-1"),
            ("test_weekdays_parser.py::test_invalid_nth_weekday", "0#0"),
            ("test_weekdays_parser.py::test_invalid_nth_weekday", "L-2"),
            ("ours: a step starting with L", "L/2"),
            ("ours: a step the peer reads by its last digit", "mon/12"),
            ("ours: a step of zero", "mon-fri/0"),
        ] {
            assert!(DaysActive::parse(bad).is_err(), "{source}: {bad:?}");
        }
    }

    /// Nth and last weekdays resolved in a month, as the peer resolves them.
    #[test]
    fn aws_instance_scheduler_nth_and_last_weekdays() {
        let cases: &[(&str, &str, i32, u32, &[u32])] = &[
            ("test_weekdays_parser.py::test_weekdays_parser_parses_nth_weekday", "Thursday#3", 2024, 4, &[18]),
            ("test_weekdays_parser.py::test_weekdays_parser_parses_nth_weekday", "mon#1", 2024, 4, &[1]),
            ("test_weekdays_parser.py::test_weekdays_parser_parses_nth_weekday", "2#2", 2024, 4, &[10]),
            ("test_weekdays_parser.py::test_weekdays_parser_parses_last_weekday", "1L", 2024, 4, &[30]),
            ("test_weekdays_parser.py::test_weekdays_parser_parses_last_weekday", "ThursdayL", 2024, 4, &[25]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "monL", 2024, 4, &[29]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "WedL", 2024, 4, &[24]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "3L", 2024, 4, &[25]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "FRIL", 2024, 4, &[26]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "satL", 2024, 4, &[27]),
            ("test_cron_to_running_period.py::test_last_weekday_runs_on_expected_day", "6L", 2024, 4, &[28]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "mon#1", 2024, 4, &[1]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "tue#1", 2024, 4, &[2]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "wed#1", 2024, 4, &[3]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "thu#1", 2024, 4, &[4]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "fri#1", 2024, 4, &[5]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "sat#1", 2024, 4, &[6]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "sun#1", 2024, 4, &[7]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "mon#2", 2024, 4, &[8]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "mon#3", 2024, 4, &[15]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "mon#4", 2024, 4, &[22]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "mon#5", 2024, 4, &[29]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "TUE#3", 2024, 4, &[16]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "sun#2", 2024, 4, &[14]),
            ("test_cron_to_running_period.py::test_nth_weekday_runs_on_expected_day", "Tue#5", 2024, 4, &[30]),
            ("test_cron_to_running_period.py::test_nth_weekday_does_not_run_when_weekday_does_not_exist_in_month", "Thu#5", 2024, 4, &[]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "0#1", 2024, 9, &[2]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "6#1", 2024, 9, &[1]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "6#2", 2024, 9, &[8]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "4#3", 2024, 9, &[20]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "5#3", 2024, 9, &[21]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "5#4", 2024, 9, &[28]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "1#1", 2024, 9, &[3]),
            ("test_cron_to_running_period.py::test_resolve_nth_weekday_as_monthday_returns_expected", "1#3", 2024, 9, &[17]),
            ("test_nth_weekday_scheduling.py::test_nth_weekday_scheduling", "Sun#1", 2024, 9, &[1]),
            ("test_nth_weekday_scheduling.py::test_nth_weekday_scheduling", "Mon#1", 2024, 9, &[2]),
            ("test_nth_weekday_scheduling.py::test_nth_weekday_scheduling", "Mon#3", 2024, 9, &[16]),
            ("test_nth_weekday_scheduling.py::test_nth_weekday_scheduling", "Fri#4", 2024, 9, &[27]),
            ("test_nth_weekday_scheduling.py::test_nth_weekday_scheduling", "Tue#5", 2024, 9, &[]),
            ("ours: fri#L of the original keeps its meaning beside FRIL", "fri#L", 2024, 4, &[26]),
        ];
        for (source, text, year, month, want) in cases {
            let days = DaysActive::parse(text).unwrap_or_else(|e| panic!("{source}: {e}"));
            assert_eq!(
                days_of(*year, *month, |d| days.contains(d)),
                *want,
                "{source}: {text}"
            );
        }
    }

    /// AWS Instance Scheduler's month day cases, in a month of 31 days
    /// (January 2024) unless the case names another.
    #[test]
    fn aws_instance_scheduler_month_days() {
        let all: Vec<u32> = (1..=31).collect();
        let cases: &[(&str, &str, i32, u32, &[u32])] = &[
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_wildcards",
                "*",
                2024,
                1,
                &all[..],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_wildcards",
                "?",
                2024,
                1,
                &all[..],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_ranges",
                "5-20",
                2024,
                1,
                &[5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_ranges",
                "1-30",
                2024,
                1,
                &all[..30],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_comma_separated",
                "1,2,3,4,5",
                2024,
                1,
                &[1, 2, 3, 4, 5],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_comma_separated",
                "2, 8, 10, 20, 22",
                2024,
                1,
                &[2, 8, 10, 20, 22],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_last_day_wildcard",
                "L",
                2024,
                1,
                &[31],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_last_day_wildcard",
                "L",
                2024,
                2,
                &[29],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_last_day_wildcard",
                "6-L",
                2023,
                2,
                &[
                    6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
                    27, 28,
                ],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_last_day_wildcard",
                "3-L/2",
                2024,
                4,
                &[3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_last_day_wildcard",
                "3-L/2",
                2024,
                1,
                &[3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_steps",
                "1/7",
                2024,
                1,
                &[1, 8, 15, 22, 29],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_steps",
                "1/7",
                2023,
                2,
                &[1, 8, 15, 22],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_range_steps",
                "15-30/3",
                2024,
                1,
                &[15, 18, 21, 24, 27, 30],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_range_steps",
                "15-30/3",
                2023,
                2,
                &[15, 18, 21, 24, 27],
            ),
            // 17 January 2024 is a Wednesday.
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_nearest_weekday_wildcard",
                "17W",
                2024,
                1,
                &[17],
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_parses_multiple_expressions",
                "2,13-15,5-8",
                2024,
                1,
                &[2, 5, 6, 7, 8, 13, 14, 15],
            ),
            // "cron_to_running_period.py: 30-L in a month with 28 days takes no action at all".
            (
                "cron_to_running_period.py (range/wrapping notes)",
                "30-L",
                2023,
                2,
                &[],
            ),
            (
                "cron_to_running_period.py (range/wrapping notes)",
                "30-L",
                2024,
                1,
                &[30, 31],
            ),
            // April 2023 starts on a Saturday and ends on a Sunday.
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "1W",
                2023,
                4,
                &[3],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "2W",
                2023,
                4,
                &[3],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "3W",
                2023,
                4,
                &[3],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "15W",
                2023,
                4,
                &[14],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "16W",
                2023,
                4,
                &[17],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "29W",
                2023,
                4,
                &[28],
            ),
            (
                "test_cron_to_running_period.py::test_nearest_weekday_runs_as_expected",
                "30W",
                2023,
                4,
                &[28],
            ),
            // The peer fails on a day the month does not have; here it is no day.
            ("ours: 31W in a month of 30 days", "31W", 2023, 4, &[]),
        ];
        for (source, text, year, month, want) in cases {
            let md = MonthDays::parse(text).unwrap_or_else(|e| panic!("{source}: {e}"));
            assert_eq!(
                days_of(*year, *month, |d| md.contains(d)),
                *want,
                "{source}: {text}"
            );
        }
        for n in 1..=31 {
            let source = "test_monthdays_parser.py::test_monthdays_parser_parses_single_values";
            let md = MonthDays::parse(&n.to_string()).unwrap();
            assert_eq!(days_of(2024, 1, |d| md.contains(d)), [n], "{source}");
        }
        for (source, bad) in [
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_empty_set",
                "",
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_invalid_values",
                "W",
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_invalid_values",
                "32W",
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_invalid_values",
                "36",
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_invalid_values",
                "2W-15",
            ),
            (
                "test_monthdays_parser.py::test_monthdays_parser_errors_on_invalid_values",
                "L-13",
            ),
            (
                "validator.py: range wrapping is not supported for monthday expressions",
                "20-5",
            ),
            ("parser.py: a step expression starting with L", "L/2"),
            ("ours: LW is no form of the peer's", "LW"),
            ("ours: a step the peer reads by its last digit", "1/14"),
            ("ours: a nearest weekday with a step", "15W/2"),
        ] {
            assert!(MonthDays::parse(bad).is_err(), "{source}: {bad:?}");
        }
    }

    /// AWS Instance Scheduler's month cases.
    #[test]
    fn aws_instance_scheduler_months() {
        let all: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let cases: &[(&str, &str, &[u32])] = &[
            (
                "test_months_parser.py::test_months_parser_parses_wildcards",
                "*",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_wildcards",
                "?",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_numeric_ranges",
                "1-3",
                &[1, 2, 3],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_numeric_ranges",
                "7-8",
                &[7, 8],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_numeric_ranges",
                "1-12",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_numeric_ranges_wrapped",
                "12-1",
                &[1, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_numeric_ranges_wrapped",
                "2-1",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated",
                "1,3,7",
                &[1, 3, 7],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated",
                "10, 2, 12, 11, 6",
                &[2, 6, 10, 11, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_name_ranges",
                "January-June",
                &[1, 2, 3, 4, 5, 6],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_name_ranges",
                "July-November",
                &[7, 8, 9, 10, 11],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_name_ranges_wrapped",
                "October-June",
                &[1, 2, 3, 4, 5, 6, 10, 11, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_name_ranges_wrapped",
                "July-June",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated_names",
                "january,march,july",
                &[1, 3, 7],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated_names",
                "october, february, december, november, june",
                &[2, 6, 10, 11, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_abbr_ranges",
                "jan-jun",
                &[1, 2, 3, 4, 5, 6],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_abbr_ranges",
                "jul-nov",
                &[7, 8, 9, 10, 11],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_abbr_ranges_wrapped",
                "Oct-Jun",
                &[1, 2, 3, 4, 5, 6, 10, 11, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_abbr_ranges_wrapped",
                "jul-jun",
                all,
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated_abbrs",
                "jan,mar,jul",
                &[1, 3, 7],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_comma_separated_abbrs",
                "Oct, Feb, Dec, Nov, Jun",
                &[2, 6, 10, 11, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_steps",
                "4/2",
                &[4, 6, 8, 10, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_steps",
                "Jan/3",
                &[1, 4, 7, 10],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_range_steps",
                "3-9/2",
                &[3, 5, 7, 9],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_range_steps",
                "feb-sep/6",
                &[2, 8],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_range_steps",
                "October-December/2",
                &[10, 12],
            ),
            (
                "test_months_parser.py::test_months_parser_parses_multiple_expressions",
                "3,4-6",
                &[3, 4, 5, 6],
            ),
            (
                "test_cron_to_running_period.py::test_in_period_check_months",
                "jan",
                &[1],
            ),
            (
                "test_cron_to_running_period.py::test_in_period_check_months",
                "sep",
                &[9],
            ),
            (
                "test_cron_to_running_period.py::test_in_period_check_months",
                "3",
                &[3],
            ),
            (
                "test_cron_to_running_period.py::test_in_period_check_months",
                "8",
                &[8],
            ),
            (
                "ours: a wrapped range keeps its step across the year",
                "nov-feb/2",
                &[1, 11],
            ),
        ];
        for (source, text, want) in cases {
            assert_eq!(months(text), *want, "{source}: {text}");
        }
        for (i, name) in MONTHS.iter().enumerate() {
            let source = "test_months_parser.py::test_months_parser_parses_single_names";
            for text in [
                name.to_string(),
                name.to_uppercase(),
                name[..3].to_string(),
                name[..3].to_uppercase(),
            ] {
                assert_eq!(months(&text), [i as u32 + 1], "{source}: {text}");
            }
            let source = "test_months_parser.py::test_months_parser_parses_single_numeric_values";
            assert_eq!(months(&(i + 1).to_string()), [i as u32 + 1], "{source}");
        }
        for (source, bad) in [
            (
                "test_months_parser.py::test_months_parser_errors_on_empty_set",
                "",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "13",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "befruary",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "sup",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "L",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "3-L",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "^-6",
            ),
            (
                "test_months_parser.py::test_months_parser_errors_on_invalid",
                "L-2",
            ),
            ("issue 25 item 6: never a prefix", "decimal"),
            ("issue 25 item 6: never a prefix", "janitor"),
            ("issue 25 item 6: never a prefix", "marchxyz-may"),
            ("ours: 0 is no month", "0"),
        ] {
            assert!(Months::parse(bad).is_err(), "{source}: {bad:?}");
        }
    }

    /// `_range_to_discrete_values` over the domain 1-7 of the peer's test.
    #[test]
    fn steps_count_as_the_peer_counts_them() {
        for (expr, (start, end, step), want) in [
            ("1-4", (1, 4, 1), &[1, 2, 3, 4][..]),
            ("1-7/2", (1, 7, 2), &[1, 3, 5, 7]),
            ("1-7/4", (1, 7, 4), &[1, 5]),
            ("1-L/2", (1, 7, 2), &[1, 3, 5, 7]),
            ("5-4/2", (5, 4, 2), &[2, 4, 5, 7]),
            ("6-4/2", (6, 4, 2), &[1, 3, 6]),
            ("0/2", (0, 7, 2), &[2, 4, 6]),
            ("3-12/2", (3, 12, 2), &[3, 5, 7]),
            ("4-4/2", (4, 4, 2), &[4]),
            ("8-L/2", (8, 7, 2), &[]),
            ("8/2", (8, 7, 2), &[]),
            ("8-12/2", (8, 12, 2), &[]),
        ] {
            let mut got = stepped(start, end, step, 1, 7);
            got.sort_unstable();
            assert_eq!(
                got, want,
                "test_cron_to_running_period.py::test_range_wraps_as_expected: {expr}"
            );
        }
    }
}
