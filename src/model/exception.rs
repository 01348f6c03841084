use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveTime};
use serde::Serialize;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

use super::item::{key_text, string_attr, ItemReader};
use super::schedule::{clock_text, parse_clock};
use super::{ConfigError, Direction, Item, Table};

/// One row of the ScheduleException table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleException {
    pub id: String,
    pub schedule: String,
    pub date: NaiveDate,
    pub kind: Direction,
    /// `None`: no event of this kind that day.
    pub value: Option<NaiveTime>,
}

impl ScheduleException {
    pub fn from_item(item: &Item) -> Result<ScheduleException, ConfigError> {
        let mut r = ItemReader::new(item, Table::Exception, key_text(item, &["ExceptionUuid"]));
        r.schedule = string_attr(item, "ScheduleName");
        let id = r.required_text("ExceptionUuid")?;
        let schedule = r.required_text("ScheduleName")?;
        let date_text: String = r.required("ExceptionDate", "a string (S) YYYY-MM-DD")?;
        let date = parse_date(&date_text).map_err(|e| r.error("ExceptionDate", e))?;
        let kind_text: String = r.required("ExceptionType", "a string (S): start or stop")?;
        let kind = Direction::parse(&kind_text).ok_or_else(|| {
            r.error(
                "ExceptionType",
                format!("{kind_text:?} is not start or stop"),
            )
        })?;
        let value_text: String = r.required("ExceptionValue", "a string (S) H:MM or None")?;
        let value = parse_clock(&value_text).map_err(|e| r.error("ExceptionValue", e))?;
        Ok(ScheduleException {
            id,
            schedule,
            date,
            kind,
            value,
        })
    }
}

impl ScheduleException {
    /// The item as the original tool wrote it, plus who made it and when.
    pub fn to_item(&self, created_by: &str, created_at: DateTime<Utc>) -> Item {
        let s = |v: String| AttributeValue::S(v);
        Item(
            [
                ("ExceptionUuid", s(self.id.clone())),
                ("ScheduleName", s(self.schedule.clone())),
                ("ExceptionDate", s(self.date.format("%Y-%m-%d").to_string())),
                ("ExceptionType", s(self.kind.as_str().to_string())),
                ("ExceptionValue", s(clock_text(self.value))),
                ("CreatedBy", s(created_by.to_string())),
                ("CreatedAt", s(created_at.to_rfc3339())),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        )
    }
}

/// Parses `YYYY-MM-DD`, the only date form the tables use.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    if t.len() != 10 {
        return Err(format!("{text:?} is not a date YYYY-MM-DD"));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| format!("{text:?} is not a date YYYY-MM-DD"))
}

/// A schedule's exceptions, indexed by date and kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionDay {
    by_day: BTreeMap<(NaiveDate, Direction), Option<NaiveTime>>,
    dates: BTreeSet<NaiveDate>,
}

impl ExceptionDay {
    /// Two exceptions of the same kind on the same date contradict each other
    /// unless they agree; the schedule cannot guess which one was meant.
    pub fn build(items: Vec<ScheduleException>) -> Result<ExceptionDay, Vec<ConfigError>> {
        let mut day = ExceptionDay::default();
        let mut ids: BTreeMap<(NaiveDate, Direction), String> = BTreeMap::new();
        let mut errors = Vec::new();
        for x in items {
            let slot = (x.date, x.kind);
            if let Some(previous) = day.by_day.get(&slot) {
                if *previous != x.value {
                    errors.push(ConfigError::new(
                        Table::Exception,
                        format!("[ExceptionUuid={}]", x.id),
                        Some("ExceptionValue"),
                        format!(
                            "contradicts exception {} ({} on {} twice)",
                            ids[&slot],
                            x.kind.as_str(),
                            x.date
                        ),
                        Some(x.schedule.clone()),
                    ));
                }
                continue;
            }
            day.by_day.insert(slot, x.value);
            ids.insert(slot, x.id);
            day.dates.insert(x.date);
        }
        if errors.is_empty() {
            Ok(day)
        } else {
            Err(errors)
        }
    }

    /// `None`: no exception; `Some(None)`: the event is cancelled that day.
    pub fn get(&self, date: NaiveDate, kind: Direction) -> Option<Option<NaiveTime>> {
        self.by_day.get(&(date, kind)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue as Av;

    fn item(value: &str, date: &str) -> Item {
        Item(
            [
                ("ExceptionUuid", "414faf09-5f6a-4182-b8fd-65522d7612b2"),
                ("ScheduleName", "SampleSchedule"),
                ("ExceptionDate", date),
                ("ExceptionType", "stop"),
                ("ExceptionValue", value),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Av::S(v.to_string())))
            .collect(),
        )
    }

    #[test]
    fn reads_the_original_tools_exception() {
        let x = ScheduleException::from_item(&item("21:00", "2017-07-10")).unwrap();
        assert_eq!(x.kind, Direction::Stop);
        assert_eq!(x.value, NaiveTime::from_hms_opt(21, 0, 0));
        assert_eq!(
            ScheduleException::from_item(&item("None", "2017-07-10"))
                .unwrap()
                .value,
            None
        );
        assert_eq!(
            ScheduleException::from_item(&item("9:30", "2017-07-10"))
                .unwrap()
                .value,
            NaiveTime::from_hms_opt(9, 30, 0)
        );
    }

    #[test]
    fn bad_dates_are_named() {
        for bad in ["2026-02-30", "2026-1-5", "tomorrow", "2026/01/05"] {
            let e = ScheduleException::from_item(&item("21:00", bad)).unwrap_err();
            assert_eq!(e.attribute.as_deref(), Some("ExceptionDate"), "{bad}");
            assert_eq!(e.schedule.as_deref(), Some("SampleSchedule"));
        }
    }
}
