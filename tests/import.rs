//! `schedctl import aws-instance-scheduler` against moto: AWS Instance
//! Scheduler's config table with items shaped exactly as it writes them
//! (string sets, `name@instance_type`, `override_status`), and the imported
//! schedule running servers tagged with its tag key.

mod support;

use assert_cmd::Command;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue as Av, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use aws_sdk_ec2::types::{InstanceType, ResourceType, Tag, TagSpecification};
use scheduler::model::Item;
use support::World;

const PEER_TABLE: &str = "instance-scheduler-ConfigTable";

fn schedctl(w: &World) -> Command {
    let mut c = Command::cargo_bin("schedctl").unwrap();
    for (k, v) in w.moto.env() {
        c.env(k, v);
    }
    c.env_remove("WEBHOOK_URL").env("TIMEZONE", "Asia/Seoul");
    c
}

/// Output and exit code of `schedctl import aws-instance-scheduler`.
fn import(w: &World, more: &[&str]) -> (String, Option<i32>) {
    let mut args = vec!["import", "aws-instance-scheduler", "--table", PEER_TABLE];
    args.extend(more);
    let out = schedctl(w).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (text, out.status.code())
}

fn s(v: &str) -> Av {
    Av::S(v.into())
}

fn ss(v: &[&str]) -> Av {
    Av::Ss(v.iter().map(|x| x.to_string()).collect())
}

fn item(pairs: Vec<(&str, Av)>) -> Item {
    pairs
        .into_iter()
        .fold(Item::default(), |i, (k, v)| i.with(k, v))
}

