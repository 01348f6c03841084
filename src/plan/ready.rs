//! Readiness between waves: a started group with a `ReadyCheck` is up only
//! once its check says so. The planner asks the pass to run the checks of
//! the groups whose servers are all up ([`WantedCheck`]) and reads their
//! answers in the next round ([`Checked`]); a group not ready within its
//! timeout is reported once and counts as up, so the waves go on.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::roster::Slot;
use super::{Notice, Wait};
use crate::model::{Direction, ReadyCheck};
use crate::state::{Checking, Transition};

/// What each group's check last answered in this pass, by schedule and
/// group.
pub type Checked = BTreeMap<String, BTreeMap<String, Answer>>;

/// One check's answer: ready or not, and what it said (a status code,
/// the unhealthy targets, a failing status check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub ready: bool,
    pub said: String,
}

/// A check the pass is asked to run: the group's servers are up and the
/// next wave waits for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WantedCheck {
    pub group: String,
    pub check: ReadyCheck,
    /// The group's server ids (instance ids for the per-instance checks).
    pub servers: Vec<String>,
}

/// What a group's readiness adds to its servers being up.
pub(super) enum Verdict {
    Ready,
    /// Not yet: run this check, and wait.
    Waiting(WantedCheck, Wait),
    /// Not ready in time: say so (once), and go on.
    TimedOut(Option<Notice>),
}

