//! Whole passes against moto: real SDK clients, real tables, real fleet.

mod support;

use scheduler::lambda::{handle, PassEvent};
use scheduler::message::Level;
use scheduler::model::Direction;
use scheduler::pass::{self, PassReport};
use support::{at, World};

fn groups_in_order(report: &PassReport) -> Vec<(Direction, String)> {
    report
        .rounds
        .iter()
        .flat_map(|p| p.actions())
        .map(|(_, a)| (a.direction, a.group.clone()))
        .collect()
}

/// db (RDS) -> mw -> api -> batch (EC2), weekdays 09:00-22:00 Asia/Seoul.
async fn chain_world() -> (World, Vec<String>) {
    let w = World::new().await;
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "mw", "EC2", &["db"]).await;
    w.group("dev", "api", "EC2", &["mw"]).await;
    w.group("dev", "batch", "EC2", &["api"]).await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    let mut ids = w.ec2_instances(1, "dev", Some("mw"), "dev-mw").await;
    ids.extend(w.ec2_instances(2, "dev", Some("api"), "dev-api").await);
    ids.extend(w.ec2_instances(1, "dev", Some("batch"), "dev-batch").await);
    (w, ids)
}

#[tokio::test]
async fn four_level_chain_starts_in_order_and_stops_in_reverse() {
    let (w, ids) = chain_world().await;
    let deps = w.deps();
    // Monday 2026-11-30 09:00 KST.
    let report = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    let order: Vec<String> = groups_in_order(&report)
        .into_iter()
        .map(|(_, g)| g)
        .collect();
    assert_eq!(order, ["db", "mw", "api", "batch"]);
    assert_eq!(w.rds_state("dev-db").await, "available");
    for id in &ids {
        assert_eq!(w.ec2_state(id).await, "running");
    }
    let starts: Vec<&str> = report.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        starts,
        [
            "[dev] Starting db (wave 1 of 4)",
            "[dev] Starting mw (wave 2 of 4)",
            "[dev] Starting api (wave 3 of 4)",
            "[dev] Starting batch (wave 4 of 4)"
        ]
    );

    let report = pass::run(&deps, at("2026-11-30T22:00:00+09:00"))
        .await
        .unwrap();
    let order: Vec<(Direction, String)> = groups_in_order(&report);
    assert_eq!(
        order,
        ["batch", "api", "mw", "db"]
            .map(|g| (Direction::Stop, g.to_string()))
            .to_vec()
    );
    assert_eq!(w.rds_state("dev-db").await, "stopped");
    for id in &ids {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
}

