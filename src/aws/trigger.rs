//! The bot's way to ask the scheduler function for a pass now: an
//! asynchronous Invoke (`X-Amz-Invocation-Type: Event`) of that one
//! function with a pass event, so only the scheduler starts and stops. In
//! a hub, one invoke per target, each its own pass: a slow or failing
//! account never delays or drops another. [`PassEvent`] is the event's
//! shape, which the scheduler's entry point (`crate::lambda`) reads.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;

use super::aws_error;
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
    client: aws_sdk_lambda::Client,
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
        // The bot answers within Slack's 3 s, after its table reads: an
        // invoke that hangs is given up after 2.5 s in all (two attempts),
        // the answer says so, and the next tick acts.
        let timeouts = TimeoutConfig::builder()
            .operation_attempt_timeout(Duration::from_millis(1200))
            .operation_timeout(Duration::from_millis(2500))
            .build();
        let config = aws_sdk_lambda::config::Builder::from(sdk)
            .timeout_config(timeouts)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
            .build();
        LambdaTrigger {
            client: aws_sdk_lambda::Client::from_conf(config),
            function,
            targets,
        }
    }

    async fn invoke(&self, event: &PassEvent) -> Result<(), CallError> {
        let body = serde_json::to_vec(event).expect("a pass event serialises");
        self.client
            .invoke()
            .function_name(&self.function)
            .invocation_type(InvocationType::Event)
            .payload(Blob::new(body))
            .send()
            .await
            .map(drop)
            .map_err(|e| aws_error("lambda:Invoke", e))
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
