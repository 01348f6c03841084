//! The one load path: the configuration tables parsed, and the plan a pass
//! would make now (`schedctl plan`, the bot), reading but writing nothing.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Deps;
use crate::model::Config;
use crate::plan::{self, Orders, Plan};
use crate::ports::{CallError, ConfigStore, Fleet, StateStore};

/// Scans the configuration tables and parses them as of `now`; `zone` is
/// the default time zone of schedules without one.
pub async fn load_config<C: ConfigStore>(
    store: &C,
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Config, CallError> {
    let raw = store.load().await?;
    Ok(Config::parse(&raw, zone, now))
}

/// The plan a pass would make at `now`, doing nothing.
pub async fn preview<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
) -> Result<Plan, CallError> {
    let mut config = load_config(&deps.config, deps.tuning.zone, now).await?;
    if let Some(target) = &deps.tuning.target {
        config.keep_target(target);
    }
    let stored = deps.state.load().await?;
    config.apply_holidays(&stored.calendars);
    let states = stored
        .schedules
        .into_iter()
        .map(|(k, v)| (k, v.state))
        .collect();
    let fleet = deps.fleet.describe().await?;
    Ok(plan::plan(
        now,
        &config,
        &fleet,
        &states,
        &deps.tuning.timing,
        &Orders::default(),
    ))
}
