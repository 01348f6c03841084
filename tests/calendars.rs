//! Holiday calendars end to end: a Korean 2027 feed served by a real HTTP
//! server (wiremock), whole passes over the in-memory tables and fleet.

mod support;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use scheduler::memory::{self, MemoryDeps};
use scheduler::message::Level;
use scheduler::model::{InstanceKind, RawConfig};
use scheduler::pass;
use support::{at, exception_item, instance, schedule_item, succeeded};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KOREA_2027: &str = include_str!("fixtures/kr-holidays-2027.ics");

fn feed(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/calendar; charset=utf-8")
        .insert_header("etag", "\"kr-2027-v1\"")
        .set_body_string(body)
}

/// `kr` (weekdays 09:00-18:00, the feed as its HolidayCalendars) and `plain`
/// (no calendar), one server each.
fn world(url: &str, exceptions: Vec<scheduler::model::Item>) -> MemoryDeps {
    let calendars = Av::L(vec![Av::S(url.to_string())]);
    memory::deps(
        RawConfig {
            schedules: vec![
                schedule_item("kr", "weekdays", "09:00", "18:00")
                    .with("HolidayCalendars", calendars),
                schedule_item("plain", "weekdays", "09:00", "18:00"),
            ],
            groups: vec![],
            exceptions,
        },
        vec![
            instance("i-kr", InstanceKind::Ec2, "stopped", "kr", None),
            instance("i-plain", InstanceKind::Ec2, "stopped", "plain", None),
        ],
    )
}

async fn run(d: &MemoryDeps, t: &str) -> pass::PassReport {
    pass::run(d, at(t)).await.unwrap()
}

fn errors(d: &MemoryDeps) -> Vec<String> {
    let sent = d.notifier.sent.lock().unwrap();
    sent.iter()
        .filter(|m| m.level == Level::Error)
        .map(|m| m.text.clone())
        .collect()
}

#[tokio::test]
async fn holidays_stop_the_start_and_an_exception_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/kr.ics"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    let url = format!("{}/kr.ics", server.uri());
    // The team works on the substitute holiday from 10:00.
    let d = world(
        &url,
        vec![exception_item("work", "kr", "2027-02-09", "start", "10:00")],
    );
    for (t, kr_runs) in [
        ("2027-02-05T09:00:00+09:00", Some(true)), // Friday: a working day
        ("2027-02-05T18:00:00+09:00", None),
        ("2027-02-08T09:00:00+09:00", Some(false)), // Monday: Seollal
        ("2027-02-08T18:00:00+09:00", None),
        ("2027-02-09T09:00:00+09:00", Some(false)), // Tuesday: substitute holiday...
        ("2027-02-09T10:00:00+09:00", Some(true)),  // ...but the exception starts at 10:00
        ("2027-02-09T18:00:00+09:00", None),
        ("2027-02-10T09:00:00+09:00", Some(true)), // Wednesday: back to work
    ] {
        let report = run(&d, t).await;
        let Some(kr_runs) = kr_runs else { continue };
        assert_eq!(d.fleet.state_of("i-kr") == "running", kr_runs, "{t}");
        assert_eq!(
            d.fleet.state_of("i-plain"),
            "running",
            "{t}: plain has no calendar"
        );
        if t.starts_with("2027-02-08") {
            let skipped = &report.rounds[0]
                .schedules
                .iter()
                .find(|s| s.schedule == "kr")
                .unwrap()
                .skipped;
            assert_eq!(
                serde_json::to_value(skipped).unwrap()[0]["why"],
                serde_json::json!({"type": "holiday", "name": "설날"})
            );
        }
    }
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
}

#[tokio::test]
async fn a_feed_is_read_at_most_once_a_day_and_then_asked_if_it_changed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("if-none-match", "\"kr-2027-v1\""))
        .respond_with(ResponseTemplate::new(304))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    let d = world(&format!("{}/kr.ics", server.uri()), vec![]);
    for t in ["09:00", "09:05", "12:00", "23:55"] {
        run(&d, &format!("2027-02-04T{t}:00+09:00")).await;
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    run(&d, "2027-02-05T09:00:00+09:00").await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].headers["if-none-match"], "\"kr-2027-v1\"");
    // The copy still holds after the 304: Monday is Seollal.
    run(&d, "2027-02-05T18:00:00+09:00").await;
    run(&d, "2027-02-08T09:00:00+09:00").await;
    assert_eq!(d.fleet.state_of("i-kr"), "stopped");
}

