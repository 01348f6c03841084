//! Where a moved stop lands: the `stop` exception that `extend` (the CLI,
//! the bot and the warning's button) writes must name the day whose window
//! the stop belongs to, which for a window past midnight is yesterday.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::{day_stop, local_date, next_event, resolve_local};
use crate::model::{Direction, ExceptionDay, ScheduleConfig, ScheduleException};

/// A stop that would move to a time already past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Past {
    pub until: NaiveTime,
    pub zone: Tz,
    /// The local time now.
    pub now: NaiveDateTime,
}

impl fmt::Display for Past {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is already past in {} ({} now)",
            self.until.format("%H:%M"),
            self.zone.name(),
            self.now.format("%H:%M")
        )
    }
}

/// The date whose `stop` exception moves the upcoming stop to `until`, and
/// the instant the stop would then happen. The upcoming stop is the next
/// one if it belongs to today's (or last night's) window, else today's.
/// Refused when that instant is already past.
pub fn extend_target(
    cfg: &ScheduleConfig,
    now: DateTime<Utc>,
    until: NaiveTime,
) -> Result<(NaiveDate, DateTime<Utc>), Past> {
    let tz = cfg.schedule.time_zone;
    let today = local_date(tz, now);
    let day = next_event(cfg, now, Direction::Stop)
        .filter(|e| e.day <= today)
        .map(|e| e.day)
        .unwrap_or(today);
    let at = day_stop(&with_stop_on(cfg, day, until), day)
        .map_or_else(|| resolve_local(tz, day.and_time(until)), |e| e.at);
    if at <= now {
        return Err(Past {
            until,
            zone: tz,
            now: now.with_timezone(&tz).naive_local(),
        });
    }
    Ok((day, at))
}

/// The schedule as it would be with a `stop` exception at `time` on `day`
/// (that day's `start` exception kept, all others dropped): enough to see
/// where that day's stop would land.
fn with_stop_on(cfg: &ScheduleConfig, day: NaiveDate, time: NaiveTime) -> ScheduleConfig {
    let exception = |id: &str, kind, value| ScheduleException {
        id: id.into(),
        schedule: cfg.schedule.name.clone(),
        date: day,
        kind,
        value,
        created_by: None,
    };
    let mut xs = vec![exception("stop", Direction::Stop, Some(time))];
    if let Some(start) = cfg.exceptions.get(day, Direction::Start) {
        xs.push(exception("start", Direction::Start, start));
    }
    let mut moved = cfg.clone();
    moved.exceptions = ExceptionDay::build(xs, Default::default()).0;
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{schedule_config, utc};

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn extend_moves_todays_stop() {
        let c = schedule_config(
            chrono_tz::Asia::Seoul,
            "all",
            Some("09:00"),
            Some("22:00"),
            &[],
        );
        let (d, at) = extend_target(&c, utc("2026-11-30T21:50:00+09:00"), t(23, 0)).unwrap();
        assert_eq!(d, day("2026-11-30"));
        assert_eq!(at, utc("2026-11-30T23:00:00+09:00"));
    }

    #[test]
    fn extend_after_midnight_names_the_day_the_window_started() {
        // 22:00-02:00: at 01:30 on Dec 1 the stop belongs to Nov 30.
        let c = schedule_config(
            chrono_tz::Asia::Seoul,
            "all",
            Some("22:00"),
            Some("02:00"),
            &[],
        );
        let (d, at) = extend_target(&c, utc("2026-12-01T01:30:00+09:00"), t(3, 0)).unwrap();
        assert_eq!(d, day("2026-11-30"));
        assert_eq!(at, utc("2026-12-01T03:00:00+09:00"));
    }

    #[test]
    fn extend_to_a_time_already_past_is_refused() {
        let c = schedule_config(
            chrono_tz::Asia::Seoul,
            "all",
            Some("09:00"),
            Some("22:00"),
            &[],
        );
        let e = extend_target(&c, utc("2026-11-30T21:50:00+09:00"), t(21, 0)).unwrap_err();
        assert!(e.to_string().contains("already past"), "{e}");
    }
}
