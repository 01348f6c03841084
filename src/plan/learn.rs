//! What a start teaches a `ready-by` schedule: when each group's first
//! command went out and when the group was first ready (readiness check
//! included; a check that timed out teaches nothing), kept per group when
//! the start completes, the last few of them. A start that began at its
//! early time with its whole lead and was not ready by its ready time is
//! told, with how late it was.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::roster::Roster;
use super::{Action, Notice};
use crate::model::{Direction, LEARNED_STARTS, TICK_MINUTES};
use crate::state::{Cause, Transition};

/// Records the groups commanded now and those first seen ready now.
/// `settled`: by slot, the group is where the start takes it and ready;
/// `clock`: the pass's instant plus the time it has run.
pub(super) fn observe(
    t: &mut Transition,
    roster: &Roster,
    settled: &[bool],
    actions: &[Action],
    clock: DateTime<Utc>,
) {
    if t.direction != Direction::Start {
        return;
    }
    // Only groups ready now are looked up: most of a large start is not.
    for (slot, _) in roster
        .slots
        .iter()
        .zip(settled)
        .filter(|(_, ready)| **ready)
    {
        let name = slot.name();
        let timed_out = t.checking.get(name).is_some_and(|c| !c.passed);
        match t.commanded.get(name) {
            Some(at) if !timed_out && !t.took.contains_key(name) => {
                let seconds = (clock - *at).num_seconds().clamp(0, i64::from(u32::MAX));
                t.took.insert(name.to_string(), seconds as u32);
            }
            _ => {}
        }
    }
    for a in actions {
        t.commanded.entry(a.group.clone()).or_insert(clock);
    }
}

/// Keeps a completed start's durations: the last [`LEARNED_STARTS`] of
/// each group, newest last, only for the groups the schedule has now.
pub(super) fn learn(starts: &mut BTreeMap<String, Vec<u32>>, t: &Transition, roster: &Roster) {
    for (group, seconds) in &t.took {
        let kept = starts.entry(group.clone()).or_default();
        kept.push(*seconds);
        if kept.len() > LEARNED_STARTS {
            kept.drain(..kept.len() - LEARNED_STARTS);
        }
    }
    starts.retain(|group, _| roster.slots.iter().any(|s| s.name() == group));
}

