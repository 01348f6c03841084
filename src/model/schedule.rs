use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use serde::Serialize;

use super::days::{DaysActive, MonthDays, Months};
use super::item::{key_text, string_attr, ItemReader};
use super::lead::StartMode;
use super::{quoted, ConfigError, Item, Table};
use crate::target::Target;

/// One row of the Schedule table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub name: String,
    pub tag_value: String,
    /// DaysActive, StartTime and StopTime: the original attributes, and
    /// the first of the schedule's periods.
    pub days: DaysActive,
    /// DaysActive as the item spells it (the bot's `info` shows it).
    pub days_text: String,
    pub enabled: bool,
    pub start: Option<NaiveTime>,
    pub stop: Option<NaiveTime>,
    pub force_start: bool,
    #[serde(serialize_with = "serialize_tz")]
    pub time_zone: Tz,
    pub enforced: bool,
    /// `Periods`: more windows; a day's window is the union of all that apply.
    pub periods: Vec<Period>,
    /// `MonthDays` and `Months`: further limits on every period's days.
    pub month_days: Option<MonthDays>,
    pub months: Option<Months>,
    /// `HolidayCalendars`: iCalendar feeds whose days are `start None` days.
    pub holiday_calendars: Vec<String>,
    /// `Targets`: the `ROLE_ARN@REGION` targets it applies to, parsed once;
    /// empty: all.
    pub targets: Vec<Target>,
    /// `StartMode`: whether StartTime is when the first wave starts or
    /// when the last one is ready.
    pub start_mode: StartMode,
}

/// One window of the days it applies to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub days: DaysActive,
    pub start: Option<NaiveTime>,
    pub stop: Option<NaiveTime>,
    /// The period's own `MonthDays` and `Months` (as AWS Instance
    /// Scheduler's periods carry them), within the schedule's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month_days: Option<MonthDays>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub months: Option<Months>,
    /// Neither StartTime nor StopTime: up from midnight to midnight.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub all_day: bool,
}

impl Period {
    /// Whether the period applies on `date` (its days, month days, months).
    fn applies(&self, date: NaiveDate) -> bool {
        self.days.contains(date)
            && self.month_days.as_ref().is_none_or(|m| m.contains(date))
            && self.months.as_ref().is_none_or(|m| m.contains(date))
    }

    fn is_weekly(&self) -> bool {
        self.days.is_weekly() && self.month_days.is_none() && self.months.is_none()
    }
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// Parses `H:M` with one or two digits each (24 h; `9:5` is 09:05, as the
/// original bot wrote times through Python's `strptime('%H:%M')`), or
/// `None` for "no time".
pub fn parse_clock(text: &str) -> Result<Option<NaiveTime>, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let bad = || format!("{} is not a time HH:MM (00:00-23:59) or None", quoted(text));
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveTime::from_hms_opt(h, m, 0)
        .filter(|_| h < 24 && m < 60)
        .map(Some)
        .ok_or_else(bad)
}

/// `HH:MM`, or `None` for "no time", as the tables store times.
pub fn clock_text(value: Option<NaiveTime>) -> String {
    value
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_else(|| "None".into())
}