/// Its config table (key `type` + `name`) with what its own docs' example
/// deployment holds: office hours, a resizing schedule, an override.
async fn peer_table(w: &World) {
    let key = |name: &str, kind| {
        (
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
            KeySchemaElement::builder()
                .attribute_name(name)
                .key_type(kind)
                .build()
                .unwrap(),
        )
    };
    let (a1, k1) = key("type", KeyType::Hash);
    let (a2, k2) = key("name", KeyType::Range);
    w.ddb
        .create_table()
        .table_name(PEER_TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(a1)
        .attribute_definitions(a2)
        .key_schema(k1)
        .key_schema(k2)
        .send()
        .await
        .unwrap();
    let items = [
        item(vec![
            ("type", s("period")),
            ("name", s("office-hours")),
            ("begintime", s("9:00")),
            ("endtime", s("18:00")),
            ("weekdays", ss(&["mon-fri"])),
            ("description", s("Office hours")),
        ]),
        item(vec![
            ("type", s("period")),
            ("name", s("first-monday")),
            ("begintime", s("07:30")),
            ("endtime", s("12:00")),
            ("weekdays", ss(&["mon#1"])),
            ("months", ss(&["jan", "jul"])),
        ]),
        item(vec![
            ("type", s("schedule")),
            ("name", s("seoul-office-hours")),
            ("periods", ss(&["office-hours"])),
            ("timezone", s("Asia/Seoul")),
            ("enforced", Av::Bool(false)),
            ("stop_new_instances", Av::Bool(true)),
            ("retain_running", Av::Bool(false)),
            ("hibernate", Av::Bool(false)),
        ]),
        item(vec![
            ("type", s("schedule")),
            ("name", s("resized")),
            ("periods", ss(&["office-hours@t3.large", "first-monday"])),
            ("timezone", s("Europe/Berlin")),
            ("enforced", Av::Bool(true)),
            ("hibernate", Av::Bool(true)),
        ]),
        item(vec![
            ("type", s("schedule")),
            ("name", s("always-on")),
            ("override_status", s("running")),
        ]),
    ];
    for i in items {
        w.put(PEER_TABLE, i).await;
    }
}

async fn schedule_item(w: &World, name: &str) -> Option<Item> {
    w.ddb
        .get_item()
        .table_name("Schedule")
        .key("ScheduleName", s(name))
        .send()
        .await
        .unwrap()
        .item
        .map(|i| Item(i.into_iter().collect()))
}

async fn schedule_count(w: &World) -> usize {
    let out = w.ddb.scan().table_name("Schedule").send().await.unwrap();
    out.items().len()
}

#[tokio::test]
async fn imports_what_it_can_express_and_lists_the_rest() {
    let w = World::new().await;
    peer_table(&w).await;

    let (dry, code) = import(&w, &["--dry-run"]);
    assert_eq!(code, Some(0), "{dry}");
    assert!(dry.contains("\"resized\": would write, 2 periods"), "{dry}");
    assert!(dry.contains("dry run: nothing written"), "{dry}");
    assert_eq!(schedule_count(&w).await, 0, "--dry-run wrote: {dry}");

    let (out, code) = import(&w, &[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("\"seoul-office-hours\": written, 1 period\n"),
        "{out}"
    );
    assert!(out.contains("t3.large"), "{out}");
    assert!(out.contains("hibernate"), "{out}");
    assert!(
        out.contains("skipped whole: \"always-on\": override_status=running"),
        "{out}"
    );
    assert!(
        out.contains("2 written, 0 unchanged, 1 skipped, 0 refused"),
        "{out}"
    );
    assert!(schedule_item(&w, "always-on").await.is_none());

    let office = schedule_item(&w, "seoul-office-hours").await.unwrap();
    assert_eq!(office.0["TagValue"], s("seoul-office-hours"));
    assert_eq!(office.0["TimeZone"], s("Asia/Seoul"));
    assert_eq!(office.0["Enforced"], Av::Bool(false));
    assert_eq!(office.0["ImportedFrom"], s("aws-instance-scheduler"));
    let Av::L(periods) = &office.0["Periods"] else {
        panic!("Periods is not a list")
    };
    let Av::M(p) = &periods[0] else {
        panic!("a period is not a map")
    };
    assert_eq!(p["StartTime"], s("09:00"));
    assert_eq!(p["StopTime"], s("18:00"));
    assert_eq!(p["DaysActive"], s("mon-fri"));

    let resized = schedule_item(&w, "resized").await.unwrap();
    assert_eq!(resized.0["Enforced"], Av::Bool(true));
    let Av::L(periods) = &resized.0["Periods"] else {
        panic!("Periods is not a list")
    };
    let Av::M(first_monday) = &periods[0] else {
        panic!("a period is not a map")
    };
    assert_eq!(first_monday["Months"], s("jan,jul"));
    assert_eq!(first_monday["DaysActive"], s("mon#1"));

    let (again, code) = import(&w, &[]);
    assert_eq!(code, Some(0), "{again}");
    assert!(
        again.contains("0 written, 2 unchanged, 1 skipped, 0 refused"),
        "{again}"
    );
}

#[tokio::test]
async fn never_overwrites_a_schedule_it_did_not_write() {
    let w = World::new().await;
    peer_table(&w).await;
    w.schedule("resized", "all", "08:00", "20:00").await;
    let before = schedule_item(&w, "resized").await;

    let (out, code) = import(&w, &[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("\"resized\": refused"), "{out}");
    assert!(
        out.contains("1 written, 0 unchanged, 1 skipped, 1 refused"),
        "{out}"
    );
    assert_eq!(schedule_item(&w, "resized").await, before);
    assert!(schedule_item(&w, "seoul-office-hours").await.is_some());
}

#[tokio::test]
async fn an_unknown_table_fails_with_exit_2() {
    let w = World::new().await;
    let (out, code) = import(&w, &[]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains(PEER_TABLE), "{out}");
}

/// Servers tagged as AWS Instance Scheduler tags them, `Schedule=NAME`.
async fn tagged_for_the_peer(w: &World, schedule: &str) -> String {
    let out = w
        .ec2
        .run_instances()
        .image_id("ami-12345678")
        .instance_type(InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .tags(Tag::builder().key("Schedule").value(schedule).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let id = out.instances()[0].instance_id().unwrap().to_string();
    w.ec2
        .stop_instances()
        .instance_ids(&id)
        .send()
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn an_imported_schedule_runs_servers_tagged_with_the_peers_key() {
    let w = World::new().await;
    peer_table(&w).await;
    let (out, code) = import(&w, &[]);
    assert_eq!(code, Some(0), "{out}");
    // The resizing schedule's first-monday period is read by a parser of
    // its syntax; this test needs only office hours.
    let id = tagged_for_the_peer(&w, "seoul-office-hours").await;
    w.rds_instance_tagged("office-db", &[("Schedule", "seoul-office-hours")])
        .await;
    let run = |at: &str| {
        schedctl(&w)
            .env("SCHEDULE_TAG_KEY", "Schedule")
            .args(["run", "--at", at])
            .output()
            .unwrap()
    };
    // Monday 2026-11-30 09:00 in Seoul: AWS Instance Scheduler starts it.
    let started = run("2026-11-30T09:01:00+09:00");
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    assert_eq!(w.ec2_state(&id).await, "running");
    assert_eq!(w.rds_state("office-db").await, "available");
    let stopped = run("2026-11-30T18:01:00+09:00");
    assert!(stopped.status.success());
    assert_eq!(w.ec2_state(&id).await, "stopped");
    assert_eq!(w.rds_state("office-db").await, "stopped");

    // Under the default key the same server is not this scheduler's.
    let other = tagged_for_the_peer(&w, "seoul-office-hours").await;
    let out = schedctl(&w)
        .args(["run", "--at", "2026-12-01T09:01:00+09:00"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(w.ec2_state(&other).await, "stopped");
}
