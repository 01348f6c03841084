//! The stack as deployed: `template.yaml` resolved as CloudFormation would
//! for a test stack, each function's binary run under a local Lambda
//! Runtime API with exactly the environment the template gives it, against
//! a counting moto, through a day (ticks, the warning's link, the chat's
//! `status`, `stop` and `start`) and a hub's fan-out; every AWS call each
//! function made is then checked against its role's policy.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::config::{Credentials, Region};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use support::scaled::{ecs_service, scaling_group};
use support::stack::{allowed, function_url_event, granted_actions, run_function, Call, Stack};
use support::{group_item, schedule_item, Moto, REGION};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const BOT_HOST: &str = "4kd7nbr2jxvqh5ldgh3mhwsfpu0sjdyz.lambda-url.ap-northeast-2.on.aws";
const SLACK_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
/// Each function's own credentials, so that moto's log tells whose call
/// each was (the test's own calls use `testing`).
const SCHEDULER_KEY: &str = "AKIASCHEDULERFUNCTN";
const BOT_KEY: &str = "AKIABOTFUNCTIONKEYS";
const EXTERNAL_ID: &str = "hub-external-id";
const SPOKE_TARGET: &str = "arn:aws:iam::123456789012:role/instance-scheduler-spoke@us-east-1";

/// A deployed test stack: moto, the webhook, the Lambda Invoke endpoint.
struct Deployed {
    stack: Stack,
    moto: Moto,
    sdk: aws_config::SdkConfig,
    webhook: MockServer,
    invoke: MockServer,
    /// The bot's invokes of the scheduler, as the endpoint saw them.
    invokes: Vec<Call>,
    /// Instances and databases the test tagged with ScheduleName.
    tagged: BTreeSet<String>,
}

