//! Readiness between waves, on moto and a local HTTP server: a URL that
//! answers 503 before 200, one that never answers, the EC2 status checks,
//! and a target group in which one server is not registered, until its
//! timeout.

mod support;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use scheduler::pass;
use support::scaled::errors;
use support::{at, group_item, World};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn checked(
    schedule: &str,
    group: &str,
    kind: &str,
    deps: &[&str],
    check: &str,
) -> scheduler::model::Item {
    group_item(schedule, group, kind, deps).with("ReadyCheck", Av::S(check.to_string()))
}

/// The groups each round of `report` started, in order.
fn started(report: &pass::PassReport) -> Vec<String> {
    report
        .rounds
        .iter()
        .flat_map(|p| p.actions())
        .map(|(_, a)| a.group.clone())
        .collect()
}

#[tokio::test]
async fn each_wave_waits_for_the_last_ones_checks_within_one_pass() {
    let w = World::new().await;
    let service = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/ready"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&service)
        .await;
    Mock::given(method("GET"))
        .and(path("/ready"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&service)
        .await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    let url = format!("{}/ready", service.uri());
    w.put(
        "ScheduleServerGroup",
        checked("dev", "db", "RDS", &[], &url),
    )
    .await;
    w.put(
        "ScheduleServerGroup",
        checked("dev", "app", "EC2", &["db"], "status-ok"),
    )
    .await;
    w.group("dev", "batch", "EC2", &["app"]).await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    let app = w.ec2_instances(2, "dev", Some("app"), "app").await;
    let batch = w.ec2_instances(1, "dev", Some("batch"), "batch").await;
    let report = pass::run(&w.deps(), at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&report), ["db", "app", "batch"]);
    let asked = service.received_requests().await.unwrap().len();
    assert!(asked >= 3, "503, 503, then 200: {asked} requests");
    for id in app.iter().chain(&batch) {
        assert_eq!(w.ec2_state(id).await, "running");
    }
    // The waits the rounds showed name the check and its answer.
    let waits: Vec<String> = report
        .rounds
        .iter()
        .flat_map(|p| &p.schedules)
        .flat_map(|s| s.waits.iter().map(|w| w.to_string()))
        .collect();
    assert!(
        waits
            .iter()
            .any(|w| w.contains("db is up, not ready yet") && w.contains("HTTP 503")),
        "{waits:?}"
    );
}

#[tokio::test]
async fn a_target_group_missing_a_server_is_not_ready_until_the_timeout() {
    let w = World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.put(
        "ScheduleServerGroup",
        checked("dev", "app", "EC2", &[], "target-group:app-tg")
            .with("ReadyTimeoutMinutes", Av::N("5".into())),
    )
    .await;
    w.group("dev", "batch", "EC2", &["app"]).await;
    let app = w.ec2_instances(2, "dev", Some("app"), "app").await;
    let batch = w.ec2_instances(1, "dev", Some("batch"), "batch").await;
    let vpc = w
        .ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .unwrap();
    let elb = aws_sdk_elasticloadbalancingv2::Client::new(&w.sdk);
    let tg = elb
        .create_target_group()
        .name("app-tg")
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .vpc_id(vpc.vpc().unwrap().vpc_id().unwrap())
        .send()
        .await
        .unwrap();
    // Only the first server is registered (moto registers running ones).
    w.ec2
        .start_instances()
        .instance_ids(&app[0])
        .send()
        .await
        .unwrap();
    elb.register_targets()
        .target_group_arn(tg.target_groups()[0].target_group_arn().unwrap())
        .targets(
            aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                .id(&app[0])
                .build(),
        )
        .send()
        .await
        .unwrap();
    w.ec2
        .stop_instances()
        .instance_ids(&app[0])
        .send()
        .await
        .unwrap();
    let deps = w.deps();
    let first = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&first), ["app"], "batch waits for app to be ready");
    assert_eq!(w.ec2_state(&batch[0]).await, "stopped");
    // Five minutes on: one error naming the group and the unregistered
    // server, and batch starts.
    app_timed_out(&deps, &format!("{}: not registered", app[1])).await;
}

/// A URL that accepts the connection and never answers: each check gives
/// up after 5 s, the pass ends within its budget, and once the group's
/// timeout has passed one error says so and the next wave starts.
#[tokio::test]
async fn a_url_that_never_answers_is_told_once_and_the_waves_go_on() {
    let w = World::new().await;
    // Bound and listening, never accepted: the request is never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/ready", silent.local_addr().unwrap());
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.put(
        "ScheduleServerGroup",
        checked("dev", "app", "EC2", &[], &url).with("ReadyTimeoutMinutes", Av::N("5".into())),
    )
    .await;
    w.group("dev", "batch", "EC2", &["app"]).await;
    let app = w.ec2_instances(1, "dev", Some("app"), "app").await;
    let batch = w.ec2_instances(1, "dev", Some("batch"), "batch").await;
    let mut env = support::test_env(None, scheduler::notify::Format::Jandi);
    env.tuning.budget = std::time::Duration::from_secs(8);
    let deps = w.deps_with(&env);
    let first = pass::run(&deps, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&first), ["app"], "batch waits for app's check");
    assert_eq!(w.ec2_state(&app[0]).await, "running");
    assert_eq!(w.ec2_state(&batch[0]).await, "stopped");
    assert!(errors(&first).is_empty(), "not told before its timeout");
    app_timed_out(&deps, "no answer within 5 s").await;
}

