//! Builders shared by the unit tests, the integration tests and the
//! benchmarks: items as the original tool wrote them, instances as a
//! describe returns them, instants.

use aws_sdk_dynamodb::types::AttributeValue as Av;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::fleet::Instance;
use crate::model::{
    Config, DaysActive, Direction, ExceptionDay, InstanceKind, Item, RawConfig, Schedule,
    ScheduleConfig, ScheduleException,
};

pub const SEOUL: Tz = chrono_tz::Asia::Seoul;

pub fn s(v: &str) -> Av {
    Av::S(v.into())
}

pub fn item(pairs: &[(&str, Av)]) -> Item {
    Item(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

/// A Schedule item of the original tool's README (TagValue = name).
pub fn schedule_item(name: &str, days: &str, start: &str, stop: &str) -> Item {
    item(&[
        ("ScheduleName", s(name)),
        ("TagValue", s(name)),
        ("DaysActive", s(days)),
        ("Enabled", Av::Bool(true)),
        ("StartTime", s(start)),
        ("StopTime", s(stop)),
        ("ForceStart", Av::Bool(false)),
    ])
}

/// One entry of a Schedule's `Periods` list.
pub fn period(days: &str, start: &str, stop: &str) -> Av {
    Av::M(
        [
            ("DaysActive", days),
            ("StartTime", start),
            ("StopTime", stop),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), s(v)))
        .collect(),
    )
}

pub fn group_item(schedule: &str, name: &str, kind: &str, deps: &[&str]) -> Item {
    item(&[
        ("ScheduleName", s(schedule)),
        ("GroupName", s(name)),
        ("InstanceType", s(kind)),
        ("Dependency", Av::L(deps.iter().map(|d| s(d)).collect())),
    ])
}

pub fn exception_item(id: &str, schedule: &str, date: &str, kind: &str, value: &str) -> Item {
    item(&[
        ("ExceptionUuid", s(id)),
        ("ScheduleName", s(schedule)),
        ("ExceptionDate", s(date)),
        ("ExceptionType", s(kind)),
        ("ExceptionValue", s(value)),
    ])
}

/// The three tables parsed, with Seoul as the default zone, on
/// 2026-11-01 (before every date the tests use).
pub fn config(schedules: Vec<Item>, groups: Vec<Item>, exceptions: Vec<Item>) -> Config {
    Config::parse(
        &RawConfig {
            schedules,
            groups,
            exceptions,
        },
        SEOUL,
        utc("2026-11-01T00:00:00Z"),
    )
}

/// One schedule without groups, built directly (times `HH:MM`).
pub fn schedule_config(
    tz: Tz,
    days: &str,
    start: Option<&str>,
    stop: Option<&str>,
    xs: &[(&str, Direction, Option<&str>)],
) -> ScheduleConfig {
    let t = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").unwrap();
    ScheduleConfig::new(
        Schedule {
            name: "dev".into(),
            tag_value: "dev".into(),
            days: DaysActive::parse(days).unwrap(),
            days_text: days.into(),
            enabled: true,
            start: start.map(t),
            stop: stop.map(t),
            force_start: false,
            time_zone: tz,
            enforced: false,
            periods: vec![],
            month_days: None,
            months: None,
            holiday_calendars: vec![],
            targets: vec![],
            start_mode: Default::default(),
        },
        vec![],
        ExceptionDay::build(
            xs.iter()
                .enumerate()
                .map(|(i, (d, k, v))| ScheduleException {
                    id: i.to_string(),
                    schedule: "dev".into(),
                    date: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
                    kind: *k,
                    value: v.map(t),
                    created_by: None,
                })
                .collect(),
            Default::default(),
        )
        .0,
    )
}

/// An instance tagged for `schedule` (and `group`), named after its id.
pub fn instance(
    id: &str,
    kind: InstanceKind,
    state: &str,
    schedule: &str,
    group: Option<&str>,
) -> Instance {
    Instance::new(id, kind, state).tagged(schedule, group)
}

pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// What a tracing subscriber wrote (`with_writer(move || lines.clone())`),
/// for the tests that read the logs.
#[derive(Clone, Default)]
pub struct LogLines(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl LogLines {
    /// Makes `subscriber` this thread's until the guard drops.
    ///
    /// tracing caches, once per call site and for the whole process, whether
    /// anyone listens. With a single dispatcher registered, a sibling test's
    /// thread without a subscriber that reaches a call site first caches
    /// "never" for everyone, and the event never reaches this subscriber
    /// (tokio-rs/tracing#3611). A global registry, installed once, is a second
    /// dispatcher that always listens, so no call site is cached as "never".
    pub fn capture<S>(subscriber: S) -> tracing::subscriber::DefaultGuard
    where
        S: tracing::Subscriber + Send + Sync + 'static,
    {
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            // Fails only when a global subscriber is already set: also fine.
            let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        });
        tracing::subscriber::set_default(subscriber)
    }

    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::LogLines;

    fn warn_once_per_call() {
        tracing::warn!("reached");
    }

    #[test]
    fn a_capture_sees_a_call_site_another_thread_reached_first() {
        let lines = LogLines::default();
        let writer = lines.clone();
        let _guard = LogLines::capture(
            tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .finish(),
        );
        // A thread without a subscriber registers the call site first.
        std::thread::spawn(warn_once_per_call).join().unwrap();
        warn_once_per_call();
        assert!(lines.text().contains("reached"), "{}", lines.text());
    }
}
