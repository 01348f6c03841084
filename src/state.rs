//! The scheduler's own memory per schedule, kept in the state table: when
//! the last pass ran, which start or stop is in progress, what it has
//! claimed and what failed, which warnings and errors were already sent.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Direction;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScheduleState {
    pub last_pass: Option<DateTime<Utc>>,
    pub transition: Option<Transition>,
    /// Stop instants a warning was sent for.
    pub warned: BTreeSet<DateTime<Utc>>,
    /// Error lines already sent, so an unchanged error is not repeated.
    pub reported: BTreeSet<String>,
    /// Notice lines (not errors) already sent, likewise.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub noticed: BTreeSet<String>,
    /// ForceStart was acted on and its reset asked for: the flag is ignored
    /// until it reads false again, so a reset that failed cannot start the
    /// servers again after a stop.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub force_start_done: bool,
    /// When a stop was ordered (chat `stop`, `schedctl stop`): an Enforced
    /// schedule keeps its servers stopped until the next start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_by_order: Option<DateTime<Utc>>,
    /// The starts and stops of the last two days, for the week's page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<Logged>,
    /// The global state's: the cause of the failed passes since the last
    /// one that ran, told once (`pass::health`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pass_failing: Option<String>,
    /// Each server as last seen settled: up (`true`) or down; what a
    /// usage observation is measured against. Shared (copied on write): a
    /// plan copies the state, and this map is a whole fleet's ids.
    #[serde(skip_serializing_if = "is_empty", serialize_with = "in_order")]
    pub seen: Arc<Seen>,
    /// The sum of `seen`'s entries' hashes, written with it
    /// (`plan::observed`): a pass compares the fleet with the map in one
    /// walk over the fleet, without walking the map. A sum that does not
    /// match the map (a state written before it) only costs a rebuild.
    #[serde(skip_serializing_if = "is_zero")]
    pub seen_sum: u64,
    /// Each scaled server's size when it was last stopped: what its start
    /// restores.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sizes: BTreeMap<String, crate::fleet::Size>,
    /// Each group's last observed start durations in seconds, command to
    /// ready, newest last: what a `ready-by` schedule's lead learns from.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub starts: BTreeMap<String, Vec<u32>>,
    /// The latest ready time of a `ready-by` start a pass acted on: a
    /// start the lead later moves is not acted on twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_seen: Option<DateTime<Utc>>,
}

/// A transition's claims ([`Transition::sent`]).
pub type Claimed = BTreeMap<DateTime<Utc>, BTreeSet<String>>;

/// Each server as last seen ([`ScheduleState::seen`]): hashed, not
/// ordered, as a first pass builds it from a whole fleet at once (sorting
/// 10,000 ids and dropping a tree of them was a fifth of that pass).
pub type Seen = HashMap<Arc<str>, bool, foldhash::fast::RandomState>;

fn is_empty(map: &Arc<Seen>) -> bool {
    map.is_empty()
}

/// `seen` written in the order of its ids, so that the same map is always
/// the same text.
fn in_order<S: serde::Serializer>(seen: &Arc<Seen>, out: S) -> Result<S::Ok, S::Error> {
    let mut entries: Vec<(&Arc<str>, &bool)> = seen.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out.collect_map(entries)
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What one schedule's state may hold, so that its item stays under the
/// 100 KB the spec promises (DynamoDB refuses 400 KB) whatever the fleet:
/// the planner caps error lines (50 of 200 bytes) and remembers lists
/// by digest; these bound the rest. Server ids are at most 63 characters
/// (RDS), so 30 KB is over 400 servers of records each, and more than
/// 1,300 EC2 ids; with the lines and the log, an item stays near 90 KB.
pub const MAX_SERVER_RECORD_BYTES: usize = 30_000;
const MAX_WARNED: usize = 10;
const MAX_LOG: usize = 100;

impl ScheduleState {
    /// Cuts what grows with time or with the fleet to its bound: the
    /// newest warnings and log lines, and claims and failures up to
    /// [`MAX_SERVER_RECORD_BYTES`] (the newest round's claims first; an
    /// instance whose claim is dropped may be commanded again after it
    /// settles, which is harmless).
    pub fn bound(&mut self) {
        while self.warned.len() > MAX_WARNED {
            self.warned.pop_first();
        }
        if self.log.len() > MAX_LOG {
            self.log.drain(..self.log.len() - MAX_LOG);
        }
        let Some(t) = self.transition.as_mut() else {
            return;
        };
        let mut budget = MAX_SERVER_RECORD_BYTES;
        // Failures first: they decide retries and what is told.
        t.failed.retain(|id, _| fits(&mut budget, id.len() + 80));
        let claims: usize = t.sent.values().flatten().map(|id| id.len() + 3).sum();
        if claims <= budget {
            // The usual pass: the shared claims are not copied.
            return;
        }
        let sent = Arc::make_mut(&mut t.sent);
        for ids in sent.values_mut().rev() {
            ids.retain(|id| fits(&mut budget, id.len() + 3));
        }
        sent.retain(|_, ids| !ids.is_empty());
    }
}

/// Takes `cost` from `budget` if it fits there.
fn fits(budget: &mut usize, cost: usize) -> bool {
    let fits = cost <= *budget;
    if fits {
        *budget -= cost;
    }
    fits
}

/// One start or stop a pass sent for a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub at: DateTime<Utc>,
    pub direction: Direction,
    pub group: String,
    pub servers: usize,
}

