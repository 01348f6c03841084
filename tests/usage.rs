//! Hours and money saved, on moto: a day of passes records each server's
//! transitions in the usage table (with their expiry), `schedctl usage`
//! sums them with prices from a Price List Query API served by wiremock
//! (the documented GetProducts answer), kept a day; without prices the
//! hours stay and the saving says why; the weekly report posts once.

mod support;

use assert_cmd::Command;
use scheduler::notify::Format;
use scheduler::pass;
use serde_json::{json, Value};
use support::{at, succeeded, World};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A GetProducts answer: each PriceList entry is a JSON document in a string.
fn price_list(usd: &str) -> Value {
    let product = json!({
        "product": {"productFamily": "Compute Instance", "attributes": {"instanceType": "t3.micro", "regionCode": "ap-northeast-2", "operatingSystem": "Linux"}},
        "serviceCode": "AmazonEC2",
        "terms": {"OnDemand": {"XXX.JRTCKXETXF": {"priceDimensions": {"XXX.JRTCKXETXF.6YS6EN2CT7": {
            "unit": "Hrs", "description": "$0.013 per On Demand Linux t3.micro Instance Hour",
            "pricePerUnit": {"USD": usd}
        }}}}}
    });
    json!({"FormatVersion": "aws_v1", "PriceList": [product.to_string()]})
}

/// A day of `dev` (weekdays 09:00-22:00, two app servers): Monday's
/// start and stop, and the passes after each.
async fn a_day(w: &World, env: &scheduler::env::Env) {
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    w.group("dev", "app", "EC2", &[]).await;
    w.ec2_instances(2, "dev", Some("app"), "dev-app").await;
    let deps = w.deps_with(env);
    for t in [
        "2026-11-30T09:00:00+09:00",
        "2026-11-30T09:05:00+09:00",
        "2026-11-30T22:00:00+09:00",
        "2026-11-30T22:05:00+09:00",
    ] {
        pass::run(&deps, at(t)).await.unwrap();
    }
}

/// `schedctl usage --since 2026-11-30 --at <Tuesday 09:00> EXTRA...`, the
/// Price List at `pricing`; its standard output (it must succeed).
fn usage(w: &World, pricing: &str, extra: &[&str]) -> String {
    let out = Command::cargo_bin("schedctl")
        .unwrap()
        .envs(w.moto.env())
        .env_remove("WEBHOOK_URL")
        .env("AWS_ENDPOINT_URL_PRICING", pricing)
        .args([
            "usage",
            "--since",
            "2026-11-30",
            "--at",
            "2026-12-01T09:00:00+09:00",
        ])
        .args(extra)
        .output()
        .unwrap();
    succeeded(out)
}

#[tokio::test]
async fn a_day_of_passes_is_counted_and_priced() {
    let w = World::new().await;
    a_day(&w, &support::test_env(None, Format::Jandi)).await;

    let ttl = w
        .ddb
        .describe_time_to_live()
        .table_name("ScheduleUsage")
        .send()
        .await
        .unwrap();
    let spec = ttl.time_to_live_description().unwrap();
    assert_eq!(spec.attribute_name(), Some("ExpiresAt"));

    let pricing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "AWSPriceListService.GetProducts"))
        .and(header("content-type", "application/x-amz-json-1.1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(price_list("0.0130000000")))
        .mount(&pricing)
        .await;
    let u: Value = serde_json::from_str(&usage(&w, &pricing.uri(), &["--json"])).unwrap();
    let row = &u["rows"][0];
    assert_eq!(
        (row["schedule"].as_str(), row["group"].as_str()),
        (Some("dev"), Some("app"))
    );
    assert_eq!(row["servers"], 2);
    // 09:00-22:00 up and 22:00-09:00 stopped by the scheduler, per server.
    assert_eq!(row["running_hours"], 26.0, "{u}");
    assert_eq!(row["stopped_hours"], 22.0, "{u}");
    let saving = row["saving_usd"].as_f64().unwrap();
    assert!((saving - 22.0 * 0.013).abs() < 1e-9, "{u}");

    // The request named the product; the price is kept a day.
    let asked = pricing.received_requests().await.unwrap();
    assert_eq!(asked.len(), 1);
    let body: Value = serde_json::from_slice(&asked[0].body).unwrap();
    assert_eq!(body["ServiceCode"], "AmazonEC2");
    assert!(body["Filters"]
        .as_array()
        .unwrap()
        .contains(&json!({"Type": "TERM_MATCH", "Field": "instanceType", "Value": "t3.micro"})));
    assert!(asked[0]
        .headers
        .get("authorization")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("/us-east-1/pricing/aws4_request"));
    let text = usage(&w, &pricing.uri(), &[]);
    assert_eq!(pricing.received_requests().await.unwrap().len(), 1);
    assert!(text.contains("dev") && text.contains("$0.29"), "{text}");
}

#[tokio::test]
async fn without_prices_the_hours_stay_and_the_saving_says_why() {
    let w = World::new().await;
    a_day(&w, &support::test_env(None, Format::Jandi)).await;
    let pricing = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "__type": "com.amazon.coral.service#AccessDeniedException",
            "Message": "User is not authorized to perform: pricing:GetProducts"
        })))
        .mount(&pricing)
        .await;
    let text = usage(&w, &pricing.uri(), &[]);
    assert!(text.contains("22.0") && text.contains("n/a"), "{text}");
    assert!(text.contains("AccessDeniedException"), "{text}");
    // A failed lookup is not kept: the next report asks again.
    usage(&w, &pricing.uri(), &[]);
    assert_eq!(pricing.received_requests().await.unwrap().len(), 2);
}