/// A completed `ready-by` start seen complete after its ready time, by
/// the pass's clock: how late it was. Only a start that began on time
/// (its first command within a tick of its event) with the whole lead
/// (not moved after an earlier stop) says that the lead fell short; a
/// start made up late, or one with nothing to command, does not.
pub(super) fn late(t: &Transition, zone: Tz, lead: i64, clock: DateTime<Utc>) -> Option<Notice> {
    let Cause::Event {
        at,
        ready: Some(ready),
    } = t.cause
    else {
        return None;
    };
    let first = t.commanded.values().min()?;
    let on_time = *first - at <= Duration::minutes(TICK_MINUTES);
    let whole_lead = ready - at >= Duration::minutes(lead);
    // A pass runs a few seconds into its tick: within a minute is on time.
    let late = clock - ready;
    if t.direction != Direction::Start || !on_time || !whole_lead || late < Duration::minutes(1) {
        return None;
    }
    Some(Notice::Late {
        ready: ready.with_timezone(&zone).format("%H:%M").to_string(),
        minutes: (late.num_seconds() + 59) / 60,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{chain_fleet, plan_at, stored_states, States};
    use super::super::{Notice, ReadyBy};
    use crate::model::{Config, Direction};
    use crate::testing::{config, exception_item, group_item, s, schedule_item, utc};

    /// The chain db -> mw -> api -> batch, to be ready by 09:00.
    fn ready_by(exceptions: Vec<crate::model::Item>) -> Config {
        config(
            vec![
                schedule_item("dev", "weekdays", "09:00", "22:00").with("StartMode", s("ready-by"))
            ],
            vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "mw", "EC2", &["db"]),
                group_item("dev", "api", "EC2", &["mw"]),
                group_item("dev", "batch", "EC2", &["api"]),
            ],
            exceptions,
        )
    }

    fn commanded(p: &super::super::Plan) -> Vec<String> {
        p.actions().map(|(_, a)| a.group.clone()).collect()
    }

    #[test]
    fn the_defaults_start_the_chain_twenty_minutes_early() {
        let cfg = ready_by(vec![]);
        // RDS 10 + three EC2 waves of 3: 19 minutes, rounded up to 20.
        assert_eq!(cfg.schedules["dev"].lead().unwrap().minutes, 20);
        let fleet = chain_fleet("stopped", "stopped");
        let quiet = plan_at("2026-11-30T08:35:00+09:00", &cfg, &fleet, &States::new());
        assert!(commanded(&quiet).is_empty());
        let start = quiet.schedules[0].next_start.unwrap();
        assert_eq!(start.at, utc("2026-11-30T08:40:00+09:00"));
        assert_eq!(start.ready.unwrap().at, utc("2026-11-30T09:00:00+09:00"));

        let states = stored_states(&quiet);
        let p = plan_at("2026-11-30T08:40:00+09:00", &cfg, &fleet, &states);
        assert_eq!(commanded(&p), ["db"]);
        assert_eq!(
            p.schedules[0].ready_by,
            Some(ReadyBy {
                starts: "08:40".into(),
                ready: "09:00".into()
            })
        );
    }

    #[test]
    fn an_exceptions_start_time_is_the_ready_time() {
        let moved = exception_item("x", "dev", "2026-11-30", "start", "10:00");
        let cfg = ready_by(vec![moved]);
        let fleet = chain_fleet("stopped", "stopped");
        let p = plan_at("2026-11-30T09:00:00+09:00", &cfg, &fleet, &States::new());
        let start = p.schedules[0].next_start.unwrap();
        assert_eq!(start.at, utc("2026-11-30T09:40:00+09:00"));
        assert_eq!(
            start.ready.unwrap().local.to_string(),
            "2026-11-30 10:00:00"
        );
        // `start None` takes the early start away with the day's start.
        let none = exception_item("x", "dev", "2026-11-30", "start", "None");
        let cfg = ready_by(vec![none]);
        let p = plan_at("2026-11-30T08:00:00+09:00", &cfg, &fleet, &States::new());
        let next = p.schedules[0].next_start.unwrap();
        assert_eq!(next.at, utc("2026-12-01T08:40:00+09:00"));
    }

    /// Passes at the given Seoul times, each after the servers of the
    /// previous one's commands came up; returns the last plan.
    fn day(cfg: &Config, times: &[&str], states: &mut States) -> super::super::Plan {
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut last = None;
        for t in times {
            let p = plan_at(&format!("2026-11-30T{t}:00+09:00"), cfg, &fleet, states);
            for (_, a) in p.actions() {
                assert_eq!(a.direction, Direction::Start);
                for server in &a.instances {
                    let i = fleet.iter_mut().find(|i| i.id == server.id).unwrap();
                    i.state = if i.kind == crate::model::InstanceKind::Rds {
                        "available"
                    } else {
                        "running"
                    }
                    .into();
                }
            }
            states.extend(stored_states(&p));
            last = Some(p);
        }
        last.unwrap()
    }

    #[test]
    fn a_late_start_is_told_and_the_next_lead_learns_from_it() {
        let mut cfg = ready_by(vec![]);
        let mut states = States::new();
        // The database takes 15 minutes: each later wave comes one pass on,
        // and the last is seen ready at 09:10.
        let last = day(
            &cfg,
            &["08:40", "08:55", "09:00", "09:05", "09:10"],
            &mut states,
        );
        let dev = &last.schedules[0];
        assert_eq!(dev.transition, None);
        assert_eq!(
            dev.notices,
            [Notice::Late {
                ready: "09:00".into(),
                minutes: 10
            }]
        );
        let starts = &states["dev"].starts;
        assert_eq!(starts["db"], [900]);
        assert_eq!(starts["batch"], [300]);
        // 15 + 5 + 5 + 5 minutes: tomorrow starts at 08:30.
        cfg.schedules.get_mut("dev").unwrap().learn(starts);
        assert_eq!(cfg.schedules["dev"].lead().unwrap().minutes, 30);
        let next = last.schedules[0].next_start.unwrap();
        assert_eq!(
            next.at,
            utc("2026-12-01T08:40:00+09:00"),
            "planned before it learned"
        );
        let p = plan_at("2026-11-30T12:00:00+09:00", &cfg, &[], &states);
        assert_eq!(
            p.schedules[0].next_start.unwrap().at,
            utc("2026-12-01T08:30:00+09:00")
        );
    }

    #[test]
    fn a_lead_that_shrinks_after_the_start_never_starts_it_again() {
        let mut cfg = ready_by(vec![]);
        let mut states = States::new();
        day(&cfg, &["08:40"], &mut states);
        // Learned meanwhile: a minute each, so 5 minutes, which moves
        // today's start to 08:55, after the pass that acted on it.
        let quick = ["db", "mw", "api", "batch"].map(|g| (g.to_string(), vec![60]));
        cfg.schedules.get_mut("dev").unwrap().learn(&quick.into());
        assert_eq!(cfg.schedules["dev"].lead().unwrap().minutes, 5);
        let fleet = chain_fleet("stopped", "available");
        let p = plan_at("2026-11-30T08:55:00+09:00", &cfg, &fleet, &states);
        assert!(p.schedules[0].events.is_empty());
    }

    #[test]
    fn a_lead_that_grows_before_the_start_moves_it_into_the_next_pass() {
        let mut cfg = ready_by(vec![]);
        let fleet = chain_fleet("stopped", "stopped");
        let quiet = plan_at("2026-11-30T08:35:00+09:00", &cfg, &fleet, &States::new());
        let states = stored_states(&quiet);
        // Learned elsewhere meanwhile: 30 minutes, so 08:30, before 08:35.
        let slow = [("db".to_string(), vec![1500])].into();
        cfg.schedules.get_mut("dev").unwrap().learn(&slow);
        let p = plan_at("2026-11-30T08:40:00+09:00", &cfg, &fleet, &states);
        assert_eq!(commanded(&p), ["db"]);
    }

    #[test]
    fn a_check_that_timed_out_teaches_nothing() {
        let db = group_item("dev", "db", "RDS", &[])
            .with("ReadyCheck", s("http://db.internal/ready"))
            .with(
                "ReadyTimeoutMinutes",
                aws_sdk_dynamodb::types::AttributeValue::N("5".into()),
            );
        let cfg = config(
            vec![
                schedule_item("dev", "weekdays", "09:00", "22:00").with("StartMode", s("ready-by"))
            ],
            vec![db, group_item("dev", "mw", "EC2", &["db"])],
            vec![],
        );
        let mut states = States::new();
        // db (RDS 10 + EC2 3: starts at 08:45) is up at 08:50; no answer
        // ever comes, so its check times out and the waves go on.
        let times = [
            "08:45", "08:50", "08:55", "09:00", "09:05", "09:10", "09:15", "09:20",
        ];
        let last = day(&cfg, &times, &mut states);
        assert_eq!(last.schedules[0].transition, None);
        assert!(
            !states["dev"].starts.contains_key("db"),
            "{:?}",
            states["dev"].starts
        );
        assert!(states["dev"].starts.contains_key("mw"));
    }

    #[test]
    fn a_start_made_up_late_is_not_blamed_on_the_lead() {
        let cfg = ready_by(vec![]);
        let mut states = States::new();
        // No pass ran at 08:40: the 09:00 pass makes the start up.
        let last = day(
            &cfg,
            &["09:00", "09:05", "09:10", "09:15", "09:20"],
            &mut states,
        );
        let dev = &last.schedules[0];
        assert_eq!(dev.transition, None);
        assert!(dev.notices.is_empty(), "{:?}", dev.notices);
    }

    #[test]
    fn a_start_ready_on_time_is_not_told_and_only_five_starts_are_kept() {
        let cfg = ready_by(vec![]);
        let mut states = States::new();
        states.entry("dev".into()).or_default().starts =
            [("db".to_string(), vec![1, 2, 3, 4, 5])].into();
        let last = day(
            &cfg,
            &["08:40", "08:45", "08:50", "08:55", "09:00"],
            &mut states,
        );
        assert!(last.schedules[0].notices.is_empty());
        assert_eq!(states["dev"].starts["db"], [2, 3, 4, 5, 300]);
    }
}
