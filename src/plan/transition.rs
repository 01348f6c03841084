//! Which way a schedule moves after this pass, and why: the precedence of
//! the causes (events, ForceStart, a transition in progress, Enforced) in
//! one place.

use chrono::{DateTime, Utc};

use super::calendars::Calendar;
use super::roster::{source_power, Roster};
use crate::model::{Direction, ScheduleConfig};
use crate::state::{Cause, Transition};
use crate::time::Event;

/// What may move a schedule this pass, besides a transition in progress.
pub(super) struct Causes<'a> {
    /// Events since the last pass (none for a disabled schedule).
    pub events: &'a [Event],
    /// A stop was ordered for this pass.
    pub stop_ordered: bool,
    /// ForceStart is set and not yet acted on.
    pub force_start: bool,
    /// The schedule is enabled: events, Enforced and transitions they began
    /// count; ForceStart and orders count either way.
    pub enabled: bool,
    /// The last stop order, for Enforced.
    pub stopped_by_order: Option<DateTime<Utc>>,
}

/// The outcome of [`decide`].
pub(super) struct Decision {
    pub transition: Option<Transition>,
    /// ForceStart is done with: overridden by a stop (an order or event).
    pub reset_force_start: bool,
}

/// Causes, strongest first:
/// 1. a stop order stops now, and overrides ForceStart;
/// 2. a stop event since the last pass stops, and overrides ForceStart;
/// 3. ForceStart starts, whatever else was in progress, even when the
///    schedule is disabled (as the original tool did);
/// 4. a start event since the last pass starts;
/// 5. a transition already in progress goes on (one that an event or
///    Enforced began stops when the schedule is disabled);
/// 6. an Enforced schedule brings back the state of the last event or
///    stop order when some instance is not in it.
pub(super) fn decide(
    now: DateTime<Utc>,
    cfg: &ScheduleConfig,
    calendar: &Calendar,
    current: Option<Transition>,
    causes: &Causes,
    roster: &Roster,
) -> Decision {
    let begin = |direction, cause| Transition {
        checking: Default::default(),
        commanded: Default::default(),
        took: Default::default(),
        direction,
        cause,
        since: now,
        sent: Default::default(),
        failed: Default::default(),
    };
    if causes.stop_ordered {
        return Decision {
            transition: Some(begin(Direction::Stop, Cause::Ordered)),
            reset_force_start: causes.force_start,
        };
    }
    let event = causes.events.last().map(|ev| {
        begin(
            ev.kind,
            Cause::Event {
                at: ev.at,
                ready: ev.ready.map(|r| r.at),
            },
        )
    });
    let reset_force_start = causes.force_start
        && event
            .as_ref()
            .is_some_and(|t| t.direction == Direction::Stop);
    let current =
        current.filter(|t| causes.enabled || matches!(t.cause, Cause::ForceStart | Cause::Ordered));
    let transition = match (event, current) {
        (Some(t), _) if reset_force_start => Some(t),
        (event, current) if causes.force_start => Some(match event.or(current) {
            Some(mut t) if t.direction == Direction::Start => {
                t.cause = Cause::ForceStart;
                t
            }
            _ => begin(Direction::Start, Cause::ForceStart),
        }),
        (Some(t), _) => Some(t),
        (None, Some(t)) => Some(t),
        (None, None) if causes.enabled && cfg.schedule.enforced => {
            enforced(calendar, causes.stopped_by_order, roster).map(|d| begin(d, Cause::Enforced))
        }
        (None, None) => None,
    };
    Decision {
        transition,
        reset_force_start,
    }
}