/// The passes after app (ReadyTimeoutMinutes 5, started at 09:00) never
/// got ready: at 09:05 one error names the group and the check's last
/// answer (`said`), and batch starts; at 09:10 nothing more is told or
/// started.
async fn app_timed_out(deps: &scheduler::wiring::AwsDeps, said: &str) {
    let later = pass::run(deps, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&later), ["batch"]);
    let told = errors(&later);
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("app was not ready after 5 minutes") && told[0].contains(said),
        "{told:?}"
    );
    let again = pass::run(deps, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    assert!(errors(&again).is_empty());
    assert!(started(&again).is_empty());
}

/// On the in-memory ports with scripted answers: a checked group in the
/// last wave is checked by the next pass, which polls its answers until
/// it passes; a passed check is not asked again by later passes, and its
/// URL's token never reaches the chat.
#[tokio::test]
async fn a_checked_last_wave_completes_and_a_passed_check_is_not_asked_again() {
    use scheduler::memory;
    use scheduler::model::{InstanceKind, RawConfig};
    use support::{instance, schedule_item};
    let url = "https://api.internal/ready?token=s3cret";
    let mut d = memory::deps(
        RawConfig {
            schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
            groups: vec![
                group_item("dev", "db", "RDS", &[]),
                checked("dev", "api", "EC2", &["db"], url),
            ],
            ..RawConfig::default()
        },
        vec![
            instance("db-1", InstanceKind::Rds, "stopped", "dev", Some("db")),
            instance("i-api", InstanceKind::Ec2, "stopped", "dev", Some("api")),
        ],
    );
    let probe = memory::ScriptedProbe::default();
    probe.script(
        "https://api.internal/ready",
        &[(false, "HTTP 502"), (true, "HTTP 200")],
    );
    d.probe = Box::new(probe.clone());
    let first = pass::run(&d, at("2026-11-30T09:00:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&first), ["db", "api"]);
    let next = pass::run(&d, at("2026-11-30T09:05:00+09:00"))
        .await
        .unwrap();
    assert_eq!(probe.asked.lock().unwrap().len(), 2, "502, then 200");
    let last = next.rounds.last().unwrap();
    assert_eq!(last.schedules[0].transition, None, "the start is done");
    // Later passes, past the timeout: nothing asked, nothing told.
    let later = pass::run(&d, at("2026-11-30T09:30:00+09:00"))
        .await
        .unwrap();
    assert_eq!(probe.asked.lock().unwrap().len(), 2);
    assert!(errors(&later).is_empty());
    let said: String = first
        .messages
        .iter()
        .chain(&next.messages)
        .chain(&later.messages)
        .map(|m| format!("{m:?}"))
        .collect();
    assert!(!said.contains("s3cret"), "{said}");
}

/// `StartMode: ready-by` as a pass runs it on moto: the database and the
/// app start 15 minutes ahead of 09:30 (RDS 10 + EC2 3, rounded up to the
/// tick), the messages give both times, and the next day's lead is what
/// this start took.
#[tokio::test]
async fn a_ready_by_schedule_starts_early_and_learns_its_lead() {
    let w = World::new().await;
    w.put(
        "Schedule",
        support::schedule_item("qa", "weekdays", "09:30", "20:00")
            .with("StartMode", Av::S("ready-by".into())),
    )
    .await;
    w.group("qa", "db", "RDS", &[]).await;
    w.group("qa", "app", "EC2", &["db"]).await;
    w.rds_instance("qa-db", "qa", Some("db")).await;
    let app = w.ec2_instances(1, "qa", Some("app"), "app").await;
    let deps = w.deps();

    let before = pass::run(&deps, at("2026-11-30T09:10:00+09:00"))
        .await
        .unwrap();
    assert!(started(&before).is_empty());
    let start = pass::run(&deps, at("2026-11-30T09:15:00+09:00"))
        .await
        .unwrap();
    assert_eq!(started(&start), ["db", "app"]);
    assert_eq!(w.ec2_state(&app[0]).await, "running");
    let texts: Vec<&str> = start.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "[qa] Starting db (wave 1 of 2): starts 09:15 to be ready at 09:30",
            "[qa] Starting app (wave 2 of 2): starts 09:15 to be ready at 09:30",
        ]
    );
    // The next pass sees the app up, before 09:30: nothing late to tell.
    let done = pass::run(&deps, at("2026-11-30T09:20:00+09:00"))
        .await
        .unwrap();
    assert!(done.messages.is_empty(), "{:?}", done.messages);

    // The database was up within the pass; the app was seen up by the next
    // one: Tuesday starts 5 minutes ahead.
    let plan = pass::preview(&deps, at("2026-11-30T12:00:00+09:00"))
        .await
        .unwrap();
    let next = plan.schedules[0].next_start.unwrap();
    assert_eq!(next.at, at("2026-12-01T09:25:00+09:00"));
    assert_eq!(next.ready.unwrap().at, at("2026-12-01T09:30:00+09:00"));
}
