//! Acting on a claimed plan: the start and stop commands batched per
//! direction and kind across all schedules, and ForceStart reset.

use std::collections::BTreeMap;

use super::{Deps, PassReport, Tuning};
use crate::fleet::{Size, SIZE_TAG};
use crate::model::{Config, Direction, InstanceKind};
use crate::plan::{FailedCommand, Plan, Server};
use crate::ports::{CallError, ConfigStore, Fleet, Notifier, StateStore};
use crate::say;
use crate::target::Target;

/// One instance of a batched command, with the schedule and group that
/// asked for it.
type Commanded<'p> = (&'p str, &'p str, &'p Server);

/// Sends the plan's commands. Returns the failures by schedule (what they
/// mean is the planner's to say).
pub(super) async fn command<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    report: &mut PassReport,
) -> BTreeMap<String, Vec<FailedCommand>>
where
    F: Fleet,
{
    let mut batches: BTreeMap<(Direction, InstanceKind), Vec<Commanded>> = BTreeMap::new();
    for (sp, a) in plan.actions() {
        for t in &a.instances {
            batches
                .entry((a.direction, t.kind))
                .or_default()
                .push((&sp.schedule, &a.group, t));
        }
    }
    let mut failed: BTreeMap<String, Vec<FailedCommand>> = BTreeMap::new();
    for ((direction, kind), items) in batches {
        let ids: Vec<String> = items.iter().map(|(_, _, t)| t.id.to_string()).collect();
        tracing::info!(
            direction = direction.as_str(),
            kind = kind.as_str(),
            count = ids.len(),
            "command"
        );
        let failures = if kind.scaled() {
            resize(&deps.fleet, plan, direction, kind, &items).await
        } else {
            deps.fleet.command(direction, kind, &ids).await
        };
        for (id, error) in failures {
            let Some((schedule, group, server)) = items.iter().find(|(_, _, t)| *t.id == *id)
            else {
                continue;
            };
            tracing::error!(schedule = %schedule, %id, code = %error.code, "command failed");
            report
                .failures
                .push(format!("{} {id}: {error}", direction.as_str()));
            failed
                .entry(schedule.to_string())
                .or_default()
                .push(FailedCommand {
                    group: group.to_string(),
                    server: (*server).clone(),
                    code: error.code.clone(),
                    message: error.message.clone(),
                    retryable: error.retryable(),
                });
        }
    }
    failed
}

/// Sizes scaled servers: a stop to zero (their maximum kept), a start to
/// the size their schedule remembered at the stop, or else to their
/// `ScheduleSize` tag. A server with neither is left alone and fails
/// permanently, so it is reported once and its waves go on.
async fn resize<F: Fleet>(
    fleet: &F,
    plan: &Plan,
    direction: Direction,
    kind: InstanceKind,
    items: &[Commanded<'_>],
) -> Vec<(String, CallError)> {
    let mut sizes = Vec::new();
    let mut failures = Vec::new();
    for (schedule, _, server) in items {
        let remembered = plan
            .schedules
            .iter()
            .find(|sp| sp.schedule == *schedule)
            .and_then(|sp| sp.state.sizes.get(&*server.id).copied());
        match target_size(direction, server, remembered) {
            Ok(size) => sizes.push((server.id.to_string(), size)),
            Err(error) => failures.push((server.id.to_string(), error)),
        }
    }
    if !sizes.is_empty() {
        failures.extend(fleet.resize(kind, &sizes).await);
    }
    failures
}

fn target_size(
    direction: Direction,
    server: &Server,
    remembered: Option<Size>,
) -> Result<Size, CallError> {
    let operation = format!("size {}", server.kind.as_str());
    match direction {
        // Every scaled server is described with its size.
        Direction::Stop => server
            .size
            .map(Size::zero)
            .ok_or_else(|| CallError::new(operation, "NoSizeKnown", "described without a size")),
        Direction::Start => match (remembered, &server.size_tag) {
            (Some(size), _) => Ok(size),
            (None, Some(tag)) => Size::parse(tag).map_err(|why| {
                CallError::new(
                    operation,
                    "InvalidScheduleSize",
                    format!("{SIZE_TAG}: {why}"),
                )
            }),
            (None, None) => Err(CallError::new(
                operation,
                "NoSizeKnown",
                format!("no size remembered and no {SIZE_TAG} tag (MIN/DESIRED/MAX): left alone"),
            )),
        },
    }
}

/// Sets ForceStart back to false where the plan says so. In a hub, only
/// once every other target the schedule applies to has its part up: each
/// target keeps its own progress in its state, so an empty or quick target
/// never consumes the flag before the others. A failed reset is told once
/// per process, not every round.
pub(super) async fn reset_force_start<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    config: &Config,
    plan: &Plan,
    report: &mut PassReport,
) where
    C: ConfigStore,
    S: StateStore,
    N: Notifier,
{
    for sp in plan.schedules.iter().filter(|sp| sp.reset_force_start) {
        let others = other_targets(&deps.tuning, config, &sp.schedule);
        if !others.is_empty() {
            let done = deps
                .state
                .states_in(std::slice::from_ref(&sp.schedule), &others)
                .await
                .map(|found| {
                    found.len() == others.len() && found.iter().all(|t| t.state.force_start_done)
                });
            match done {
                Ok(true) => {}
                Ok(false) => {
                    tracing::info!(schedule = %sp.schedule, "ForceStart kept until every target has its part up");
                    continue;
                }
                Err(e) => {
                    tracing::warn!(schedule = %sp.schedule, error = %e, "other targets' ForceStart progress unreadable; the flag is kept");
                    continue;
                }
            }
        }
        if let Err(e) = deps.config.reset_force_start(&sp.schedule).await {
            if deps
                .told
                .first(&format!("force-start-reset {}: {}", sp.schedule, e.code))
            {
                let m = say::force_start_not_reset(&deps.tuning.voice, &sp.schedule, &e);
                report.say(&deps.notifier, m).await;
            }
        }
    }
}

/// The hub's other targets that `schedule` applies to (its `Targets`, or
/// every target); none outside a hub.
fn other_targets(tuning: &Tuning, config: &Config, schedule: &str) -> Vec<Target> {
    let Some(me) = &tuning.target else {
        return vec![];
    };
    let named: &[Target] = config
        .schedules
        .get(schedule)
        .map(|c| c.schedule.targets.as_slice())
        .unwrap_or_default();
    // Only targets of the hub that run passes count (a `Targets` entry
    // missing from TARGETS never has its part up), each once.
    let others: std::collections::BTreeSet<&Target> = tuning
        .hub
        .iter()
        .filter(|t| *t != me && (named.is_empty() || named.contains(t)))
        .collect();
    others.into_iter().cloned().collect()
}