/// Where an Enforced schedule's servers belong now (the last event, or a
/// later stop order), if some instance is elsewhere.
fn enforced(
    calendar: &Calendar,
    stopped_by_order: Option<DateTime<Utc>>,
    roster: &Roster,
) -> Option<Direction> {
    let last = calendar.last_event();
    let desired = match (last, stopped_by_order) {
        (Some(ev), Some(at)) if at > ev.at => Direction::Stop,
        (Some(ev), _) => ev.kind,
        (None, Some(_)) => Direction::Stop,
        (None, None) => return None,
    };
    roster
        .members()
        .any(|m| m.power == source_power(desired))
        .then_some(desired)
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue as Av;
    use chrono::Duration;
    use proptest::prelude::*;

    use super::super::testing::*;
    use super::super::Notice;
    use crate::model::{Direction, InstanceKind};
    use crate::state::ScheduleState;
    use crate::testing::{config, exception_item, group_item, instance, schedule_item, utc};

    #[test]
    fn events_before_the_previous_pass_are_not_acted_on_again() {
        let cfg = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let first = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        assert_eq!(first.schedules[0].events.len(), 1);
        assert_eq!(first.actions().count(), 1, "the first pass starts db");
        // Same minute again, the RDS start not visible yet: the event is
        // not seen again and the fresh claim is not sent twice.
        let again = plan_at(MONDAY_0900, &cfg, &fleet, &stored_states(&first));
        assert!(again.schedules[0].events.is_empty());
        assert!(again.schedules[0].actions.is_empty());
        // Five minutes on, db never moved: the event is still not seen
        // again, but the claim without effect is sent once more, as a try.
        let later = plan_at(
            "2026-11-30T09:05:00+09:00",
            &cfg,
            &fleet,
            &stored_states(&first),
        );
        assert!(later.schedules[0].events.is_empty());
        assert_eq!(later.schedules[0].actions[0].group, "db");
        let t = later.schedules[0].state.transition.as_ref().unwrap();
        assert_eq!(t.failed["db-1"].code, "NoEffect");
        assert_eq!(t.failed["db-1"].tries, 1);
    }

    #[test]
    fn catch_up_is_bounded_to_sixty_minutes() {
        let cfg = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let states: States = [(
            "dev".to_string(),
            ScheduleState {
                last_pass: Some(utc("2026-11-30T05:00:00+09:00")),
                ..Default::default()
            },
        )]
        .into();
        // 10:05: the 09:00 start is 65 minutes ago, beyond the catch-up.
        let p = plan_at("2026-11-30T10:05:00+09:00", &cfg, &fleet, &states);
        assert!(p.schedules[0].events.is_empty());
        // 09:55: made up once.
        let p = plan_at("2026-11-30T09:55:00+09:00", &cfg, &fleet, &states);
        assert_eq!(p.schedules[0].events.len(), 1);
    }

    #[test]
    fn outside_events_manual_changes_are_left_alone_unless_enforced() {
        // 23:00 Monday: someone started a box after the stop.
        let mut fleet = chain_fleet("stopped", "stopped");
        fleet[1].state = "running".into();
        let now = "2026-11-30T23:00:00+09:00";
        let states: States = [(
            "dev".to_string(),
            ScheduleState {
                last_pass: Some(utc(now) - Duration::minutes(5)),
                ..Default::default()
            },
        )]
        .into();
        let p = plan_at(now, &chain(), &fleet, &states);
        assert!(p.schedules[0].actions.is_empty());

        let enforced = config(
            vec![
                schedule_item("dev", "weekdays", "09:00", "22:00").with("Enforced", Av::Bool(true))
            ],
            vec![],
            vec![],
        );
        let p = plan_at(now, &enforced, &fleet, &states);
        let ids: Vec<&str> = p.schedules[0].actions[0]
            .instances
            .iter()
            .map(|t| &*t.id)
            .collect();
        assert_eq!(ids, vec!["i-mw"]);
        assert_eq!(p.schedules[0].actions[0].direction, Direction::Stop);
    }

    #[test]
    fn a_stalled_transition_is_given_up_and_reported() {
        let cfg = chain();
        let fleet = chain_fleet("stopped", "stopped");
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        // db-1 never came up (start failed): 61 minutes later, give up once.
        let p = plan_at(
            "2026-11-30T10:01:00+09:00",
            &cfg,
            &fleet,
            &stored_states(&p),
        );
        let sp = &p.schedules[0];
        assert!(sp.actions.is_empty());
        assert!(matches!(
            sp.notices.as_slice(),
            [Notice::Stalled {
                direction: Direction::Start,
                ..
            }]
        ));
        assert!(sp.state.transition.is_none());
    }

    #[test]
    fn force_start_starts_in_order_and_is_reset_when_all_are_up() {
        let cfg = config(
            vec![schedule_item("dev", "weekdays", "09:00", "22:00")
                .with("ForceStart", Av::Bool(true))],
            vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "mw", "EC2", &["db"]),
            ],
            vec![],
        );
        let mut fleet = vec![
            instance("db-1", InstanceKind::Rds, "stopped", "dev", Some("db")),
            instance("i-mw", InstanceKind::Ec2, "stopped", "dev", Some("mw")),
        ];
        // Saturday night: no event, but ForceStart.
        let now = "2026-12-05T22:00:00+09:00";
        let p = plan_at(now, &cfg, &fleet, &States::new());
        assert_eq!(p.schedules[0].actions[0].group, "db");
        assert!(!p.schedules[0].reset_force_start);
        fleet[0].state = "available".into();
        fleet[1].state = "running".into();
        let p = plan_at(now, &cfg, &fleet, &stored_states(&p));
        assert!(p.schedules[0].actions.is_empty());
        assert!(p.schedules[0].reset_force_start);
    }

    #[test]
    fn disabled_schedule_does_nothing() {
        let fleet = vec![instance("i-1", InstanceKind::Ec2, "running", "dev", None)];
        let item = schedule_item("dev", "all", "09:00", "22:00");
        let enabled = config(vec![item.clone()], vec![], vec![]);
        let disabled = config(vec![item.with("Enabled", Av::Bool(false))], vec![], vec![]);
        // The same schedule enabled warns at 21:55 and stops at 22:00.
        for (at, enabled_acts) in [
            ("2026-11-30T21:55:00+09:00", false),
            ("2026-11-30T22:00:00+09:00", true),
        ] {
            let on = plan_at(at, &enabled, &fleet, &States::new());
            assert!(
                on.schedules[0].warning.is_some() || on.actions().count() > 0,
                "{at}"
            );
            assert_eq!(on.actions().count() > 0, enabled_acts, "{at}");
            let off = plan_at(at, &disabled, &fleet, &States::new());
            assert!(off.schedules[0].actions.is_empty(), "{at}");
            assert!(off.schedules[0].warning.is_none(), "{at}");
            assert!(off.schedules[0].state.transition.is_none(), "{at}");
        }
    }

    #[test]
    fn saturday_start_exception_starts_and_regular_stop_applies() {
        let cfg = config(
            vec![schedule_item("dev", "weekdays", "09:00", "18:00")],
            vec![],
            vec![exception_item("x", "dev", "2026-12-05", "start", "10:00")],
        );
        let fleet = vec![instance("i-1", InstanceKind::Ec2, "stopped", "dev", None)];
        let p = plan_at("2026-12-05T10:00:00+09:00", &cfg, &fleet, &States::new());
        assert_eq!(p.schedules[0].actions[0].direction, Direction::Start);
        assert_eq!(
            p.schedules[0].next_stop.unwrap().at,
            utc("2026-12-05T18:00:00+09:00")
        );
    }

    proptest! {
        #[test]
        fn planning_again_with_its_own_state_does_nothing((cfg, fleet) in arb_dag(), minute in 0i64..(24 * 60)) {
            let now = minute_of_monday(minute);
            let p = plan_at(&now, &cfg, &fleet, &States::new());
            let again = plan_at(&now, &cfg, &fleet, &stored_states(&p));
            prop_assert_eq!(again.actions().count(), 0);
            prop_assert!(again.schedules.iter().all(|s| s.warning.is_none() && s.notices.is_empty()));
            prop_assert!(again.schedules.iter().all(|s| !s.persist), "an idle plan writes nothing");
        }
    }
}

