//! The items `schedctl` and the chat bot write on a user's behalf: whole
//! exception items exactly as the original tool wrote them, plus who made
//! them. Pure: the caller writes them.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::model::{ExceptionKind, Item, ScheduleConfig, ScheduleException};
use crate::ports::{AwsError, ScheduleEditor};
use crate::time::{self, Direction};

/// `HH:MM`, or `None` for "no event that day", as the tables store times.
pub fn clock_text(value: Option<NaiveTime>) -> String {
    value
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_else(|| "None".into())
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
pub fn extend_target(
    cfg: &ScheduleConfig,
    now: DateTime<Utc>,
    until: NaiveTime,
) -> Result<(NaiveDate, DateTime<Utc>), String> {
    let tz = cfg.schedule.time_zone;
    let today = time::local_date(tz, now);
    let day = time::next_event(cfg, now, Direction::Stop)
        .filter(|e| e.day <= today)
        .map(|e| e.day)
        .unwrap_or(today);
    let stop =
        time::day_stop(&with_stop_on(cfg, day, until), day).ok_or_else(|| "no stop".to_string())?;
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

/// The schedule as it would be with a `stop` exception at `time` on `day`
/// (that day's `start` exception kept, all others dropped): enough to see
/// where that day's stop would land.
fn with_stop_on(cfg: &ScheduleConfig, day: NaiveDate, time: NaiveTime) -> ScheduleConfig {
    let mut xs = vec![ScheduleException {
        id: "stop".into(),
        schedule: cfg.schedule.name.clone(),
        date: day,
        kind: ExceptionKind::Stop,
        value: Some(time),
    }];
    if let Some(start) = cfg.exceptions.get(day, ExceptionKind::Start) {
        xs.push(ScheduleException {
            id: "start".into(),
            schedule: cfg.schedule.name.clone(),
            date: day,
            kind: ExceptionKind::Start,
            value: start,
        });
    }
    let mut moved = cfg.clone();
    moved.exceptions = crate::model::ExceptionDay::build(xs).unwrap_or_default();
    moved
}

/// Writes one exception, first removing any of the same schedule, date and
/// type, so the table never holds two that contradict each other. Returns
/// the new ExceptionUuid.
pub async fn replace_exception<E: ScheduleEditor>(
    editor: &E,
    schedule: &str,
    day: NaiveDate,
    kind: ExceptionKind,
    value: Option<NaiveTime>,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<String, AwsError> {
    for x in editor
        .exceptions()
        .await?
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
    {
        if x.schedule == schedule && x.date == day && x.kind == kind {
            editor.delete_exception(&x.id).await?;
        }
    }
    let item = exception_item(schedule, day, kind, value, created_by, now);
    let id = match item.0.get("ExceptionUuid") {
        Some(AttributeValue::S(id)) => id.clone(),
        _ => unreachable!("exception_item sets ExceptionUuid"),
    };
    editor.put_exception(item).await?;
    Ok(id)
}

/// Removes the exceptions of a schedule on a date (of one kind, or both);
/// returns how many there were.
pub async fn cancel_exceptions<E: ScheduleEditor>(
    editor: &E,
    schedule: &str,
    day: NaiveDate,
    kind: Option<ExceptionKind>,
) -> Result<usize, AwsError> {
    let mut removed = 0;
    for x in editor
        .exceptions()
        .await?
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
    {
        if x.schedule == schedule
            && x.date == day
            && kind.is_none_or(|k| k == x.kind)
            && editor.delete_exception(&x.id).await?
        {
            removed += 1;
        }
    }
    Ok(removed)
}

/// The `stop` exception that stops a schedule at `now` (rounded up to the
/// minute, so the next pass still sees it): its date and time. The date is
/// today's, or yesterday's when only that window (past midnight) puts the
/// stop at this instant.
pub fn stop_now_target(cfg: &ScheduleConfig, now: DateTime<Utc>) -> (NaiveDate, NaiveTime) {
    let tz = cfg.schedule.time_zone;
    let local = now.with_timezone(&tz).naive_local();
    let secs = local.and_utc().timestamp();
    let up = chrono::DateTime::from_timestamp(secs + (60 - secs.rem_euclid(60)) % 60, 0)
        .map(|d| d.naive_utc())
        .unwrap_or(local);
    let (date, time) = (up.date(), up.time());
    let lands_on = |day: NaiveDate| {
        time::day_stop(&with_stop_on(cfg, day, time), day).is_some_and(|e| e.local == up)
    };
    match date.pred_opt() {
        Some(yesterday) if !lands_on(date) && lands_on(yesterday) => (yesterday, time),
        _ => (date, time),
    }
}
