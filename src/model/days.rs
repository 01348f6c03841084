//! Which days a schedule (or one of its periods) is active: DaysActive as
//! the original tool wrote it (`all`, `weekdays`, `weekends`, `mon,wed,fri`),
//! plus ranges (`mon-fri`), the nth weekday of a month (`mon#1`), the last
//! one (`fri#L`); and the optional MonthDays (`1-3,15,L`) and Months
//! (`jan-mar,dec`) that narrow them further.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::quoted;

const DAYS: [(&[&str], Weekday); 7] = [
    (&["mon", "monday"], Weekday::Mon),
    (&["tue", "tues", "tuesday"], Weekday::Tue),
    (&["wed", "wednesday"], Weekday::Wed),
    (&["thu", "thur", "thurs", "thursday"], Weekday::Thu),
    (&["fri", "friday"], Weekday::Fri),
    (&["sat", "saturday"], Weekday::Sat),
    (&["sun", "sunday"], Weekday::Sun),
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn weekday(word: &str) -> Option<Weekday> {
    DAYS.iter()
        .find(|(names, _)| names.contains(&word))
        .map(|(_, d)| *d)
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

    /// Parses `all`, `weekdays`, `weekends` or a comma list of `mon`,
    /// `mon-fri`, `mon#1`..`mon#5` and `fri#L` (case and spaces ignored).
    pub fn parse(text: &str) -> Result<DaysActive, String> {
        let t = text.trim().to_ascii_lowercase();
        let bits = |days: &[Weekday]| {
            days.iter()
                .fold(0u8, |m, d| m | 1 << d.num_days_from_monday())
        };
        match t.as_str() {
            "all" | "everyday" | "daily" => {
                return Ok(DaysActive {
                    every: Self::ALL,
                    nth: vec![],
                })
            }
            "weekdays" => {
                return Ok(DaysActive {
                    every: 0b001_1111,
                    nth: vec![],
                })
            }
            "weekends" => {
                return Ok(DaysActive {
                    every: bits(&[Weekday::Sat, Weekday::Sun]),
                    nth: vec![],
                })
            }
            _ => {}
        }
        let bad = |p: &str| {
            format!(
                "{} is not a day (use all, weekdays, weekends or a list like mon,wed,fri, mon-fri, mon#1, fri#L)",
                quoted(p)
            )
        };
        let mut days = DaysActive::default();
        for part in t.split(',') {
            let p = part.trim();
            if let Some((day, rank)) = p.split_once('#') {
                let day = weekday(day.trim()).ok_or_else(|| bad(p))?;
                let nth = match rank.trim() {
                    "l" | "last" => Nth::Last,
                    n => match n.parse::<u8>() {
                        Ok(n @ 1..=5) => Nth::Number(n),
                        _ => return Err(bad(p)),
                    },
                };
                days.nth.push((day, nth));
            } else if let Some((from, to)) = p.split_once('-') {
                let (from, to) = (weekday(from.trim()), weekday(to.trim()));
                let (Some(from), Some(to)) = (from, to) else {
                    return Err(bad(p));
                };
                let mut d = from;
                loop {
                    days.every |= 1 << d.num_days_from_monday();
                    if d == to {
                        break;
                    }
                    d = d.succ();
                }
            } else {
                let d = weekday(p).ok_or_else(|| bad(p))?;
                days.every |= 1 << d.num_days_from_monday();
            }
        }
        Ok(days)
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

/// MonthDays: days of the month (`1-3,15,L`; `L` is the last day).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthDays {
    /// Bit `n`: day `n` of the month (1..=31).
    days: u32,
    last: bool,
}

impl MonthDays {
    pub fn parse(text: &str) -> Result<MonthDays, String> {
        let bad = |p: &str| {
            format!(
                "{} is not a day of the month (use 1-31, ranges like 1-3, and L)",
                quoted(p)
            )
        };
        let mut out = MonthDays::default();
        for part in text.split(',') {
            let p = part.trim().to_ascii_lowercase();
            let number = |s: &str| match s.trim().parse::<u32>() {
                Ok(n @ 1..=31) => Ok(n),
                _ => Err(bad(&p)),
            };
            if p == "l" || p == "last" {
                out.last = true;
            } else if let Some((from, to)) = p.split_once('-') {
                let (from, to) = (number(from)?, number(to)?);
                if from > to {
                    return Err(bad(&p));
                }
                (from..=to).for_each(|d| out.days |= 1 << d);
            } else {
                out.days |= 1 << number(&p)?;
            }
        }
        Ok(out)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        let last = date
            .succ_opt()
            .is_none_or(|next| next.month() != date.month());
        self.days & (1 << date.day()) != 0 || (self.last && last)
    }
}

/// Months: `jan-mar,dec` (names or numbers 1-12).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Months(u16);

impl Months {
    pub fn parse(text: &str) -> Result<Months, String> {
        let bad = |p: &str| {
            format!(
                "{} is not a month (use jan-dec or 1-12, ranges like jan-mar)",
                quoted(p)
            )
        };
        let month = |s: &str| -> Option<u32> {
            let s = s.trim();
            s.parse::<u32>()
                .ok()
                .filter(|n| (1..=12).contains(n))
                .or_else(|| {
                    MONTHS
                        .iter()
                        .position(|m| s.starts_with(m) && s.len() >= 3)
                        .map(|i| i as u32 + 1)
                })
        };
        let mut out = 0u16;
        for part in text.split(',') {
            let p = part.trim().to_ascii_lowercase();
            let (from, to) = match p.split_once('-') {
                Some((a, b)) => (month(a), month(b)),
                None => (month(&p), month(&p)),
            };
            let (Some(from), Some(to)) = (from, to) else {
                return Err(bad(&p));
            };
            let mut m = from;
            loop {
                out |= 1 << m;
                if m == to {
                    break;
                }
                m = m % 12 + 1;
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
        for bad in ["funday", "mon#6", "mon#", "xx-fri", "mon-", "#1"] {
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
        assert!(Months::parse("smarch").is_err());
    }
}
