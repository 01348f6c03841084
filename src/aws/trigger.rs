//! The bot's way to ask the scheduler function for a pass now: an
//! asynchronous Invoke (`X-Amz-Invocation-Type: Event`) of that one
//! function with a pass event, so only the scheduler starts and stops. In
//! a hub, one invoke per target, each its own pass: a slow or failing
//! account never delays or drops another. [`PassEvent`] is the event's
//! shape, which the scheduler's entry point (`crate::lambda`) reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::signed::SignedClient;
use crate::plan::Orders;
use crate::ports::{CallError, PassTrigger};
use crate::target::Target;

/// What starts a pass: the EventBridge "Scheduled Event" (see
/// `events/scheduled.json`), or the bot's asynchronous invoke
/// (`events/stop-request.json`), which adds the schedules to stop now.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct PassEvent {
    #[serde(rename = "detail-type", default)]
    pub detail_type: String,
    #[serde(default)]
    pub source: String,
    /// When the rule fired, or when the bot was asked.
    pub time: Option<DateTime<Utc>>,
    /// Schedules to stop now, in reverse order (the chat's `stop`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    /// A hub's target (`ROLE_ARN@REGION`, `self@REGION`), set by the Map.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// `source` of the bot's requests.
pub const BOT_SOURCE: &str = "instance-scheduler.bot";

impl PassEvent {
    /// The bot's request for a pass at `now` carrying out `orders`.
    pub fn requested(orders: &Orders, now: DateTime<Utc>) -> PassEvent {
        PassEvent {
            detail_type: "Pass Request".into(),
            source: BOT_SOURCE.into(),
            time: Some(now),
            stop: orders.stop.iter().cloned().collect(),
            target: None,
        }
    }

    /// What the event asks the pass to carry out.
    pub fn orders(&self) -> Orders {
        Orders {
            stop: self.stop.iter().cloned().collect(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct LambdaTrigger {
    client: SignedClient,
    /// `SCHEDULER_FUNCTION`: the scheduler function's name or ARN.
    function: String,
    /// `TARGETS`: a hub's targets; empty in a single deployment.
    targets: Vec<Target>,
}

impl LambdaTrigger {
    pub fn new(
        sdk: &aws_config::SdkConfig,
        function: String,
        targets: Vec<Target>,
    ) -> LambdaTrigger {
        LambdaTrigger {
            client: SignedClient::new(sdk, "lambda", "LAMBDA"),
            function,
            targets,
        }
    }

    async fn invoke(&self, event: &PassEvent) -> Result<(), CallError> {
        let body = serde_json::to_vec(event).expect("a pass event serialises");
        let path = format!(
            "/2015-03-31/functions/{}/invocations",
            url_path_segment(&self.function)
        );
        self.client
            .post(
                "lambda:Invoke",
                &path,
                &[
                    ("content-type", "application/json"),
                    ("x-amz-invocation-type", "Event"),
                ],
                body,
            )
            .await
            .map(|_| ())
    }
}

impl PassTrigger for LambdaTrigger {
    async fn trigger(&self, orders: &Orders, now: DateTime<Utc>) -> Result<(), CallError> {
        let event = PassEvent::requested(orders, now);
        if self.targets.is_empty() {
            return self.invoke(&event).await;
        }
        let sent = futures::future::join_all(self.targets.iter().map(|t| {
            let event = PassEvent {
                target: Some(t.to_string()),
                ..event.clone()
            };
            async move { self.invoke(&event).await }
        }))
        .await;
        // The first failure stands for all: the answer says the pass was
        // not asked for, and the next tick still acts.
        sent.into_iter().collect()
    }
}

/// A function name or ARN as one path segment (`:` and `/` escaped).
fn url_path_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
