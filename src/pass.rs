//! The imperative shell: load -> describe -> plan -> claim state -> execute
//! the wave -> notify, repeated while waves are moving and the time budget
//! lasts. The only module that awaits.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::fleet::Power;
use crate::model::{Config, Defaults, InstanceKind};
use crate::notify::{messages, Message};
use crate::plan::{self, Action, Plan, SchedulePlan, Settings};
use crate::ports::{AwsError, CommandFailure, ConfigStore, Fleet, Notifier, Saved, StateStore};
use crate::state::ScheduleState;
use crate::time::Direction;

/// The parts a pass works with.
pub struct Deps<C, S, F, N> {
    pub config: C,
    pub state: S,
    pub fleet: F,
    pub notifier: N,
    pub settings: PassSettings,
}

#[derive(Debug, Clone)]
pub struct PassSettings {
    pub defaults: Defaults,
    pub plan: Settings,
    /// How long a pass keeps advancing waves (`TIME_BUDGET_SECONDS`).
    pub budget: StdDuration,
    /// Pause between polls of a moving wave (`POLL_SECONDS`).
    pub poll: StdDuration,
}

impl Default for PassSettings {
    fn default() -> Self {
        Self {
            defaults: Defaults::default(),
            plan: Settings::default(),
            budget: StdDuration::from_secs(120),
            poll: StdDuration::from_secs(10),
        }
    }
}

/// What a pass did, for the CLI and the logs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    /// One plan per round of the wave loop.
    pub rounds: Vec<Plan>,
    pub failures: Vec<String>,
    /// Schedules skipped because another pass had claimed them.
    pub conflicts: Vec<String>,
    pub messages: Vec<Message>,
}

/// The pass could not run: nothing was started or stopped.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PassError(#[from] pub AwsError);

/// One scheduler pass at `now` (the real clock in the Lambda, `--at` in
/// `schedctl run`).
pub async fn run<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
) -> Result<PassReport, PassError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let mut report = PassReport::default();
    match run_rounds(deps, now, &mut report).await {
        Ok(()) => Ok(report),
        Err(e) => {
            tracing::error!(error = %e, "pass failed");
            let m = messages::pass_failed(&e);
            deps.notifier.send(&m).await;
            report.messages.push(m);
            Err(PassError(e))
        }
    }
}

async fn run_rounds<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> Result<(), AwsError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let started = Instant::now();
    let raw = deps.config.load().await?;
    let config = Config::parse(&raw, &deps.settings.defaults);
    let mut stored = deps.state.load().await?;
    let mut claimed_away: BTreeSet<String> = BTreeSet::new();
    loop {
        let fleet = deps.fleet.describe().await?;
        let states: BTreeMap<String, ScheduleState> = stored
            .iter()
            .map(|(k, v)| (k.clone(), v.state.clone()))
            .collect();
        let mut plan = plan::plan(now, &config, &fleet, &states, &deps.settings.plan);
        for note in plan.schedules.iter().flat_map(|s| &s.notes) {
            tracing::warn!("{note}");
        }

        // Claim before acting: a conditional write per changed schedule, so
        // an overlapping pass that read the same version acts for nobody.
        let mut kept = Vec::with_capacity(plan.schedules.len());
        for sp in plan.schedules.drain(..) {
            if claimed_away.contains(&sp.schedule) {
                continue;
            }
            let current = stored.get(&sp.schedule).cloned().unwrap_or_default();
            // An idle pass writes nothing: without a write, the next pass's
            // window simply starts earlier, and it saw no event in between.
            let idle = ScheduleState {
                last_pass: current.state.last_pass,
                ..sp.state.clone()
            } == current.state;
            if idle && !has_work(&sp) {
                kept.push(sp);
                continue;
            }
            match deps
                .state
                .save(&sp.schedule, &sp.state, current.version)
                .await?
            {
                Saved::Written(version) => {
                    let entry = stored.entry(sp.schedule.clone()).or_default();
                    entry.state = sp.state.clone();
                    entry.version = version;
                    kept.push(sp);
                }
                Saved::Conflict => {
                    tracing::warn!(schedule = %sp.schedule, "another pass claimed this schedule; skipping it");
                    report.conflicts.push(sp.schedule.clone());
                    claimed_away.insert(sp.schedule);
                }
            }
        }
        plan.schedules = kept;

        // Say what is about to happen, then do it, so a failure reads after
        // the start or stop it belongs to.
        for sp in &plan.schedules {
            for m in schedule_messages(sp) {
                deps.notifier.send(&m).await;
                report.messages.push(m);
            }
        }
        let acted = execute(deps, &plan, report).await;
        for sp in plan.schedules.iter().filter(|sp| sp.reset_force_start) {
            if let Err(e) = deps.config.reset_force_start(&sp.schedule).await {
                let m = messages::force_start_not_reset(&sp.schedule, &e);
                deps.notifier.send(&m).await;
                report.messages.push(m);
            }
        }

        let moving = waves_moving(&plan, &fleet, &config);
        report.rounds.push(plan);
        let left = deps.settings.budget.saturating_sub(started.elapsed());
        if !(acted || moving) || left < deps.settings.poll {
            if moving {
                tracing::info!("time budget used; the next pass continues the waves");
            }
            return Ok(());
        }
        tokio::time::sleep(deps.settings.poll).await;
    }
}

