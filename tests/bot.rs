//! The chat-command handler: authentication, every command and every bad
//! input over in-memory stores, and end to end with `schedctl bot` on moto.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use scheduler::bot::{Bot, BotSecrets, HttpRequest, HttpResponse};
use scheduler::i18n::Language;
use scheduler::memory::{
    MemoryConfig, MemoryFleet, MemoryState, RecordingNotifier, RecordingTrigger,
};
use scheduler::model::{InstanceKind, RawConfig, ScheduleException};
use serde_json::{json, Value};
use sha2::Sha256;
use support::{at, instance, schedule_item};

const SECRET: &str = "slack-signing-secret";
const JANDI: &str = "jandi-token";
const MM: &str = "mattermost-token";

type MemBot = Bot<MemoryConfig, MemoryState, MemoryFleet, RecordingNotifier, RecordingTrigger>;

fn bot(secrets: BotSecrets) -> MemBot {
    Bot {
        store: MemoryConfig::new(RawConfig {
            schedules: vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
            ..RawConfig::default()
        }),
        state: MemoryState::default(),
        fleet: MemoryFleet::new(vec![instance(
            "i-1",
            InstanceKind::Ec2,
            "running",
            "dev",
            None,
        )
        .named("web-1")]),
        targets: vec![],
        notifier: RecordingNotifier::default(),
        trigger: RecordingTrigger::default(),
        secrets,
        zone: support::SEOUL,
        lang: Language::En,
        links: None,
    }
}

fn all_secrets() -> BotSecrets {
    BotSecrets {
        slack_signing_secret: Some(SECRET.into()),
        jandi_token: Some(JANDI.into()),
        mattermost_token: Some(MM.into()),
        allowed_users: None,
    }
}

fn sign(ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

fn slack_form(text: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "legacy"),
        ("user_id", "U123"),
        ("user_name", "alice"),
        ("channel_id", "C1"),
        ("channel_name", "dev-ops"),
        ("command", "/sched"),
        ("text", text),
    ])
    .unwrap()
}

fn signed(path: &str, body: String, now: DateTime<Utc>) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        path: path.into(),
        query: String::new(),
        headers: vec![
            (
                "x-slack-request-timestamp".into(),
                now.timestamp().to_string(),
            ),
            ("x-slack-signature".into(), sign(now.timestamp(), &body)),
        ],
        body: body.into_bytes(),
    }
}

/// 2026-11-30 (Monday) 21:50 in Seoul.
fn evening() -> DateTime<Utc> {
    at("2026-11-30T21:50:00+09:00")
}

/// A signed slash command: the HTTP status and the answer's text; a
/// refusal is shown to the asker only (`ephemeral`), the rest in channel.
async fn slack(b: &MemBot, text: &str, now: DateTime<Utc>) -> (u16, String) {
    let (status, kind, answer) = slack_answer(b, text, now).await;
    assert!(kind == "in_channel" || kind == "ephemeral", "{kind}");
    (status, answer)
}

async fn slack_answer(b: &MemBot, text: &str, now: DateTime<Utc>) -> (u16, String, String) {
    let r = b
        .handle(&signed("/slack/commands", slack_form(text), now), now)
        .await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    (
        r.status,
        v["response_type"].as_str().unwrap().to_string(),
        v["text"].as_str().unwrap().to_string(),
    )
}

fn exceptions(b: &MemBot) -> Vec<ScheduleException> {
    b.store
        .raw
        .lock()
        .unwrap()
        .exceptions
        .iter()
        .map(|i| ScheduleException::from_item(i).unwrap())
        .collect()
}

fn created_by(b: &MemBot) -> Vec<String> {
    b.store
        .raw
        .lock()
        .unwrap()
        .exceptions
        .iter()
        .map(|i| i.0["CreatedBy"].as_s().unwrap().clone())
        .collect()
}