impl Schedule {
    /// The periods that apply on `date`: the original attributes' and the
    /// `Periods`, within MonthDays and Months.
    pub fn periods_on(&self, date: NaiveDate) -> impl Iterator<Item = Period> + '_ {
        let base = Period {
            days: self.days.clone(),
            start: self.start,
            stop: self.stop,
            month_days: None,
            months: None,
            all_day: false,
        };
        let in_month = self.month_days.as_ref().is_none_or(|m| m.contains(date))
            && self.months.as_ref().is_none_or(|m| m.contains(date));
        std::iter::once(base)
            .chain(self.periods.iter().cloned())
            .filter(move |p| in_month && p.applies(date))
    }

    /// Whether every period repeats each week (no nth weekday, MonthDays or
    /// Months), so a week of days holds every kind of event.
    pub fn is_weekly(&self) -> bool {
        self.month_days.is_none()
            && self.months.is_none()
            && self.days.is_weekly()
            && self.periods.iter().all(Period::is_weekly)
    }

    /// Where this item means something else to this scheduler than it did
    /// to the original tool, one line each, so a team sees it before
    /// switching over.
    pub fn differences_from_original(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let (Some(start), Some(stop)) = (self.start, self.stop) {
            if stop < start {
                out.push(format!(
                    "schedule {}: StopTime {} is earlier than StartTime {}: the servers run past midnight until {} the next day (the original tool stopped them at {} the same day, before the start)",
                    self.name,
                    clock_text(Some(stop)),
                    clock_text(Some(start)),
                    clock_text(Some(stop)),
                    clock_text(Some(stop)),
                ));
            }
        }
        out
    }

    /// Reads a Schedule item; `default_zone` applies when it has no TimeZone.
    pub fn from_item(item: &Item, default_zone: Tz) -> Result<Schedule, ConfigError> {
        let mut r = ItemReader::new(item, Table::Schedule, key_text(item, &["ScheduleName"]));
        r.schedule = string_attr(item, "ScheduleName");
        let name = r.required_text("ScheduleName")?;
        let tag_value = r.required_text("TagValue")?;
        let days_text: String = r.required("DaysActive", "a string (S)")?;
        let days = DaysActive::parse(&days_text).map_err(|e| r.error("DaysActive", e))?;
        let enabled = r.required("Enabled", "a boolean (BOOL)")?;
        let clock = |attr: &str| -> Result<Option<NaiveTime>, ConfigError> {
            let text: String = r.required(attr, "a string (S) HH:MM or None")?;
            parse_clock(&text).map_err(|e| r.error(attr, e))
        };
        let start = clock("StartTime")?;
        let stop = clock("StopTime")?;
        let force_start = r
            .optional("ForceStart", "a boolean (BOOL)")?
            .unwrap_or(false);
        let time_zone = match r.optional::<String>("TimeZone", "a string (S)")? {
            None => default_zone,
            Some(z) if z.trim().is_empty() => default_zone,
            Some(z) => z.trim().parse::<Tz>().map_err(|_| {
                r.error(
                    "TimeZone",
                    format!("{} is not an IANA time zone", quoted(&z)),
                )
            })?,
        };
        let enforced = r.optional("Enforced", "a boolean (BOOL)")?.unwrap_or(false);
        let text = |attr: &str| r.optional::<String>(attr, "a string (S)");
        let month_days = text("MonthDays")?
            .map(|t| MonthDays::parse(&t).map_err(|e| r.error("MonthDays", e)))
            .transpose()?;
        let months = text("Months")?
            .map(|t| Months::parse(&t).map_err(|e| r.error("Months", e)))
            .transpose()?;
        let holiday_calendars = urls(&r, "HolidayCalendars")?;
        let targets = r
            .optional::<Vec<String>>("Targets", "a list (L) of strings (S) ROLE_ARN@REGION")?
            .unwrap_or_default()
            .iter()
            .map(|t| Target::parse(t).map_err(|e| r.error("Targets", e)))
            .collect::<Result<Vec<Target>, _>>()?;
        let start_mode = text("StartMode")?
            .map(|t| StartMode::parse(&t).map_err(|e| r.error("StartMode", e)))
            .transpose()?
            .unwrap_or_default();
        Ok(Schedule {
            start_mode,
            name,
            tag_value,
            days,
            days_text,
            enabled,
            start,
            stop,
            force_start,
            time_zone,
            enforced,
            periods: periods(&r)?,
            month_days,
            months,
            holiday_calendars,
            targets,
        })
    }
}

