//! Runs the readiness checks a plan asks for, all at once, and keeps their
//! answers for the next round's plan.

use futures::future::join_all;

use super::Deps;
use crate::plan::{Checked, Plan};

pub(super) async fn check<C, S, F, N>(deps: &Deps<C, S, F, N>, plan: &Plan, checked: &mut Checked) {
    let wanted: Vec<_> = plan
        .schedules
        .iter()
        .flat_map(|sp| sp.checks.iter().map(move |c| (&sp.schedule, c)))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let answers = join_all(wanted.iter().map(|(_, c)| deps.probe.check(c))).await;
    for ((schedule, c), answer) in wanted.into_iter().zip(answers) {
        tracing::info!(%schedule, group = %c.group, ready = answer.ready, said = %answer.said, "ready check");
        checked
            .entry(schedule.clone())
            .or_default()
            .insert(c.group.clone(), answer);
    }
}
