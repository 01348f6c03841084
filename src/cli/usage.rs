//! `schedctl usage [--since DATE] [--json]`: hours running, hours stopped
//! by the scheduler and the estimated saving, per schedule and group (and
//! target), from the usage history and the Price List.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::print::to_json;
use super::CliError;
use crate::pass::Deps;
use crate::ports::StateStore;
use crate::time::resolve_local;
use crate::usage;

pub async fn apply<C, S: StateStore, F, N>(
    deps: &Deps<C, S, F, N>,
    since: Option<&str>,
    now: DateTime<Utc>,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let since = match since {
        None => now - Duration::days(7),
        Some(text) => {
            let day = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                CliError::Refused(format!("--since {text:?} is not a date like 2026-11-01"))
            })?;
            resolve_local(deps.tuning.zone, day.and_time(NaiveTime::MIN))
        }
    };
    if since >= now {
        return Err(CliError::Refused(format!(
            "--since {} is not in the past",
            since.format("%Y-%m-%d")
        )));
    }
    let observed = deps.state.usage(since).await?;
    let kept = deps.state.load().await?.prices;
    let prices =
        crate::pass::prices(deps.prices.as_deref(), &deps.state, &kept, &observed, now).await;
    let sums = usage::tally(&observed, since, now, &prices);
    if json {
        let _ = writeln!(out, "{}", to_json(&sums));
    } else {
        out.push_str(&usage::render(&sums));
    }
    Ok(ExitCode::SUCCESS)
}
