//! The deployment as Lambda and CloudFormation see it: the template's
//! least-privilege policy, the binary it names, and that binary run under
//! a local Lambda Runtime API with `events/scheduled.json`.

mod support;

use support::lambda::{event, invoke_binary};

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The template as deployed with the default `ScheduleTagKey`.
fn template() -> Value {
    deployed("template.yaml", "ScheduleName")
}

/// `name` as CloudFormation sees it once the LanguageExtensions transform
/// has put `tag_key` into the IAM conditions.
fn deployed(name: &str, tag_key: &str) -> Value {
    support::template::for_each(
        &support::template::template(name),
        &[("ScheduleTagKey", tag_key)],
    )
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

/// The calls IAM grants on no resource but `*`.
const WITHOUT_RESOURCES: [&str; 10] = [
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceStatus",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTargetGroups",
    "autoscaling:DescribeAutoScalingGroups",
    "ecs:ListClusters",
    "ecs:ListServices",
    "application-autoscaling:DescribeScalableTargets",
    "eks:ListClusters",
    "pricing:GetProducts",
];

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
        let commands = actions(s).iter().any(|a| {
            a.contains(":Start")
                || a.contains(":Stop")
                || [
                    "autoscaling:UpdateAutoScalingGroup",
                    "ecs:UpdateService",
                    "eks:UpdateNodegroupConfig",
                ]
                .contains(&a.as_str())
        });
        if commands {
            assert_eq!(
                s["Condition"]["Null"]["aws:ResourceTag/ScheduleName"], "false",
                "{s}"
            );
            // ScheduleTagValuePrefix limits the tag's value as well.
            assert_eq!(
                s["Condition"]["StringLike"]["aws:ResourceTag/ScheduleName"]["Fn::Sub"],
                "${ScheduleTagValuePrefix}*",
                "{s}"
            );
            assert_ne!(s["Resource"], "*", "{s}");
        }
        if s["Resource"] == "*" {
            assert!(
                actions(s)
                    .iter()
                    .all(|a| WITHOUT_RESOURCES.contains(&a.as_str())),
                "only the calls without resource-level permissions may use *: {s}"
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
    assert_eq!(
        tagging.len(),
        5,
        "EC2, databases, Auto Scaling groups, ECS services, EKS node groups"
    );
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
        // ForAllValues also holds for a request without tag keys.
        assert_eq!(s["Condition"]["Null"]["aws:TagKeys"], "false", "{s}");
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

#[tokio::test]
async fn lambda_binary_answers_the_scheduled_event_and_a_stop_request() {
    let w = support::World::new().await;
    w.schedule("dev", "all", "09:00", "22:00").await;
    w.group("dev", "db", "EC2", &[]).await;
    w.group("dev", "app", "EC2", &["db"]).await;
    let db = w.ec2_instances(1, "dev", Some("db"), "dev-db").await;
    let app = w.ec2_instances(1, "dev", Some("app"), "dev-app").await;

    // The event fired at 2026-11-30T00:00Z = 09:00 KST: the start event.
    let body = invoke_binary(&w.moto.env(), event("scheduled.json")).await;
    assert_eq!(body["at"], "2026-11-30T00:00:00Z");
    assert_eq!(body["commanded"], 2, "{body}");
    assert!(body["failures"].as_array().unwrap().is_empty(), "{body}");
    for id in db.iter().chain(&app) {
        assert_eq!(w.ec2_state(id).await, "running");
    }
    // The bot's stop request at 15:00 KST: both stop now, app first.
    let body = invoke_binary(&w.moto.env(), event("stop-request.json")).await;
    assert_eq!(body["at"], "2026-11-30T06:00:00Z");
    assert_eq!(body["commanded"], 2, "{body}");
    for id in db.iter().chain(&app) {
        assert_eq!(w.ec2_state(id).await, "stopped");
    }
}

/// An AWS configuration whose Lambda endpoint is `lambda`, with test
/// credentials to sign with.
/// The bot's trigger, against `lambda`, asking for `dev` to stop now.
async fn ask_to_stop_dev(lambda: &MockServer, targets: Vec<scheduler::target::Target>) {
    use scheduler::plan::Orders;
    use scheduler::ports::PassTrigger;
    let sdk = lambda_at(lambda).await;
    let trigger = scheduler::aws::trigger::LambdaTrigger::new(&sdk, "scheduler-fn".into(), targets);
    let orders = Orders {
        stop: ["dev".to_string()].into(),
    };
    trigger
        .trigger(&orders, support::at("2026-11-30T15:00:00+09:00"))
        .await
        .unwrap();
}

async fn lambda_at(lambda: &MockServer) -> aws_config::SdkConfig {
    scheduler::aws::loader()
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
        .await
}

#[tokio::test]
async fn the_bot_asks_the_scheduler_with_a_signed_asynchronous_invoke() {
    use wiremock::matchers::header;

    let lambda = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2015-03-31/functions/scheduler-fn/invocations"))
        .and(header("x-amz-invocation-type", "Event"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&lambda)
        .await;
    ask_to_stop_dev(&lambda, vec![]).await;
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

#[tokio::test]
async fn in_a_hub_the_bot_asks_for_one_pass_per_target() {
    use scheduler::target::Target;

    let lambda = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/2015-03-31/functions/scheduler-fn/invocations"))
        .respond_with(ResponseTemplate::new(202))
        .expect(2)
        .mount(&lambda)
        .await;
    ask_to_stop_dev(
        &lambda,
        Target::parse_list("self@us-east-1,self@us-west-2").unwrap(),
    )
    .await;
    let mut asked: Vec<String> = lambda
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(body["stop"], serde_json::json!(["dev"]));
            body["target"].as_str().unwrap().to_string()
        })
        .collect();
    asked.sort();
    assert_eq!(asked, ["self@us-east-1", "self@us-west-2"]);
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

#[test]
fn a_hub_fans_out_per_target_and_a_single_deployment_keeps_its_rule() {
    let t = template();
    let r = &t["Resources"];
    // Without Targets: the rule invokes the function, as before; no state machine.
    assert_eq!(r["EveryFiveMinutes"]["Condition"], "SingleAccount");
    assert_eq!(
        r["EveryFiveMinutes"]["Properties"]["Targets"][0]["Arn"]["Fn::GetAtt"][0],
        "SchedulerFunction"
    );
    for hub_only in ["FanOut", "FanOutSchedule", "FanOutRole", "FanOutStartRole"] {
        assert_eq!(r[hub_only]["Condition"], "HasTargets", "{hub_only}");
    }
    let fan_out = &r["FanOut"]["Properties"];
    assert_eq!(fan_out["StateMachineType"], "EXPRESS");

    let d = support::template::fan_out(
        &[
            "self@ap-northeast-2",
            "arn:aws:iam::111111111111:role/s@us-east-1",
        ],
        25,
    );
    let map = &d["States"]["EachTarget"];
    assert_eq!(map["MaxConcurrency"], 25);
    let task = &map["ItemProcessor"]["States"]["Pass"];
    assert_eq!(task["Resource"], "arn:aws:states:::lambda:invoke");
    // Retried with backoff: Lambda's own errors only, never the pass's.
    let retry = &task["Retry"][0];
    assert!(retry["ErrorEquals"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e.as_str().unwrap().starts_with("Lambda.")));
    assert!(retry["BackoffRate"].as_f64().unwrap() > 1.0);
    // A failed target is caught: the Map, and the other targets, go on.
    assert_eq!(task["Catch"][0]["ErrorEquals"][0], "States.ALL");
    assert_eq!(
        map["ItemProcessor"]["States"]["TargetFailed"]["Type"],
        "Pass"
    );
    let scheduled: Value = serde_json::from_str(&event("scheduled.json")).unwrap();
    let items = support::template::map_items(&d, &scheduled);
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[1]["target"],
        "arn:aws:iam::111111111111:role/s@us-east-1"
    );
    assert_eq!(items[1]["time"], scheduled["time"]);
    assert_eq!(items[1]["detail-type"], "Scheduled Event");
    // events/map-item.json is what the Map sends for its target.
    let sample: Value = serde_json::from_str(&event("map-item.json")).unwrap();
    let one = support::template::fan_out(&[sample["target"].as_str().unwrap()], 1);
    assert_eq!(support::template::map_items(&one, &scheduled)[0], sample);
    // The scheduler may assume the spoke roles, by name only.
    let assume: Vec<Value> = statements(&t, "SchedulerFunction")
        .into_iter()
        .filter(|s| actions(s) == ["sts:AssumeRole"])
        .collect();
    assert_eq!(assume.len(), 1);
    assert_eq!(
        assume[0]["Resource"]["Fn::Sub"],
        "arn:${AWS::Partition}:iam::*:role/${SpokeRoleName}"
    );
}

#[test]
fn the_spoke_trusts_the_hub_role_with_the_external_id_and_only_tagged_servers() {
    let t = deployed("spoke.yaml", "ScheduleName");
    let role = &t["Resources"]["SpokeRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["AWS"]["Ref"], "HubRoleArn");
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"]["Ref"],
        "ExternalId"
    );
    let statements: Vec<Value> = role["Policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| match p.get("Fn::If") {
            Some(branches) => &branches[1],
            None => p,
        })
        .flat_map(|p| {
            p["PolicyDocument"]["Statement"]
                .as_array()
                .cloned()
                .unwrap()
        })
        .collect();
    for s in &statements {
        let acts = actions(s);
        assert!(acts.iter().all(|a| !a.contains('*')), "{s}");
        // Reads need no tag; a scalable target carries none of ours, so
        // its minimum is the one write granted without one.
        let writes = acts.iter().any(|a| {
            !a.contains(":Describe")
                && !a.contains(":List")
                && a != "application-autoscaling:RegisterScalableTarget"
        });
        if writes {
            assert_eq!(
                s["Condition"]["Null"]["aws:ResourceTag/ScheduleName"], "false",
                "{s}"
            );
        }
    }
}

#[test]
fn the_schedule_tag_key_reaches_both_functions_and_every_iam_condition() {
    let raw = support::template::template("template.yaml");
    assert_eq!(
        raw["Parameters"]["ScheduleTagKey"]["Default"],
        "ScheduleName"
    );
    for f in ["SchedulerFunction", "BotFunction"] {
        assert_eq!(
            raw["Resources"][f]["Properties"]["Environment"]["Variables"]["SCHEDULE_TAG_KEY"]
                ["Ref"],
            "ScheduleTagKey",
            "{f}"
        );
    }
    for name in ["template.yaml", "spoke.yaml"] {
        let text = serde_json::to_string(&deployed(name, "Schedule")).unwrap();
        assert!(!text.contains("ResourceTag/ScheduleName"), "{name}");
        let conditions = text
            .matches("\"aws:ResourceTag/Schedule\":\"false\"")
            .count();
        assert_eq!(
            conditions, 11,
            "{name}: start, stop and tag EC2, RDS, Aurora; size and tag Auto Scaling groups, ECS services, EKS node groups"
        );
    }
}
