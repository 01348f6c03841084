//! Switching over from the original JANDI tool, on moto: its README's
//! sample items and items as its bot wrote them run through a day; the
//! chat's `force_stop` stops at once in reverse order and writes nothing;
//! the messages speak Korean when asked to.

mod support;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use scheduler::model::{Direction, Item};
use scheduler::pass::{self, PassReport};
use support::{at, exception_item, schedule_item, succeeded, World};

fn read_items(name: &str) -> Vec<Item> {
    let path = format!("{}/events/items/{name}", env!("CARGO_MANIFEST_DIR"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let items = match v {
        serde_json::Value::Array(a) => a,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|i| Item(serde_dynamo::to_item(i).unwrap()))
        .collect()
}

fn groups(report: &PassReport) -> Vec<(Direction, String)> {
    report
        .rounds
        .iter()
        .flat_map(|p| p.actions())
        .map(|(_, a)| (a.direction, a.group.clone()))
        .collect()
}

/// The original README's SampleSchedule (GROUP1 RDS, GROUP2 EC2 -> GROUP3
/// EC2, weekdays 09:00-18:00), plus what the original bot left behind: a
/// `9:5` start for today, a 2019 item of a type it never knew, a tagged
/// server without a group, and ForceStart on a disabled schedule.
async fn original_world() -> (World, Vec<String>) {
    let w = World::new().await;
    for item in read_items("schedule.json") {
        w.put("Schedule", item).await;
    }
    for item in read_items("server-groups.json") {
        w.put("ScheduleServerGroup", item).await;
    }
    for item in read_items("exception.json") {
        w.put("ScheduleException", item).await;
    }
    w.exception("b0t-9-5", "SampleSchedule", "2026-11-30", "start", "9:5")
        .await;
    w.exception("b0t-2019", "SampleSchedule", "2019-05-01", "pause", "21:00")
        .await;
    w.put(
        "Schedule",
        schedule_item("Paused", "weekdays", "09:00", "18:00")
            .with("Enabled", Av::Bool(false))
            .with("ForceStart", Av::Bool(true)),
    )
    .await;
    let tag = "SampleScheduleTag";
    w.rds_instance("sample-db", tag, Some("GROUP1")).await;
    let mut ids = w
        .ec2_instances(1, tag, Some("GROUP2"), "sample-cache")
        .await;
    ids.extend(w.ec2_instances(1, tag, Some("GROUP3"), "sample-api").await);
    ids.extend(w.ec2_instances(1, tag, None, "sample-loose").await);
    ids.extend(w.ec2_instances(1, "Paused", None, "paused-box").await);
    (w, ids)
}

#[tokio::test]
async fn the_original_items_run_through_a_day() {
    let (w, ids) = original_world().await;
    let deps = w.deps();
    let run = |t: &'static str| pass::run(&deps, at(t));

    // 08:55: only ForceStart acts, on the disabled schedule.
    let r = run("2026-11-30T08:55:00+09:00").await.unwrap();
    assert_eq!(groups(&r), [(Direction::Start, "all".to_string())]);
    assert_eq!(w.ec2_state(&ids[3]).await, "running");
    // No configuration error: the 2019 item is past, the 2017 one valid.
    assert!(
        r.messages.iter().all(|m| !m.text.contains("error")),
        "{:?}",
        r.messages
    );

    // 09:00: today's start is 9:5, as the original bot wrote it.
    let r = run("2026-11-30T09:00:00+09:00").await.unwrap();
    // The pass after ForceStart's sees its server up and resets it.
    let paused = w
        .ddb
        .get_item()
        .table_name("Schedule")
        .key("ScheduleName", Av::S("Paused".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(paused.item().unwrap()["ForceStart"], Av::Bool(false));
    assert!(groups(&r).is_empty());
    let r = run("2026-11-30T09:05:00+09:00").await.unwrap();
    assert_eq!(
        groups(&r),
        [
            (Direction::Start, "GROUP1".to_string()),
            (Direction::Start, "GROUP2".to_string()),
            (Direction::Start, "GROUP3".to_string()),
            (Direction::Start, "ungrouped".to_string()),
        ]
    );
    assert!(
        r.messages.iter().any(|m| m
            .fields
            .iter()
            .any(|f| f.description.contains("sample-loose"))),
        "the ungrouped server is named"
    );
    for id in &ids[..3] {
        assert_eq!(w.ec2_state(id).await, "running");
    }

    // 18:00: everything stops in reverse, the ungrouped server first.
    let r = run("2026-11-30T18:00:00+09:00").await.unwrap();
    assert_eq!(
        groups(&r),
        [
            (Direction::Stop, "ungrouped".to_string()),
            (Direction::Stop, "GROUP3".to_string()),
            (Direction::Stop, "GROUP2".to_string()),
            (Direction::Stop, "GROUP1".to_string()),
        ]
    );
    assert_eq!(w.rds_state("sample-db").await, "stopped");
    for id in &ids[..3] {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
    assert_eq!(
        w.ec2_state(&ids[3]).await,
        "running",
        "a disabled schedule does not stop"
    );
}

fn schedctl(w: &World) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("schedctl").unwrap();
    c.envs(w.moto.env()).env_remove("WEBHOOK_URL");
    c
}

async fn exception_count(w: &World) -> usize {
    let out = w
        .ddb
        .scan()
        .table_name("ScheduleException")
        .send()
        .await
        .unwrap();
    out.items().len()
}

#[tokio::test]
async fn force_stop_stops_now_in_reverse_and_writes_no_exception() {
    let (w, ids) = original_world().await;
    pass::run(&w.deps(), at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    let before = exception_count(&w).await;
    let out = schedctl(&w)
        .args([
            "stop",
            "SampleSchedule",
            "--at",
            "2026-11-30T12:00:00+09:00",
            "--json",
        ])
        .output()
        .unwrap();
    let stdout = succeeded(out);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let order: Vec<&str> = report["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["schedules"].as_array().unwrap())
        .flat_map(|s| s["actions"].as_array().unwrap())
        .map(|a| a["group"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["ungrouped", "GROUP3", "GROUP2", "GROUP1"]);
    assert_eq!(w.rds_state("sample-db").await, "stopped");
    for id in &ids[..3] {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
    assert_eq!(exception_count(&w).await, before, "no exception written");
    // The day's schedule is unchanged: tomorrow starts as usual.
    let r = pass::run(&w.deps(), at("2026-12-01T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(groups(&r).len(), 4);
}

#[tokio::test]
async fn messages_speak_korean_when_asked() {
    let (w, _) = original_world().await;
    let out = schedctl(&w)
        .env("MESSAGE_LANGUAGE", "ko")
        .args(["run", "--at", "2026-11-30T09:05:00+09:00"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[SampleSchedule] GROUP1, GROUP2 서버 그룹을 시작합니다 (3단계 중 1단계)"),
        "{text}"
    );
    assert!(
        text.contains("[SampleSchedule] ScheduleName=SampleScheduleTag 태그가 있지만 이 스케쥴의 그룹을 지정하지 않은 서버 1대는"),
        "{text}"
    );
}

#[tokio::test]
async fn a_quiet_pass_says_why() {
    let w = World::new().await;
    w.put(
        "Schedule",
        schedule_item("dev", "weekdays", "09:00", "18:00"),
    )
    .await;
    w.put(
        "ScheduleException",
        exception_item("holiday", "dev", "2026-11-30", "start", "None")
            .with("CreatedBy", Av::S("alice".into())),
    )
    .await;
    w.ec2_instances(1, "dev", None, "box").await;
    let out = schedctl(&w)
        .args(["run", "--at", "2026-11-30T09:00:00+09:00"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("dev: no start at 2026-11-30 (exception: start None by alice; item holiday)"),
        "{text}"
    );
    assert!(!text.contains("nothing to do"), "{text}");
}

#[tokio::test]
async fn validate_names_what_the_original_read_differently() {
    let w = World::new().await;
    w.put("Schedule", schedule_item("night", "all", "22:00", "02:00"))
        .await;
    let out = schedctl(&w).arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("notice: schedule night: StopTime 02:00 is earlier than StartTime 22:00"),
        "{text}"
    );
}

#[tokio::test]
async fn jandi_force_stop_through_schedctl_bot_stops_at_once() {
    let (w, ids) = original_world().await;
    pass::run(&w.deps(), at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    let before = exception_count(&w).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_schedctl"))
        .args([
            "bot",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--at",
            "2026-11-30T12:00:00+09:00",
        ])
        .envs(w.moto.env())
        .env("JANDI_OUTGOING_TOKEN", "jandi-token")
        .env("MESSAGE_LANGUAGE", "ko")
        .env_remove("WEBHOOK_URL")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let body = serde_json::json!({
        "token": "jandi-token", "teamName": "acme", "roomName": "개발", "writerName": "김개발",
        "writerEmail": "kim@example.com", "text": "/서버 SampleSchedule force_stop", "keyword": "서버",
        "createdAt": "2026-11-30T03:00:00.000Z"
    });
    let client = reqwest::Client::new();
    let mut answer = None;
    for _ in 0..100 {
        if let Ok(r) = client
            .post(format!("http://127.0.0.1:{port}/jandi"))
            .json(&body)
            .send()
            .await
        {
            answer = Some(r.json::<serde_json::Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let answer = answer.expect("schedctl bot answered");
    assert_eq!(
        answer["body"],
        "[SampleSchedule] 김개발 (JANDI 개발)님의 요청으로 지금 서버를 역순으로 중지합니다"
    );
    // The asked-for pass runs in the background; within seconds all stop.
    let mut stopped = false;
    for _ in 0..100 {
        if w.rds_state("sample-db").await == "stopped" && w.ec2_state(&ids[0]).await == "stopped" {
            stopped = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    assert!(stopped, "the servers stopped");
    for id in &ids[..3] {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
    assert_eq!(exception_count(&w).await, before, "no exception written");
}
