//! The scheduler's own memory per schedule, kept in the state table: when
//! the last pass ran, which start or stop is in progress and what it has
//! already commanded, which warnings and errors were already sent.

use std::collections::BTreeSet;

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
}

/// A start or stop moving through the waves, possibly over several passes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub direction: Direction,
    pub cause: Cause,
    pub since: DateTime<Utc>,
    /// Ids already commanded in this transition: never commanded twice.
    #[serde(default)]
    pub commanded: BTreeSet<String>,
}

/// Why a transition began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum Cause {
    Event { at: DateTime<Utc> },
    ForceStart,
    Enforced,
}

/// A schedule's state with the version it was read at, for conditional writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versioned {
    pub state: ScheduleState,
    /// 0 when there was no item.
    pub version: u64,
}