#[tokio::test]
async fn signature_checks_refuse_and_write_nothing() {
    let b = bot(all_secrets());
    let now = evening();
    let good = signed("/slack/commands", slack_form("extend dev 23:00"), now);
    let mut tampered = good.clone();
    tampered.body = slack_form("extend dev 23:59").into_bytes();
    let mut stale = good.clone();
    stale.headers[0].1 = (now.timestamp() - 301).to_string();
    stale.headers[1].1 = sign(now.timestamp() - 301, &slack_form("extend dev 23:00"));
    let mut future = stale.clone();
    future.headers[0].1 = (now.timestamp() + 301).to_string();
    future.headers[1].1 = sign(now.timestamp() + 301, &slack_form("extend dev 23:00"));
    let mut unsigned = good.clone();
    unsigned.headers.clear();
    for (name, req) in [("tampered", tampered), ("stale", stale), ("future", future)] {
        assert_eq!(b.handle(&req, now).await.status, 401, "{name}");
    }
    // Without a Slack signature, /slack/commands is Mattermost's: its token is wrong here.
    assert_eq!(b.handle(&unsigned, now).await.status, 401);
    assert!(exceptions(&b).is_empty());
    assert_eq!(b.handle(&good, now).await.status, 200);
    assert_eq!(exceptions(&b).len(), 1);
}

#[tokio::test]
async fn routes_without_secrets_are_404_and_limits_hold() {
    let b = bot(BotSecrets::default());
    let now = evening();
    for path in ["/slack/commands", "/slack/actions", "/jandi", "/nope"] {
        let r = b
            .handle(&signed(path, slack_form("status"), now), now)
            .await;
        assert_eq!(r.status, 404, "{path}");
    }
    let b = bot(all_secrets());
    let mut get = signed("/slack/commands", slack_form("status"), now);
    get.method = "GET".into();
    assert_eq!(b.handle(&get, now).await.status, 405);
    let big = "x".repeat(64 * 1024 + 1);
    assert_eq!(
        b.handle(&signed("/slack/commands", big, now), now)
            .await
            .status,
        413
    );
    // Any bytes decode as some form; one without a command gets the usage.
    let not_form = signed("/slack/commands", "{\"not\": \"a form\"}".into(), now);
    let r = b.handle(&not_form, now).await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Commands: status"), "{}", r.body);
    let not_json = HttpRequest {
        method: "POST".into(),
        path: "/jandi".into(),
        query: String::new(),
        headers: vec![],
        body: b"{not json".to_vec(),
    };
    assert_eq!(b.handle(&not_json, now).await.status, 400);
}

#[tokio::test]
async fn extend_writes_the_stop_exception_and_announces_it() {
    let b = bot(all_secrets());
    let (status, text) = slack(&b, "extend dev 23:00", evening()).await;
    assert_eq!(status, 200);
    assert_eq!(
        text,
        "[dev] Stop moved to 2026-11-30 23:00 Asia/Seoul by alice (Slack #dev-ops)"
    );
    let xs = exceptions(&b);
    assert_eq!(xs.len(), 1);
    assert_eq!(
        (
            xs[0].date.to_string().as_str(),
            xs[0].kind.as_str(),
            xs[0].value.unwrap().to_string().as_str()
        ),
        ("2026-11-30", "stop", "23:00:00")
    );
    assert_eq!(created_by(&b), ["alice (Slack #dev-ops)"]);
    assert_eq!(b.notifier.sent.lock().unwrap()[0].text, text);
    // postpone is an alias; a second extend replaces the first.
    slack(&b, "postpone dev 23:30", evening()).await;
    assert_eq!(exceptions(&b).len(), 1);
    assert_eq!(exceptions(&b)[0].value.unwrap().to_string(), "23:30:00");
}

