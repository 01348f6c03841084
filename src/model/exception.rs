use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::item::{key_text, string_attr, ItemReader};
use super::schedule::{clock_text, parse_clock};
use super::{quoted, ConfigError, Direction, Effect, Item, Table};

/// One row of the ScheduleException table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScheduleException {
    pub id: String,
    pub schedule: String,
    pub date: NaiveDate,
    pub kind: Direction,
    /// `None`: no event of this kind that day.
    pub value: Option<NaiveTime>,
    /// Who wrote it (`CreatedBy`: `schedctl`, the bot, `holidays`); the
    /// original tool wrote none.
    pub created_by: Option<String>,
}

impl ScheduleException {
    /// Reads an item. A bad one's error takes out only its date when that
    /// can be read, and nothing when it cannot: the original tool read
    /// only today's exceptions, so its users' old items must never disable
    /// a whole schedule.
    pub fn from_item(item: &Item) -> Result<ScheduleException, ConfigError> {
        let mut r = ItemReader::new(item, Table::Exception, key_text(item, &["ExceptionUuid"]));
        r.schedule = string_attr(item, "ScheduleName");
        let date = r
            .required::<String>("ExceptionDate", "a string (S) YYYY-MM-DD")
            .and_then(|t| parse_date(&t).map_err(|e| r.error("ExceptionDate", e)))
            .map_err(|e| e.with_effect(Effect::Ignored))?;
        let on_date = |e: ConfigError| e.with_effect(Effect::DisablesDate(date));
        let id = r.required_text("ExceptionUuid").map_err(on_date)?;
        let schedule = r.required_text("ScheduleName").map_err(on_date)?;
        let kind_text: String = r
            .required("ExceptionType", "a string (S): start or stop")
            .map_err(on_date)?;
        let kind = Direction::parse(&kind_text).ok_or_else(|| {
            on_date(r.error(
                "ExceptionType",
                format!("{} is not start or stop", quoted(&kind_text)),
            ))
        })?;
        let value_text: String = r
            .required("ExceptionValue", "a string (S) H:MM or None")
            .map_err(on_date)?;
        let value = parse_clock(&value_text).map_err(|e| on_date(r.error("ExceptionValue", e)))?;
        let created_by = r.optional("CreatedBy", "a string (S)").ok().flatten();
        Ok(ScheduleException {
            id,
            schedule,
            date,
            kind,
            value,
            created_by,
        })
    }

    /// The item as the original tool wrote it, plus who made it and when.
    pub fn to_item(&self, created_at: DateTime<Utc>) -> Item {
        let s = |v: String| AttributeValue::S(v);
        let mut item = Item(
            [
                ("ExceptionUuid", s(self.id.clone())),
                ("ScheduleName", s(self.schedule.clone())),
                ("ExceptionDate", s(self.date.format("%Y-%m-%d").to_string())),
                ("ExceptionType", s(self.kind.as_str().to_string())),
                ("ExceptionValue", s(clock_text(self.value))),
                ("CreatedAt", s(created_at.to_rfc3339())),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        );
        if let Some(who) = &self.created_by {
            item = item.with("CreatedBy", s(who.clone()));
        }
        item
    }
}

/// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and
/// day), the only date form the tables use; what it accepts prints back
/// the same.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("{} is not a date YYYY-MM-DD", quoted(text));
    let t = text.trim();
    let shape = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if !shape {
        return Err(bad());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| bad())
}

/// A schedule's exceptions, indexed by date and kind, and the dates that
/// bad exception items take out of service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExceptionDay {
    by_day: BTreeMap<(NaiveDate, Direction), ScheduleException>,
    closed: BTreeSet<NaiveDate>,
}

impl ExceptionDay {
    /// Indexes `items`; `closed` are the dates of this schedule's bad
    /// exception items. Two exceptions of the same kind on the same date
    /// contradict each other unless they agree: the schedule cannot guess
    /// which one was meant, so that date is closed too and reported.
    pub fn build(
        items: Vec<ScheduleException>,
        closed: BTreeSet<NaiveDate>,
    ) -> (ExceptionDay, Vec<ConfigError>) {
        let mut day = ExceptionDay {
            by_day: BTreeMap::new(),
            closed,
        };
        let mut errors = Vec::new();
        for x in items {
            let slot = (x.date, x.kind);
            match day.by_day.get(&slot) {
                Some(previous) if previous.value != x.value => {
                    errors.push(
                        ConfigError::new(
                            Table::Exception,
                            format!("[ExceptionUuid={}]", x.id),
                            Some("ExceptionValue"),
                            format!(
                                "contradicts exception {} ({} on {} twice)",
                                previous.id, x.kind, x.date
                            ),
                            Some(x.schedule.clone()),
                        )
                        .with_effect(Effect::DisablesDate(x.date)),
                    );
                    day.closed.insert(x.date);
                }
                Some(_) => {}
                None => {
                    day.by_day.insert(slot, x);
                }
            }
        }
        (day, errors)
    }

    /// `None`: no exception; `Some(None)`: the event is cancelled that day.
    pub fn get(&self, date: NaiveDate, kind: Direction) -> Option<Option<NaiveTime>> {
        self.by_day.get(&(date, kind)).map(|x| x.value)
    }

    /// The exception item behind [`Self::get`].
    pub fn item(&self, date: NaiveDate, kind: Direction) -> Option<&ScheduleException> {
        self.by_day.get(&(date, kind))
    }

    /// Whether a bad exception item takes this date out of service.
    pub fn closed(&self, date: NaiveDate) -> bool {
        self.closed.contains(&date)
    }

    /// Whether it holds any exception item (each names its schedule, so
    /// no other schedule's exceptions are ever equal).
    pub fn has_items(&self) -> bool {
        !self.by_day.is_empty()
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
            ScheduleException::from_item(&item("9:5", "2017-07-10"))
                .unwrap()
                .value,
            NaiveTime::from_hms_opt(9, 5, 0)
        );
    }

    #[test]
    fn bad_dates_are_named_and_the_item_ignored() {
        for bad in [
            "2026-02-30",
            "2026-1-5",
            "tomorrow",
            "2026/01/05",
            "+10000-1-1",
            "+2026-1-01",
        ] {
            let e = ScheduleException::from_item(&item("21:00", bad)).unwrap_err();
            assert_eq!(e.attribute.as_deref(), Some("ExceptionDate"), "{bad}");
            assert_eq!(e.schedule.as_deref(), Some("SampleSchedule"));
            assert_eq!(e.effect, Effect::Ignored);
        }
    }

    #[test]
    fn other_bad_attributes_take_out_only_their_date() {
        let mut it = item("21:00", "2017-07-10");
        it.0.insert("ExceptionType".into(), Av::S("pause".into()));
        let e = ScheduleException::from_item(&it).unwrap_err();
        assert_eq!(
            e.effect,
            Effect::DisablesDate(NaiveDate::from_ymd_opt(2017, 7, 10).unwrap())
        );
        assert!(
            e.to_string()
                .ends_with("(schedule SampleSchedule does nothing on 2017-07-10)"),
            "{e}"
        );
    }

    #[test]
    fn dates_round_trip() {
        for d in ["2026-12-01", "1999-01-31"] {
            assert_eq!(parse_date(d).unwrap().to_string(), d);
        }
    }
}
