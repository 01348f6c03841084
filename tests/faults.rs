//! Faults contained: whole passes over the in-memory fleet and stores, where
//! a test can make an instance slow or failing, or a table unreachable.

mod support;

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

fn errors(d: &MemoryDeps) -> Vec<String> {
    sent(d)
        .into_iter()
        .filter(|(l, _)| *l == Level::Error)
        .map(|(_, t)| t)
        .collect()
}

fn fail(d: &MemoryDeps, id: &str, code: &str) {
    d.fleet
        .failing
        .lock()
        .unwrap()
        .insert(id.into(), code.into());
}

#[tokio::test]
async fn a_capacity_failure_is_retried_with_backoff_until_it_starts() {
    let d = world("stopped", Duration::from_secs(5));
    fail(&d, "i-2", "InsufficientInstanceCapacity");
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-1"), "running");
    assert_eq!(d.fleet.state_of("i-2"), "stopped");
    assert!(errors(&d).is_empty(), "a retryable failure is not told yet");
    // Retried after 5 minutes (still no capacity), then after 10 more.
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(calls(&d).len(), 3);
    assert_eq!(calls(&d)[2], ["i-2"]);
    pass::run(&d, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    assert_eq!(calls(&d).len(), 3, "backing off");
    d.fleet.failing.lock().unwrap().clear();
    pass::run(&d, at("2026-11-30T09:15:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-2"), "running");
    assert!(errors(&d).is_empty());
}

#[tokio::test]
async fn a_retryable_failure_is_told_once_after_the_last_try() {
    let d = world("stopped", Duration::from_secs(5));
    fail(&d, "i-2", "InsufficientInstanceCapacity");
    for t in ["09:00", "09:05", "09:15", "09:35", "09:40", "09:45"] {
        pass::run(&d, at(&format!("2026-11-30T{t}:00+09:00")))
            .await
            .unwrap();
    }
    let tries = calls(&d)
        .iter()
        .filter(|ids| ids.contains(&"i-2".to_string()))
        .count();
    assert_eq!(tries, 4);
    assert_eq!(
        errors(&d),
        ["[dev] Could not start i-2 (app) after 4 tries"]
    );
}

#[tokio::test]
async fn a_permanent_failure_is_told_at_once_and_never_retried() {
    let d = world("stopped", Duration::from_secs(5));
    fail(&d, "i-2", "UnauthorizedOperation");
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-1"), "running");
    assert_eq!(d.fleet.state_of("i-3"), "running");
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
    assert_eq!(m.fields[0].title, "UnauthorizedOperation");
    for t in ["09:05", "09:10", "09:30"] {
        pass::run(&d, at(&format!("2026-11-30T{t}:00+09:00")))
            .await
            .unwrap();
    }
    assert_eq!(calls(&d).len(), 2, "never retried");
    assert_eq!(errors(&d).len(), 1, "told once");
}

/// Three schedules, one server each, all due at 09:30.
fn three() -> MemoryDeps {
    let names = ["a", "b", "c"];
    memory::deps(
        RawConfig {
            schedules: names
                .iter()
                .map(|n| schedule_item(n, "all", "09:30", "22:00"))
                .collect(),
            ..RawConfig::default()
        },
        names
            .iter()
            .map(|n| instance(&format!("i-{n}"), InstanceKind::Ec2, "stopped", n, None))
            .collect(),
    )
}

#[tokio::test]
async fn a_failing_state_write_strands_only_its_schedule() {
    let d = three();
    d.state.failing.lock().unwrap().insert(
        "b".into(),
        CallError::new(
            "dynamodb:PutItem state",
            "ProvisionedThroughputExceededException",
            "throttled",
        ),
    );
    let report = pass::run(&d, at("2026-11-30T09:30:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-a"), "running");
    assert_eq!(d.fleet.state_of("i-c"), "running");
    assert_eq!(
        d.fleet.state_of("i-b"),
        "stopped",
        "b was not claimed, so not started"
    );
    let texts: Vec<String> = sent(&d).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "[b] Could not save the scheduler's state; this schedule waits for the next pass",
            "[a] Starting all (wave 1 of 1)",
            "[c] Starting all (wave 1 of 1)"
        ]
    );
    assert_eq!(report.failures.len(), 1);
    // The table heals; the next pass makes up b's start, once.
    d.state.failing.lock().unwrap().clear();
    pass::run(&d, at("2026-11-30T09:35:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-b"), "running");
    let starts = sent(&d)
        .iter()
        .filter(|(_, t)| t.contains("Starting"))
        .count();
    assert_eq!(starts, 3);
}

#[tokio::test]
async fn a_state_write_that_keeps_failing_is_told_once() {
    let d = three();
    d.state.failing.lock().unwrap().insert(
        "b".into(),
        CallError::new("dynamodb:PutItem state", "AccessDeniedException", "no"),
    );
    for t in ["09:30", "09:35", "09:40"] {
        pass::run(&d, at(&format!("2026-11-30T{t}:00+09:00")))
            .await
            .unwrap();
    }
    assert_eq!(errors(&d).len(), 1);
}

