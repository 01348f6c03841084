//! Claim before acting: a conditional write per schedule whose plan must be
//! persisted, so that of two overlapping passes that read the same version
//! only one acts for that schedule.

use std::collections::{BTreeMap, BTreeSet};

use super::PassReport;
use crate::plan::Plan;
use crate::ports::{CallError, Saved, StateStore};
use crate::state::{ScheduleState, Versioned};

/// The stored states as this pass knows them, and the schedules another
/// pass claimed first (left alone for the rest of this pass).
pub(super) struct Claims {
    stored: BTreeMap<String, Versioned>,
    lost: BTreeSet<String>,
}

impl Claims {
    pub fn new(stored: BTreeMap<String, Versioned>) -> Claims {
        Claims {
            stored,
            lost: BTreeSet::new(),
        }
    }

    /// The states to plan from.
    pub fn states(&self) -> BTreeMap<String, ScheduleState> {
        self.stored
            .iter()
            .map(|(k, v)| (k.clone(), v.state.clone()))
            .collect()
    }

    /// Writes every plan that must be persisted; keeps the plans this pass
    /// may act on and drops the ones another pass claimed.
    pub async fn claim<S: StateStore>(
        &mut self,
        store: &S,
        mut plan: Plan,
        report: &mut PassReport,
    ) -> Result<Plan, CallError> {
        let mut kept = Vec::with_capacity(plan.schedules.len());
        for sp in plan.schedules.drain(..) {
            if self.lost.contains(&sp.schedule) {
                continue;
            }
            if !sp.persist {
                kept.push(sp);
                continue;
            }
            let expected = self.stored.get(&sp.schedule).map_or(0, |v| v.version);
            match store.save(&sp.schedule, &sp.state, expected).await? {
                Saved::Written(version) => {
                    self.stored.insert(
                        sp.schedule.clone(),
                        Versioned {
                            state: sp.state.clone(),
                            version,
                        },
                    );
                    kept.push(sp);
                }
                Saved::Conflict => {
                    tracing::warn!(schedule = %sp.schedule, "another pass claimed this schedule; skipping it");
                    report.conflicts.push(sp.schedule.clone());
                    self.lost.insert(sp.schedule);
                }
            }
        }
        plan.schedules = kept;
        Ok(plan)
    }
}