#[tokio::test]
async fn two_passes_in_the_same_minute_act_once() {
    let (w, _) = chain_world().await;
    let deps = w.deps();
    let now = at("2026-11-30T09:00:00+09:00");
    let first = pass::run(&deps, now).await.unwrap();
    assert_eq!(groups_in_order(&first).len(), 4);
    let second = pass::run(&deps, now).await.unwrap();
    assert_eq!(groups_in_order(&second).len(), 0);
    assert!(second.messages.is_empty());
    let later = pass::run(&deps, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert!(later.messages.is_empty() && groups_in_order(&later).is_empty());
}

#[tokio::test]
async fn overlapping_passes_never_act_twice() {
    let (w, _) = chain_world().await;
    let (a, b) = (w.deps(), w.deps());
    let now = at("2026-11-30T09:00:00+09:00");
    let (ra, rb) = tokio::join!(pass::run(&a, now), pass::run(&b, now));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    let mut all = groups_in_order(&ra);
    all.extend(groups_in_order(&rb));
    all.sort();
    assert_eq!(
        all.iter().map(|(_, g)| g.as_str()).collect::<Vec<_>>(),
        ["api", "batch", "db", "mw"]
    );
}

#[tokio::test]
async fn aurora_cluster_starts_and_stops_through_the_cluster() {
    let w = World::new().await;
    w.schedule("reports", "all", "08:00", "20:00").await;
    w.group("reports", "aurora", "Aurora", &[]).await;
    w.group("reports", "app", "EC2", &["aurora"]).await;
    w.aurora_cluster("reports-db", "reports", Some("aurora"))
        .await;
    let app = w
        .ec2_instances(1, "reports", Some("app"), "reports-app")
        .await;
    let deps = w.deps();
    let r = pass::run(&deps, at("2026-12-01T08:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(
        groups_in_order(&r)
            .into_iter()
            .map(|(_, g)| g)
            .collect::<Vec<_>>(),
        ["aurora", "app"]
    );
    assert_eq!(w.cluster_state("reports-db").await, "available");
    assert_eq!(w.ec2_state(&app[0]).await, "running");
    pass::run(&deps, at("2026-12-01T20:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.cluster_state("reports-db").await, "stopped");
    assert_eq!(w.ec2_state(&app[0]).await, "stopped");
}

#[tokio::test]
async fn start_exception_on_a_saturday_starts_and_regular_stop_applies() {
    let w = World::new().await;
    w.schedule("dev", "weekdays", "09:00", "18:00").await;
    w.exception(
        "414faf09-5f6a-4182-b8fd-65522d7612b2",
        "dev",
        "2026-12-05",
        "start",
        "10:00",
    )
    .await;
    let ids = w.ec2_instances(2, "dev", None, "dev-box").await;
    let deps = w.deps();
    let r = pass::run(&deps, at("2026-12-05T09:00:00+09:00"))
        .await
        .unwrap();
    assert!(
        groups_in_order(&r).is_empty(),
        "Saturday 09:00 is not a start"
    );
    pass::run(&deps, at("2026-12-05T10:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&ids[0]).await, "running");
    pass::run(&deps, at("2026-12-05T18:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&ids[1]).await, "stopped");
}

#[tokio::test]
async fn malformed_schedule_is_reported_once_and_the_good_one_runs() {
    let w = World::new().await;
    w.schedule("good", "all", "09:00", "22:00").await;
    w.schedule("bad", "all", "25:00", "22:00").await;
    let good = w.ec2_instances(1, "good", None, "good-box").await;
    let bad = w.ec2_instances(1, "bad", None, "bad-box").await;
    let deps = w.deps();
    let r = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&good[0]).await, "running");
    assert_eq!(w.ec2_state(&bad[0]).await, "stopped");
    let errors: Vec<_> = r
        .messages
        .iter()
        .filter(|m| m.level == Level::Error)
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].text, "[bad] Configuration error");
    assert_eq!(
        errors[0].fields[0].description,
        "Schedule item [ScheduleName=bad] attribute StartTime: \"25:00\" is not a time HH:MM (00:00-23:59) or None (schedule bad disabled)"
    );
    let r = pass::run(&deps, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert!(r.messages.is_empty(), "the same error is not repeated");
}

#[tokio::test]
async fn a_bad_instance_in_a_batch_is_isolated_and_the_others_start() {
    let w = World::new().await;
    let mut ids = w.ec2_instances(3, "dev", None, "box").await;
    ids.insert(1, "i-0123456789abcdef0".to_string());
    let fleet = scheduler::aws::AwsFleet::new(&w.sdk);
    let failures = fleet.ec2.command(Direction::Start, &ids).await;
    assert_eq!(failures.len(), 1);
    let (id, error) = &failures[0];
    assert_eq!(id, "i-0123456789abcdef0");
    assert_eq!(error.code, "InvalidInstanceID.NotFound");
    for id in ids.iter().filter(|i| !i.starts_with("i-0123")) {
        assert_eq!(w.ec2_state(id).await, "running");
    }
}

#[tokio::test]
async fn lambda_handler_runs_a_pass_from_the_scheduled_event() {
    let (w, ids) = chain_world().await;
    let deps = w.deps();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/events/scheduled.json"
    ))
    .unwrap();
    let event: PassEvent = serde_json::from_str(&text).unwrap();
    let summary = handle(&deps, event).await.unwrap();
    assert_eq!(summary.commanded, 5);
    assert!(summary.failures.is_empty());
    assert_eq!(w.ec2_state(&ids[3]).await, "running");
}

#[tokio::test]
async fn lambda_fails_when_the_tables_are_unreachable() {
    let w = World::new().await;
    let mut env = support::test_env(None, scheduler::notify::Format::Jandi);
    env.tables.schedule = "NoSuchTable".into();
    let deps = w.deps_with(&env);
    let event: PassEvent =
        serde_json::from_str(r#"{"source":"aws.events","detail-type":"Scheduled Event"}"#).unwrap();
    let err = handle(&deps, event).await.unwrap_err();
    assert!(
        err.to_string().contains("ResourceNotFoundException"),
        "{err}"
    );
}

#[tokio::test]
async fn one_oversized_value_takes_down_only_its_schedule() {
    let (w, ids) = chain_world().await;
    let huge = "x".repeat(70 * 1024);
    w.put(
        "Schedule",
        support::schedule_item("big", "all", "09:00", "22:00")
            .with("TimeZone", support::s(&huge))
            .with("DaysActive", support::s(&huge)),
    )
    .await;
    let deps = w.deps();
    let report = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    for id in &ids {
        assert_eq!(w.ec2_state(id).await, "running");
    }
    let error = report
        .messages
        .iter()
        .find(|m| m.level == Level::Error)
        .expect("the bad schedule is told");
    assert!(
        error.fields[0].description.len() < 400,
        "{}",
        error.fields[0].description
    );
    let state = w
        .ddb
        .get_item()
        .table_name("ScheduleState")
        .key(
            "ScheduleName",
            aws_sdk_dynamodb::types::AttributeValue::S("big".into()),
        )
        .send()
        .await
        .unwrap();
    let stored = state.item().unwrap()["State"].as_s().unwrap().len();
    assert!(
        stored < 2048,
        "the state of one schedule stays small: {stored} bytes"
    );
    let again = pass::run(&deps, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert!(again.messages.is_empty(), "told once");
}

#[tokio::test]
async fn a_held_api_server_keeps_its_database_up_until_the_hold_ends() {
    let (w, ids) = chain_world().await;
    let deps = w.deps();
    pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    // Someone keeps an API server up for a late deploy.
    w.ec2
        .create_tags()
        .resources(&ids[1])
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("ScheduleKeepUntil")
                .value("23:30")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let report = pass::run(&deps, at("2026-11-30T22:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&ids[3]).await, "stopped", "batch");
    assert_eq!(
        w.ec2_state(&ids[2]).await,
        "stopped",
        "the other api server"
    );
    assert_eq!(w.ec2_state(&ids[1]).await, "running", "held");
    assert_eq!(w.ec2_state(&ids[0]).await, "running", "mw waits for api");
    assert_eq!(w.rds_state("dev-db").await, "available", "db waits");
    let waits: Vec<String> = report
        .rounds
        .last()
        .unwrap()
        .schedules
        .iter()
        .flat_map(|s| s.waits.iter().map(|w| w.to_string()))
        .collect();
    assert!(
        waits.contains(&"api: dev-api is held up until 2026-11-30 23:30".to_string()),
        "{waits:?}"
    );
    // 23:35: the hold is over; the stop goes on where it left off.
    pass::run(&deps, at("2026-11-30T23:35:00+09:00"))
        .await
        .unwrap();
    assert_eq!(w.ec2_state(&ids[1]).await, "stopped");
    assert_eq!(w.ec2_state(&ids[0]).await, "stopped");
    assert_eq!(w.rds_state("dev-db").await, "stopped");
}

/// The claims of one round go in one transaction; a write whose version
/// another pass moved is a conflict alone and the others are written; a
/// lone claim is a PutItem.
#[tokio::test]
async fn claims_are_written_together_and_conflict_one_by_one() {
    use scheduler::ports::{Saved, ScheduleStates, StateWrite};
    use scheduler::state::ScheduleState;
    let w = World::new().await;
    let store = w.deps().state;
    let state = ScheduleState::default();
    let write = |schedule, expected| StateWrite {
        schedule,
        state: &state,
        expected,
    };
    // Another pass claimed b first.
    assert_eq!(store.save("b", &state, 0).await.unwrap(), Saved::Written(1));
    let results: Vec<Saved> = store
        .save_all(&[write("a", 0), write("b", 0), write("c", 0)])
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        results,
        [Saved::Written(1), Saved::Conflict, Saved::Written(1)]
    );
    let again = store.save_all(&[write("a", 1)]).await;
    assert_eq!(again[0].as_ref().unwrap(), &Saved::Written(2));
    let stored = store.load().await.unwrap().schedules;
    let versions: Vec<(&str, u64)> = stored
        .iter()
        .map(|(k, v)| (k.as_str(), v.version))
        .collect();
    assert_eq!(versions, [("a", 2), ("b", 1), ("c", 1)]);
}