/// `Periods`: a list (L) of maps (M) with DaysActive (default: every
/// day), StartTime and StopTime (both left out: all day), and optional
/// MonthDays and Months.
fn periods(r: &ItemReader) -> Result<Vec<Period>, ConfigError> {
    let Some(value) = r.item.0.get("Periods") else {
        return Ok(vec![]);
    };
    let expected = "a list (L) of maps (M) with DaysActive, StartTime and StopTime";
    let AttributeValue::L(list) = value else {
        return Err(r.error("Periods", format!("must be {expected}")));
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let at = |field: &str| format!("Periods[{i}].{field}");
        let AttributeValue::M(map) = p else {
            return Err(r.error(&at(""), format!("must be a map (M); {expected}")));
        };
        let text = |field: &str| match map.get(field) {
            Some(AttributeValue::S(s)) => Ok(Some(s.clone())),
            Some(_) => Err(r.error(&at(field), "must be a string (S)")),
            None => Ok(None),
        };
        let (start, stop) = (text("StartTime")?, text("StopTime")?);
        let all_day = start.is_none() && stop.is_none();
        let clock = |field: &str, value: Option<String>| {
            match value {
            Some(t) => parse_clock(&t).map_err(|e| r.error(&at(field), e)),
            None if all_day => Ok(None),
            None => Err(r.error(
                &at(field),
                "missing (must be a string (S) HH:MM or None; leave out both StartTime and StopTime for a period that runs all day)",
            )),
        }
        };
        let days = match text("DaysActive")? {
            Some(t) => DaysActive::parse(&t).map_err(|e| r.error(&at("DaysActive"), e))?,
            None => DaysActive::all(),
        };
        out.push(Period {
            days,
            start: clock("StartTime", start)?,
            stop: clock("StopTime", stop)?,
            month_days: text("MonthDays")?
                .map(|t| MonthDays::parse(&t))
                .transpose()
                .map_err(|e| r.error(&at("MonthDays"), e))?,
            months: text("Months")?
                .map(|t| Months::parse(&t))
                .transpose()
                .map_err(|e| r.error(&at("Months"), e))?,
            all_day,
        });
    }
    Ok(out)
}

