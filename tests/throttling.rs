//! Throttling is retried by the SDK's standard retry mode (backoff with
//! jitter), as configured in `scheduler::aws::loader`: a fault-injecting
//! endpoint answers Throttling / RequestLimitExceeded twice, then succeeds.

use aws_sdk_dynamodb::config::{Credentials, Region};
use scheduler::aws::dynamodb::{Dynamo, Tables};
use scheduler::aws::AwsFleet;
use scheduler::model::Direction;
use scheduler::ports::ConfigStore;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn sdk(server: &MockServer) -> aws_config::SdkConfig {
    scheduler::aws::loader()
        .endpoint_url(server.uri())
        .region(Region::new("ap-northeast-2"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await
}

#[tokio::test]
async fn dynamodb_throttling_is_retried_until_it_passes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "DynamoDB_20120810.Scan"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
            "application/x-amz-json-1.0",
        ))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header("x-amz-target", "DynamoDB_20120810.Scan"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"Items":[],"Count":0,"ScannedCount":0}"#,
            "application/x-amz-json-1.0",
        ))
        .mount(&server)
        .await;
    let store = Dynamo::new(
        aws_sdk_dynamodb::Client::new(&sdk(&server).await),
        Tables::default(),
    );
    let raw = store.load().await.expect("retried past the throttling");
    assert!(raw.schedules.is_empty());
    // Three scans succeed; two throttled attempts came before them.
    assert_eq!(server.received_requests().await.unwrap().len(), 5);
}

#[tokio::test]
async fn ec2_request_limit_exceeded_is_retried_until_it_passes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>",
            "text/xml",
        ))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><reservationSet/></DescribeInstancesResponse>"#,
            "text/xml",
        ))
        .mount(&server)
        .await;
    let fleet = AwsFleet::new(&sdk(&server).await);
    let instances = fleet.ec2.describe().await.expect("retried past the limit");
    assert!(instances.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn throttling_that_never_ends_fails_after_five_attempts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>",
            "text/xml",
        ))
        .mount(&server)
        .await;
    let fleet = AwsFleet::new(&sdk(&server).await);
    let e = fleet.ec2.describe().await.unwrap_err();
    assert_eq!(e.code, "RequestLimitExceeded");
    let ec2_calls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("Action=DescribeInstances"))
        .count();
    assert_eq!(ec2_calls, 5);
}

#[tokio::test]
async fn a_throttled_batch_fails_once_without_bisecting() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r1</RequestID></Response>",
            "text/xml",
        ))
        .mount(&server)
        .await;
    let fleet = AwsFleet::new(&sdk(&server).await);
    let ids: Vec<String> = (0..16).map(|i| format!("i-{i:017x}")).collect();
    let failures = fleet.ec2.command(Direction::Start, &ids).await;
    assert_eq!(failures.len(), 16, "every instance of the batch failed");
    assert!(failures
        .iter()
        .all(|(_, error)| error.code == "RequestLimitExceeded"));
    let starts = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains("Action=StartInstances"))
        .count();
    assert_eq!(starts, 5, "one call and the SDK's retries, no bisecting");
}

#[tokio::test]
async fn a_bad_instance_in_a_batch_is_still_isolated() {
    let server = MockServer::start().await;
    let bad = "i-00000000000000bad";
    Mock::given(method("POST"))
        .and(wiremock::matchers::body_string_contains(bad))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            format!("<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>The instance ID '{bad}' does not exist</Message></Error></Errors><RequestID>r1</RequestID></Response>"),
            "text/xml",
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"<StartInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r2</requestId><instancesSet/></StartInstancesResponse>"#,
            "text/xml",
        ))
        .mount(&server)
        .await;
    let fleet = AwsFleet::new(&sdk(&server).await);
    let mut ids: Vec<String> = (0..7).map(|i| format!("i-{i:017x}")).collect();
    ids.push(bad.into());
    let failures = fleet.ec2.command(Direction::Start, &ids).await;
    assert_eq!(failures.len(), 1);
    let (id, error) = &failures[0];
    assert_eq!(*id, bad);
    assert_eq!(error.code, "InvalidInstanceID.NotFound");
}