#[tokio::test]
async fn a_feed_that_goes_down_keeps_its_copy_and_is_told_once_then_once_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let d = world(&format!("{}/kr.ics", server.uri()), vec![]);
    run(&d, "2027-02-05T08:00:00+09:00").await;
    // Down from the next day on: told once, the copy keeps Seollal.
    for t in [
        "2027-02-06T08:00",
        "2027-02-06T09:10",
        "2027-02-07T10:00",
        "2027-02-08T09:00",
    ] {
        run(&d, &format!("{t}:00+09:00")).await;
    }
    assert_eq!(
        d.fleet.state_of("i-kr"),
        "stopped",
        "Seollal from the kept copy"
    );
    assert_eq!(
        errors(&d),
        [format!(
            "Holiday calendar {}/kr.ics could not be fetched; the copy of 2027-02-04 is used meanwhile",
            server.uri()
        )]
    );
    // Back: told once.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    run(&d, "2027-02-08T11:00:00+09:00").await;
    run(&d, "2027-02-08T12:05:00+09:00").await;
    let back: Vec<String> = d
        .notifier
        .sent
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.text.contains("is fetched again"))
        .map(|m| m.text.clone())
        .collect();
    assert_eq!(back.len(), 1);
}

#[tokio::test]
async fn a_huge_or_malformed_feed_is_refused_and_harms_no_other_schedule() {
    let server = MockServer::start().await;
    let huge = "X".repeat(50 * 1024 * 1024);
    Mock::given(path("/huge.ics"))
        .respond_with(feed(&huge))
        .mount(&server)
        .await;
    Mock::given(path("/broken.ics"))
        .respond_with(feed("<html>not a calendar</html>"))
        .mount(&server)
        .await;
    for name in ["huge", "broken"] {
        let d = world(&format!("{}/{name}.ics", server.uri()), vec![]);
        let report = run(&d, "2027-02-05T09:00:00+09:00").await;
        assert_eq!(d.fleet.state_of("i-plain"), "running", "{name}");
        assert_eq!(
            d.fleet.state_of("i-kr"),
            "stopped",
            "{name}: a feed never loaded holds its schedule"
        );
        let kr = report.rounds[0]
            .schedules
            .iter()
            .find(|s| s.schedule == "kr")
            .unwrap();
        assert!(
            kr.errors
                .iter()
                .any(|e| e.contains("HolidayCalendars") && e.contains("has never loaded")),
            "{name}: {:?}",
            kr.errors
        );
        // Chat hears only that the feed could not be read, not why.
        let told: Vec<usize> = d
            .notifier
            .sent
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.text.contains("could not be fetched"))
            .map(|m| m.fields.len())
            .collect();
        assert_eq!(told, [0], "{name}");
    }
}

fn schedctl(w: &support::World) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("schedctl").unwrap();
    c.envs(w.moto.env()).env_remove("WEBHOOK_URL");
    c
}

fn stdout(c: &mut assert_cmd::Command) -> String {
    let out = c.output().unwrap();
    succeeded(out)
}