/// Whether `slot`, whose servers are all where a start takes them, is
/// ready; records in `t` since when it waits.
pub(super) fn verdict(
    slot: &Slot,
    t: &mut Transition,
    answers: Option<&BTreeMap<String, Answer>>,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(ready) = slot.group.and_then(|g| g.ready.as_ref()) else {
        return Verdict::Ready;
    };
    if t.direction != Direction::Start || slot.members.is_empty() {
        return Verdict::Ready;
    }
    let name = slot.name();
    let answer = answers.and_then(|a| a.get(name));
    let checking = t.checking.entry(name.to_string()).or_insert(Checking {
        since: now,
        said: None,
        passed: false,
        told: false,
    });
    if let Some(a) = answer {
        checking.said = Some(a.said.clone());
        checking.passed |= a.ready;
    }
    if checking.passed {
        return Verdict::Ready;
    }
    let said = checking
        .said
        .clone()
        .unwrap_or_else(|| "not checked yet".to_string());
    if now - checking.since >= ready.timeout {
        let first = !std::mem::replace(&mut checking.told, true);
        return Verdict::TimedOut(first.then(|| Notice::NotReady {
            group: name.to_string(),
            check: ready.check.text(),
            minutes: ready.timeout.num_minutes(),
            said,
        }));
    }
    Verdict::Waiting(
        WantedCheck {
            group: name.to_string(),
            check: ready.check.clone(),
            servers: slot
                .members
                .iter()
                .map(|m| m.instance.id.to_string())
                .collect(),
        },
        Wait::NotReady {
            group: name.into(),
            check: ready.check.text(),
            said,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{plan, Notice, Orders, Timing, Wait};
    use super::*;
    use crate::model::Config;
    use crate::testing::{config, group_item, schedule_item, utc};

    /// The chain with `db` checked by a URL, 10 minutes at most.
    fn checked_chain() -> Config {
        let mut groups = vec![group_item("dev", "db", "RDS", &[])
            .with(
                "ReadyCheck",
                crate::testing::s("http://db.internal:8080/ready"),
            )
            .with(
                "ReadyTimeoutMinutes",
                aws_sdk_dynamodb::types::AttributeValue::N("10".into()),
            )];
        groups.extend([
            group_item("dev", "mw", "EC2", &["db"]),
            group_item("dev", "api", "EC2", &["mw"]),
            group_item("dev", "batch", "EC2", &["api"]),
        ]);
        let cfg = config(
            vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
            groups,
            vec![],
        );
        assert!(cfg.errors.is_empty(), "{:?}", cfg.errors);
        cfg
    }

    fn answered(ready: bool, said: &str) -> Checked {
        [(
            "dev".to_string(),
            [(
                "db".to_string(),
                Answer {
                    ready,
                    said: said.into(),
                },
            )]
            .into(),
        )]
        .into()
    }

    fn plan_with(
        now: &str,
        cfg: &Config,
        fleet: &[crate::fleet::Instance],
        states: &States,
        checked: &Checked,
    ) -> super::super::Plan {
        plan(
            utc(now),
            cfg,
            fleet,
            states,
            &Timing::default(),
            &Orders::default(),
            &super::super::Round {
                checked: checked.clone(),
                elapsed: chrono::Duration::zero(),
            },
        )
    }

    #[test]
    fn the_next_wave_waits_for_the_check_and_starts_once_it_passes() {
        let cfg = checked_chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut states = States::new();
        // 09:00: db starts; it is not up yet, nothing to check.
        let rounds = settle(MONDAY_0900, &cfg, &mut fleet, &mut states);
        assert_eq!(rounds, vec![vec!["db-1"]]);
        // db is up: the plan asks for its check, and mw waits.
        let p = plan_with(MONDAY_0900, &cfg, &fleet, &states, &Checked::new());
        let dev = &p.schedules[0];
        assert_eq!(dev.checks.len(), 1);
        assert_eq!(dev.checks[0].group, "db");
        assert!(dev.actions.is_empty());
        assert!(dev.moving, "the pass polls for the answer");
        // Not ready: mw still waits, and the wait says what the check said.
        let p = plan_with(
            MONDAY_0900,
            &cfg,
            &fleet,
            &stored_states(&p),
            &answered(false, "HTTP 503"),
        );
        let dev = &p.schedules[0];
        assert!(dev.actions.is_empty());
        assert!(dev.waits.contains(&Wait::NotReady {
            group: "db".into(),
            check: "http://db.internal:8080/ready".into(),
            said: "HTTP 503".into(),
        }));
        // Ready: mw starts.
        let p = plan_with(
            MONDAY_0900,
            &cfg,
            &fleet,
            &stored_states(&p),
            &answered(true, "HTTP 200"),
        );
        let started: Vec<&str> = p.actions().map(|(_, a)| a.group.as_str()).collect();
        assert_eq!(started, ["mw"]);
    }

    #[test]
    fn a_group_not_ready_in_time_is_told_once_and_the_waves_go_on() {
        let cfg = checked_chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        let mut states = States::new();
        settle(MONDAY_0900, &cfg, &mut fleet, &mut states);
        let failing = answered(false, "HTTP 503");
        let p = plan_with("2026-11-30T09:05:00+09:00", &cfg, &fleet, &states, &failing);
        assert!(p.actions().next().is_none());
        // 10 minutes after the check began: one error naming the group and
        // the last answer; mw starts.
        let p = plan_with(
            "2026-11-30T09:15:00+09:00",
            &cfg,
            &fleet,
            &stored_states(&p),
            &failing,
        );
        let dev = &p.schedules[0];
        let told: Vec<&Notice> = dev
            .notices
            .iter()
            .filter(|n| matches!(n, Notice::NotReady { .. }))
            .collect();
        assert_eq!(
            told,
            [&Notice::NotReady {
                group: "db".into(),
                check: "http://db.internal:8080/ready".into(),
                minutes: 10,
                said: "HTTP 503".into(),
            }]
        );
        assert_eq!(dev.actions[0].group, "mw");
        // Once.
        let p = plan_with(
            "2026-11-30T09:20:00+09:00",
            &cfg,
            &fleet,
            &stored_states(&p),
            &failing,
        );
        assert!(!p.schedules[0]
            .notices
            .iter()
            .any(|n| matches!(n, Notice::NotReady { .. })));
    }

    #[test]
    fn a_stop_never_waits_for_a_check() {
        let cfg = checked_chain();
        let fleet = chain_fleet("running", "available");
        let p = plan_with(MONDAY_2200, &cfg, &fleet, &States::new(), &Checked::new());
        assert!(p.schedules[0].checks.is_empty());
        assert_eq!(p.actions().next().unwrap().1.group, "batch");
    }
}