#[tokio::test]
async fn every_command_answers() {
    let b = bot(all_secrets());
    let now = evening();
    let (_, status) = slack(&b, "status", now).await;
    assert_eq!(status, "[dev] 1 running, 0 stopped; next start Tue 12-01 09:00, next stop Mon 11-30 22:00 (Asia/Seoul)");
    let (_, skip) = slack(&b, "skip dev 2026-12-01", now).await;
    assert_eq!(
        skip,
        "[dev] No start on 2026-12-01, by alice (Slack #dev-ops)"
    );
    let (_, status) = slack(&b, "STATUS dev", now).await;
    assert!(status.contains("next start Wed 12-02 09:00"), "{status}");
    let (_, list) = slack(&b, "exceptions dev 2026-12-01", now).await;
    assert_eq!(
        list,
        "[dev] 2026-12-01: start None, stop 22:00 (Asia/Seoul)\n2026-12-01 start None"
    );
    let (_, cancel) = slack(&b, "cancel dev 2026-12-01 start", now).await;
    assert_eq!(
        cancel,
        "[dev] start exception on 2026-12-01 removed by alice (Slack #dev-ops)"
    );
    assert!(exceptions(&b).is_empty());
    let (_, start) = slack(&b, "start dev", now).await;
    assert_eq!(
        start,
        "[dev] Start requested by alice (Slack #dev-ops): its servers start now, in order"
    );
    let force = b.store.raw.lock().unwrap().schedules[0].0["ForceStart"].clone();
    assert_eq!(force, Av::Bool(true));
    let stop_at = at("2026-11-30T15:20:30+09:00");
    let (_, stop) = slack(&b, "stop dev", stop_at).await;
    assert_eq!(
        stop,
        "[dev] Stop requested by alice (Slack #dev-ops): its servers stop now, in reverse order"
    );
    assert!(exceptions(&b).is_empty(), "stop writes no exception");
    let asked = b.trigger.asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 2, "start and stop both ask for a pass now");
    assert!(asked[0].0.stop.is_empty());
    assert_eq!(asked[1].0.stop, BTreeSet::from(["dev".to_string()]));
    assert_eq!(asked[1].1, stop_at);
    let (_, help) = slack(&b, "help", now).await;
    assert!(help.starts_with("Commands: status"));
    let (_, unknown) = slack(&b, "dance", now).await;
    assert_eq!(unknown, help);
}

#[tokio::test]
async fn the_original_word_order_keeps_working() {
    let b = bot(all_secrets());
    let now = evening();
    let (_, set) = slack(&b, "dev exception set 2026-12-02 stop 23:00", now).await;
    assert_eq!(
        set,
        "[dev] stop on 2026-12-02 set to 23:00 by alice (Slack #dev-ops)"
    );
    let (_, short) = slack(&b, "dev e s 2026-12-03 start 9:5", now).await;
    assert!(
        short.contains("start on 2026-12-03 set to 09:05"),
        "{short}"
    );
    let (_, info) = slack(&b, "dev info 2026-12-02", now).await;
    assert_eq!(
        info,
        "[dev] Schedule for 2026-12-02\nEnabled: true\nDaysActive: weekdays\nStart Time: 09:00\nStop Time: 23:00\nExceptions: stop 23:00"
    );
    let (_, today) = slack(&b, "dev i", now).await;
    assert!(
        today.contains("Schedule for 2026-11-30") && today.contains("No exceptions."),
        "{today}"
    );
    let (_, del) = slack(&b, "dev e d 2026-12-02 stop", now).await;
    assert!(del.contains("removed"), "{del}");
    let (_, st) = slack(&b, "dev s", now).await;
    assert_eq!(
        st,
        "[dev] 1 server: 1 running, 0 stopped\nWave 1: all\n  web-1 (i-1): running"
    );
    let (_, fs) = slack(&b, "dev force_start", now).await;
    assert!(fs.contains("Start requested"), "{fs}");
    let (_, stop) = slack(&b, "dev force_stop", now).await;
    assert!(stop.contains("Stop requested"), "{stop}");
}

#[tokio::test]
async fn refusals_are_shown_to_the_asker_only() {
    let b = bot(all_secrets());
    let (_, kind, _) = slack_answer(&b, "extend nope 23:00", evening()).await;
    assert_eq!(kind, "ephemeral");
    let (_, kind, _) = slack_answer(&b, "status", evening()).await;
    assert_eq!(kind, "in_channel");
}

#[tokio::test]
async fn answers_and_help_speak_korean() {
    let mut b = bot(all_secrets());
    b.lang = Language::Ko;
    let (_, help) = slack(&b, "help", evening()).await;
    assert!(help.starts_with("명령어:"), "{help}");
    let (_, moved) = slack(&b, "extend dev 23:00", evening()).await;
    assert_eq!(
        moved,
        "[dev] alice (Slack #dev-ops)님이 중지 시간을 2026-11-30 23:00 Asia/Seoul(으)로 옮겼습니다"
    );
    let (_, nope) = slack(&b, "extend nope 23:00", evening()).await;
    assert_eq!(nope, "nope 이라는 스케쥴이 없습니다.");
}

