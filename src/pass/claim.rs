//! Claim before acting: a conditional write per schedule whose plan must be
//! persisted, so that of two overlapping passes that read the same version
//! only one acts for that schedule. A schedule whose write fails is left
//! out of this pass alone; the others go on.

use std::collections::{BTreeMap, BTreeSet};

use super::PassReport;
use crate::plan::Plan;
use crate::ports::{CallError, Saved, ScheduleStates, StateWrite};
use crate::state::{ScheduleState, Versioned};

/// The stored states as this pass knows them, and the schedules left alone
/// for the rest of this pass (another pass claimed them first, or their
/// state could not be written).
pub(super) struct Claims {
    stored: BTreeMap<String, Versioned>,
    lost: BTreeSet<String>,
}

/// A state write that failed (not a conflict): the schedule and why.
pub(super) struct Unsaved {
    pub schedule: String,
    pub error: CallError,
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

    /// The state this pass holds for `schedule`.
    pub fn state(&self, schedule: &str) -> ScheduleState {
        self.stored
            .get(schedule)
            .map(|v| v.state.clone())
            .unwrap_or_default()
    }

    /// Writes every plan that must be persisted; keeps the plans this pass
    /// may act on. A plan another pass claimed first is dropped for the
    /// rest of this pass; one whose write failed is dropped and returned.
    pub async fn claim<S: ScheduleStates>(
        &mut self,
        store: &S,
        mut plan: Plan,
        report: &mut PassReport,
    ) -> (Plan, Vec<Unsaved>) {
        plan.schedules
            .retain(|sp| !self.lost.contains(&sp.schedule));
        let writes: Vec<StateWrite> = plan
            .schedules
            .iter()
            .filter(|sp| sp.persist)
            .map(|sp| StateWrite {
                schedule: &sp.schedule,
                state: &sp.state,
                expected: self.stored.get(&sp.schedule).map_or(0, |v| v.version),
            })
            .collect();
        let mut results = store.save_all(&writes).await.into_iter();
        drop(writes);
        let mut kept = Vec::with_capacity(plan.schedules.len());
        let mut unsaved = Vec::new();
        for sp in plan.schedules.drain(..) {
            if !sp.persist {
                kept.push(sp);
                continue;
            }
            let result = results.next().expect("one result per write");
            match self.saved(&sp.schedule, &sp.state, result) {
                Ok(true) => kept.push(sp),
                Ok(false) => {
                    tracing::warn!(schedule = %sp.schedule, "another pass claimed this schedule; skipping it");
                    report.conflicts.push(sp.schedule);
                }
                Err(error) => {
                    tracing::error!(schedule = %sp.schedule, %error, "state not saved; this schedule waits for the next pass");
                    self.lost.insert(sp.schedule.clone());
                    report
                        .failures
                        .push(format!("state of {}: {error}", sp.schedule));
                    unsaved.push(Unsaved {
                        schedule: sp.schedule,
                        error,
                    });
                }
            }
        }
        plan.schedules = kept;
        (plan, unsaved)
    }

    /// One conditional write of `state`; `Ok(false)` when another pass
    /// wrote first (the schedule is then left alone by this pass).
    pub async fn save<S: ScheduleStates>(
        &mut self,
        store: &S,
        schedule: &str,
        state: ScheduleState,
    ) -> Result<bool, CallError> {
        let expected = self.stored.get(schedule).map_or(0, |v| v.version);
        let result = store.save(schedule, &state, expected).await;
        self.saved(schedule, &state, result)
    }

    /// Keeps what a write of `state` did: the new version, or the schedule
    /// lost to another pass.
    fn saved(
        &mut self,
        schedule: &str,
        state: &ScheduleState,
        result: Result<Saved, CallError>,
    ) -> Result<bool, CallError> {
        match result? {
            Saved::Written(version) => {
                let state = state.clone();
                self.stored
                    .insert(schedule.to_string(), Versioned { state, version });
                Ok(true)
            }
            Saved::Conflict => {
                self.lost.insert(schedule.to_string());
                Ok(false)
            }
        }
    }
}
