//! The deployment as Lambda and CloudFormation see it: the template's
//! least-privilege policy, the binary it names, and that binary run under
//! a local Lambda Runtime API with `events/scheduled.json`.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// template.yaml as JSON, read by cfn-lint's decoder (which knows !Ref & co).
fn template() -> Value {
    let out = Command::new(support::venv_bin().join("python"))
        .args([
            "-c",
            "import json,sys; from cfnlint.decode import decode; t,m=decode(sys.argv[1]); assert not m, m; print(json.dumps(t))",
            concat!(env!("CARGO_MANIFEST_DIR"), "/template.yaml"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every statement of a function's policies, the conditional ones
/// (`!If [Cond, policy, NoValue]`) included.
fn statements(t: &Value, function: &str) -> Vec<Value> {
    t["Resources"][function]["Properties"]["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p.get("Fn::If") {
            Some(branches) => &branches[1],
            None => p,
        })
        .flat_map(|p| p["Statement"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn actions(s: &Value) -> Vec<String> {
    match &s["Action"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(a) => a.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        _ => vec![],
    }
}

#[test]
fn policy_has_no_wildcard_action_and_start_stop_needs_the_schedule_tag() {
    let t = template();
    let mut st = statements(&t, "SchedulerFunction");
    st.extend(statements(&t, "BotFunction"));
    assert!(!st.is_empty());
    for s in &st {
        for a in actions(s) {
            assert!(!a.contains('*'), "wildcard action {a}");
        }
        let commands = actions(s)
            .iter()
            .any(|a| a.contains(":Start") || a.contains(":Stop"));
        if commands {
            assert_eq!(
                s["Condition"]["Null"]["aws:ResourceTag/ScheduleName"], "false",
                "{s}"
            );
            assert_ne!(s["Resource"], "*", "{s}");
        }
        if s["Resource"] == "*" {
            assert_eq!(
                actions(s),
                ["ec2:DescribeInstances"],
                "only the describe without resource-level permissions may use *"
            );
        }
    }
    for s in statements(&t, "BotFunction") {
        let acts = actions(&s);
        assert!(
            !acts
                .iter()
                .any(|a| a.contains(":Start") || a.contains(":Stop")),
            "the bot never commands servers: {s}"
        );
        if acts
            .iter()
            .any(|a| a == "dynamodb:PutItem" || a == "dynamodb:DeleteItem")
        {
            assert!(
                s["Resource"].to_string().contains("ExceptionTable"),
                "the bot writes only exception items: {s}"
            );
        }
    }
    assert_eq!(
        t["Resources"]["BotFunction"]["Properties"]["FunctionUrlConfig"]["AuthType"],
        "NONE"
    );
    for secret in [
        "SlackSigningSecret",
        "MattermostToken",
        "JandiOutgoingToken",
        "OutgoingWebhookToken",
    ] {
        assert_eq!(t["Parameters"][secret]["NoEcho"], true);
    }
    let f = &t["Resources"]["SchedulerFunction"];
    // No reservation unless asked for: new accounts cannot reserve any.
    assert_eq!(t["Parameters"]["ReservedConcurrency"]["Default"], 0);
    assert_eq!(
        f["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][0],
        "HasReservedConcurrency"
    );
    let invoke: Vec<Value> = statements(&t, "BotFunction")
        .into_iter()
        .filter(|s| actions(s).iter().any(|a| a.starts_with("lambda:")))
        .collect();
    assert_eq!(invoke.len(), 1, "{invoke:?}");
    assert_eq!(actions(&invoke[0]), ["lambda:InvokeFunction"]);
    assert!(
        invoke[0]["Resource"]["Fn::Sub"]
            .as_str()
            .unwrap()
            .ends_with(":function:${AWS::StackName}-scheduler"),
        "the bot may invoke the scheduler function only: {}",
        invoke[0]
    );
    assert_eq!(
        f["Properties"]["FunctionName"]["Fn::Sub"],
        "${AWS::StackName}-scheduler"
    );
    // Tagging: only servers with the schedule tag, only the two keys.
    let tagging: Vec<Value> = statements(&t, "SchedulerFunction")
        .into_iter()
        .filter(|s| actions(s).iter().any(|a| a.contains("Tag")))
        .collect();
    assert_eq!(tagging.len(), 2);
    for s in tagging {
        assert_eq!(
            s["Condition"]["Null"]["aws:ResourceTag/ScheduleName"], "false",
            "{s}"
        );
        assert_eq!(
            s["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"],
            serde_json::json!(["ScheduleLastAction", "ScheduleError"]),
            "{s}"
        );
    }
    assert_eq!(f["Properties"]["Architectures"][0], "arm64");
    assert_eq!(t["Parameters"]["WebhookUrl"]["NoEcho"], true);
    for table in ["ScheduleTable", "ServerGroupTable", "ExceptionTable"] {
        assert_eq!(t["Resources"][table]["DeletionPolicy"], "Retain");
    }
}

#[test]
fn template_names_the_lambda_binary_that_cargo_builds() {
    let t = template();
    let binary = t["Resources"]["SchedulerFunction"]["Metadata"]["BuildProperties"]["Binary"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(binary, "scheduler-lambda");
    assert!(std::path::Path::new(env!("CARGO_BIN_EXE_scheduler-lambda")).exists());
}

fn event(name: &str) -> String {
    std::fs::read_to_string(format!("{}/events/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Runs the scheduler binary against `w` under a local Lambda Runtime API
/// that hands it `event` once; returns what the invocation answered.
async fn invoke_binary(w: &support::World, event: String) -> Value {
    let runtime = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/2018-06-01/runtime/invocation/next"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Lambda-Runtime-Aws-Request-Id", "req-1")
                .insert_header("Lambda-Runtime-Deadline-Ms", "4102444800000")
                .insert_header(
                    "Lambda-Runtime-Invoked-Function-Arn",
                    "arn:aws:lambda:ap-northeast-2:123456789012:function:scheduler",
                )
                .set_body_string(event),
        )
        .up_to_n_times(1)
        .mount(&runtime)
        .await;
    // Later polls wait, as the real Runtime API does between invocations.
    Mock::given(method("GET"))
        .and(path("/2018-06-01/runtime/invocation/next"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(600)))
        .mount(&runtime)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(
            "^/2018-06-01/runtime/invocation/req-1/(response|error)$",
        ))
        .respond_with(ResponseTemplate::new(202))
        .mount(&runtime)
        .await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_scheduler-lambda"))
        .envs(w.moto.env())
        .env("AWS_LAMBDA_RUNTIME_API", runtime.address().to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "scheduler")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "test")
        .env_remove("WEBHOOK_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let body = loop {
        let posted = runtime
            .received_requests()
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.method.as_str() == "POST");
        if let Some(r) = posted {
            assert!(
                r.url.path().ends_with("/response"),
                "the invocation failed: {}",
                String::from_utf8_lossy(&r.body)
            );
            break serde_json::from_slice::<Value>(&r.body).unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "no answer from the Lambda binary"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    body
}

#[tokio::test]
async fn lambda_binary_answers_the_scheduled_event_and_a_stop_request() {
    let w = support::World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "db", "EC2", &[]).await;
    w.group("dev", "app", "EC2", &["db"]).await;
    let db = w.ec2_instances(1, "dev", Some("db"), "dev-db").await;
    let app = w.ec2_instances(1, "dev", Some("app"), "dev-app").await;

    // The event fired at 2026-11-30T00:00Z = 09:00 KST: the start event.
    let body = invoke_binary(&w, event("scheduled.json")).await;
    assert_eq!(body["at"], "2026-11-30T00:00:00Z");
    assert_eq!(body["commanded"], 2, "{body}");
    assert!(body["failures"].as_array().unwrap().is_empty(), "{body}");
    for id in db.iter().chain(&app) {
        assert_eq!(w.ec2_state(id).await, "running");
    }
    // The bot's stop request at 15:00 KST: both stop now, app first.
    let body = invoke_binary(&w, event("stop-request.json")).await;
    assert_eq!(body["at"], "2026-11-30T06:00:00Z");
    assert_eq!(body["commanded"], 2, "{body}");
    for id in db.iter().chain(&app) {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
}

#[tokio::test]
async fn the_bot_asks_the_scheduler_with_a_signed_asynchronous_invoke() {
    use scheduler::plan::Orders;
    use scheduler::ports::PassTrigger;
    use wiremock::matchers::header;

    let lambda = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2015-03-31/functions/scheduler-fn/invocations"))
        .and(header("x-amz-invocation-type", "Event"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&lambda)
        .await;
    let sdk = scheduler::aws::loader()
        .endpoint_url(lambda.uri())
        .region(aws_sdk_dynamodb::config::Region::new(support::REGION))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "AKIDEXAMPLE",
            "secret",
            None,
            None,
            "test",
        ))
        .load()
        .await;
    let trigger = scheduler::aws::trigger::LambdaTrigger::new(&sdk, "scheduler-fn".into());
    let orders = Orders {
        stop: ["dev".to_string()].into(),
    };
    trigger
        .trigger(&orders, support::at("2026-11-30T15:00:00+09:00"))
        .await
        .unwrap();
    let req = &lambda.received_requests().await.unwrap()[0];
    let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
            && auth.contains("/ap-northeast-2/lambda/aws4_request"),
        "{auth}"
    );
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"detail-type": "Pass Request", "source": "instance-scheduler.bot",
                           "time": "2026-11-30T06:00:00Z", "stop": ["dev"]})
    );
}

#[test]
fn someone_is_told_when_the_scheduler_is_sick() {
    let t = template();
    let r = &t["Resources"];
    let alarms: Vec<&String> = r
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, v)| v["Type"] == "AWS::CloudWatch::Alarm")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        alarms,
        [
            "BotErrorsAlarm",
            "CommandFailuresAlarm",
            "FailedPassQueueAlarm",
            "HeartbeatMissingAlarm",
            "SchedulerErrorsAlarm"
        ]
    );
    for a in &alarms {
        assert_eq!(
            r[a.as_str()]["Properties"]["AlarmActions"]["Fn::If"][0],
            "HasAlarmTarget",
            "{a}"
        );
    }
    assert_eq!(
        r["HeartbeatMissingAlarm"]["Properties"]["TreatMissingData"],
        "breaching"
    );
    assert_eq!(
        r["AlarmTopic"]["Properties"]["Subscription"][0]["Protocol"],
        "email"
    );
    for (function, group) in [
        ("SchedulerFunction", "SchedulerLogGroup"),
        ("BotFunction", "BotLogGroup"),
    ] {
        assert_eq!(
            r[function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"],
            group
        );
        assert_eq!(
            r[group]["Properties"]["RetentionInDays"]["Ref"],
            "LogRetentionDays"
        );
    }
    assert_eq!(
        r["SchedulerFunction"]["Properties"]["EventInvokeConfig"]["MaximumEventAgeInSeconds"],
        240
    );
    assert_eq!(
        r["BotFunction"]["Properties"]["ReservedConcurrentExecutions"]["Fn::If"][0],
        "HasBotConcurrencyCap"
    );
}
