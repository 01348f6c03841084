//! `schedctl run`: one pass exactly as the Lambda does it, with the clock
//! at `--at`; prints its commands and chat messages, or the report as JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::print::{skip_line, to_json};
use super::CliError;
use crate::pass::{self, Deps, PassReport};
use crate::plan::Orders;
use crate::ports::{ConfigStore, Fleet, Notifier, StateStore};
use crate::target::Target;
use crate::wiring::Hub;

pub async fn apply<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    ordered(deps, now, &Orders::default(), json, out).await
}

/// A pass that carries out `orders` (`run`: none; `stop`: one schedule),
/// printed or as JSON.
pub(super) async fn ordered<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    orders: &Orders,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let report = pass::run_ordered(deps, now, orders)
        .await
        .map_err(|e| CliError::Failed(e.to_string()))?;
    if json {
        let _ = writeln!(out, "{}", to_json(&report));
    } else {
        out.push_str(&render(now, &report));
    }
    Ok(ExitCode::SUCCESS)
}

/// `run --target T` or `--all-targets` (and `stop` in a hub, with its
/// order): the passes of the targets at once, as the Map runs them,
/// printed in the order given. A target out of reach is reported (once,
/// in the chat) and the others proceed; exit 2 if any target failed.
pub async fn targets(
    hub: &Hub,
    targets: &[Target],
    now: DateTime<Utc>,
    orders: &Orders,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let results = hub.passes(targets, now, orders).await;
    let mut failed = 0;
    let mut reports = Vec::new();
    for (target, result) in targets.iter().zip(results) {
        let entry = match result {
            Ok(report) => {
                if !json {
                    let _ = writeln!(out, "target {target}");
                    out.push_str(&render(now, &report));
                }
                serde_json::json!({"target": target.to_string(), "report": report})
            }
            Err(e) => {
                failed += 1;
                if !json {
                    let _ = writeln!(out, "target {target}\n  FAILED {e}");
                }
                serde_json::json!({"target": target.to_string(), "error": e.to_string()})
            }
        };
        reports.push(entry);
    }
    if json {
        let _ = writeln!(out, "{}", to_json(&reports));
    }
    if failed > 0 {
        return Err(CliError::Failed(format!(
            "{failed} of {} targets could not run",
            targets.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// The human form of `schedctl run`: per round, the commands and the chat
/// messages.
pub fn render(now: DateTime<Utc>, report: &PassReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pass at {}", now.to_rfc3339());
    for (i, round) in report.rounds.iter().enumerate() {
        for (sp, a) in round.actions() {
            let ids: Vec<String> = a
                .instances
                .iter()
                .map(|t| format!("{} ({})", t.name, t.id))
                .collect();
            let _ = writeln!(
                out,
                "  round {}: {} {} {}: {}",
                i + 1,
                sp.schedule,
                a.direction.as_str(),
                a.group,
                ids.join(", ")
            );
        }
    }
    for f in &report.failures {
        let _ = writeln!(out, "  FAILED {f}");
    }
    for c in &report.conflicts {
        let _ = writeln!(out, "  skipped {c}: another pass claimed it");
    }
    for m in &report.messages {
        let _ = writeln!(out, "  chat> {}", m.to_plain().replace('\n', "\n        "));
    }
    let skipped: Vec<String> = report
        .rounds
        .first()
        .into_iter()
        .flat_map(|r| &r.schedules)
        .flat_map(|sp| sp.skipped.iter().map(move |s| skip_line(&sp.schedule, s)))
        .collect();
    for line in &skipped {
        let _ = writeln!(out, "  {line}");
    }
    let quiet = report.rounds.iter().all(|r| r.actions().next().is_none());
    if quiet && report.messages.is_empty() && skipped.is_empty() {
        let _ = writeln!(out, "  nothing to do");
    }
    out
}
