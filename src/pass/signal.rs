//! What a round tells other tools besides the chat, both opt-in: an
//! EventBridge event per start, stop, failure and configuration error
//! (`EMIT_EVENTS`), and `ScheduleLastAction` / `ScheduleError` tags on the
//! servers it commanded (`TAG_INSTANCES`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::Deps;
use crate::model::InstanceKind;
use crate::plan::{FailedCommand, Notice, Plan, SchedulePlan};
use crate::ports::{Fleet, SchedulingEvent, Tagged};
use crate::state::Cause;

/// Tag keys the scheduler writes (and nothing else).
pub const LAST_ACTION_TAG: &str = "ScheduleLastAction";
pub const ERROR_TAG: &str = "ScheduleError";

pub(super) async fn tell<C, S, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    failed: &BTreeMap<String, Vec<FailedCommand>>,
    now: DateTime<Utc>,
) {
    if let Some(sink) = &deps.events {
        let mut events = events(plan, failed);
        if let Some(target) = &deps.tuning.target {
            for e in &mut events {
                e.target = Some(target.to_string());
            }
        }
        if !events.is_empty() {
            sink.emit(events).await;
        }
    }
    if deps.tuning.tag_instances {
        tag(deps, plan, failed, now).await;
    }
}

fn cause(sp: &SchedulePlan) -> &'static str {
    match sp.state.transition.as_ref().map(|t| t.cause) {
        Some(Cause::ForceStart) => "force-start",
        Some(Cause::Enforced) => "enforced",
        Some(Cause::Ordered) => "ordered",
        Some(Cause::Event { .. }) | None => "schedule",
    }
}

fn events(plan: &Plan, failed: &BTreeMap<String, Vec<FailedCommand>>) -> Vec<SchedulingEvent> {
    let mut out = Vec::new();
    for sp in &plan.schedules {
        for a in &sp.actions {
            out.push(SchedulingEvent {
                schedule: sp.schedule.clone(),
                action: a.direction.to_string(),
                wave: Some(a.wave + 1),
                group: Some(a.group.clone()),
                instances: a.instances.iter().map(|t| t.id.to_string()).collect(),
                cause: cause(sp).into(),
                target: None,
            });
        }
        for n in &sp.notices {
            if let Notice::Errors { lines } = n {
                out.extend(lines.iter().map(|l| SchedulingEvent {
                    schedule: sp.schedule.clone(),
                    action: "configuration-error".into(),
                    wave: None,
                    group: None,
                    instances: vec![],
                    cause: l.clone(),
                    target: None,
                }));
            }
        }
    }
    for (schedule, fs) in failed {
        out.extend(fs.iter().map(|f| SchedulingEvent {
            schedule: schedule.clone(),
            action: "failure".into(),
            wave: None,
            group: Some(f.group.clone()),
            instances: vec![f.server.id.to_string()],
            cause: format!("{}: {}", f.code, f.message),
            target: None,
        }));
    }
    out
}

async fn tag<C, S, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    failed: &BTreeMap<String, Vec<FailedCommand>>,
    now: DateTime<Utc>,
) {
    let failed_ids: BTreeSet<&str> = failed.values().flatten().map(|f| &*f.server.id).collect();
    let at = now.format("%Y-%m-%dT%H:%MZ").to_string();
    let mut done: BTreeMap<(InstanceKind, String), Vec<Tagged>> = BTreeMap::new();
    for (_, a) in plan.actions() {
        for t in a.instances.iter().filter(|t| !failed_ids.contains(&*t.id)) {
            done.entry((t.kind, format!("{} {at}", a.direction)))
                .or_default()
                .push(tagged(&t.id, t.arn.as_deref()));
        }
    }
    for ((kind, value), targets) in done {
        deps.fleet
            .tag(
                kind,
                &targets,
                &[(LAST_ACTION_TAG.into(), value)],
                &[ERROR_TAG.into()],
            )
            .await;
    }
    for f in failed.values().flatten() {
        let target = [tagged(&f.server.id, f.server.arn.as_deref())];
        let value = format!("{} {at}", f.code);
        deps.fleet
            .tag(f.server.kind, &target, &[(ERROR_TAG.into(), value)], &[])
            .await;
    }
}

fn tagged(id: &str, arn: Option<&str>) -> Tagged {
    Tagged {
        id: id.to_string(),
        arn: arn.map(str::to_string),
    }
}