#[tokio::test]
async fn schedctl_shows_imports_and_plans_with_holidays() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    let url = format!("{}/kr.ics", server.uri());
    let w = support::World::new().await;
    w.put(
        "Schedule",
        schedule_item("kr", "weekdays", "09:00", "18:00")
            .with("HolidayCalendars", Av::L(vec![Av::S(url.clone())])),
    )
    .await;
    w.put(
        "Schedule",
        schedule_item("team", "weekdays", "09:00", "18:00"),
    )
    .await;
    w.exception("ours", "team", "2027-03-01", "start", "10:00")
        .await;
    w.ec2_instances(1, "kr", None, "kr-box").await;

    let shown = stdout(schedctl(&w).args(["holidays", "show", "kr", "--year", "2027"]));
    assert!(
        shown.starts_with(&format!("2027-01-01\t신정\t{url}\n")),
        "{shown}"
    );
    assert!(shown.contains("2027-02-09\t설날 대체공휴일"), "{shown}");

    // Import into `team` (which keeps its own 2027-03-01 start), twice.
    let first = stdout(schedctl(&w).args([
        "holidays", "import", "team", "--ics", &url, "--year", "2027",
    ]));
    assert!(
        first.ends_with(
            "team: 10 written, 0 already there, 1 kept (a start exception of the team's own)\n"
        ),
        "{first}"
    );
    let again = stdout(schedctl(&w).args([
        "holidays",
        "import",
        "team",
        "--ics",
        "tests/fixtures/kr-holidays-2027.ics",
        "--year",
        "2027",
    ]));
    assert!(
        again.ends_with(
            "team: 0 written, 10 already there, 1 kept (a start exception of the team's own)\n"
        ),
        "{again}"
    );
    let items = w
        .ddb
        .scan()
        .table_name("ScheduleException")
        .send()
        .await
        .unwrap();
    assert_eq!(items.items().len(), 11);
    assert!(items
        .items()
        .iter()
        .filter(|i| i["ExceptionUuid"].as_s().unwrap() != "ours")
        .all(|i| i["CreatedBy"].as_s().unwrap() == "holidays"
            && i["ExceptionValue"].as_s().unwrap() == "None"));

    // A pass keeps the feed's copy; the plan of Seollal week says why.
    stdout(schedctl(&w).args(["run", "--at", "2027-02-05T09:00:00+09:00"]));
    let plan = stdout(schedctl(&w).args(["plan", "--at", "2027-02-08T09:00:00+09:00"]));
    assert!(
        plan.contains("holiday   Mon 2027-02-08 설날: no start"),
        "{plan}"
    );
    assert!(
        plan.contains("skipped   kr: no start at 2027-02-08 (holiday: 설날)"),
        "{plan}"
    );

    // The feed goes down: `holidays show` answers from the pass's copy.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let out = schedctl(&w)
        .args(["holidays", "show", "kr", "--year", "2027"])
        .output()
        .unwrap();
    let note = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(note.contains("showing the copy of 2027-02-05"), "{note}");
    assert!(note.contains(" old)"), "{note}");
    let shown = succeeded(out);
    assert!(shown.contains("2027-02-09\t설날 대체공휴일"), "{shown}");
}

