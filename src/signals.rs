//! Signals other tools can use (opt-in, `EMIT_EVENTS`): every start, stop,
//! failure and configuration error as an event on the default EventBridge
//! bus (source `instance-scheduler`, detail-type `Scheduling Action`), so
//! people can route it anywhere.

use std::sync::Mutex;

use serde::Serialize;
use serde_json::json;

use crate::aws::signed::SignedClient;

/// The event's source and detail-type.
pub const SOURCE: &str = "instance-scheduler";
pub const DETAIL_TYPE: &str = "Scheduling Action";

/// PutEvents takes at most ten entries per call.
const ENTRIES_PER_CALL: usize = 10;
/// Calls per chunk: the first, and two more for entries that failed alone
/// (PutEvents answers 200 with `FailedEntryCount` for those).
const PUT_ATTEMPTS: usize = 3;

/// One event's detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchedulingEvent {
    pub schedule: String,
    /// `start`, `stop`, `failure` or `configuration-error`.
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wave: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<String>,
    /// Why: `schedule`, `force-start`, `enforced`, `ordered`, or the error.
    pub cause: String,
    /// A hub's target the servers are in (`ROLE_ARN@REGION`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Where the events go.
#[derive(Debug, Default)]
pub enum Signals {
    /// Not asked for.
    #[default]
    Off,
    /// The default bus, through a signed PutEvents.
    EventBridge(SignedClient),
    /// Kept, for tests.
    Recorded(Mutex<Vec<SchedulingEvent>>),
}

impl Signals {
    /// Puts the events; a failure is logged, never fatal.
    pub async fn emit(&self, events: Vec<SchedulingEvent>) {
        if events.is_empty() {
            return;
        }
        match self {
            Signals::Off => {}
            Signals::Recorded(kept) => kept.lock().expect("not poisoned").extend(events),
            Signals::EventBridge(client) => {
                for chunk in events.chunks(ENTRIES_PER_CALL) {
                    put_events(client, chunk).await;
                }
            }
        }
    }
}

/// Puts one chunk; entries that PutEvents reports failed (throttled, an
/// internal failure) are put again, and what still fails is logged.
async fn put_events(client: &SignedClient, chunk: &[SchedulingEvent]) {
    let mut entries: Vec<serde_json::Value> = chunk
        .iter()
        .map(|e| {
            json!({
                "Source": SOURCE,
                "DetailType": DETAIL_TYPE,
                "Detail": serde_json::to_string(e).expect("an event serialises"),
                "EventBusName": "default",
            })
        })
        .collect();
    for attempt in 1..=PUT_ATTEMPTS {
        let body = json!({ "Entries": entries }).to_string().into_bytes();
        let sent = client
            .post(
                "events:PutEvents",
                "/",
                &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", "AWSEvents.PutEvents"),
                ],
                body,
            )
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(e) => {
                tracing::warn!(error = %e, "scheduling events not put");
                return;
            }
        };
        let (failed, codes) = failed_entries(&answer.body, entries);
        if failed.is_empty() {
            return;
        }
        if attempt == PUT_ATTEMPTS {
            tracing::warn!(count = failed.len(), codes = %codes.join(","), "scheduling events not put");
            return;
        }
        entries = failed;
    }
}

/// The entries a PutEvents answer reports failed (the answer's `Entries`
/// line up with the request's), and their error codes.
fn failed_entries(
    answer: &[u8],
    entries: Vec<serde_json::Value>,
) -> (Vec<serde_json::Value>, Vec<String>) {
    let parsed: serde_json::Value = serde_json::from_slice(answer).unwrap_or_default();
    if parsed["FailedEntryCount"].as_u64().unwrap_or(0) == 0 {
        return (vec![], vec![]);
    }
    let results = parsed["Entries"].as_array().cloned().unwrap_or_default();
    let mut codes = Vec::new();
    let failed = entries
        .into_iter()
        .zip(results)
        .filter_map(|(entry, result)| {
            let code = result["ErrorCode"].as_str()?;
            codes.push(code.to_string());
            Some(entry)
        })
        .collect();
    (failed, codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_entries_are_the_ones_with_an_error_code() {
        let sent = vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})];
        let answer = br#"{"FailedEntryCount": 1, "Entries": [
            {"EventId": "a"}, {"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"}, {"EventId": "c"}]}"#;
        let (failed, codes) = failed_entries(answer, sent.clone());
        assert_eq!(failed, [json!({"n": 2})]);
        assert_eq!(codes, ["ThrottlingException"]);
        let ok = br#"{"FailedEntryCount": 0, "Entries": [{"EventId": "a"}]}"#;
        assert!(failed_entries(ok, sent).0.is_empty());
    }

    #[tokio::test]
    async fn entries_that_put_events_reports_failed_are_put_again() {
        use wiremock::matchers::method;
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let aws = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_string(
                r#"{"FailedEntryCount": 1, "Entries": [{"EventId": "a"}, {"ErrorCode": "InternalFailure"}]}"#,
            ))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&aws)
            .await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_string(r#"{"FailedEntryCount": 0, "Entries": [{"EventId": "b"}]}"#),
            )
            .mount(&aws)
            .await;
        let sdk = aws_config::SdkConfig::builder()
            .endpoint_url(aws.uri())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(
                    aws_credential_types::Credentials::for_tests(),
                ),
            )
            .build();
        let event = |schedule: &str| SchedulingEvent {
            schedule: schedule.into(),
            action: "start".into(),
            wave: None,
            group: None,
            instances: vec![],
            cause: "schedule".into(),
            target: None,
        };
        Signals::EventBridge(SignedClient::new(&sdk, "events", "EVENTBRIDGE"))
            .emit(vec![event("first"), event("second")])
            .await;
        let bodies: Vec<serde_json::Value> = aws
            .received_requests()
            .await
            .unwrap()
            .iter()
            .map(|r| serde_json::from_slice(&r.body).unwrap())
            .collect();
        assert_eq!(bodies.len(), 2);
        let again = bodies[1]["Entries"].as_array().unwrap();
        assert_eq!(again.len(), 1);
        assert!(again[0]["Detail"].as_str().unwrap().contains("second"));
    }
}