fn has_work(sp: &SchedulePlan) -> bool {
    !sp.actions.is_empty() || sp.warning.is_some() || !sp.notices.is_empty() || sp.reset_force_start
}

/// Whether another round may advance something: a schedule in transition
/// with an instance still moving.
fn waves_moving(plan: &Plan, fleet: &[crate::fleet::Instance], config: &Config) -> bool {
    let tags: BTreeSet<&str> = plan
        .schedules
        .iter()
        .filter(|s| s.transition.is_some())
        .filter_map(|s| config.schedules.get(&s.schedule))
        .map(|c| c.schedule.tag_value.as_str())
        .collect();
    fleet.iter().any(|i| {
        i.schedule_tag.as_deref().is_some_and(|t| tags.contains(t))
            && matches!(i.power(), Power::Starting | Power::Stopping | Power::Busy)
    })
}

/// One instance of a batched command, with the plan parts that asked for it.
type Commanded<'p> = (&'p SchedulePlan, &'p Action, String);

/// Sends the plan's commands batched per direction and kind across all
/// schedules, and reports each failing instance once. Returns whether any
/// command was sent.
async fn execute<C, S, F, N>(deps: &Deps<C, S, F, N>, plan: &Plan, report: &mut PassReport) -> bool
where
    F: Fleet,
    N: Notifier,
{
    let mut batches: BTreeMap<(Direction, InstanceKind), Vec<Commanded>> = BTreeMap::new();
    for (sp, a) in plan.actions() {
        for t in &a.instances {
            batches
                .entry((a.direction, t.kind))
                .or_default()
                .push((sp, a, t.id.to_string()));
        }
    }
    let acted = !batches.is_empty();
    for ((direction, kind), items) in batches {
        let ids: Vec<String> = items.iter().map(|(_, _, id)| id.clone()).collect();
        tracing::info!(
            direction = direction.as_str(),
            kind = kind.label(),
            count = ids.len(),
            "command"
        );
        let failures: Vec<CommandFailure> = deps.fleet.command(direction, kind, &ids).await;
        for f in failures {
            if let Some((sp, a, _)) = items.iter().find(|(_, _, id)| *id == f.id) {
                tracing::error!(schedule = %sp.schedule, id = %f.id, code = %f.error.code, "command failed");
                report
                    .failures
                    .push(format!("{} {}: {}", direction.as_str(), f.id, f.error));
                let m = messages::failure(&sp.schedule, a, &f);
                deps.notifier.send(&m).await;
                report.messages.push(m);
            }
        }
    }
    acted
}

fn schedule_messages(sp: &SchedulePlan) -> Vec<Message> {
    let mut out = Vec::new();
    for n in &sp.notices {
        out.push(messages::notice(sp, n));
    }
    let actions: Vec<&Action> = sp.actions.iter().collect();
    out.extend(messages::actions(sp, &actions));
    if let Some(w) = &sp.warning {
        out.push(messages::warning(sp, w));
    }
    out
}
