//! A schedule's next seven days as people look at them: each day's
//! windows in the schedule's zone and why the day is as it is (its
//! regular periods, an exception item and who wrote it, a holiday, a bad
//! item, a pending ForceStart). Pure; the page and `plan --week` draw it.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use crate::model::{Direction, Lead, ScheduleConfig};
use crate::time::{self, Event, Reason, Window};

/// Days shown.
pub const DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct Week {
    pub schedule: String,
    pub zone: String,
    pub enabled: bool,
    pub days: Vec<Day>,
    /// A `ready-by` schedule's lead, wave by wave.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<Lead>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    /// Start and stop of each window (`crosses`: the stop is the next day).
    pub windows: Vec<Span>,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Span {
    pub start: Option<NaiveTime>,
    pub stop: Option<NaiveTime>,
    pub crosses: bool,
    /// A `ready-by` start: when its first wave starts (local; it may be
    /// the day before), `start` being when the last one is ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early: Option<NaiveDateTime>,
}

/// The week of `cfg` from `today` (a date in its zone).
pub fn week(cfg: &ScheduleConfig, today: NaiveDate) -> Week {
    let days = (0..DAYS)
        .map(|i| {
            let date = today + Duration::days(i);
            let events = time::day_events(cfg, date);
            Day {
                date,
                windows: time::day_windows(cfg, date)
                    .iter()
                    .map(|w| span(w, date, &events))
                    .collect(),
                reasons: reasons(cfg, date, i == 0),
            }
        })
        .collect();
    Week {
        schedule: cfg.schedule.name.clone(),
        zone: cfg.schedule.time_zone.name().to_string(),
        enabled: cfg.schedule.enabled,
        days,
        lead: cfg.lead().cloned(),
    }
}

/// A window, with the early start of its ready time among `events`.
fn span(w: &Window, date: NaiveDate, events: &[Event]) -> Span {
    let early = w
        .start
        .and_then(|t| time::ready_by_start(events, date.and_time(t)))
        .map(|e| e.local);
    Span {
        start: w.start,
        stop: w.stop,
        crosses: w.crosses,
        early,
    }
}

fn reasons(cfg: &ScheduleConfig, date: NaiveDate, today: bool) -> Vec<Reason> {
    let mut out = Vec::new();
    if today && cfg.schedule.force_start {
        out.push(Reason::ForceStart);
    }
    if cfg.exceptions.closed(date) {
        out.push(Reason::Closed);
        return out;
    }
    if let Some(name) = cfg.holiday(date) {
        out.push(Reason::Holiday {
            name: name.to_string(),
        });
    }
    for kind in [Direction::Start, Direction::Stop] {
        if let Some(x) = cfg.exceptions.item(date, kind) {
            out.push(Reason::exception(x));
        }
    }
    if out.is_empty() && cfg.schedule.periods_on(date).next().is_some() {
        out.push(Reason::Regular);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{config, exception_item, schedule_item};

    #[test]
    fn a_week_names_why_each_day_is_as_it_is() {
        let cfg = config(
            vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
            vec![],
            vec![exception_item("x", "dev", "2026-12-01", "start", "None")
                .with("CreatedBy", crate::testing::s("alice (Slack #ops)"))],
        );
        let mut cfg = cfg.schedules["dev"].clone();
        cfg.holidays
            .insert("2026-12-03".parse().unwrap(), "Founding Day".into());
        let w = week(&cfg, "2026-11-30".parse().unwrap());
        assert_eq!(w.days.len(), 7);
        assert_eq!(w.days[0].reasons, [Reason::Regular]);
        assert_eq!(
            w.days[1].reasons[0].text(),
            "exception: start None by alice (Slack #ops)"
        );
        assert_eq!(w.days[1].windows[0].start, None);
        assert_eq!(w.days[3].reasons[0].text(), "holiday: Founding Day");
        assert!(
            w.days[5].windows.is_empty() && w.days[5].reasons.is_empty(),
            "Saturday"
        );
    }
}
