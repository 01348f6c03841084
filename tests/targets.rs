//! A hub over many accounts and regions, on moto: three accounts (the
//! hub's own and two spokes behind STS AssumeRole) in two regions, and a
//! fourth whose role cannot be assumed. `schedctl run --all-targets` and
//! the Lambda binary with the Map's per-target events.

mod support;

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use aws_config::sts::AssumeRoleProvider;
use aws_config::Region;
use aws_sdk_dynamodb::types::AttributeValue as Av;
use serde_json::Value;
use support::lambda::invoke;
use support::moto::{ec2_state, launch};
use support::{group_item, s, schedule_item, Moto, World};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SELF_SEOUL: &str = "self@ap-northeast-2";
const A_SEOUL: &str = "arn:aws:iam::111111111111:role/instance-scheduler-spoke@ap-northeast-2";
const A_VIRGINIA: &str = "arn:aws:iam::111111111111:role/instance-scheduler-spoke@us-east-1";
const B_VIRGINIA: &str = "arn:aws:iam::222222222222:role/instance-scheduler-spoke@us-east-1";
/// The spoke whose role does not trust the hub (moto's front refuses it).
const DENIED: &str = "arn:aws:iam::333333333333:role/instance-scheduler-spoke@ap-northeast-2";

/// A target's servers as the test sees them.
struct Account {
    target: &'static str,
    ec2: aws_sdk_ec2::Client,
    db: Vec<String>,
    app: Vec<String>,
    batch: Vec<String>,
}

/// EC2 of `target`, through its role when it has one (as the hub does).
async fn ec2_of(w: &World, target: &str) -> aws_sdk_ec2::Client {
    let (role, region) = target.rsplit_once('@').unwrap();
    let mut conf = w.sdk.to_builder().region(Region::new(region.to_string()));
    if role != "self" {
        let provider = AssumeRoleProvider::builder(role)
            .session_name("seeding")
            .configure(&w.sdk)
            .build()
            .await;
        conf = conf.credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        );
    }
    aws_sdk_ec2::Client::new(&conf.build())
}

/// `dev` (every target: db, then app) and `batch` (only A_VIRGINIA); each
/// reachable target has a db server, two app servers and a batch server.
async fn hub(w: &World) -> Vec<Account> {
    w.put("Schedule", schedule_item("dev", "all", "09:00", "22:00"))
        .await;
    let mut batch = schedule_item("batch", "all", "09:00", "22:00");
    batch.0.insert("Targets".into(), Av::L(vec![s(A_VIRGINIA)]));
    w.put("Schedule", batch).await;
    w.put("ScheduleServerGroup", group_item("dev", "db", "EC2", &[]))
        .await;
    w.put(
        "ScheduleServerGroup",
        group_item("dev", "app", "EC2", &["db"]),
    )
    .await;
    w.put(
        "ScheduleServerGroup",
        group_item("batch", "jobs", "EC2", &[]),
    )
    .await;
    let mut accounts = Vec::new();
    for target in [SELF_SEOUL, A_SEOUL, A_VIRGINIA, B_VIRGINIA] {
        let ec2 = ec2_of(w, target).await;
        accounts.push(Account {
            target,
            db: launch(&ec2, 1, "dev", Some("db"), "dev-db").await,
            app: launch(&ec2, 2, "dev", Some("app"), "dev-app").await,
            batch: launch(&ec2, 1, "batch", Some("jobs"), "batch").await,
            ec2,
        });
    }
    accounts
}

fn targets() -> String {
    [SELF_SEOUL, A_SEOUL, A_VIRGINIA, B_VIRGINIA, DENIED].join(",")
}

async fn states(a: &Account, ids: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        out.push(ec2_state(&a.ec2, id).await);
    }
    out
}

/// The texts the webhook received (Slack format).
async fn posted(hook: &MockServer) -> Vec<String> {
    hook.received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let v: Value = serde_json::from_slice(&r.body).unwrap();
            v.to_string()
        })
        .collect()
}

async fn webhook() -> MockServer {
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hook)
        .await;
    hook
}

fn schedctl(w: &World, hook: &MockServer) -> Command {
    let mut c = Command::cargo_bin("schedctl").unwrap();
    c.envs(w.moto.env())
        .env("TARGETS", targets())
        .env("TARGET_EXTERNAL_ID", "hub-external-id")
        .env("WEBHOOK_URL", hook.uri())
        .env("WEBHOOK_FORMAT", "slack");
    c
}

