//! The items `schedctl` and the chat bot write on a user's behalf: whole
//! exception items exactly as the original tool wrote them, plus who made
//! them. Pure: the caller writes them.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::model::{ExceptionKind, Item, ScheduleConfig};
use crate::time::{self, Direction};

/// `HH:MM`, or `None` for "no event that day", as the tables store times.
pub fn clock_text(value: Option<NaiveTime>) -> String {
    value.map(|t| t.format("%H:%M").to_string()).unwrap_or_else(|| "None".into())
}

/// A new exception item with a fresh ExceptionUuid.
pub fn exception_item(
    schedule: &str,
    date: NaiveDate,
    kind: ExceptionKind,
    value: Option<NaiveTime>,
    created_by: &str,
    now: DateTime<Utc>,
) -> Item {
    let s = |v: String| AttributeValue::S(v);
    let map: HashMap<String, AttributeValue> = [
        ("ExceptionUuid", s(uuid::Uuid::new_v4().to_string())),
        ("ScheduleName", s(schedule.to_string())),
        ("ExceptionDate", s(date.format("%Y-%m-%d").to_string())),
        ("ExceptionType", s(kind.as_str().to_string())),
        ("ExceptionValue", s(clock_text(value))),
        ("CreatedBy", s(created_by.to_string())),
        ("CreatedAt", s(now.to_rfc3339())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Item(map)
}

/// The date whose `stop` exception moves the upcoming stop to `until`, and
/// the instant the stop would then happen. The upcoming stop is the next
/// one if it belongs to today's (or last night's) window, else today's.
pub fn extend_target(cfg: &ScheduleConfig, now: DateTime<Utc>, until: NaiveTime) -> Result<(NaiveDate, DateTime<Utc>), String> {
    let tz = cfg.schedule.time_zone;
    let today = time::local_date(tz, now);
    let day = time::next_event(cfg, now, Direction::Stop)
        .filter(|e| e.day <= today)
        .map(|e| e.day)
        .unwrap_or(today);
    let mut moved = cfg.clone();
    let mut xs: Vec<crate::model::ScheduleException> = Vec::new();
    xs.push(crate::model::ScheduleException {
        id: "new".into(),
        schedule: cfg.schedule.name.clone(),
        date: day,
        kind: ExceptionKind::Stop,
        value: Some(until),
    });
    if let Some(start) = cfg.exceptions.get(day, ExceptionKind::Start) {
        xs.push(crate::model::ScheduleException {
            id: "start".into(),
            schedule: cfg.schedule.name.clone(),
            date: day,
            kind: ExceptionKind::Start,
            value: start,
        });
    }
    moved.exceptions = crate::model::ExceptionDay::build(xs).map_err(|_| "conflicting exceptions".to_string())?;
    let stop = time::day_events(&moved, day)
        .into_iter()
        .find(|e| e.kind == Direction::Stop)
        .ok_or_else(|| "no stop".to_string())?;
    if stop.at <= now {
        return Err(format!(
            "{} is already past in {} ({} now)",
            until.format("%H:%M"),
            tz.name(),
            now.with_timezone(&tz).format("%H:%M")
        ));
    }
    Ok((day, stop.at))
}