#[tokio::test]
async fn a_pass_that_dies_between_claim_and_command_is_made_good_by_the_next() {
    let d = three();
    *d.fleet.hang.lock().unwrap() = true;
    let died = tokio::time::timeout(
        Duration::from_millis(300),
        pass::run(&d, at("2026-11-30T09:30:00+09:00")),
    )
    .await;
    assert!(died.is_err(), "the pass never got past its commands");
    assert!(
        d.state.items.lock().unwrap().contains_key("a"),
        "the claim was written"
    );
    assert_eq!(d.fleet.state_of("i-a"), "stopped");
    // A fresh process, five minutes later: what was claimed is sent.
    *d.fleet.hang.lock().unwrap() = false;
    pass::run(&d, at("2026-11-30T09:35:00+09:00"))
        .await
        .unwrap();
    for id in ["i-a", "i-b", "i-c"] {
        assert_eq!(d.fleet.state_of(id), "running", "{id}");
    }
}

#[tokio::test]
async fn a_throttled_batch_is_sent_again_by_a_later_pass() {
    let d = three();
    for id in ["i-a", "i-b", "i-c"] {
        fail(&d, id, "RequestLimitExceeded");
    }
    pass::run(&d, at("2026-11-30T09:30:00+09:00"))
        .await
        .unwrap();
    assert!(errors(&d).is_empty());
    d.fleet.failing.lock().unwrap().clear();
    pass::run(&d, at("2026-11-30T09:35:00+09:00"))
        .await
        .unwrap();
    for id in ["i-a", "i-b", "i-c"] {
        assert_eq!(d.fleet.state_of(id), "running", "{id}");
    }
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
    assert!(t.sent_at("db-1").is_some());
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
    use scheduler::ports::{KeptCopies, ScheduleStates, UsageHistory};
    use scheduler::usage::Observation;
    type Utc = chrono::DateTime<chrono::Utc>;
    impl ScheduleStates for Stale<'_> {
        async fn load(&self) -> Result<scheduler::state::Stored, CallError> {
            Ok(Default::default())
        }

        async fn save(
            &self,
            s: &str,
            st: &scheduler::state::ScheduleState,
            v: u64,
        ) -> Result<scheduler::ports::Saved, CallError> {
            self.0.save(s, st, v).await
        }

        async fn states_in(
            &self,
            s: &[String],
            t: &[scheduler::target::Target],
        ) -> Result<Vec<scheduler::ports::TargetState>, CallError> {
            self.0.states_in(s, t).await
        }
    }
    impl KeptCopies for Stale<'_> {
        async fn save_calendar(
            &self,
            _: &scheduler::calendar::CalendarCache,
        ) -> Result<(), CallError> {
            Ok(())
        }

        async fn save_price(&self, _: &scheduler::usage::CachedPrice) -> Result<(), CallError> {
            Ok(())
        }
    }
    impl UsageHistory for Stale<'_> {
        async fn record_usage(&self, o: &[Observation]) -> Result<(), CallError> {
            self.0.record_usage(o).await
        }

        async fn usage(&self, since: Utc) -> Result<Vec<Observation>, CallError> {
            self.0.usage(since).await
        }

        async fn week_usage(
            &self,
            since: Utc,
            now: Utc,
        ) -> Result<Option<Vec<Observation>>, CallError> {
            self.0.week_usage(since, now).await
        }

        async fn carry_usage(&self, at: Utc, carried: &[Observation]) -> Result<(), CallError> {
            self.0.carry_usage(at, carried).await
        }

        async fn claim_report(&self, monday: chrono::NaiveDate) -> Result<bool, CallError> {
            self.0.claim_report(monday).await
        }
    }
    let stale = Deps {
        config: MemoryConfig::new(d.config.raw.lock().unwrap().clone()),
        state: Stale(&d.state),
        fleet: MemoryFleet::new(d.fleet.instances.lock().unwrap().clone()),
        notifier: RecordingNotifier::default(),
        tuning: d.tuning.clone(),
        told: Default::default(),
        feeds: Box::new(scheduler::http::Feeds::new(true)),
        events: None,
        prices: None,
        probe: Box::new(scheduler::memory::ScriptedProbe::default()),
    };
    let report = pass::run(&stale, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(report.conflicts, ["dev"]);
    assert!(stale.fleet.calls.lock().unwrap().is_empty());
    assert!(stale.notifier.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failure_whose_record_cannot_be_written_is_told_once_by_the_pass_that_records_it() {
    let d = world("stopped", Duration::from_secs(5));
    fail(&d, "i-2", "UnauthorizedOperation");
    // The claims are written; the write that records the failure is not.
    *d.state.failing_records.lock().unwrap() = Some(CallError::new(
        "dynamodb:PutItem state",
        "ProvisionedThroughputExceededException",
        "throttled",
    ));
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert!(errors(&d).is_empty(), "not recorded, so not told yet");
    *d.state.failing_records.lock().unwrap() = None;
    for t in ["09:05", "09:10"] {
        pass::run(&d, at(&format!("2026-11-30T{t}:00+09:00")))
            .await
            .unwrap();
    }
    assert_eq!(
        errors(&d).len(),
        1,
        "told once, by the pass that recorded it"
    );
}