#[tokio::test]
async fn bad_arguments_answer_200_with_the_reason_and_change_nothing() {
    let b = bot(all_secrets());
    let now = evening();
    for (text, reason) in [
        ("extend nope 23:00", "There is no schedule named nope."),
        (
            "extend dev 25:00",
            "\"25:00\" is not a time HH:MM (00:00-23:59) or None",
        ),
        (
            "extend dev 21:00",
            "21:00 is already past in Asia/Seoul (21:50 now)",
        ),
        (
            "skip dev 2026-02-30",
            "\"2026-02-30\" is not a date YYYY-MM-DD",
        ),
        ("skip dev 2026-11-01", "2026-11-01 is in the past."),
        ("extend dev", "a time HH:MM is missing"),
        (
            "cancel dev 2026-12-01 stop",
            "[dev] There is no such exception on 2026-12-01.",
        ),
    ] {
        let (status, answer) = slack(&b, text, now).await;
        assert_eq!((status, answer.as_str()), (200, reason), "{text}");
    }
    assert!(exceptions(&b).is_empty());
    assert!(b.notifier.sent.lock().unwrap().is_empty());
}

#[tokio::test]
async fn only_allowed_users_change_anything() {
    let mut secrets = all_secrets();
    secrets.allowed_users = Some(BTreeSet::from(["U999".to_string()]));
    let b = bot(secrets);
    let (status, text) = slack(&b, "extend dev 23:00", evening()).await;
    assert_eq!(
        (status, text.as_str()),
        (
            200,
            "Sorry, you are not allowed to change schedules from chat."
        )
    );
    assert!(exceptions(&b).is_empty());
}

/// A JANDI outgoing webhook as JANDI sends it: `keyword` without the
/// slash, `text` with it.
fn jandi(keyword: &str, text: &str) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        path: "/jandi".into(),
        query: String::new(),
        headers: vec![("content-type".into(), "application/json".into())],
        body:
            json!({"token": JANDI, "teamName": "acme", "roomName": "개발", "writerName": "김개발",
                     "writerEmail": "kim@example.com", "text": text, "keyword": keyword,
                     "createdAt": "2026-11-30T12:50:00.000Z"})
            .to_string()
            .into_bytes(),
    }
}

async fn jandi_body(b: &MemBot, keyword: &str, text: &str) -> String {
    let r = b.handle(&jandi(keyword, text), evening()).await;
    assert_eq!(r.status, 200, "{text}: {}", r.body);
    let v: Value = serde_json::from_str(&r.body).unwrap();
    v["body"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn real_jandi_payloads_work_in_both_word_orders() {
    let b = bot(all_secrets());
    for keyword in ["서버", "sched"] {
        let status = jandi_body(&b, keyword, &format!("/{keyword} dev status")).await;
        assert!(status.starts_with("[dev] 1 server: 1 running"), "{status}");
        let info = jandi_body(&b, keyword, &format!("/{keyword} dev i")).await;
        assert!(info.contains("DaysActive: weekdays"), "{info}");
        let summary = jandi_body(&b, keyword, &format!("/{keyword} status dev")).await;
        assert!(
            summary.starts_with("[dev] 1 running, 0 stopped"),
            "{summary}"
        );
    }
    let set = jandi_body(&b, "서버", "/서버 dev exception set 2026-12-01 stop 9:5").await;
    assert_eq!(
        set,
        "[dev] stop on 2026-12-01 set to 09:05 by 김개발 (JANDI 개발)"
    );
    let help = jandi_body(&b, "서버", "/서버 help").await;
    assert!(help.starts_with("Commands:"), "{help}");
}

#[tokio::test]
async fn no_unicode_in_a_jandi_payload_can_panic() {
    let b = bot(all_secrets());
    for text in [
        "İ",
        "/İ",
        "/K dev status",
        "/서버 İ status",
        "/sched\u{0} dev",
        "/\u{212A}\u{130} dev i",
        "/서버 dev e s 2026-12-01 stop İ:İ",
        "/sched 🙂 🙂 🙂",
        "",
        "/",
    ] {
        let r = b.handle(&jandi("İ", text), evening()).await;
        assert_eq!(r.status, 200, "{text:?}");
    }
}

#[tokio::test]
async fn jandi_and_mattermost_tokens_are_checked() {
    let b = bot(all_secrets());
    let now = evening();
    let body = |token: &str| {
        json!({"token": token, "teamName": "acme", "roomName": "dev-ops", "writerName": "Kim", "writerEmail": "kim@example.com",
               "text": "/sched extend dev 23:00", "keyword": "sched", "createdAt": "2026-11-30T12:50:00.000Z"})
        .to_string()
        .into_bytes()
    };
    let req = |token: &str| HttpRequest {
        method: "POST".into(),
        path: "/jandi".into(),
        query: String::new(),
        headers: vec![],
        body: body(token),
    };
    assert_eq!(b.handle(&req("wrong"), now).await.status, 401);
    assert!(exceptions(&b).is_empty());
    let r: HttpResponse = b.handle(&req(JANDI), now).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap(),
        json!({"body": "[dev] Stop moved to 2026-11-30 23:00 Asia/Seoul by Kim (JANDI dev-ops)", "connectColor": "#1DDB16", "connectInfo": []})
    );
    let mm = |token: &str| HttpRequest {
        method: "POST".into(),
        path: "/slack/commands".into(),
        query: String::new(),
        headers: vec![],
        body: serde_urlencoded::to_string([
            ("token", token),
            ("user_id", "m1"),
            ("user_name", "lee"),
            ("channel_name", "ops"),
            ("text", "status dev"),
        ])
        .unwrap()
        .into_bytes(),
    };
    assert_eq!(b.handle(&mm("nope"), now).await.status, 401);
    let ok = b.handle(&mm(MM), now).await;
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("1 running"), "{}", ok.body);
}

