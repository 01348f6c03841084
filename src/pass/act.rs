//! Acting on a claimed plan: the start and stop commands batched per
//! direction and kind across all schedules, and ForceStart reset.

use std::collections::BTreeMap;

use super::{Deps, PassReport};
use crate::model::{Direction, InstanceKind};
use crate::notify::compose;
use crate::plan::{FailedCommand, Plan, Target};
use crate::ports::{ConfigStore, Fleet, Notifier};

/// One instance of a batched command, with the schedule and group that
/// asked for it.
type Commanded<'p> = (&'p str, &'p str, &'p Target);

/// Sends the plan's commands. Returns whether any was sent, and the
/// failures by schedule (what they mean is the planner's to say).
pub(super) async fn command<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    report: &mut PassReport,
) -> (bool, BTreeMap<String, Vec<FailedCommand>>)
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
    let acted = !batches.is_empty();
    let mut failed: BTreeMap<String, Vec<FailedCommand>> = BTreeMap::new();
    for ((direction, kind), items) in batches {
        let ids: Vec<String> = items.iter().map(|(_, _, t)| t.id.to_string()).collect();
        tracing::info!(
            direction = direction.as_str(),
            kind = kind.as_str(),
            count = ids.len(),
            "command"
        );
        for f in deps.fleet.command(direction, kind, &ids).await {
            let Some((schedule, group, target)) = items.iter().find(|(_, _, t)| *t.id == *f.id)
            else {
                continue;
            };
            tracing::error!(schedule = %schedule, id = %f.id, code = %f.error.code, "command failed");
            report
                .failures
                .push(format!("{} {}: {}", direction.as_str(), f.id, f.error));
            failed
                .entry(schedule.to_string())
                .or_default()
                .push(FailedCommand {
                    group: group.to_string(),
                    target: (*target).clone(),
                    code: f.error.code.clone(),
                    message: f.error.message.clone(),
                    retryable: f.error.retryable(),
                });
        }
    }
    (acted, failed)
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
            let m = compose::force_start_not_reset(&deps.tuning.voice, &sp.schedule, &e);
            report.say(&deps.notifier, m).await;
        }
    }
}
