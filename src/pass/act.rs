//! Acting on a claimed plan: the start and stop commands batched per
//! direction and kind across all schedules, and ForceStart reset.

use std::collections::BTreeMap;

use super::{Deps, PassReport};
use crate::model::{Direction, InstanceKind};
use crate::notify::compose;
use crate::plan::{Action, Plan, SchedulePlan};
use crate::ports::{ConfigStore, Fleet, Notifier};

/// One instance of a batched command, with the plan parts that asked for it.
type Commanded<'p> = (&'p SchedulePlan, &'p Action, String);

/// Sends the plan's commands and reports each failing instance once.
/// Returns whether any command was sent.
pub(super) async fn command<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    report: &mut PassReport,
) -> bool
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
            kind = kind.as_str(),
            count = ids.len(),
            "command"
        );
        for f in deps.fleet.command(direction, kind, &ids).await {
            if let Some((sp, a, _)) = items.iter().find(|(_, _, id)| *id == f.id) {
                tracing::error!(schedule = %sp.schedule, id = %f.id, code = %f.error.code, "command failed");
                report
                    .failures
                    .push(format!("{} {}: {}", direction.as_str(), f.id, f.error));
                report
                    .say(
                        &deps.notifier,
                        compose::failure(&deps.tuning.voice, &sp.schedule, a, &f),
                    )
                    .await;
            }
        }
    }
    acted
}

/// Sets ForceStart back to false where the plan says so; a failure is told.
pub(super) async fn reset_force_start<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    report: &mut PassReport,
) where
    C: ConfigStore,
    N: Notifier,
{
    for sp in plan.schedules.iter().filter(|sp| sp.reset_force_start) {
        if let Err(e) = deps.config.reset_force_start(&sp.schedule).await {
            report
                .say(
                    &deps.notifier,
                    compose::force_start_not_reset(&deps.tuning.voice, &sp.schedule, &e),
                )
                .await;
        }
    }
}
