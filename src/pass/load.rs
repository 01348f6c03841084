//! The one load path: the configuration tables parsed, with the holidays
//! of the calendars' kept copies, and the plan a pass would make now
//! (`schedctl plan`, the page, the bot), reading but writing nothing. A
//! pass reads the same way, but refreshes the feeds before it applies
//! their holidays (`pass::calendars`).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::Deps;
use crate::model::Config;
use crate::plan::{self, Orders, Plan};
use crate::ports::{CallError, ConfigStore, Fleet, StateStore};
use crate::state::Stored;
use crate::target::Target;

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

/// The configuration as of `now` with the holidays of the kept copies,
/// and the state it was read with. With `target`, only the schedules that
/// apply to it; without, every schedule (the page and the bot show a hub's
/// schedules whatever target they apply to).
pub async fn read<C: ConfigStore, S: StateStore>(
    store: &C,
    state: &S,
    zone: Tz,
    now: DateTime<Utc>,
    target: Option<&Target>,
) -> Result<(Config, Stored), CallError> {
    let mut config = load_config(store, zone, now).await?;
    if let Some(target) = target {
        config.keep_target(target);
    }
    let stored = state.load().await?;
    crate::calendar::apply(&mut config, &stored.calendars);
    learn_leads(&mut config, &stored);
    Ok((config, stored))
}

/// Gives each `ready-by` schedule the start durations its state observed.
pub(super) fn learn_leads(config: &mut Config, stored: &Stored) {
    for (name, cfg) in &mut config.schedules {
        if let Some(v) = stored.schedules.get(name) {
            cfg.learn(&v.state.starts);
        }
    }
}

/// The plan a pass would make at `now`, doing nothing.
pub async fn preview<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
) -> Result<Plan, CallError> {
    let (config, stored) = read(
        &deps.config,
        &deps.state,
        deps.tuning.zone,
        now,
        deps.tuning.target.as_ref(),
    )
    .await?;
    let states = stored
        .schedules
        .into_iter()
        .map(|(k, v)| (k, v.state))
        .collect();
    let described = deps.fleet.describe(&config.scaled_kinds()).await?;
    let mut config = config;
    config.without_kinds(&described.unavailable);
    let mut plan = plan::plan(
        now,
        &config,
        &described.servers,
        &states,
        &deps.tuning.timing,
        &Orders::default(),
        &plan::Round::default(),
    );
    plan::show(&mut plan, &config, &described.servers, &deps.tuning.timing);
    Ok(plan)
}