#[cfg(test)]
mod switch_over {
    //! The causes the original tool's users rely on: ForceStart whatever
    //! Enabled says, a stop ordered from chat, and a reset that failed.

    use aws_sdk_dynamodb::types::AttributeValue as Av;

    use super::super::testing::*;
    use super::super::{plan, Orders, Timing};
    use crate::model::{Config, Direction, InstanceKind};
    use crate::state::Cause;
    use crate::testing::{config, group_item, instance, schedule_item, utc};

    fn two_waves(schedule: crate::model::Item) -> Config {
        config(
            vec![schedule],
            vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "app", "EC2", &["db"]),
            ],
            vec![],
        )
    }

    fn fleet(rds: &str, ec2: &str) -> Vec<crate::fleet::Instance> {
        vec![
            instance("db-1", InstanceKind::Rds, rds, "dev", Some("db")),
            instance("i-app", InstanceKind::Ec2, ec2, "dev", Some("app")),
        ]
    }

    fn stop_dev() -> Orders {
        Orders {
            stop: ["dev".to_string()].into(),
        }
    }

    #[test]
    fn force_start_works_on_a_disabled_schedule_in_order_and_is_reset() {
        let cfg = two_waves(
            schedule_item("dev", "weekdays", "09:00", "22:00")
                .with("Enabled", Av::Bool(false))
                .with("ForceStart", Av::Bool(true)),
        );
        let mut fleet = fleet("stopped", "stopped");
        let mut states = States::new();
        let rounds = settle("2026-12-05T23:00:00+09:00", &cfg, &mut fleet, &mut states);
        assert_eq!(rounds, vec![vec!["db-1"], vec!["i-app"]]);
        let p = plan_at("2026-12-05T23:00:00+09:00", &cfg, &fleet, &states);
        assert!(p.schedules[0].reset_force_start, "reset once all are up");
    }

    #[test]
    fn an_ordered_stop_runs_in_reverse_now_and_clears_force_start() {
        let cfg = two_waves(
            schedule_item("dev", "weekdays", "09:00", "22:00").with("ForceStart", Av::Bool(true)),
        );
        let now = utc("2026-11-30T15:00:00+09:00");
        let p = plan(
            now,
            &cfg,
            &fleet("available", "running"),
            &States::new(),
            &Timing::default(),
            &stop_dev(),
            &Default::default(),
        );
        let sp = &p.schedules[0];
        assert_eq!(sp.actions[0].direction, Direction::Stop);
        assert_eq!(sp.actions[0].group, "app", "the last wave stops first");
        assert!(sp.reset_force_start);
        assert_eq!(sp.state.transition.as_ref().unwrap().cause, Cause::Ordered);
        assert_eq!(sp.state.stopped_by_order, Some(now));
    }

    #[test]
    fn an_enforced_schedule_stays_stopped_after_an_ordered_stop() {
        let cfg = two_waves(
            schedule_item("dev", "weekdays", "09:00", "22:00").with("Enforced", Av::Bool(true)),
        );
        let p = plan(
            utc("2026-11-30T15:00:00+09:00"),
            &cfg,
            &fleet("available", "running"),
            &States::new(),
            &Timing::default(),
            &stop_dev(),
            &Default::default(),
        );
        let mut states = stored_states(&p);
        states.get_mut("dev").unwrap().transition = None;
        // Someone starts the app again at 15:30: Enforced stops it.
        let later = plan_at(
            "2026-11-30T15:30:00+09:00",
            &cfg,
            &fleet("stopped", "running"),
            &states,
        );
        assert_eq!(later.schedules[0].actions[0].direction, Direction::Stop);
        // The next start event brings everything back up.
        let next_day = plan_at(
            "2026-12-01T09:00:00+09:00",
            &cfg,
            &fleet("stopped", "stopped"),
            &states,
        );
        assert_eq!(next_day.schedules[0].actions[0].direction, Direction::Start);
        assert_eq!(next_day.schedules[0].state.stopped_by_order, None);
    }

    #[test]
    fn a_force_start_whose_reset_failed_never_starts_again() {
        let cfg = two_waves(
            schedule_item("dev", "weekdays", "09:00", "22:00").with("ForceStart", Av::Bool(true)),
        );
        let mut fleet = fleet("stopped", "stopped");
        let mut states = States::new();
        settle("2026-11-30T07:00:00+09:00", &cfg, &mut fleet, &mut states);
        // The 22:00 stop event overrides ForceStart, whose reset then fails:
        // the item still says true at every later pass.
        let rounds = settle(MONDAY_2200, &cfg, &mut fleet, &mut states);
        assert_eq!(rounds, vec![vec!["i-app"], vec!["db-1"]]);
        for at in ["2026-11-30T22:05:00+09:00", "2026-11-30T23:00:00+09:00"] {
            let p = plan_at(at, &cfg, &fleet, &states);
            assert_eq!(p.actions().count(), 0, "{at}: nothing restarts");
            assert!(
                p.schedules[0].reset_force_start,
                "{at}: the reset is retried"
            );
            states.extend(stored_states(&p));
        }
    }
}