/// `a_day` with weekly reports on, posted to a webhook, EC2 priced.
async fn reporting_day(w: &World) -> (MockServer, scheduler::env::Env, scheduler::wiring::AwsDeps) {
    let hook = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hook)
        .await;
    let mut env = support::test_env(Some(hook.uri()), Format::Slack);
    env.tuning.weekly_report = true;
    a_day(w, &env).await;
    let mut deps = w.deps_with(&env);
    deps.prices = Some(Box::new(scheduler::memory::FixedPrices(
        [("ap-northeast-2/EC2/t3.micro".to_string(), 0.013)].into(),
    )));
    (hook, env, deps)
}

/// The weekly reports the webhook received, as posted.
async fn weekly_reports(hook: &MockServer) -> Vec<String> {
    hook.received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).to_string())
        .filter(|b| b.contains("Weekly report"))
        .collect()
}

#[tokio::test]
async fn the_weekly_report_is_posted_once_on_monday_morning() {
    let w = World::new().await;
    let (hook, env, deps) = reporting_day(&w).await;
    for t in ["2026-12-07T09:00:00+09:00", "2026-12-07T09:05:00+09:00"] {
        pass::run(&deps, at(t)).await.unwrap();
    }
    // A hub's other target shares the claim: one report for the hub.
    let mut other = w.deps_with(&env);
    other.state = other.state.partitioned("target:self@us-east-1/".into());
    other.tuning.target = Some(scheduler::target::Target::parse("self@us-east-1").unwrap());
    pass::run(&other, at("2026-12-07T09:10:00+09:00"))
        .await
        .unwrap();
    let reports = weekly_reports(&hook).await;
    assert_eq!(reports.len(), 1, "{reports:#?}");
    // The week from Monday 30 Nov (the report of 30 Nov had nothing to
    // tell): 09:00-22:00 up, then stopped by the scheduler until Monday
    // 7 Dec 00:00, two servers.
    let r = &reports[0];
    assert!(r.contains("since 2026-11-30"), "{r}");
    assert!(
        r.contains("2 servers: 26.0 h running, 292.0 h stopped by the scheduler, saving $3.80"),
        "{r}"
    );
}

/// The usage table's calls moto saw since the last asking (counting moto).
async fn usage_calls(w: &World) -> Vec<String> {
    let url = format!("{}/__calls", w.moto.url);
    let calls: Vec<Value> = reqwest::get(&url).await.unwrap().json().await.unwrap();
    reqwest::Client::new()
        .delete(format!("{}/__counts", w.moto.url))
        .send()
        .await
        .unwrap();
    calls
        .iter()
        .filter(|c| c["params"]["TableName"] == "ScheduleUsage")
        .map(|c| {
            let index = c["params"]["IndexName"].as_str().unwrap_or_default();
            format!("{} {index}", c["action"].as_str().unwrap())
                .trim()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_weekly_report_after_the_first_reads_only_its_days_and_the_last_ones_carry() {
    let w = World::on(support::Moto::start_denying("")).await;
    let (hook, _, deps) = reporting_day(&w).await;
    pass::run(&deps, at("2026-12-07T09:00:00+09:00"))
        .await
        .unwrap();
    usage_calls(&w).await;
    // The pass of 7 Dec 09:00 started the servers, and no pass stopped
    // them: the week's first nine hours, stopped since 30 Nov, come from
    // the carry the report of 7 Dec kept, read with the week's days.
    pass::run(&deps, at("2026-12-14T09:00:00+09:00"))
        .await
        .unwrap();
    let calls = usage_calls(&w).await;
    assert!(!calls.iter().any(|c| c.contains("Scan")), "{calls:#?}");
    // 6 Dec (UTC) to 14 Dec, four shards each; then the carry of 14 Dec.
    assert_eq!(
        calls
            .iter()
            .filter(|c| *c == "dynamodb:Query ByDay")
            .count(),
        9 * 4,
        "{calls:#?}"
    );
    let reports = weekly_reports(&hook).await;
    assert_eq!(reports.len(), 2, "{reports:#?}");
    let r = &reports[1];
    assert!(r.contains("since 2026-12-07"), "{r}");
    assert!(
        r.contains("2 servers: 318.0 h running, 18.0 h stopped by the scheduler, saving $0.23"),
        "{r}"
    );
}