impl Deployed {
    async fn new(params: &[(&str, &str)]) -> Deployed {
        let webhook = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
            .mount(&webhook)
            .await;
        let invoke = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path_regex("^/2015-03-31/functions/[^/]+/invocations$"))
            .respond_with(ResponseTemplate::new(202))
            .mount(&invoke)
            .await;
        let hook = format!("{}/hooks/test", webhook.uri());
        let mut all = vec![
            ("WebhookUrl", hook.as_str()),
            ("SlackSigningSecret", SLACK_SECRET),
        ];
        all.extend_from_slice(params);
        let stack = Stack::new(
            "template.yaml",
            &all,
            REGION,
            &format!("https://{BOT_HOST}/"),
        );
        let moto = Moto::start_denying("");
        let sdk = sdk_for(&moto, REGION).await;
        let d = Deployed {
            stack,
            moto,
            sdk,
            webhook,
            invoke,
            invokes: vec![],
            tagged: BTreeSet::new(),
        };
        d.create_tables().await;
        d
    }

    /// The tables of the template, as it defines them, under the names
    /// the resolution gives.
    async fn create_tables(&self) {
        let ddb = aws_sdk_dynamodb::Client::new(&self.sdk);
        let resources = self.stack.template["Resources"].as_object().unwrap();
        for (logical, r) in resources {
            if r["Type"] != "AWS::DynamoDB::Table" {
                continue;
            }
            if let Some(c) = r["Condition"].as_str() {
                if !self.stack.condition(c) {
                    continue;
                }
            }
            let p = self.stack.resolve(&r["Properties"]).unwrap();
            let keys = |v: &Value| -> Vec<KeySchemaElement> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|k| {
                        KeySchemaElement::builder()
                            .attribute_name(k["AttributeName"].as_str().unwrap())
                            .key_type(KeyType::from(k["KeyType"].as_str().unwrap()))
                            .build()
                            .unwrap()
                    })
                    .collect()
            };
            let mut create = ddb
                .create_table()
                .table_name(self.stack.physical(logical))
                .billing_mode(BillingMode::PayPerRequest)
                .set_key_schema(Some(keys(&p["KeySchema"])));
            for a in p["AttributeDefinitions"].as_array().unwrap() {
                create = create.attribute_definitions(
                    AttributeDefinition::builder()
                        .attribute_name(a["AttributeName"].as_str().unwrap())
                        .attribute_type(ScalarAttributeType::from(
                            a["AttributeType"].as_str().unwrap(),
                        ))
                        .build()
                        .unwrap(),
                );
            }
            for g in p["GlobalSecondaryIndexes"].as_array().into_iter().flatten() {
                create = create.global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(g["IndexName"].as_str().unwrap())
                        .set_key_schema(Some(keys(&g["KeySchema"])))
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::from(
                                    g["Projection"]["ProjectionType"].as_str().unwrap(),
                                ))
                                .build(),
                        )
                        .build()
                        .unwrap(),
                );
            }
            create.send().await.expect("create_table");
        }
    }

    fn table(&self, variable: &str) -> String {
        self.stack.environment("SchedulerFunction")[variable].clone()
    }

    async fn put(&self, variable: &str, item: scheduler::model::Item) {
        aws_sdk_dynamodb::Client::new(&self.sdk)
            .put_item()
            .table_name(self.table(variable))
            .set_item(Some(item.0))
            .send()
            .await
            .expect("put_item");
    }

    /// `dev`, 09:00-18:00 every day: `db` (RDS), then `app` (EC2).
    async fn seed(&mut self) -> (String, String) {
        self.put(
            "SCHEDULE_TABLE",
            schedule_item("dev", "all", "09:00", "18:00"),
        )
        .await;
        self.put("SERVER_GROUP_TABLE", group_item("dev", "db", "RDS", &[]))
            .await;
        self.put(
            "SERVER_GROUP_TABLE",
            group_item("dev", "app", "EC2", &["db"]),
        )
        .await;
        let ec2 = aws_sdk_ec2::Client::new(&self.sdk);
        let app = support::moto::launch(&ec2, 1, "dev", Some("app"), "dev-app").await;
        let rds = aws_sdk_rds::Client::new(&self.sdk);
        let tag = |k: &str, v: &str| aws_sdk_rds::types::Tag::builder().key(k).value(v).build();
        rds.create_db_instance()
            .db_instance_identifier("dev-db")
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .master_username("scheduler")
            .master_user_password("password1")
            .allocated_storage(20)
            .tags(tag("ScheduleName", "dev"))
            .tags(tag("ScheduleGroupName", "db"))
            .send()
            .await
            .expect("create_db_instance");
        rds.stop_db_instance()
            .db_instance_identifier("dev-db")
            .send()
            .await
            .expect("stop db");
        self.tagged.insert(app[0].clone());
        self.tagged.insert("dev-db".into());
        (app[0].clone(), "dev-db".into())
    }

    /// `workers` (an Auto Scaling group of 1/2/4, after `app`) and `api`
    /// (an ECS service of 2 tasks scaled 1-4, after `db`), both running.
    async fn seed_scaled(&mut self) {
        for (group, kind, after) in [("workers", "ASG", "app"), ("api", "ECS", "db")] {
            self.put(
                "SERVER_GROUP_TABLE",
                group_item("dev", group, kind, &[after]),
            )
            .await;
        }
        let tags = |group| [("ScheduleName", "dev"), ("ScheduleGroupName", group)];
        scaling_group(&self.sdk, "dev-workers", (1, 2, 4), &tags("workers")).await;
        ecs_service(&self.sdk, "dev", "api", 2, Some((1, 4)), &tags("api")).await;
        self.tagged.insert("dev-workers".into());
        self.tagged.insert("api".into());
    }

    /// (desired capacity of `dev-workers`, desired count of `dev/api`).
    async fn scaled_sizes(&self) -> (i32, i32) {
        let asg = aws_sdk_autoscaling::Client::new(&self.sdk)
            .describe_auto_scaling_groups()
            .auto_scaling_group_names("dev-workers")
            .send()
            .await
            .unwrap();
        let ecs = aws_sdk_ecs::Client::new(&self.sdk)
            .describe_services()
            .cluster("dev")
            .services("api")
            .send()
            .await
            .unwrap();
        (
            asg.auto_scaling_groups()[0].desired_capacity().unwrap(),
            ecs.services()[0].desired_count(),
        )
    }

    /// What the Lambda service gives every function besides the template's
    /// variables: region, credentials, and here the local endpoints.
    fn platform(&self, key: &str) -> BTreeMap<String, String> {
        [
            ("AWS_REGION", REGION.to_string()),
            ("AWS_DEFAULT_REGION", REGION.to_string()),
            ("AWS_ACCESS_KEY_ID", key.to_string()),
            ("AWS_SECRET_ACCESS_KEY", "secret".to_string()),
            ("AWS_SESSION_TOKEN", "session".to_string()),
            ("AWS_ENDPOINT_URL", self.moto.url.clone()),
            ("AWS_ENDPOINT_URL_LAMBDA", self.invoke.uri()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn env_of(&self, function: &str, key: &str) -> BTreeMap<String, String> {
        let mut env = self.stack.environment(function);
        env.extend(self.platform(key));
        env
    }

    async fn scheduler(&self, event: &Value) -> Value {
        let name = self.stack.physical("SchedulerFunction");
        let env = self.env_of("SchedulerFunction", SCHEDULER_KEY);
        run_function(env!("CARGO_BIN_EXE_scheduler-lambda"), &name, &env, event)
            .await
            .unwrap_or_else(|e| panic!("the scheduler failed: {e}"))
    }

    /// The bot's answer (status, body) to a Function URL request.
    async fn bot(&self, event: Value) -> (u16, String) {
        let name = self.stack.physical("BotFunction");
        let env = self.env_of("BotFunction", BOT_KEY);
        let r = run_function(env!("CARGO_BIN_EXE_scheduler-bot"), &name, &env, &event)
            .await
            .unwrap_or_else(|e| panic!("the bot failed: {e}"));
        (
            r["statusCode"].as_u64().unwrap() as u16,
            r["body"].as_str().unwrap_or_default().to_string(),
        )
    }

    /// A slash command as Slack sends it to the Function URL, signed now.
    async fn slack(&self, text: &str) -> (u16, String) {
        let body = serde_urlencoded::to_string([
            ("token", "gIkuvaNzQIHg97ATvDxqgjtO"),
            ("team_id", "T0001"),
            ("team_domain", "example"),
            ("channel_id", "C2147483705"),
            ("channel_name", "dev-ops"),
            ("user_id", "U2147483697"),
            ("user_name", "steve"),
            ("command", "/sched"),
            ("text", text),
            ("response_url", "https://hooks.slack.com/commands/1234/5678"),
            ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
            ("api_app_id", "A123456"),
        ])
        .unwrap();
        let ts = Utc::now().timestamp().to_string();
        let mut mac = Hmac::<Sha256>::new_from_slice(SLACK_SECRET.as_bytes()).unwrap();
        mac.update(format!("v0:{ts}:{body}").as_bytes());
        let sig = format!("v0={}", hex::encode(mac.finalize().into_bytes()));
        let event = function_url_event(
            "POST",
            &format!("https://{BOT_HOST}/slack/commands"),
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("x-slack-request-timestamp", &ts),
                ("x-slack-signature", &sig),
            ],
            &body,
        );
        self.bot(event).await
    }

    /// The bot's invokes since the last call, each run as the scheduler's
    /// event (the asynchronous invoke the Lambda service would deliver).
    async fn deliver_invokes(&mut self) -> Vec<Value> {
        let requests = self.invoke.received_requests().await.unwrap();
        let new = &requests[self.invokes.len()..];
        let mut answers = vec![];
        for r in new {
            let function = r
                .url
                .path()
                .trim_start_matches("/2015-03-31/functions/")
                .trim_end_matches("/invocations")
                .to_string();
            assert_eq!(function, self.stack.physical("SchedulerFunction"));
            assert_eq!(
                r.headers.get("x-amz-invocation-type").unwrap(),
                "Event",
                "asynchronous"
            );
            let auth = r.headers.get("authorization").unwrap().to_str().unwrap();
            assert!(auth.contains(&format!("Credential={BOT_KEY}/")), "{auth}");
            self.invokes.push(Call {
                action: "lambda:InvokeFunction".into(),
                access_key: BOT_KEY.into(),
                resources: vec![format!(
                    "arn:aws:lambda:{REGION}:{}:function:{function}",
                    support::stack::ACCOUNT
                )],
                tag_keys: vec![],
                attributes: vec![],
                params: Value::Null,
            });
            let event: Value = serde_json::from_slice(&r.body).unwrap();
            answers.push(self.scheduler(&event).await);
        }
        answers
    }

    /// Every call moto saw, oldest first.
    async fn moto_calls(&self) -> Vec<Value> {
        reqwest::get(format!("{}/__calls", self.moto.url))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn forget_calls(&self) {
        reqwest::Client::new()
            .delete(format!("{}/__counts", self.moto.url))
            .send()
            .await
            .unwrap();
    }

    /// The messages posted to the webhook, as text.
    async fn posted(&self) -> Vec<String> {
        self.webhook
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| String::from_utf8_lossy(&r.body).to_string())
            .collect()
    }

    async fn ec2_state(&self, id: &str) -> String {
        support::moto::ec2_state(&aws_sdk_ec2::Client::new(&self.sdk), id).await
    }

    async fn rds_state(&self, id: &str) -> String {
        support::moto::rds_state(&aws_sdk_rds::Client::new(&self.sdk), id).await
    }
}

async fn sdk_for(moto: &Moto, region: &str) -> aws_config::SdkConfig {
    scheduler::aws::loader()
        .endpoint_url(&moto.url)
        .region(Region::new(region.to_string()))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await
}

/// The rule's event (events/scheduled.json) fired at `at`.
fn tick(at: DateTime<Utc>) -> Value {
    let mut e: Value = serde_json::from_str(&support::lambda::event("scheduled.json")).unwrap();
    e["time"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    e
}

/// The last day whose 17:50 in Seoul has passed: its 09:00 and 17:50
/// ticks lie within the last 24 hours' links.
fn day() -> (DateTime<Utc>, DateTime<Utc>) {
    let seoul = chrono_tz::Asia::Seoul;
    let now = Utc::now();
    let mut date = now.with_timezone(&seoul).date_naive();
    let at = |d: chrono::NaiveDate, h, m| {
        seoul
            .from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    if at(date, 17, 50) > now {
        date = date.pred_opt().unwrap();
    }
    (at(date, 9, 0), at(date, 17, 50))
}

/// The link to the week's page in a posted message.
fn link_in(text: &str) -> Option<String> {
    let start = text.find(&format!("https://{BOT_HOST}/plan?"))?;
    Some(
        text[start..]
            .chars()
            .take_while(|c| !matches!(c, '"' | ')' | ' ' | '\\' | '>' | ']' | '|' | '\n'))
            .collect(),
    )
}

/// Checks each call moto saw against the role of the function that made
/// it (by its access key; others are an assumed spoke role's), and
/// returns the (function, action) pairs seen.
fn check_calls(
    d: &Deployed,
    moto_calls: &[Value],
    spoke: Option<&Stack>,
) -> BTreeSet<(String, String)> {
    let mut calls: Vec<Call> = moto_calls.iter().map(Call::from_moto).collect();
    calls.extend(d.invokes.iter().cloned());
    let tagged = |arn: &str| {
        d.tagged
            .iter()
            .any(|id| arn.ends_with(&format!("/{id}")) || arn.ends_with(&format!(":{id}")))
    };
    let mut seen = BTreeSet::new();
    for call in calls.iter().filter(|c| c.access_key != "testing") {
        let (function, statements) = match call.access_key.as_str() {
            SCHEDULER_KEY => ("SchedulerFunction", d.stack.statements("SchedulerFunction")),
            BOT_KEY => ("BotFunction", d.stack.statements("BotFunction")),
            other => {
                let spoke = spoke.unwrap_or_else(|| panic!("a call with key {other}: {call:?}"));
                ("SpokeRole", spoke.statements("SpokeRole"))
            }
        };
        if let Err(e) = allowed(&statements, call, &tagged) {
            panic!("{function}: {e}\n{call:?}");
        }
        seen.insert((function.to_string(), call.action.clone()));
    }
    seen
}

/// What a role is granted and the run never called.
fn unused(statements: &[Value], seen: &BTreeSet<(String, String)>, function: &str) -> Vec<String> {
    granted_actions(statements)
        .into_iter()
        .filter(|a| !seen.contains(&(function.to_string(), a.clone())))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_day_of_the_deployed_stack_within_its_permissions() {
    let mut d = Deployed::new(&[]).await;
    let (app, db) = d.seed().await;
    d.seed_scaled().await;
    d.forget_calls().await;
    let (start, warning) = day();

    // 09:00: the pass starts db, then app.
    let body = d.scheduler(&tick(start)).await;
    assert_eq!(body["commanded"], 2, "{body}");
    assert_eq!(d.ec2_state(&app).await, "running");
    assert_eq!(d.rds_state(&db).await, "available");

    // 17:50: the warning, with its signed link to the bot's page.
    d.scheduler(&tick(warning)).await;
    let posted = d.posted().await;
    let link = posted
        .iter()
        .find_map(|m| link_in(m))
        .unwrap_or_else(|| panic!("no link to the page in {posted:#?}"));

    // The link, as the Function URL hands it to the bot: the page.
    let (status, page) = d.bot(function_url_event("GET", &link, &[], "")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("data-schedule=\"dev\""), "{page}");
    let tampered = match link.chars().last().unwrap() {
        '0' => format!("{}1", &link[..link.len() - 1]),
        _ => format!("{}0", &link[..link.len() - 1]),
    };
    let (status, _) = d.bot(function_url_event("GET", &tampered, &[], "")).await;
    assert_eq!(status, 401);

    // status: its link is under the host the request came to.
    let (status, answer) = d.slack("status").await;
    assert_eq!(status, 200, "{answer}");
    // Slack's text escapes `&`, and shows it unescaped.
    let text: Value = serde_json::from_str(&answer).unwrap();
    let text = text["text"].as_str().unwrap().replace("&amp;", "&");
    let link = link_in(&text).unwrap_or_else(|| panic!("no link in {answer}"));
    assert_eq!(
        d.bot(function_url_event("GET", &link, &[], "")).await.0,
        200
    );

    // stop: the bot invokes the scheduler, which stops app, then db.
    let (status, answer) = d.slack("stop dev").await;
    assert_eq!(status, 200, "{answer}");
    let passes = d.deliver_invokes().await;
    assert_eq!(passes.len(), 1, "one asynchronous invoke");
    assert_eq!(d.ec2_state(&app).await, "stopped");
    assert_eq!(d.rds_state(&db).await, "stopped");
    assert_eq!(
        d.scaled_sizes().await,
        (0, 0),
        "the workers and the api at zero"
    );

    // start: ForceStart set by the bot, the pass starts and resets it.
    let (status, answer) = d.slack("start dev").await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(d.deliver_invokes().await.len(), 1);
    assert_eq!(d.ec2_state(&app).await, "running");
    // The next tick sees every server up and resets ForceStart.
    d.scheduler(&tick(Utc::now() + chrono::Duration::minutes(5)))
        .await;
    d.scheduler(&tick(Utc::now() + chrono::Duration::minutes(10)))
        .await;
    assert_eq!(d.scaled_sizes().await, (2, 2), "back at their sizes");

    let calls = d.moto_calls().await;
    let commands: Vec<&str> = calls
        .iter()
        .filter(|c| c["key"] == SCHEDULER_KEY)
        .map(|c| c["action"].as_str().unwrap())
        .filter(|a| a.contains(":Start") || a.contains(":Stop"))
        .collect();
    assert_eq!(
        commands,
        [
            "rds:StartDBInstance",
            "ec2:StartInstances",
            "ec2:StopInstances",
            "rds:StopDBInstance",
            "rds:StartDBInstance",
            "ec2:StartInstances"
        ],
        "started in order, stopped in reverse"
    );
    let seen = check_calls(&d, &calls, None);
    eprintln!("(function, operation) seen: {seen:#?}");
    let s = &d.stack;
    assert_eq!(
        unused(
            &s.statements("SchedulerFunction"),
            &seen,
            "SchedulerFunction"
        ),
        [
            // A hub's ForceStart progress across targets (the hub tests of
            // tests/targets.rs), and recreating a deleted state table.
            "dynamodb:BatchGetItem",
            "dynamodb:CreateTable",
            "dynamodb:DescribeTable",
            // A hub target's read of its partition: the hub's test.
            "dynamodb:Query",
            // Readiness checks: none in this day (tests/ready.rs).
            "ec2:DescribeInstanceStatus",
            // EKS node groups: none in this day (tests/scaled.rs).
            "eks:DescribeNodegroup",
            "eks:ListClusters",
            "eks:ListNodegroups",
            "eks:UpdateNodegroupConfig",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
            // Aurora clusters: none in this day.
            "rds:StartDBCluster",
            "rds:StopDBCluster",
        ]
    );
    assert_eq!(
        unused(&s.statements("BotFunction"), &seen, "BotFunction"),
        [
            // A hub's `status`: the hub's test.
            "dynamodb:BatchGetItem",
            // Exception items: skip, extend and postpone write, cancel deletes.
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            // EKS node groups: none in this day.
            "eks:DescribeNodegroup",
            "eks:ListClusters",
            "eks:ListNodegroups",
        ]
    );
}

/// The variables `src/env.rs` reads, by name.
fn variables_read() -> BTreeSet<String> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/env.rs")).unwrap();
    let mut names = BTreeSet::new();
    for call in ["get(\"", "flag(\"", "number(\""] {
        for (i, _) in src.match_indices(call) {
            let rest = &src[i + call.len()..];
            let name = &rest[..rest.find('"').unwrap()];
            if name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
                names.insert(name.to_string());
            }
        }
    }
    names
}

#[test]
fn every_variable_a_feature_reads_is_given_to_the_function_that_needs_it() {
    let read = variables_read();
    // Read, but deliberately not in the template: the test tuning, and the
    // original tool's names, which the template folds into ours.
    let not_deployed = [
        "POLL_SECONDS",
        "STOP_ALERT_BEFORE_TIME_MINUTE",
        "OUTGOING_WEBHOOK_TOKEN",
    ];
    let bot_only = [
        "SLACK_SIGNING_SECRET",
        "MATTERMOST_TOKEN",
        "JANDI_OUTGOING_TOKEN",
        "BOT_ALLOWED_USERS",
        "SCHEDULER_FUNCTION",
    ];
    // What the bot's features read: the tables it reads and edits, its
    // messages and the page's links (under the request's host).
    let bot_needs = [
        "SCHEDULE_TABLE",
        "SERVER_GROUP_TABLE",
        "EXCEPTION_TABLE",
        "STATE_TABLE",
        "TIMEZONE",
        "WEBHOOK_FORMAT",
        "WEBHOOK_URL",
        "MESSAGE_LANGUAGE",
        "BOT_KEYWORD",
        "PLAN_LINK_SECRET",
        "ALLOW_PRIVATE_FEEDS",
        "SCHEDULE_TAG_KEY",
        "TARGETS",
    ];
    let stack = Stack::new(
        "template.yaml",
        &[],
        REGION,
        &format!("https://{BOT_HOST}/"),
    );
    for (function, needs) in [
        (
            "SchedulerFunction",
            read.iter()
                .filter(|v| !not_deployed.contains(&v.as_str()) && !bot_only.contains(&v.as_str()))
                .cloned()
                .collect::<Vec<_>>(),
        ),
        (
            "BotFunction",
            bot_only
                .iter()
                .chain(&bot_needs)
                .map(|v| v.to_string())
                .collect(),
        ),
    ] {
        let given =
            &stack.template["Resources"][function]["Properties"]["Environment"]["Variables"];
        let missing: Vec<&String> = needs
            .iter()
            .filter(|v| given.get(v.as_str()).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "{function} reads {missing:?}, which the template does not give it"
        );
        for v in &needs {
            assert!(read.contains(v), "{v} is not read by src/env.rs");
        }
    }
    // The original names and the test tuning stay out of the deployment.
    for function in ["SchedulerFunction", "BotFunction"] {
        let env = stack.environment(function);
        for v in not_deployed {
            assert!(!env.contains_key(v), "{function} {v}");
        }
    }
    // The link secret: both functions key the page's links alike.
    for given in [
        vec![("PlanLinkSecret", "p")],
        vec![("SlackSigningSecret", "s")],
        vec![("JandiOutgoingToken", "j")],
        vec![("OutgoingWebhookToken", "o")],
        vec![("MattermostToken", "m")],
    ] {
        let s = Stack::new("template.yaml", &given, REGION, "https://bot/");
        let link_key = |function: &str| {
            let env = s.environment(function);
            let lookup = |n: &str| env.get(n).cloned();
            [
                "PLAN_LINK_SECRET",
                "SLACK_SIGNING_SECRET",
                "JANDI_OUTGOING_TOKEN",
                "MATTERMOST_TOKEN",
            ]
            .iter()
            .find_map(|n| lookup(n).filter(|v| !v.is_empty()))
        };
        assert_eq!(
            link_key("SchedulerFunction"),
            Some(given[0].1.to_string()),
            "{given:?}"
        );
        assert_eq!(
            link_key("BotFunction"),
            Some(given[0].1.to_string()),
            "{given:?}"
        );
    }
}

/// The rows of the README table whose header starts with `| {first} |`:
/// each row's cells.
fn readme_table(first: &str) -> Vec<Vec<String>> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let header = format!("| {first} |");
    let start = readme
        .find(&header)
        .unwrap_or_else(|| panic!("no table {header}"));
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The names of a top-level section of template.yaml, in its order.
fn section(name: &str) -> Vec<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/template.yaml")).unwrap();
    let start = text.find(&format!("\n{name}:\n")).unwrap() + name.len() + 3;
    text[start..]
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .filter_map(|l| l.strip_prefix("  ")?.strip_suffix(':'))
        .filter(|n| !n.starts_with([' ', '#']))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_names_every_parameter_with_its_default_and_every_output() {
    let t = support::template::template("template.yaml");
    let params = t["Parameters"].as_object().unwrap();
    let rows = readme_table("parameter");
    let named: Vec<String> = rows
        .iter()
        .map(|r| r[0].trim_matches('`').to_string())
        .collect();
    let want = section("Parameters");
    assert_eq!(want.len(), params.len());
    assert_eq!(
        named, want,
        "the README's parameters, in the template's order"
    );
    for row in &rows {
        let default = support::stack::text(&params[row[0].trim_matches('`')]["Default"]);
        if default.is_empty() {
            assert!(row[1].starts_with("(empty"), "{row:?}");
        } else {
            assert!(
                row[1].starts_with(&format!("`{default}`")),
                "{row:?}: default {default}"
            );
        }
    }
    let outputs: Vec<String> = readme_table("output")
        .iter()
        .map(|r| r[0].trim_matches('`').to_string())
        .collect();
    let want = section("Outputs");
    assert_eq!(want.len(), t["Outputs"].as_object().unwrap().len());
    assert_eq!(
        outputs, want,
        "the README's outputs, in the template's order"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hubs_fan_out_as_deployed_within_the_hub_and_spoke_permissions() {
    let targets = format!("self@{REGION},{SPOKE_TARGET}");
    let mut d = Deployed::new(&[
        ("Targets", &targets),
        ("TargetExternalId", EXTERNAL_ID),
        ("EmitEvents", "true"),
        ("TagInstances", "true"),
    ])
    .await;
    let hub_role = d.stack.get_att("SchedulerFunctionRole", "Arn");
    let spoke = Stack::new(
        "spoke.yaml",
        &[
            ("HubRoleArn", &hub_role),
            ("ExternalId", EXTERNAL_ID),
            ("TagInstances", "true"),
        ],
        "us-east-1",
        "",
    );
    d.put(
        "SCHEDULE_TABLE",
        schedule_item("dev", "all", "09:00", "18:00"),
    )
    .await;
    d.put("SERVER_GROUP_TABLE", group_item("dev", "app", "EC2", &[]))
        .await;
    let here = support::moto::launch(
        &aws_sdk_ec2::Client::new(&d.sdk),
        1,
        "dev",
        Some("app"),
        "app",
    )
    .await;
    let far_sdk = sdk_for(&d.moto, "us-east-1").await;
    let far_ec2 = aws_sdk_ec2::Client::new(&far_sdk);
    let far = support::moto::launch(&far_ec2, 1, "dev", Some("app"), "app").await;
    d.tagged.extend(here.iter().chain(&far).cloned());
    d.forget_calls().await;

    // The tick's event through the state machine's definition as deployed.
    let definition = d
        .stack
        .resolve(&d.stack.template["Resources"]["FanOut"]["Properties"]["DefinitionString"])
        .unwrap();
    let definition: Value = serde_json::from_str(definition.as_str().unwrap()).unwrap();
    let task = &definition["States"]["EachTarget"]["ItemProcessor"]["States"]["Pass"];
    assert_eq!(
        task["Parameters"]["FunctionName"],
        d.stack.get_att("SchedulerFunction", "Arn")
    );
    let (start, _) = day();
    let items = support::template::map_items(&definition, &tick(start));
    let named: Vec<&Value> = items.iter().map(|i| &i["target"]).collect();
    assert_eq!(
        named,
        [&json!(format!("self@{REGION}")), &json!(SPOKE_TARGET)]
    );
    for item in &items {
        let body = d.scheduler(item).await;
        assert_eq!(body["commanded"], 1, "{item}: {body}");
    }
    // The next tick's items: each target's pass sees its servers up.
    for item in
        support::template::map_items(&definition, &tick(start + chrono::Duration::minutes(5)))
    {
        d.scheduler(&item).await;
    }
    assert_eq!(d.ec2_state(&here[0]).await, "running");
    assert_eq!(support::moto::ec2_state(&far_ec2, &far[0]).await, "running");

    // The bot's `status` counts every target's servers, as their passes
    // saw them (the bot holds no spoke role).
    let (status, answer) = d.slack("status").await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer.contains("[dev] 2 running, 0 stopped"), "{answer}");
    assert!(answer.contains("Counted across 2 targets"), "{answer}");
    // Grouped by account and region.
    assert!(
        answer.contains("123456789012 us-east-1: 1 running, 0 stopped"),
        "{answer}"
    );
    assert!(
        answer.contains("ap-northeast-2: 1 running, 0 stopped"),
        "{answer}"
    );
    let (_, answer) = d.slack("dev status").await;
    assert!(answer.contains(&format!("{}: running", far[0])), "{answer}");
    assert!(
        answer.contains(&format!("{}: running", here[0])),
        "{answer}"
    );
    assert!(answer.contains("123456789012 us-east-1:"), "{answer}");

    let calls = d.moto_calls().await;
    let assume: Vec<&Value> = calls
        .iter()
        .filter(|c| c["action"] == "sts:AssumeRole")
        .collect();
    assert!(!assume.is_empty());
    for a in assume {
        assert_eq!(
            a["params"]["ExternalId"], EXTERNAL_ID,
            "the spoke's trust asks for it"
        );
        assert_eq!(a["params"]["RoleArn"], spoke.get_att("SpokeRole", "Arn"));
    }
    let seen = check_calls(&d, &calls, Some(&spoke));
    eprintln!("(function, operation) seen in the hub: {seen:#?}");
    // The scaled kinds and the readiness checks: the day's test,
    // tests/scaled.rs and tests/ready.rs.
    let unused = |statements: &[Value], function: &str| -> Vec<String> {
        unused(statements, &seen, function)
            .into_iter()
            .filter(|a| {
                ![
                    "autoscaling:",
                    "ecs:",
                    "eks:",
                    "application-autoscaling:",
                    "elasticloadbalancing:",
                    "ec2:DescribeInstanceStatus",
                ]
                .iter()
                .any(|p| a.starts_with(p))
            })
            .collect()
    };
    assert_eq!(
        unused(
            &d.stack.statements("SchedulerFunction"),
            "SchedulerFunction"
        ),
        [
            // ForceStart across targets (tests/targets.rs), recreating a
            // deleted state table.
            "dynamodb:BatchGetItem",
            "dynamodb:CreateTable",
            "dynamodb:DescribeTable",
            // ForceStart's reset, stopping and the databases: the day's test.
            "dynamodb:UpdateItem",
            "ec2:StopInstances",
            "rds:AddTagsToResource",
            "rds:RemoveTagsFromResource",
            "rds:StartDBCluster",
            "rds:StartDBInstance",
            "rds:StopDBCluster",
            "rds:StopDBInstance",
        ]
    );
    assert_eq!(
        unused(&spoke.statements("SpokeRole"), "SpokeRole"),
        [
            "ec2:StopInstances",
            "rds:AddTagsToResource",
            "rds:RemoveTagsFromResource",
            "rds:StartDBCluster",
            "rds:StartDBInstance",
            "rds:StopDBCluster",
            "rds:StopDBInstance",
        ]
    );
}
