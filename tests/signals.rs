//! Signals other tools can use, on moto: scheduling events on the default
//! EventBridge bus (read back through a rule and an SQS queue, with boto3
//! from the project's virtualenv), and tags on the servers acted on.

mod support;

use std::process::Command;

use scheduler::notify::Format;
use scheduler::pass;
use support::{at, succeeded, World};

/// Runs a few lines of boto3 against `w`'s moto; returns what they print.
fn boto3(w: &World, code: &str) -> String {
    let out = Command::new(support::venv_bin().join("python"))
        .args(["-c", &format!("import boto3, json\n{code}")])
        .envs(w.moto.env())
        .env("AWS_DEFAULT_REGION", support::REGION)
        .output()
        .unwrap();
    succeeded(out)
}

#[tokio::test]
async fn starts_stops_and_errors_are_events_and_servers_get_tagged() {
    let w = World::new().await;
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "app", "EC2", &["db"]).await;
    w.schedule("bad", "funday", "09:00", "22:00").await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    let ids = w.ec2_instances(2, "dev", Some("app"), "dev-app").await;
    let queue = boto3(
        &w,
        r#"sqs = boto3.client("sqs"); events = boto3.client("events")
url = sqs.create_queue(QueueName="scheduling")["QueueUrl"]
arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
events.put_rule(Name="scheduling", EventPattern=json.dumps({"source": ["instance-scheduler"]}))
events.put_targets(Rule="scheduling", Targets=[{"Id": "q", "Arn": arn}])
print(url)"#,
    );
    let mut env = support::test_env(None, Format::Jandi);
    env.emit_events = true;
    env.tuning.tag_instances = true;
    let deps = w.deps_with(&env);
    pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();

    let received = boto3(
        &w,
        &format!(
            r#"sqs = boto3.client("sqs"); out = []
while True:
    got = sqs.receive_message(QueueUrl="{}", MaxNumberOfMessages=10).get("Messages", [])
    if not got: break
    out += [json.loads(m["Body"]) for m in got]
print(json.dumps(out))"#,
            queue.trim()
        ),
    );
    let events: Vec<serde_json::Value> = serde_json::from_str(&received).unwrap();
    assert!(events
        .iter()
        .all(|e| e["source"] == "instance-scheduler" && e["detail-type"] == "Scheduling Action"));
    let details: Vec<(String, String, String)> = events
        .iter()
        .map(|e| {
            let d = &e["detail"];
            (
                d["schedule"].as_str().unwrap().to_string(),
                d["action"].as_str().unwrap().to_string(),
                d["group"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for want in [
        ("dev", "start", "db"),
        ("dev", "start", "app"),
        ("bad", "configuration-error", ""),
    ] {
        assert!(
            details.contains(&(want.0.into(), want.1.into(), want.2.into())),
            "{want:?} in {details:?}"
        );
    }
    let app = events
        .iter()
        .find(|e| e["detail"]["group"] == "app")
        .unwrap();
    assert_eq!(app["detail"]["wave"], 2);
    assert_eq!(app["detail"]["cause"], "schedule");
    assert_eq!(app["detail"]["instances"].as_array().unwrap().len(), 2);

    // Tags: the last action on each server, on EC2 and RDS alike.
    let tags = boto3(
        &w,
        &format!(
            r#"ec2 = boto3.client("ec2"); rds = boto3.client("rds")
r = ec2.describe_instances(InstanceIds=["{}"])["Reservations"][0]["Instances"][0]
db = rds.describe_db_instances(DBInstanceIdentifier="dev-db")["DBInstances"][0]
print(json.dumps({{"ec2": {{t["Key"]: t["Value"] for t in r["Tags"]}}, "rds": {{t["Key"]: t["Value"] for t in db["TagList"]}}}}))"#,
            ids[0]
        ),
    );
    let tags: serde_json::Value = serde_json::from_str(&tags).unwrap();
    assert_eq!(tags["ec2"]["ScheduleLastAction"], "start 2026-11-30T00:00Z");
    assert_eq!(tags["rds"]["ScheduleLastAction"], "start 2026-11-30T00:00Z");
    assert!(tags["ec2"].get("ScheduleError").is_none());
}

#[tokio::test]
async fn a_failure_is_tagged_and_cleared_on_success() {
    use scheduler::memory;
    use scheduler::model::{InstanceKind, RawConfig};
    use support::{instance, schedule_item};
    let d = memory::deps(
        RawConfig {
            schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
            ..RawConfig::default()
        },
        vec![instance("i-1", InstanceKind::Ec2, "stopped", "dev", None)],
    );
    let mut d = d;
    d.tuning.tag_instances = true;
    d.fleet
        .failing
        .lock()
        .unwrap()
        .insert("i-1".into(), "InsufficientInstanceCapacity".into());
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    let tags = d.fleet.tags.lock().unwrap()["i-1"].clone();
    assert_eq!(
        tags["ScheduleError"],
        "InsufficientInstanceCapacity 2026-11-30T00:00Z"
    );
    d.fleet.failing.lock().unwrap().clear();
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    let tags = d.fleet.tags.lock().unwrap()["i-1"].clone();
    assert_eq!(tags["ScheduleLastAction"], "start 2026-11-30T00:05Z");
    assert!(!tags.contains_key("ScheduleError"));
}

/// The event port's fake: a hub target's start and a failed command are
/// events naming the target, with the failure's code as its cause.
#[tokio::test]
async fn events_name_the_target_and_the_failure() {
    use scheduler::memory;
    use scheduler::model::{InstanceKind, RawConfig};
    use support::{instance, schedule_item};
    let mut d = memory::deps(
        RawConfig {
            schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
            ..RawConfig::default()
        },
        vec![
            instance("i-1", InstanceKind::Ec2, "stopped", "dev", None),
            instance("i-2", InstanceKind::Ec2, "stopped", "dev", None),
        ],
    );
    let events = memory::RecordedEvents::default();
    d.events = Some(Box::new(events.clone()));
    d.tuning.target = Some(
        scheduler::target::Target::parse("arn:aws:iam::111111111111:role/spoke@ap-northeast-2")
            .unwrap(),
    );
    d.fleet
        .failing
        .lock()
        .unwrap()
        .insert("i-2".into(), "UnsupportedOperation".into());
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    let events = events.take();
    let start = events.iter().find(|e| e.action == "start").unwrap();
    assert_eq!(start.cause, "schedule");
    let failure = events.iter().find(|e| e.action == "failure").unwrap();
    assert_eq!(failure.instances, ["i-2"]);
    assert!(
        failure.cause.contains("UnsupportedOperation"),
        "{failure:?}"
    );
    assert!(events.iter().all(
        |e| e.target.as_deref() == Some("arn:aws:iam::111111111111:role/spoke@ap-northeast-2")
    ));
}
