use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::item::{key_text, string_attr, ItemReader};
use super::{quoted, ConfigError, Item, Table};

/// One row of the Schedule table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub name: String,
    pub tag_value: String,
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
}

fn serialize_tz<S: serde::Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

/// The weekdays on which the regular StartTime/StopTime apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DaysActive(u8);

impl DaysActive {
    pub const ALL: DaysActive = DaysActive(0b111_1111);

    /// Parses `all`, `weekdays`, `weekends` or a list such as `mon, Wed,FRI`.
    pub fn parse(text: &str) -> Result<DaysActive, String> {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "all" | "everyday" | "daily" => return Ok(Self::ALL),
            "weekdays" => {
                return Ok(Self::from_days(&[
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                ]))
            }
            "weekends" => return Ok(Self::from_days(&[Weekday::Sat, Weekday::Sun])),
            _ => {}
        }
        let mut days = Vec::new();
        for part in t.split(',') {
            let p = part.trim();
            let day = match p {
                "mon" | "monday" => Weekday::Mon,
                "tue" | "tues" | "tuesday" => Weekday::Tue,
                "wed" | "wednesday" => Weekday::Wed,
                "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
                "fri" | "friday" => Weekday::Fri,
                "sat" | "saturday" => Weekday::Sat,
                "sun" | "sunday" => Weekday::Sun,
                _ => {
                    return Err(format!(
                        "{} is not a day (use all, weekdays, weekends or a list like mon,wed,fri)",
                        quoted(p)
                    ))
                }
            };
            days.push(day);
        }
        Ok(Self::from_days(&days))
    }

    fn from_days(days: &[Weekday]) -> DaysActive {
        DaysActive(
            days.iter()
                .fold(0, |m, d| m | 1 << d.num_days_from_monday()),
        )
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }
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

impl Schedule {
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
}

/// `HH:MM`, or `None` for "no time", as the tables store times.
pub fn clock_text(value: Option<NaiveTime>) -> String {
    value
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_else(|| "None".into())
}

impl Schedule {
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
        Ok(Schedule {
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
        })
    }
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
        assert!(sch.days.contains(Weekday::Fri) && !sch.days.contains(Weekday::Sat));
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
    fn days_active_ignores_case_and_spaces() {
        let d = DaysActive::parse(" Mon, WED ,fri").unwrap();
        assert!(d.contains(Weekday::Mon) && d.contains(Weekday::Wed) && d.contains(Weekday::Fri));
        assert!(!d.contains(Weekday::Tue));
        let w = DaysActive::parse("weekends").unwrap();
        assert!(w.contains(Weekday::Sun) && !w.contains(Weekday::Mon));
        assert!(DaysActive::parse("funday").unwrap_err().contains("funday"));
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
