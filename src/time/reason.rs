//! Why a day, or a regular event of it, is as it is: one type for the
//! week's days, the preview's skipped events and the pass's quiet rounds,
//! with one sentence each.

use serde::Serialize;

use crate::model::{clock_text, Direction, ScheduleException};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Reason {
    /// The schedule's own periods.
    Regular,
    /// An exception item for that day and kind.
    Exception {
        id: String,
        kind: Direction,
        value: String,
        created_by: Option<String>,
    },
    /// A holiday calendar marks the date.
    Holiday { name: String },
    /// A bad exception item takes the date out of service.
    Closed,
    /// ForceStart is set: everything starts at the next pass.
    ForceStart,
}

impl Reason {
    pub fn exception(x: &ScheduleException) -> Reason {
        Reason::Exception {
            id: x.id.clone(),
            kind: x.kind,
            value: clock_text(x.value),
            created_by: x.created_by.clone(),
        }
    }

    /// The exception item's id, for a line with room for it.
    pub fn item(&self) -> Option<&str> {
        match self {
            Reason::Exception { id, .. } => Some(id),
            _ => None,
        }
    }

    /// A short line for people.
    pub fn text(&self) -> String {
        match self {
            Reason::Regular => "regular".into(),
            Reason::Exception {
                kind,
                value,
                created_by,
                ..
            } => match created_by {
                Some(who) => format!("exception: {kind} {value} by {who}"),
                None => format!("exception: {kind} {value}"),
            },
            Reason::Holiday { name } => format!("holiday: {name}"),
            Reason::Closed => "a bad exception item (see schedctl validate)".into(),
            Reason::ForceStart => "ForceStart: starting at the next pass".into(),
        }
    }
}