/// A start or stop moving through the waves, possibly over several passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub direction: Direction,
    pub cause: Cause,
    pub since: DateTime<Utc>,
    /// Ids claimed for a command, by the instant of the pass that claimed
    /// them. A claim counts as sent for the claim lease after that instant;
    /// an instance still where it was after the lease gets the command
    /// again (its pass died before sending, or the command had no effect).
    /// Shared (copied on write), as [`ScheduleState::seen`].
    #[serde(default)]
    pub sent: Arc<Claimed>,
    /// Ids whose command failed, and what happens next.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failed: BTreeMap<String, FailedTries>,
    /// Started groups waiting for their readiness check, by group.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checking: BTreeMap<String, Checking>,
    /// A start's groups by when their first command went out, measured
    /// by the pass's clock, not its instant (rounds of one pass share that).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub commanded: BTreeMap<String, DateTime<Utc>>,
    /// How long each commanded group took to be ready, in seconds: learned
    /// when the start completes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub took: BTreeMap<String, u32>,
}

impl Transition {
    /// When `id` was last claimed, if it was.
    pub fn sent_at(&self, id: &str) -> Option<DateTime<Utc>> {
        self.sent
            .iter()
            .rev()
            .find(|(_, ids)| ids.contains(id))
            .map(|(at, _)| *at)
    }
}

/// Since when a started group has waited for its check, what the check
/// last said (a timeout names it, whichever pass it falls in), and whether
/// the timeout was told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checking {
    pub since: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub said: Option<String>,
    /// Ready once in this start: later passes need not ask again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passed: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub told: bool,
}

/// What a transition remembers of one server's failed commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTries {
    /// The AWS error code (or `NoEffect`: claimed, never moved).
    pub code: String,
    /// Commands sent so far, the failed ones included.
    pub tries: u32,
    /// When to send it again; `None`: never in this transition (a
    /// permanent error, or the last try failed), and it was reported.
    pub retry_at: Option<DateTime<Utc>>,
}

/// Why a transition began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Cause {
    Event {
        at: DateTime<Utc>,
        /// A `ready-by` start's ready time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ready: Option<DateTime<Utc>>,
    },
    ForceStart,
    Enforced,
    /// Someone asked for it now (chat `stop`, `schedctl stop`).
    Ordered,
}

/// A schedule's state with the version it was read at, for conditional writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versioned {
    pub state: ScheduleState,
    /// 0 when there was no item.
    pub version: u64,
}

/// Everything the state table holds: each schedule's state, and the
/// holiday calendars' last good copies by
/// [`crate::calendar::feed_key`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stored {
    pub schedules: BTreeMap<String, Versioned>,
    pub calendars: BTreeMap<String, crate::calendar::CalendarCache>,
    /// On-demand prices looked up, by [`crate::usage::Product::key`].
    pub prices: BTreeMap<String, crate::usage::CachedPrice>,
    /// The Monday whose weekly report was last claimed (shared by a hub's
    /// targets: one report for the hub).
    pub weekly_report: Option<chrono::NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_is_written_in_the_order_of_its_ids_and_read_back() {
        let ids = ["i-c", "db-1", "i-a", "i-b", "cluster/web"];
        let seen: Seen = ids
            .iter()
            .map(|&id| (id.into(), id.len() % 2 == 0))
            .collect();
        let state = ScheduleState {
            seen: Arc::new(seen),
            ..Default::default()
        };
        let text = serde_json::to_string(&state).unwrap();
        assert!(text.contains(
            r#""seen":{"cluster/web":false,"db-1":true,"i-a":false,"i-b":false,"i-c":false}"#
        ));
        let back: ScheduleState = serde_json::from_str(&text).unwrap();
        assert_eq!(back.seen, state.seen);
    }

    fn claiming(ids: impl Iterator<Item = String>) -> ScheduleState {
        let at = crate::testing::utc("2026-11-30T09:00:00+09:00");
        ScheduleState {
            transition: Some(Transition {
                direction: Direction::Start,
                cause: Cause::Enforced,
                since: at,
                sent: Arc::new([(at, ids.collect())].into()),
                failed: Default::default(),
                checking: Default::default(),
                commanded: Default::default(),
                took: Default::default(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn claims_within_bounds_stay_shared_and_too_many_are_cut() {
        let stored = claiming((0..100).map(|i| format!("i-{i:017}")));
        let mut state = stored.clone();
        state.bound();
        let sent = |s: &ScheduleState| Arc::clone(&s.transition.as_ref().unwrap().sent);
        assert!(Arc::ptr_eq(&sent(&state), &sent(&stored)));

        let stored = claiming((0..5_000).map(|i| format!("i-{i:017}")));
        let mut state = stored.clone();
        state.bound();
        let kept: usize = sent(&state).values().map(BTreeSet::len).sum();
        assert_eq!(kept, MAX_SERVER_RECORD_BYTES / 22);
        assert_eq!(
            sent(&stored).values().map(BTreeSet::len).sum::<usize>(),
            5_000
        );
    }
}
