//! Chat messages as a real HTTP server receives them (wiremock), from whole
//! passes over the in-memory fleet and stores.

mod support;

use std::time::{Duration, Instant};

use scheduler::fleet::Instance;
use scheduler::memory::{self, MemoryConfig, MemoryFleet, MemoryState};
use scheduler::model::{InstanceKind, Item, RawConfig};
use scheduler::notify::{Format, WebhookNotifier};
use scheduler::pass::{self, Deps};
use scheduler::testing::LogLines;
use serde_json::{json, Value};
use support::{at, exception_item, instance, schedule_item};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

type MemDeps = Deps<MemoryConfig, MemoryState, MemoryFleet, WebhookNotifier>;

fn box_instance(id: &str, name: &str, state: &str) -> Instance {
    instance(id, InstanceKind::Ec2, state, "dev", None).named(name)
}

fn deps(url: String, format: Format, raw: RawConfig, fleet: Vec<Instance>) -> MemDeps {
    let notifier = WebhookNotifier::with_timing(
        url,
        format,
        Duration::from_millis(300),
        Duration::from_millis(10),
    );
    memory::deps_with(raw, fleet, notifier)
}

fn dev(exceptions: Vec<Item>) -> RawConfig {
    RawConfig {
        schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
        groups: vec![],
        exceptions,
    }
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn jandi_start_message_is_exact_with_its_accept_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .and(header("Accept", "application/vnd.tosslab.jandi-v2+json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Jandi,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "stopped")],
    );
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(
        bodies(&server).await,
        vec![json!({
            "body": "[dev] Starting all (wave 1 of 1)",
            "connectColor": "#1DDB16",
            "connectInfo": [{"title": "all · 1 EC2", "description": "web-1 (i-1)"}]
        })]
    );
}

#[tokio::test]
async fn slack_warning_carries_the_postpone_button() {
    let server = ok_server().await;
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Slack,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "running")],
    );
    pass::run(&d, at("2026-11-30T21:50:00+09:00"))
        .await
        .unwrap();
    // Slack shows &lt; and &gt; as < and >: its own escaping rule.
    let item = "{\"ExceptionUuid\": \"&lt;new uuid&gt;\", \"ScheduleName\": \"dev\", \"ExceptionDate\": \"2026-11-30\", \"ExceptionType\": \"stop\", \"ExceptionValue\": \"23:00\"}";
    assert_eq!(
        bodies(&server).await,
        vec![json!({
            "text": "[dev] 1 server stop at 22:00 Asia/Seoul (in 10 min)",
            "attachments": [{
                "color": "#FFBB00",
                "fallback": "[dev] 1 server stop at 22:00 Asia/Seoul (in 10 min)",
                "fields": [
                    {"title": "Running", "value": "web-1 (i-1)", "short": false},
                    {"title": "Postpone with schedctl", "value": "schedctl extend dev --until 23:00", "short": false},
                    {"title": "Or add to the ScheduleException table", "value": item, "short": false}
                ],
                "blocks": [{
                    "type": "actions",
                    "elements": [{
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Postpone 1 hour"},
                        "action_id": "postpone_stop",
                        "value": "dev|2026-11-30|23:00"
                    }]
                }]
            }]
        })]
    );
}

#[tokio::test]
async fn teams_error_is_an_adaptive_card() {
    let server = ok_server().await;
    let raw = RawConfig {
        schedules: vec![schedule_item("dev", "funday", "09:00", "22:00")],
        ..RawConfig::default()
    };
    let d = deps(format!("{}/hook", server.uri()), Format::Teams, raw, vec![]);
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(
        bodies(&server).await,
        vec![json!({
            "type": "message",
            "attachments": [{
                "contentType": "application/vnd.microsoft.card.adaptive",
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {"type": "TextBlock", "text": "[dev] Configuration error", "wrap": true, "weight": "Bolder", "color": "Attention"},
                        {"type": "FactSet", "facts": [{"title": "Error", "value": "Schedule item [ScheduleName=dev] attribute DaysActive: \"funday\" is not a day (use all, weekdays, weekends or a list like mon,wed,fri, mon-fri, mon#1, fri#L) (schedule dev disabled)"}]}
                    ]
                }
            }]
        })]
    );
}

fn texts(bodies: &[Value]) -> Vec<String> {
    bodies
        .iter()
        .map(|b| b["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn warning_is_sent_once_over_2150_2155_2200() {
    let server = ok_server().await;
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Jandi,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "running")],
    );
    for t in [
        "2026-11-30T21:50:00+09:00",
        "2026-11-30T21:55:00+09:00",
        "2026-11-30T22:00:00+09:00",
    ] {
        pass::run(&d, at(t)).await.unwrap();
    }
    assert_eq!(
        texts(&bodies(&server).await),
        [
            "[dev] 1 server stop at 22:00 Asia/Seoul (in 10 min)",
            "[dev] Stopping all (wave 1 of 1)"
        ]
    );
    assert_eq!(d.fleet.state_of("i-1"), "stopped");
}

