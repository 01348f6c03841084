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
                    let entries: Vec<_> = chunk
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
                    if let Err(e) = sent {
                        tracing::warn!(error = %e, "scheduling events not put");
                    }
                }
            }
        }
    }
}
