//! Signals other tools can use (opt-in, `EMIT_EVENTS`): every start, stop,
//! failure and configuration error as an event on the default EventBridge
//! bus (source `instance-scheduler`, detail-type `Scheduling Action`), so
//! people can route it anywhere.

use aws_sdk_eventbridge::types::{PutEventsRequestEntry, PutEventsResultEntry};
use futures::future::BoxFuture;

use super::aws_error;
use crate::ports::{EventSink, SchedulingEvent};

/// The event's source and detail-type.
pub const SOURCE: &str = "instance-scheduler";
pub const DETAIL_TYPE: &str = "Scheduling Action";

/// PutEvents takes at most ten entries per call.
const ENTRIES_PER_CALL: usize = 10;
/// Calls per chunk: the first, and two more for entries that failed alone
/// (PutEvents answers 200 with `FailedEntryCount` for those).
const PUT_ATTEMPTS: usize = 3;

/// The default bus.
#[derive(Debug)]
pub struct EventBridge(aws_sdk_eventbridge::Client);

impl EventBridge {
    /// A client whose calls give up after 10 s.
    pub fn new(sdk: &aws_config::SdkConfig) -> EventBridge {
        EventBridge(aws_sdk_eventbridge::Client::from_conf(
            aws_sdk_eventbridge::config::Builder::from(sdk)
                .timeout_config(super::bounded(10))
                .build(),
        ))
    }
}

impl EventSink for EventBridge {
    /// Puts the events ten at a time; a failure is logged, never fatal.
    fn emit(&self, events: Vec<SchedulingEvent>) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            for chunk in events.chunks(ENTRIES_PER_CALL) {
                put_events(&self.0, chunk).await;
            }
        })
    }
}

/// Puts one chunk; entries that PutEvents reports failed (throttled, an
/// internal failure) are put again, and what still fails is logged. A
/// failed call is retried by the SDK.
async fn put_events(client: &aws_sdk_eventbridge::Client, chunk: &[SchedulingEvent]) {
    let mut entries: Vec<PutEventsRequestEntry> = chunk
        .iter()
        .map(|e| {
            PutEventsRequestEntry::builder()
                .source(SOURCE)
                .detail_type(DETAIL_TYPE)
                .detail(serde_json::to_string(e).expect("an event serialises"))
                .event_bus_name("default")
                .build()
        })
        .collect();
    for attempt in 1..=PUT_ATTEMPTS {
        let sent = client
            .put_events()
            .set_entries(Some(entries.clone()))
            .send()
            .await;
        let answer = match sent {
            Ok(answer) => answer,
            Err(e) => {
                let e = aws_error("events:PutEvents", e);
                tracing::warn!(error = %e, "scheduling events not put");
                return;
            }
        };
        if answer.failed_entry_count() == 0 {
            return;
        }
        let (failed, codes) = failed_entries(answer.entries(), entries);
        if attempt == PUT_ATTEMPTS {
            tracing::warn!(count = failed.len(), codes = %codes.join(","), "scheduling events not put");
            return;
        }
        entries = failed;
    }
}

/// The entries a PutEvents answer reports failed (the answer's entries
/// line up with the request's), and their error codes.
fn failed_entries<T>(results: &[PutEventsResultEntry], entries: Vec<T>) -> (Vec<T>, Vec<String>) {
    let mut codes = Vec::new();
    let failed = entries
        .into_iter()
        .zip(results)
        .filter_map(|(entry, result)| {
            codes.push(result.error_code()?.to_string());
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
        let ok = |id: &str| PutEventsResultEntry::builder().event_id(id).build();
        let throttled = PutEventsResultEntry::builder()
            .error_code("ThrottlingException")
            .error_message("slow down")
            .build();
        let (failed, codes) = failed_entries(&[ok("a"), throttled, ok("c")], vec![1, 2, 3]);
        assert_eq!(failed, [2]);
        assert_eq!(codes, ["ThrottlingException"]);
        assert!(failed_entries(&[ok("a")], vec![1]).0.is_empty());
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
        let sdk = crate::aws::loader()
            .endpoint_url(aws.uri())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::for_tests())
            .load()
            .await;
        let event = |schedule: &str| SchedulingEvent {
            schedule: schedule.into(),
            action: "start".into(),
            wave: None,
            group: None,
            instances: vec![],
            cause: "schedule".into(),
            target: None,
        };
        EventBridge(aws_sdk_eventbridge::Client::new(&sdk))
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
