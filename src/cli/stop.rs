//! `schedctl stop SCHEDULE`: a pass now that stops the schedule's servers
//! in reverse order and clears ForceStart, as the chat's `stop` asks the
//! scheduler function for; no exception is written.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{run, CliError};
use crate::pass::{load_config, Deps};
use crate::plan::Orders;
use crate::ports::{ConfigStore, Fleet, Notifier, StateStore};

pub async fn apply<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
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
    let orders = order(&deps.config, deps.tuning.zone, schedule, now).await?;
    run::ordered(deps, now, &orders, json, out).await
}

/// The order to stop `schedule`, if it names a usable schedule.
pub(super) async fn order<C: ConfigStore>(
    config: &C,
    zone: Tz,
    schedule: &str,
    now: DateTime<Utc>,
) -> Result<Orders, CliError> {
    let config = load_config(config, zone, now).await?;
    if !config.schedules.contains_key(schedule) {
        return Err(CliError::Refused(format!(
            "no usable schedule named {schedule:?} (see schedctl validate)"
        )));
    }
    Ok(Orders {
        stop: [schedule.to_string()].into(),
    })
}