/// A feed as an attacker writes it: just under the size limit, 31-day
/// events from 1990 on, each with a long name of its own.
fn hostile_feed() -> String {
    use std::fmt::Write as _;
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let mut i = 0;
    while text.len() < scheduler::http::feeds::MAX_FEED_BYTES - 4096 {
        let _ = write!(
            text,
            "BEGIN:VEVENT\r\nUID:h{i}\r\nDTSTART;VALUE=DATE:{}\r\nDTEND;VALUE=DATE:{}\r\nSUMMARY:{i} {}\r\nEND:VEVENT\r\n",
            day.format("%Y%m%d"),
            (day + chrono::Duration::days(31)).format("%Y%m%d"),
            "휴".repeat(500)
        );
        day += chrono::Duration::days(29);
        i += 1;
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

#[tokio::test]
async fn a_hostile_feed_is_kept_small_and_read_once_a_day() {
    let server = MockServer::start().await;
    let body = hostile_feed();
    assert!(body.len() > 2_000_000);
    Mock::given(method("GET"))
        .respond_with(feed(&body))
        .mount(&server)
        .await;
    let d = world(&format!("{}/hostile.ics", server.uri()), vec![]);
    for t in ["09:00", "09:05", "12:00"] {
        run(&d, &format!("2027-02-05T{t}:00+09:00")).await;
    }
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(d.fleet.state_of("i-kr"), "stopped", "every day is marked");
    let copies = d.state.calendars.lock().unwrap();
    let copy = copies.values().next().unwrap();
    assert!(copy.loaded_at.is_some());
    let saved = serde_json::to_string(copy).unwrap();
    assert!(saved.len() < 100 * 1024, "{} bytes", saved.len());
    let in_seoul = copy.holidays.holidays(chrono_tz::Asia::Seoul);
    assert_eq!(in_seoul.len(), 1096, "2026 to 2028 only");
    assert!(in_seoul.values().all(|n| n.chars().count() <= 60));
}

#[tokio::test]
async fn only_whole_days_mark_yearly_ones_recur_and_cancelled_ones_never() {
    let server = MockServer::start().await;
    let events = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
        BEGIN:VEVENT\r\nUID:lunch\r\nDTSTART:20270210T030000Z\r\nDTEND:20270210T040000Z\r\nSUMMARY:Team lunch\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:outing\r\nDTSTART;VALUE=DATE:20270211\r\nSTATUS:CANCELLED\r\nSUMMARY:Outing\r\nEND:VEVENT\r\n\
        BEGIN:VEVENT\r\nUID:founders\r\nDTSTART;VALUE=DATE:20260212\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Founders day\r\nEND:VEVENT\r\n\
        END:VCALENDAR\r\n";
    Mock::given(method("GET"))
        .respond_with(feed(events))
        .mount(&server)
        .await;
    let d = world(&format!("{}/company.ics", server.uri()), vec![]);
    for (day, runs) in [("10", true), ("11", true), ("12", false)] {
        run(&d, &format!("2027-02-{day}T09:00:00+09:00")).await;
        assert_eq!(d.fleet.state_of("i-kr") == "running", runs, "2027-02-{day}");
        run(&d, &format!("2027-02-{day}T18:00:00+09:00")).await;
    }
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
}

#[tokio::test]
async fn a_redirect_is_followed_only_on_the_same_host() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let other = format!("http://localhost:{}/kr.ics", elsewhere.address().port());
    Mock::given(path("/away.ics"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", other.as_str()))
        .mount(&server)
        .await;
    Mock::given(path("/moved.ics"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/kr.ics"))
        .mount(&server)
        .await;
    Mock::given(path("/kr.ics"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    let away = world(&format!("{}/away.ics", server.uri()), vec![]);
    run(&away, "2027-02-05T09:00:00+09:00").await;
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
    assert_eq!(away.fleet.state_of("i-kr"), "stopped", "never loaded");
    let moved = world(&format!("{}/moved.ics", server.uri()), vec![]);
    run(&moved, "2027-02-05T09:00:00+09:00").await;
    assert_eq!(moved.fleet.state_of("i-kr"), "running", "loaded");
}

#[tokio::test]
async fn a_loopback_feed_is_refused_unless_private_feeds_are_allowed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(feed(KOREA_2027))
        .mount(&server)
        .await;
    for url in [
        format!("{}/kr.ics", server.uri()),
        format!("http://localhost:{}/kr.ics", server.address().port()),
    ] {
        let mut d = world(&url, vec![]);
        d.feeds = Box::new(scheduler::http::Feeds::new(false));
        let report = run(&d, "2027-02-05T09:00:00+09:00").await;
        let kr = report.rounds[0]
            .schedules
            .iter()
            .find(|s| s.schedule == "kr")
            .unwrap();
        assert!(
            kr.errors.iter().any(|e| e.contains("has never loaded")),
            "{url}: {:?}",
            kr.errors
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_feeds_credentials_never_show_in_chat_logs_or_state() {
    let server = MockServer::start().await;
    Mock::given(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    Mock::given(path("/private/missing.ics"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let port = server.address().port();
    let url = format!(
        "http://calendar-bot:S3cretPassw0rd@127.0.0.1:{port}/private/missing.ics?token=abc"
    );
    let w = support::World::new().await;
    w.put(
        "Schedule",
        schedule_item("kr", "weekdays", "09:00", "18:00")
            .with("HolidayCalendars", Av::L(vec![Av::S(url.clone())])),
    )
    .await;
    w.ec2_instances(1, "kr", None, "kr-box").await;
    let mut logs = String::new();
    for args in [
        &["run", "--at", "2027-02-05T09:00:00+09:00"][..],
        &["validate"][..],
        &["holidays", "show", "kr"][..],
        &["plan", "--at", "2027-02-05T09:00:00+09:00"][..],
    ] {
        let out = schedctl(&w)
            .env("WEBHOOK_URL", format!("{}/hook", server.uri()))
            .env("WEBHOOK_FORMAT", "slack")
            .env("SCHEDCTL_LOG", "debug")
            .args(args)
            .output()
            .unwrap();
        logs.push_str(&String::from_utf8_lossy(&out.stdout));
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    let requests = server.received_requests().await.unwrap();
    let fetches: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == "/private/missing.ics")
        .collect();
    assert!(!fetches.is_empty());
    assert!(fetches
        .iter()
        .all(|r| r.url.query() == Some("token=abc") && r.headers.contains_key("authorization")));
    let chat: String = requests
        .iter()
        .filter(|r| r.url.path() == "/hook")
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    let shown = format!("127.0.0.1:{port}/private/missing.ics");
    assert!(chat.contains(&shown), "{chat}");
    assert!(logs.contains(&shown), "{logs}");
    let state = format!(
        "{:?}",
        w.ddb
            .scan()
            .table_name("ScheduleState")
            .send()
            .await
            .unwrap()
            .items()
    );
    assert!(state.contains(&shown), "{state}");
    for secret in ["S3cretPassw0rd", "calendar-bot", "token=abc"] {
        assert!(!chat.contains(secret), "{secret} in chat: {chat}");
        assert!(!state.contains(secret), "{secret} in state: {state}");
        assert!(!logs.contains(secret), "{secret} in logs: {logs}");
    }
    for status in ["Not Found", "HTTP404"] {
        assert!(!chat.contains(status), "no status in chat: {chat}");
    }
}

#[tokio::test]
async fn a_calendar_copy_is_replaced_only_by_a_newer_one() {
    use scheduler::ports::{KeptCopies, ScheduleStates};
    let w = support::World::new().await;
    let store = w.deps().state;
    let url = "https://calendars.example/kr.ics";
    let mut fresh = scheduler::calendar::CalendarCache::new(url);
    fresh.loaded_at = Some(support::at("2026-11-30T09:00:00+09:00"));
    let mut stale = scheduler::calendar::CalendarCache::new(url);
    stale.loaded_at = Some(support::at("2026-11-29T09:00:00+09:00"));
    stale.failing = Some("Timeout".into());
    // Another target's pass fetched a fresh copy; this one's fetch failed
    // and it writes what it had.
    store.save_calendar(&fresh).await.unwrap();
    store.save_calendar(&stale).await.unwrap();
    let kept = store.load().await.unwrap().calendars;
    let copy = kept.values().next().unwrap();
    assert_eq!(copy.loaded_at, fresh.loaded_at);
    assert_eq!(copy.failing, None);
    // The same copy with its failure noted is written.
    let mut noted = fresh.clone();
    noted.failing = Some("Timeout".into());
    store.save_calendar(&noted).await.unwrap();
    let kept = store.load().await.unwrap().calendars;
    assert_eq!(
        kept.values().next().unwrap().failing.as_deref(),
        Some("Timeout")
    );
}

/// The feed port's fake: a pass reads the calendar it serves, and the
/// start stops on its holiday without a word of error.
#[tokio::test]
async fn a_served_feed_stops_the_start_on_its_holiday() {
    let mut d = world("https://holidays.example/kr.ics", vec![]);
    let served = memory::ServedFeeds {
        bodies: [(
            "https://holidays.example/kr.ics".to_string(),
            KOREA_2027.to_string(),
        )]
        .into(),
        ..Default::default()
    };
    d.feeds = Box::new(served);
    run(&d, "2027-02-08T09:00:00+09:00").await;
    assert_eq!(d.fleet.state_of("i-kr"), "stopped", "Seollal");
    assert_eq!(d.fleet.state_of("i-plain"), "running");
    run(&d, "2027-02-08T09:05:00+09:00").await;
    assert!(errors(&d).is_empty(), "{:?}", errors(&d));
}