#[tokio::test]
async fn postponing_the_stop_rearms_the_warning() {
    let server = ok_server().await;
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Jandi,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "running")],
    );
    pass::run(&d, at("2026-11-30T21:50:00+09:00"))
        .await
        .unwrap();
    d.config.raw.lock().unwrap().exceptions.push(exception_item(
        "x",
        "dev",
        "2026-11-30",
        "stop",
        "23:00",
    ));
    for t in [
        "2026-11-30T21:55:00+09:00",
        "2026-11-30T22:00:00+09:00",
        "2026-11-30T22:50:00+09:00",
        "2026-11-30T22:55:00+09:00",
    ] {
        pass::run(&d, at(t)).await.unwrap();
    }
    assert_eq!(d.fleet.state_of("i-1"), "running");
    assert_eq!(
        texts(&bodies(&server).await),
        [
            "[dev] 1 server stop at 22:00 Asia/Seoul (in 10 min)",
            "[dev] 1 server stop at 23:00 Asia/Seoul (in 10 min)"
        ]
    );
}

#[tokio::test]
async fn a_failing_webhook_is_retried_a_bounded_number_of_times_and_the_pass_goes_on() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let raw = RawConfig {
        schedules: vec![
            schedule_item("dev", "all", "09:00", "22:00"),
            schedule_item("bad", "funday", "09:00", "22:00"),
        ],
        ..RawConfig::default()
    };
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Jandi,
        raw,
        vec![box_instance("i-1", "web-1", "stopped")],
    );
    let report = pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.state_of("i-1"), "running");
    assert_eq!(report.messages.len(), 2);
    // Three attempts for the first message; the second is only logged.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(
        d.fleet.calls.lock().unwrap().len(),
        1,
        "the start is not repeated"
    );
}

#[tokio::test]
async fn a_hanging_webhook_does_not_hold_the_pass() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let d = deps(
        format!("{}/hook", server.uri()),
        Format::Jandi,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "stopped")],
    );
    let started = Instant::now();
    pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(d.fleet.state_of("i-1"), "running");
    pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(d.fleet.calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn the_webhook_url_never_reaches_the_logs_or_messages() {
    let logs = LogLines::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = LogLines::capture(subscriber);
    // Nothing listens on port 9: connection refused, with the URL in reqwest's error.
    let url = "http://127.0.0.1:9/services/T0001/B0001/s3cr3tT0k3n".to_string();
    let d = deps(
        url,
        Format::Slack,
        dev(vec![]),
        vec![box_instance("i-1", "web-1", "stopped")],
    );
    let report = pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    let text = logs.text();
    assert!(text.contains("webhook message not delivered"), "{text}");
    assert!(
        !text.contains("s3cr3tT0k3n") && !text.contains("/services/"),
        "{text}"
    );
    assert!(!format!("{:?}", d.notifier).contains("s3cr3tT0k3n"));
    assert!(!serde_json::to_string(&report)
        .unwrap()
        .contains("s3cr3tT0k3n"));
}

#[tokio::test]
async fn markup_in_a_name_tag_reaches_no_chat_as_markup() {
    let evil = "<!channel> @all <http://x|y> [z](http://z)";
    for (format, check) in [
        (
            Format::Slack,
            "&lt;!channel&gt; @\u{200B}all &lt;http://x|y&gt;",
        ),
        (Format::Jandi, "<!channel> @\u{200B}all"),
        (Format::Teams, "[z]\u{200B}(http://z)"),
    ] {
        let server = ok_server().await;
        let d = deps(
            format!("{}/hook", server.uri()),
            format,
            dev(vec![]),
            vec![box_instance("i-1", evil, "stopped")],
        );
        pass::run(&d, at("2026-11-30T09:00:00+09:00"))
            .await
            .unwrap();
        let body = bodies(&server).await[0].to_string();
        let shown: String = serde_json::from_str::<Value>(&body).unwrap().to_string();
        assert!(!shown.contains("@all"), "{format:?}: {shown}");
        let unescaped = serde_json::to_string(check).unwrap();
        let unescaped = &unescaped[1..unescaped.len() - 1];
        assert!(shown.contains(unescaped), "{format:?}: {shown}");
        if format == Format::Slack {
            assert!(!shown.contains("<!channel>"), "{shown}");
        }
    }
}
