//! The Lambda entry point as an ordinary async function, so tests can call
//! it with the same events Lambda delivers: the EventBridge rule's
//! scheduled event, the bot's request for a pass now, and a hub's Step
//! Functions Map item (the same event with its `target`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::pass::{self, Deps, PassError};
use crate::ports::{CallError, ConfigStore, Fleet, Notifier, StateStore};
use crate::target::Target;
use crate::wiring::{AwsDeps, Hub};

pub use crate::aws::trigger::{PassEvent, BOT_SOURCE};

/// What the invocation returns (visible in `cargo lambda invoke`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassSummary {
    pub at: DateTime<Utc>,
    pub rounds: usize,
    pub commanded: usize,
    pub failures: Vec<String>,
    pub messages: usize,
    pub conflicts: Vec<String>,
}

/// One pass at the event's `time`, the rule's scheduled instant, so a pass
/// can be replayed exactly (as `schedctl run --at` does); an event without a
/// time runs at the real clock. An error (configuration or fleet
/// unreadable) fails the invocation, so the function's error alarm fires.
pub async fn handle<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    event: PassEvent,
) -> Result<PassSummary, PassError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let real = Utc::now();
    let now = event.time.unwrap_or(real);
    if (now - real).num_minutes().abs() > 15 {
        tracing::warn!(%now, %real, "the event's time is far from the clock; replaying that instant");
    }
    tracing::info!(source = %event.source, detail_type = %event.detail_type, %now, "pass");
    let report = pass::run_ordered(deps, now, &event.orders()).await?;
    let summary = PassSummary::of(now, report);
    tracing::info!(summary = %serde_json::to_string(&summary).unwrap_or_default(), "pass done");
    println!("{}", heartbeat(&summary, real));
    Ok(summary)
}

/// The production entry: the event's target, or without one every target
/// of a hub in turn (the bot's requests), or the single deployment's pass.
pub async fn handle_deployed(
    single: &AwsDeps,
    hub: &Hub,
    event: PassEvent,
) -> Result<PassSummary, PassError> {
    if let Some(text) = &event.target {
        let target = Target::parse(text)
            .map_err(|message| PassError(CallError::new("event", "InvalidTarget", message)))?;
        return handle_target(hub, &target, event.clone()).await;
    }
    if hub.targets().is_empty() {
        return handle(single, event).await;
    }
    // Every target at once (an old bot's request without a target): a slow
    // target delays no other.
    let real = Utc::now();
    let now = event.time.unwrap_or(real);
    let results = hub.passes(hub.targets(), now, &event.orders()).await;
    let summary = hub
        .targets()
        .iter()
        .zip(results)
        .map(|(target, result)| match result {
            Ok(report) => PassSummary::of(now, report),
            Err(e) => PassSummary {
                at: now,
                failures: vec![format!("{target}: {e}")],
                ..PassSummary::default()
            },
        })
        .reduce(PassSummary::and)
        .unwrap_or_default();
    println!("{}", heartbeat(&summary, real));
    Ok(summary)
}

/// One target's pass, when its role can be assumed.
async fn handle_target(
    hub: &Hub,
    target: &Target,
    event: PassEvent,
) -> Result<PassSummary, PassError> {
    let t = hub.target(target).await;
    if let Err(e) = t.reach().await {
        return Err(pass::unreachable(&t.deps, e).await);
    }
    handle(&t.deps, event).await
}

impl PassSummary {
    /// What a pass at `now` did, in numbers.
    fn of(now: DateTime<Utc>, report: pass::PassReport) -> PassSummary {
        PassSummary {
            at: now,
            rounds: report.rounds.len(),
            commanded: report
                .rounds
                .iter()
                .flat_map(|p| p.actions())
                .map(|(_, a)| a.instances.len())
                .sum(),
            failures: report.failures,
            messages: report.messages.len(),
            conflicts: report.conflicts,
        }
    }

    /// Two targets' passes as one.
    fn and(mut self, other: PassSummary) -> PassSummary {
        self.rounds = self.rounds.max(other.rounds);
        self.commanded += other.commanded;
        self.failures.extend(other.failures);
        self.messages += other.messages;
        self.conflicts.extend(other.conflicts);
        self
    }
}

/// The pass's heartbeat as a CloudWatch embedded-metric-format log line:
/// `Passes` (1; the template alarms when none arrive) and `Failures`
/// (commands and state writes that failed), with no SDK call.
pub fn heartbeat(summary: &PassSummary, at: DateTime<Utc>) -> String {
    serde_json::json!({
        "_aws": {
            "Timestamp": at.timestamp_millis(),
            "CloudWatchMetrics": [{
                "Namespace": "InstanceScheduler",
                "Dimensions": [["Function"]],
                "Metrics": [
                    {"Name": "Passes", "Unit": "Count"},
                    {"Name": "Failures", "Unit": "Count"},
                    {"Name": "Commanded", "Unit": "Count"}
                ]
            }]
        },
        "Function": "scheduler",
        "Passes": 1,
        "Failures": summary.failures.len(),
        "Commanded": summary.commanded,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heartbeat_is_an_embedded_metric_line() {
        let summary = PassSummary {
            at: Utc::now(),
            rounds: 1,
            commanded: 3,
            failures: vec!["start i-1: throttled".into()],
            messages: 0,
            conflicts: vec![],
        };
        let line: serde_json::Value =
            serde_json::from_str(&heartbeat(&summary, Utc::now())).unwrap();
        let metrics = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(metrics["Namespace"], "InstanceScheduler");
        assert_eq!(metrics["Dimensions"][0][0], "Function");
        assert_eq!(
            (line["Passes"].as_i64(), line["Failures"].as_i64()),
            (Some(1), Some(1))
        );
    }
}