#[tokio::test]
async fn every_target_follows_its_schedules_and_an_unreachable_one_is_told_once() {
    let w = World::on(Moto::start_denying("333333333333")).await;
    let accounts = hub(&w).await;
    let hook = webhook().await;

    let out = schedctl(&w, &hook)
        .args(["run", "--all-targets", "--at", "2026-11-30T09:00:00+09:00"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 of 5 targets could not run"));
    for a in &accounts {
        let section = stdout
            .split("target ")
            .find(|s| s.starts_with(a.target))
            .unwrap_or_else(|| panic!("{} not run:\n{stdout}", a.target));
        let db = section.find("dev start db").expect(section);
        let app = section.find("dev start app").expect(section);
        assert!(
            db < app && section.contains("round 2: dev start app"),
            "{section}"
        );
        assert_eq!(states(a, &a.db).await, ["running"]);
        assert_eq!(states(a, &a.app).await, ["running", "running"]);
        // `batch` names A_VIRGINIA only: elsewhere its servers stay stopped.
        let batch = if a.target == A_VIRGINIA {
            "running"
        } else {
            "stopped"
        };
        assert_eq!(states(a, &a.batch).await, [batch], "{}", a.target);
    }
    assert!(
        stdout.contains(&format!("target {DENIED}\n  FAILED")),
        "{stdout}"
    );

    let texts = posted(&hook).await;
    let denied: Vec<&String> = texts
        .iter()
        .filter(|t| t.contains("333333333333"))
        .collect();
    assert_eq!(denied.len(), 1, "{texts:#?}");
    assert!(denied[0].contains("AccessDenied") && denied[0].contains("sts:AssumeRole"));
    // Messages name the account and region they are about.
    assert!(
        texts
            .iter()
            .any(|t| t.contains("dev · 222222222222 us-east-1")),
        "{texts:#?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("dev · ap-northeast-2")),
        "{texts:#?}"
    );

    // Five minutes later: nothing to do, and the denied target is not told again.
    let again = schedctl(&w, &hook)
        .args(["run", "--all-targets", "--at", "2026-11-30T09:05:00+09:00"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(!stdout.contains(" start "), "{stdout}");
    let texts = posted(&hook).await;
    assert_eq!(
        texts.iter().filter(|t| t.contains("333333333333")).count(),
        1
    );
}

/// The payload the hub's Map sends for `target` when the rule fires at
/// `time`, built from template.yaml's definition.
fn map_item(target: &str, time: &str) -> String {
    let definition = support::template::fan_out(&[target], 40);
    let mut tick: Value = serde_json::from_str(&support::lambda::event("scheduled.json")).unwrap();
    tick["time"] = time.into();
    support::template::map_items(&definition, &tick)[0].to_string()
}

#[tokio::test]
async fn the_lambda_runs_the_maps_items_and_a_retried_item_acts_once() {
    let w = World::on(Moto::start_denying("333333333333")).await;
    let accounts = hub(&w).await;
    let hook = webhook().await;
    let mut env = w.moto.env();
    env.extend([
        ("TARGETS", targets()),
        ("WEBHOOK_URL", hook.uri()),
        ("WEBHOOK_FORMAT", "slack".to_string()),
    ]);

    // The Map's item for one target starts that target only, in order.
    let item = map_item(A_SEOUL, "2026-11-30T00:00:00Z");
    let first = invoke(&env, item.clone()).await.unwrap();
    assert_eq!(first["commanded"], 3, "{first}");
    let (seoul, others) = (&accounts[1], [&accounts[0], &accounts[2], &accounts[3]]);
    assert_eq!(states(seoul, &seoul.app).await, ["running", "running"]);
    for a in others {
        assert_eq!(states(a, &a.db).await, ["stopped"], "{}", a.target);
    }
    // At-least-once: the Map retries the item whose pass already acted.
    let retried = invoke(&env, item).await.unwrap();
    assert_eq!(retried["commanded"], 0, "{retried}");
    // Each target's state is its own: the same schedule elsewhere is not
    // taken as started.
    let other = invoke(&env, map_item(B_VIRGINIA, "2026-11-30T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(other["commanded"], 3, "{other}");

    // The unreachable target fails its item (the Map's Catch sees it) and
    // is told once however often the Map runs it.
    for minute in ["00", "05"] {
        let failed = invoke(
            &env,
            map_item(DENIED, &format!("2026-11-30T00:{minute}:00Z")),
        )
        .await
        .unwrap_err();
        assert!(failed.to_string().contains("AssumeRole"), "{failed}");
    }
    let texts = posted(&hook).await;
    assert_eq!(
        texts.iter().filter(|t| t.contains("333333333333")).count(),
        1,
        "{texts:#?}"
    );
    // Its state holds its own partition, nothing of the others'.
    let keys: Vec<String> = w
        .ddb
        .scan()
        .table_name("ScheduleState")
        .send()
        .await
        .unwrap()
        .items()
        .iter()
        .map(|i| i["ScheduleName"].as_s().unwrap().clone())
        .collect();
    assert!(
        keys.iter().any(|k| k == &format!("target:{A_SEOUL}/dev")),
        "{keys:?}"
    );
    assert!(
        keys.iter()
            .any(|k| k == &format!("target:{B_VIRGINIA}/dev")),
        "{keys:?}"
    );
    assert!(!keys.iter().any(|k| k == "dev"), "{keys:?}");
}

/// The Schedule item's ForceStart as the hub's table holds it.
async fn force_start(w: &World, schedule: &str) -> Option<bool> {
    let item = w
        .ddb
        .get_item()
        .table_name("Schedule")
        .key("ScheduleName", s(schedule))
        .send()
        .await
        .unwrap();
    match item.item().and_then(|i| i.get("ForceStart")) {
        Some(Av::Bool(b)) => Some(*b),
        _ => None,
    }
}

#[tokio::test]
async fn a_hub_consumes_force_start_only_once_every_target_has_its_part_up() {
    let w = World::on(Moto::start()).await;
    let mut dev = schedule_item("dev", "all", "09:00", "22:00");
    dev.0.insert("ForceStart".into(), Av::Bool(true));
    w.put("Schedule", dev).await;
    // The first target has no servers: its part is complete at once.
    let west = ec2_of(&w, "self@us-west-2").await;
    let ids = launch(&west, 2, "dev", None, "dev-west").await;
    let hook = webhook().await;
    const TWO: &str = "self@us-east-1,self@us-west-2";
    let run = |at: &str, targets: &str| {
        let mut c = Command::cargo_bin("schedctl").unwrap();
        c.envs(w.moto.env())
            .env("TARGETS", targets)
            .env("WEBHOOK_URL", hook.uri())
            .env("WEBHOOK_FORMAT", "slack")
            .args(["run", "--all-targets", "--at", at])
            .output()
            .unwrap()
    };
    let out = run("2026-11-30T03:00:00+09:00", TWO);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for id in &ids {
        assert_eq!(ec2_state(&west, id).await, "running", "{stdout}");
    }
    // us-east-1, which has no servers, does not consume the flag alone.
    assert_eq!(force_start(&w, "dev").await, Some(true), "{stdout}");
    // The next pass sees them up in us-west-2: the flag is consumed.
    let out = run("2026-11-30T03:05:00+09:00", TWO);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(force_start(&w, "dev").await, Some(false), "{stdout}");

    // A pass that reads the flag false clears each target's memory of it;
    // set again, the targets in the other order: the same.
    assert!(run("2026-11-30T03:10:00+09:00", TWO).status.success());
    for id in &ids {
        west.stop_instances().instance_ids(id).send().await.unwrap();
    }
    w.ddb
        .update_item()
        .table_name("Schedule")
        .key("ScheduleName", s("dev"))
        .update_expression("SET ForceStart = :t")
        .expression_attribute_values(":t", Av::Bool(true))
        .send()
        .await
        .unwrap();
    const REVERSED: &str = "self@us-west-2,self@us-east-1";
    let out = run("2026-11-30T03:15:00+09:00", REVERSED);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for id in &ids {
        assert_eq!(ec2_state(&west, id).await, "running", "{stdout}");
    }
    let out = run("2026-11-30T03:20:00+09:00", REVERSED);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(force_start(&w, "dev").await, Some(false), "{stdout}");
}

#[tokio::test]
async fn a_slow_target_never_delays_another_targets_stop() {
    // Every EC2 call in us-west-2 answers 8 s late.
    let w = World::on(Moto::start_delaying("ec2", "us-west-2", 8)).await;
    w.put("Schedule", schedule_item("dev", "all", "09:00", "22:00"))
        .await;
    let east = ec2_of(&w, "self@us-east-1").await;
    let ids = launch(&east, 1, "dev", None, "dev-east").await;
    east.start_instances()
        .instance_ids(&ids[0])
        .send()
        .await
        .unwrap();
    let hook = webhook().await;
    let mut stop = std::process::Command::cargo_bin("schedctl").unwrap();
    stop.envs(w.moto.env())
        .env("TARGETS", "self@us-west-2,self@us-east-1")
        .env("WEBHOOK_URL", hook.uri())
        .env("WEBHOOK_FORMAT", "slack")
        .env("POLL_SECONDS", "1")
        .env("TIME_BUDGET_SECONDS", "20")
        .args(["stop", "dev", "--at", "2026-11-30T12:00:00+09:00"])
        .stdout(std::process::Stdio::piped());
    let child = stop.spawn().unwrap();
    let started = std::time::Instant::now();
    let mut state = String::new();
    while started.elapsed() < std::time::Duration::from_secs(7) {
        state = ec2_state(&east, &ids[0]).await;
        if state == "stopped" || state == "stopping" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    assert!(
        state == "stopped" || state == "stopping",
        "us-east-1 waited for us-west-2: {state} after {:?}",
        started.elapsed()
    );
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("target self@us-west-2"), "{stdout}");
}