/// A list (L) of `https://` (or `http://`) URLs.
fn urls(r: &ItemReader, attr: &str) -> Result<Vec<String>, ConfigError> {
    let urls: Vec<String> = r
        .optional(attr, "a list (L) of https:// URLs (S)")?
        .unwrap_or_default();
    for u in &urls {
        let u = u.trim();
        if !(u.starts_with("https://") || u.starts_with("http://")) || u.len() < 10 {
            return Err(r.error(
                attr,
                format!("{} is not an https:// URL", quoted(&super::shown_url(u))),
            ));
        }
    }
    Ok(urls.into_iter().map(|u| u.trim().to_string()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue as Av;

    const SEOUL: Tz = chrono_tz::Asia::Seoul;

    pub(crate) fn item(pairs: &[(&str, Av)]) -> Item {
        Item(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn s(v: &str) -> Av {
        Av::S(v.into())
    }

    fn original() -> Item {
        item(&[
            ("ScheduleName", s("SampleSchedule")),
            ("TagValue", s("SampleScheduleTag")),
            ("DaysActive", s("weekdays")),
            ("Enabled", Av::Bool(true)),
            ("StartTime", s("09:00")),
            ("StopTime", s("18:00")),
            ("ForceStart", Av::Bool(false)),
        ])
    }

    #[test]
    fn reads_the_original_tools_item_unchanged() {
        let sch = Schedule::from_item(&original(), SEOUL).unwrap();
        assert_eq!(sch.name, "SampleSchedule");
        assert_eq!(sch.start, NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(sch.time_zone, chrono_tz::Asia::Seoul);
        assert!(sch
            .days
            .contains(NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()));
        assert!(!sch
            .days
            .contains(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()));
        assert!(!sch.enforced);
    }

    #[test]
    fn clock_accepts_h_mm_and_none_and_rejects_nonsense() {
        assert_eq!(
            parse_clock("9:05").unwrap(),
            NaiveTime::from_hms_opt(9, 5, 0)
        );
        assert_eq!(
            parse_clock("9:5").unwrap(),
            NaiveTime::from_hms_opt(9, 5, 0)
        );
        assert_eq!(
            parse_clock("12:5").unwrap(),
            NaiveTime::from_hms_opt(12, 5, 0)
        );
        assert_eq!(parse_clock("None").unwrap(), None);
        assert_eq!(parse_clock("none").unwrap(), None);
        for bad in [
            "25:00",
            "24:00",
            "9:7x",
            "12:60",
            "1200",
            "",
            "12:",
            ":30",
            "-1:00",
            "12:000",
            "１２:00",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_name_table_key_and_attribute() {
        let mut it = original();
        it.0.insert("StartTime".into(), s("25:00"));
        let e = Schedule::from_item(&it, SEOUL).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Schedule item [ScheduleName=SampleSchedule] attribute StartTime: \"25:00\" is not a time HH:MM (00:00-23:59) or None (schedule SampleSchedule disabled)"
        );
        let mut it = original();
        it.0.insert("StartMode".into(), s("early"));
        assert_eq!(
            Schedule::from_item(&it, SEOUL).unwrap_err().to_string(),
            "Schedule item [ScheduleName=SampleSchedule] attribute StartMode: \"early\" is not at or ready-by (schedule SampleSchedule disabled)"
        );
        let mut it = original();
        it.0.insert("Enabled".into(), s("true"));
        let e = Schedule::from_item(&it, SEOUL).unwrap_err();
        assert_eq!(e.attribute.as_deref(), Some("Enabled"));
        assert!(e.problem.contains("boolean"), "{e}");
        let mut it = original();
        it.0.insert("TimeZone".into(), s("Mars/Olympus"));
        assert_eq!(
            Schedule::from_item(&it, SEOUL)
                .unwrap_err()
                .attribute
                .as_deref(),
            Some("TimeZone")
        );
        let mut it = original();
        it.0.remove("TagValue");
        assert!(Schedule::from_item(&it, SEOUL)
            .unwrap_err()
            .problem
            .starts_with("missing"));
    }
}

#[cfg(test)]
mod new_attributes {
    use super::*;
    use crate::testing::{period, s, schedule_item};

    const SEOUL: Tz = chrono_tz::Asia::Seoul;

    #[test]
    fn periods_month_rules_and_calendars_are_read() {
        let item = schedule_item("dev", "weekdays", "09:00", "22:00")
            .with(
                "Periods",
                AttributeValue::L(vec![period("sat", "10:00", "14:00")]),
            )
            .with("MonthDays", s("1-3,L"))
            .with("Months", s("jan-mar"))
            .with(
                "HolidayCalendars",
                AttributeValue::L(vec![s("https://example.com/kr.ics")]),
            );
        let sch = Schedule::from_item(&item, SEOUL).unwrap();
        assert_eq!(sch.periods.len(), 1);
        assert_eq!(sch.holiday_calendars, ["https://example.com/kr.ics"]);
        let sat = NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
        assert_eq!(sch.periods_on(sat).count(), 1, "only the Saturday period");
        let mid_month = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(sch.periods_on(mid_month).count(), 0, "outside MonthDays");
    }

    #[test]
    fn a_bad_new_attribute_names_itself() {
        let base = schedule_item("dev", "weekdays", "09:00", "22:00");
        for (attr, value, named) in [
            (
                "Periods",
                AttributeValue::L(vec![period("sat", "25:00", "14:00")]),
                "Periods[0].StartTime",
            ),
            (
                "Periods",
                AttributeValue::L(vec![period("caturday", "10:00", "14:00")]),
                "Periods[0].DaysActive",
            ),
            ("Periods", s("sat 10-14"), "Periods"),
            ("MonthDays", s("32"), "MonthDays"),
            ("Months", s("smarch"), "Months"),
            (
                "HolidayCalendars",
                AttributeValue::L(vec![s("ftp://x/y.ics")]),
                "HolidayCalendars",
            ),
            ("HolidayCalendars", s("https://x/y.ics"), "HolidayCalendars"),
        ] {
            let e = Schedule::from_item(&base.clone().with(attr, value), SEOUL).unwrap_err();
            assert_eq!(e.attribute.as_deref(), Some(named), "{e}");
            assert!(e.to_string().ends_with("(schedule dev disabled)"), "{e}");
        }
    }
}
