//! The stop warning: once per stop instant, `Timing::warning` ahead, and
//! only while servers run.

use chrono::{DateTime, Duration, Utc};

use super::roster::Roster;
use super::{Timing, Warning};
use crate::fleet::Power;
use crate::state::ScheduleState;
use crate::time::Event;

/// The warning due now, if any; remembers it in `state` so it goes once.
pub(super) fn due(
    now: DateTime<Utc>,
    next_stop: Option<Event>,
    roster: &Roster,
    state: &mut ScheduleState,
    timing: &Timing,
) -> Option<Warning> {
    state.warned.retain(|at| *at > now - Duration::days(2));
    let stop = next_stop?;
    let lead = stop.at - now;
    if lead > timing.warning || state.warned.contains(&stop.at) {
        return None;
    }
    // A hold that ends before the stop holds nothing against it.
    let running: Vec<_> = roster
        .members()
        .filter(|m| matches!(m.power, Power::Up | Power::Starting))
        .map(|m| match m.held {
            Some(until) if until < stop.at => super::Server {
                held_until: None,
                ..roster.server(m)
            },
            _ => roster.server(m),
        })
        .collect();
    // Nothing stops while every running server is held past the stop.
    if running.iter().all(|s| s.held_until.is_some()) {
        return None;
    }
    state.warned.insert(stop.at);
    Some(Warning {
        stop,
        minutes: (lead.num_seconds() + 59) / 60,
        running,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::InstanceKind;
    use crate::testing::{config, exception_item, instance, schedule_item, utc};

    #[test]
    fn warning_is_sent_once_per_stop_time_and_rearmed_when_postponed() {
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            vec![],
            vec![],
        );
        let fleet = vec![instance("i-1", InstanceKind::Ec2, "running", "dev", None)];
        let mut states = States::new();
        let mut warned_at = Vec::new();
        for t in [
            "2026-11-30T21:45:00+09:00",
            "2026-11-30T21:50:00+09:00",
            "2026-11-30T21:55:00+09:00",
        ] {
            let p = plan_at(t, &cfg, &fleet, &states);
            if let Some(w) = &p.schedules[0].warning {
                warned_at.push((t, w.minutes));
            }
            states.extend(stored_states(&p));
        }
        assert_eq!(warned_at, vec![("2026-11-30T21:50:00+09:00", 10)]);
        // Postponed at 21:57 to 22:05: warned again straight away, once.
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            vec![],
            vec![exception_item("x", "dev", "2026-11-30", "stop", "22:05")],
        );
        let p = plan_at("2026-11-30T21:57:00+09:00", &cfg, &fleet, &states);
        assert_eq!(
            p.schedules[0].warning.as_ref().unwrap().stop.at,
            utc("2026-11-30T22:05:00+09:00")
        );
        states.extend(stored_states(&p));
        let p = plan_at(MONDAY_2200, &cfg, &fleet, &states);
        assert!(p.schedules[0].warning.is_none());
        assert!(p.schedules[0].actions.is_empty(), "the 22:00 stop moved");
    }

    #[test]
    fn no_warning_when_nothing_runs() {
        let at = "2026-11-30T21:50:00+09:00";
        let p = plan_at(
            at,
            &chain(),
            &chain_fleet("stopped", "stopped"),
            &States::new(),
        );
        assert!(p.schedules[0].warning.is_none());
        // The same moment with the servers up does warn.
        let p = plan_at(
            at,
            &chain(),
            &chain_fleet("running", "available"),
            &States::new(),
        );
        assert_eq!(p.schedules[0].warning.as_ref().unwrap().running.len(), 5);
    }
}
