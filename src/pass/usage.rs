//! The usage history and the weekly report: what a claimed plan observed
//! goes to the usage table; on Monday mornings (`WEEKLY_REPORT`) the week
//! before is summed and posted once.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{Deps, PassReport};
use crate::plan::Plan;
use crate::ports::{KeptCopies, Notifier, UsageHistory};
use crate::usage::CachedPrice;
use crate::usage::{self, Observation};

/// Writes what `plan`'s schedules observed, named with the fleet's region
/// and target. A failed write is logged: usage is counted, never acted on.
pub(super) async fn record<C, S: UsageHistory, F, N>(deps: &Deps<C, S, F, N>, plan: &Plan) {
    let target = deps.tuning.target.as_ref().map(|t| t.to_string());
    let observed: Vec<Observation> = plan
        .schedules
        .iter()
        .flat_map(|sp| sp.observed.iter().cloned())
        .map(|mut o| {
            o.product.region.clone_from(&deps.tuning.region);
            o.target.clone_from(&target);
            o
        })
        .collect();
    if observed.is_empty() {
        return;
    }
    if let Err(error) = deps.state.record_usage(&observed).await {
        tracing::warn!(%error, count = observed.len(), "usage not recorded");
    }
}

/// Posts the weekly report when it is due, once for the whole deployment
/// (a hub's targets share one claim, and the report covers them all). The
/// week is read and summed first and claimed after, so a pass that dies
/// while reading loses nothing: a later pass posts it. A week without
/// observed servers is not reported. The claimed pass keeps each server's
/// state at the week's end, so the next report reads only its own days.
pub(super) async fn weekly<C, S: UsageHistory + KeptCopies, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    kept_prices: &BTreeMap<String, CachedPrice>,
    last: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
    report: &mut PassReport,
) {
    if !deps.tuning.weekly_report {
        return;
    }
    let zone = deps.tuning.zone;
    let Some(monday) = usage::report_due(now, zone, last) else {
        return;
    };
    let (since, until) = usage::report_week(monday, zone);
    let observed = match week(deps, since, now).await {
        Ok(observed) => observed,
        Err(error) => {
            tracing::warn!(%error, "usage not readable; the weekly report waits for a later pass");
            return;
        }
    };
    let prices = super::prices(
        deps.prices.as_deref(),
        &deps.state,
        kept_prices,
        &observed,
        now,
    )
    .await;
    let sums = usage::tally(&observed, since, until, &prices);
    match deps.state.claim_report(monday).await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(%error, "weekly report not claimed; a later pass posts it");
            return;
        }
    }
    if let Err(error) = deps
        .state
        .carry_usage(until, &usage::carried(&observed, until))
        .await
    {
        tracing::warn!(%error, "usage carry not kept; next week's report scans the table");
    }
    if sums.rows.is_empty() {
        tracing::info!("no servers observed last week; no weekly report");
        return;
    }
    let m = crate::say::weekly::weekly_message(&deps.tuning.voice, &sums, zone);
    report.say(&deps.notifier, m).await;
}

/// The week's observations from its days, or by a scan when the last
/// report's carry is missing (the first report, a missed week, a table
/// without the day index).
async fn week<C, S: UsageHistory, F, N>(
    deps: &Deps<C, S, F, N>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Observation>, crate::ports::CallError> {
    match deps.state.week_usage(since, now).await {
        Ok(Some(observed)) => return Ok(observed),
        Ok(None) => tracing::info!("no usage carry for the week; the report scans the table"),
        Err(error) => {
            tracing::warn!(%error, "the week's days unreadable; the report scans the table")
        }
    }
    deps.state.usage(since).await
}
