//! Faults contained: whole passes over the in-memory fleet and stores, where
//! a test can make an instance slow or failing, or a table unreachable.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use scheduler::fleet::Instance;
use scheduler::memory::{
    self, MemoryConfig, MemoryDeps, MemoryFleet, MemoryState, RecordingNotifier,
};
use scheduler::message::Level;
use scheduler::model::{InstanceKind, RawConfig};
use scheduler::pass::{self, Deps};
use scheduler::ports::CallError;
use support::{at, group_item, instance, schedule_item};

fn inst(id: &str, kind: InstanceKind, state: &str, group: &str) -> Instance {
    instance(id, kind, state, "dev", Some(group))
}

/// db (RDS) -> app (EC2, three instances), every day 09:00-22:00 Seoul.
fn world(app_state: &str, budget: Duration) -> MemoryDeps {
    let raw = RawConfig {
        schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
        groups: vec![
            group_item("dev", "db", "RDS", &[]),
            group_item("dev", "app", "EC2", &["db"]),
        ],
        exceptions: vec![],
    };
    let mut d = memory::deps(
        raw,
        vec![
            inst("db-1", InstanceKind::Rds, "stopped", "db"),
            inst("i-1", InstanceKind::Ec2, app_state, "app"),
            inst("i-2", InstanceKind::Ec2, app_state, "app"),
            inst("i-3", InstanceKind::Ec2, app_state, "app"),
        ],
    );
    d.tuning.budget = budget;
    d
}

fn sent(d: &MemoryDeps) -> Vec<(Level, String)> {
    d.notifier
        .sent
        .lock()
        .unwrap()
        .iter()
        .map(|m| (m.level, m.text.clone()))
        .collect()
}

fn calls(d: &MemoryDeps) -> Vec<Vec<String>> {
    d.fleet
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|(_, ids)| ids.clone())
        .collect()
}

#[tokio::test]
async fn one_failing_instance_does_not_block_the_others_and_is_reported_once() {
    let d = world("stopped", Duration::from_secs(5));
    d.fleet
        .failing
        .lock()
        .unwrap()
        .insert("i-2".into(), "InsufficientInstanceCapacity".into());
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-1"), "running");
    assert_eq!(d.fleet.state_of("i-3"), "running");
    assert_eq!(d.fleet.state_of("i-2"), "stopped");
    let texts: Vec<String> = sent(&d).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "[dev] Starting db (wave 1 of 2)",
            "[dev] Starting app (wave 2 of 2)",
            "[dev] Could not start i-2 (app)"
        ]
    );
    let m = d
        .notifier
        .sent
        .lock()
        .unwrap()
        .iter()
        .find(|m| m.level == Level::Error)
        .unwrap()
        .clone();
    assert_eq!(m.fields[0].title, "InsufficientInstanceCapacity");
    // Later passes neither re-command it nor repeat the message.
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    pass::run(&d, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    assert_eq!(calls(&d).len(), 2);
    assert_eq!(
        sent(&d).iter().filter(|(l, _)| *l == Level::Error).count(),
        1
    );
}

#[tokio::test]
async fn instances_already_stopping_are_waited_for_then_started() {
    let d = world("stopping", Duration::from_millis(50));
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(
        calls(&d),
        [vec!["db-1".to_string()]],
        "the stopping instances are not commanded"
    );
    for id in ["i-1", "i-2", "i-3"] {
        assert_eq!(d.fleet.state_of(id), "stopping");
    }
    for i in d.fleet.instances.lock().unwrap().iter_mut() {
        if &*i.state == "stopping" {
            i.state = "stopped".into();
        }
    }
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(calls(&d)[1], ["i-1", "i-2", "i-3"]);
    assert_eq!(d.fleet.state_of("i-2"), "running");
}

#[tokio::test]
async fn a_pass_out_of_budget_leaves_consistent_state_and_the_next_continues() {
    let d = world("stopped", Duration::ZERO);
    d.fleet.slow.lock().unwrap().insert("db-1".into());
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("db-1"), "starting");
    let stored = d.state.items.lock().unwrap().get("dev").cloned().unwrap();
    let t = stored.state.transition.expect("the start is remembered");
    assert!(t.commanded.contains("db-1"));
    // RDS finishes starting between passes; the next pass starts the app wave.
    d.fleet.instances.lock().unwrap()[0].state = "available".into();
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(
        calls(&d),
        [
            vec!["db-1".to_string()],
            vec!["i-1".into(), "i-2".into(), "i-3".into()]
        ]
    );
    let texts: Vec<String> = sent(&d).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "[dev] Starting db (wave 1 of 2)",
            "[dev] Starting app (wave 2 of 2)"
        ]
    );
    // Still out of budget, so the pass that sees everything up closes the start.
    pass::run(&d, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    let done = d.state.items.lock().unwrap().get("dev").cloned().unwrap();
    assert!(done.state.transition.is_none());
    assert_eq!(calls(&d).len(), 2);
}

#[tokio::test]
async fn unreachable_dynamodb_means_no_actions_one_message_and_a_failed_pass() {
    let d = world("stopped", Duration::from_secs(1));
    *d.config.fail.lock().unwrap() = Some(CallError::new(
        "dynamodb:Scan Schedule",
        "DispatchFailure",
        "connection refused",
    ));
    let err = pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DispatchFailure"));
    assert!(calls(&d).is_empty());
    assert_eq!(
        sent(&d),
        [(
            Level::Error,
            "Scheduler pass failed: no servers were started or stopped".to_string()
        )]
    );
}

#[tokio::test]
async fn a_state_write_conflict_makes_the_later_pass_do_nothing() {
    let d = world("stopped", Duration::from_secs(1));
    // Another pass wrote version 1 after this one read nothing: simulate by
    // storing state under the schedule before the pass writes with version 0.
    d.state.items.lock().unwrap().insert(
        "dev".into(),
        scheduler::state::Versioned {
            state: Default::default(),
            version: 1,
        },
    );
    // A store that claims to have read version 0 sees a conflict.
    struct Stale<'a>(&'a MemoryState);
    impl scheduler::ports::StateStore for Stale<'_> {
        async fn load(&self) -> Result<BTreeMap<String, scheduler::state::Versioned>, CallError> {
            Ok(BTreeMap::new())
        }
        async fn save(
            &self,
            s: &str,
            st: &scheduler::state::ScheduleState,
            v: u64,
        ) -> Result<scheduler::ports::Saved, CallError> {
            scheduler::ports::StateStore::save(self.0, s, st, v).await
        }
    }
    let stale = Deps {
        config: MemoryConfig::new(d.config.raw.lock().unwrap().clone()),
        state: Stale(&d.state),
        fleet: MemoryFleet::new(d.fleet.instances.lock().unwrap().clone()),
        notifier: RecordingNotifier::default(),
        tuning: d.tuning.clone(),
    };
    let report = pass::run(&stale, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(report.conflicts, ["dev"]);
    assert!(stale.fleet.calls.lock().unwrap().is_empty());
    assert!(stale.notifier.sent.lock().unwrap().is_empty());
}