fn button(value: &str) -> String {
    let payload = json!({
        "type": "block_actions",
        "user": {"id": "U123", "username": "alice"},
        "channel": {"id": "C1", "name": "dev-ops"},
        "actions": [{"action_id": "postpone_stop", "value": value, "type": "button"}]
    });
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

#[tokio::test]
async fn the_postpone_button_applies_its_stop_once() {
    let b = bot(all_secrets());
    let body = button("dev|2026-11-30|23:00");
    let r = b
        .handle(
            &signed("/slack/actions", body.clone(), evening()),
            evening(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(exceptions(&b)[0].value.unwrap().to_string(), "23:00:00");
    assert_eq!(b.notifier.sent.lock().unwrap().len(), 1);
    // Pressed again (or retried by Slack): nothing moves, the clicker is told.
    let again = b
        .handle(&signed("/slack/actions", body, evening()), evening())
        .await;
    let v: Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(v["response_type"], "ephemeral");
    assert_eq!(
        v["text"],
        "[dev] The stop is already at 2026-11-30 23:00 Asia/Seoul."
    );
    assert_eq!(exceptions(&b)[0].value.unwrap().to_string(), "23:00:00");
    assert_eq!(exceptions(&b).len(), 1);
    assert_eq!(b.notifier.sent.lock().unwrap().len(), 1, "announced once");
}

#[tokio::test]
async fn a_button_for_another_days_stop_is_refused_to_the_clicker() {
    let b = bot(all_secrets());
    let r = b
        .handle(
            &signed("/slack/actions", button("dev|2026-11-27|23:00"), evening()),
            evening(),
        )
        .await;
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["response_type"], "ephemeral");
    assert_eq!(
        v["text"],
        "This button was for the stop of 2026-11-27; it is too late to postpone that one."
    );
    assert!(exceptions(&b).is_empty());
}

#[tokio::test]
async fn schedctl_bot_moves_the_stop_end_to_end() {
    let w = support::World::new().await;
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    let ids = w.ec2_instances(2, "dev", None, "dev-box").await;
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
            "2026-11-30T21:52:00+09:00",
        ])
        .envs(w.moto.env())
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env_remove("WEBHOOK_URL")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let run = |t: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_schedctl"))
            .args(["run", "--at", t])
            .envs(w.moto.env())
            .env_remove("WEBHOOK_URL")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    run("2026-11-30T09:00:00+09:00");
    assert!(run("2026-11-30T21:50:00+09:00").contains("stop at 22:00"));
    let now = at("2026-11-30T21:52:00+09:00");
    let body = slack_form("extend dev 23:00");
    let client = reqwest::Client::new();
    let mut answer = None;
    for _ in 0..100 {
        let r = client
            .post(format!("http://127.0.0.1:{port}/slack/commands"))
            .header("x-slack-request-timestamp", now.timestamp().to_string())
            .header("x-slack-signature", sign(now.timestamp(), &body))
            .body(body.clone())
            .send()
            .await;
        if let Ok(r) = r {
            answer = Some((r.status().as_u16(), r.text().await.unwrap()));
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    let (status, text) = answer.expect("schedctl bot answered");
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("[dev] Stop moved to 2026-11-30 23:00 Asia/Seoul by alice (Slack #dev-ops)"),
        "{text}"
    );
    let xs = w
        .ddb
        .scan()
        .table_name("ScheduleException")
        .send()
        .await
        .unwrap();
    assert_eq!(xs.items().len(), 1);
    assert_eq!(
        xs.items()[0]["CreatedBy"].as_s().unwrap(),
        "alice (Slack #dev-ops)"
    );
    run("2026-11-30T22:00:00+09:00");
    assert_eq!(w.ec2_state(&ids[0]).await, "running");
    run("2026-11-30T23:00:00+09:00");
    assert_eq!(w.ec2_state(&ids[0]).await, "stopped");
}

#[tokio::test]
async fn chat_dates_parse_strictly_and_write_nothing_unreadable() {
    let b = bot(all_secrets());
    for text in [
        "skip dev +10000-1-1",
        "skip dev 2026-1-5",
        "dev e s +2026-12-01 stop 23:00",
        "extend dev 9:99",
    ] {
        let (status, kind, _) = slack_answer(&b, text, evening()).await;
        assert_eq!((status, kind.as_str()), (200, "ephemeral"), "{text}");
    }
    assert!(exceptions(&b).is_empty());
}

#[tokio::test]
async fn a_hanging_webhook_does_not_hold_the_answer() {
    use scheduler::notify::{Format, WebhookNotifier};
    let hook = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&hook)
        .await;
    let base = bot(all_secrets());
    let b = Bot {
        store: base.store,
        state: base.state,
        fleet: base.fleet,
        targets: base.targets,
        notifier: WebhookNotifier::new(format!("{}/hook", hook.uri()), Format::Slack),
        trigger: base.trigger,
        secrets: base.secrets,
        zone: base.zone,
        lang: base.lang,
        links: None,
    };
    let started = std::time::Instant::now();
    let r = b
        .handle(
            &signed("/slack/commands", slack_form("extend dev 23:00"), evening()),
            evening(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Stop moved"), "{}", r.body);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    // The split the local server uses: the answer exists before any announcing.
    let handled = b
        .answer(
            &signed("/slack/commands", slack_form("extend dev 23:30"), evening()),
            evening(),
        )
        .await;
    assert!(handled.announcement.is_some());
    assert!(started.elapsed() < Duration::from_millis(2600));
}

#[tokio::test]
async fn info_names_the_holiday_of_that_day() {
    let url = "https://calendar.example/kr.ics";
    let b = bot(all_secrets());
    b.store.raw.lock().unwrap().schedules[0]
        .0
        .insert("HolidayCalendars".into(), Av::L(vec![Av::S(url.into())]));
    let mut copy = scheduler::calendar::CalendarCache::new(url);
    let feed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270208\nSUMMARY:설날\nEND:VEVENT\nEND:VCALENDAR\n";
    let marks = scheduler::calendar::parse_ics(feed, "2027-02-01".parse().unwrap()).unwrap();
    copy.keep(marks, None, None, at("2027-02-01T00:00:00Z"));
    b.state
        .calendars
        .lock()
        .unwrap()
        .insert(copy.key.clone(), copy);
    let now = at("2027-02-05T12:00:00+09:00");
    let (_, info) = slack(&b, "dev info 2027-02-08", now).await;
    assert_eq!(
        info,
        "[dev] Schedule for 2027-02-08\nEnabled: true\nDaysActive: weekdays\nStart Time: None\nStop Time: 22:00\nHoliday: 설날\nNo exceptions."
    );
}

#[tokio::test]
async fn info_and_status_give_a_ready_by_schedules_two_times() {
    let mut b = bot(all_secrets());
    b.store = MemoryConfig::new(RawConfig {
        schedules: vec![schedule_item("dev", "weekdays", "09:00", "22:00")
            .with("StartMode", support::s("ready-by"))],
        ..RawConfig::default()
    });
    let now = evening();
    // No groups: one wave of the longest common kind, 10 minutes.
    let (_, info) = slack(&b, "dev info 2026-12-02", now).await;
    assert!(
        info.contains("Start Time: 09:00 (starts 08:50 to be ready at 09:00)"),
        "{info}"
    );
    let (_, status) = slack(&b, "status dev", now).await;
    assert!(
        status.contains("next start Tue 12-01 08:50 (to be ready at 09:00)"),
        "{status}"
    );
}
