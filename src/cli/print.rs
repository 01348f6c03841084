//! What several subcommands print the same way: JSON, and the line that
//! says why a start or stop does not happen.

use crate::time::{Skip, SkipReason};

/// Pretty JSON of a value whose serialisation cannot fail (plain data).
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("plans and reports serialise")
}

/// `dev: no start at 2026-12-01 09:00 (exception dev/2026-12-01/start by alice)`.
pub(super) fn skip_line(schedule: &str, s: &Skip) -> String {
    let why = match &s.why {
        SkipReason::Exception { id, created_by } => match created_by {
            Some(who) => format!("exception {id} by {who}"),
            None => format!("exception {id}"),
        },
        SkipReason::Closed => {
            "a bad exception item takes the date out (see schedctl validate)".into()
        }
        SkipReason::Holiday { name } => format!("holiday: {name}"),
    };
    format!(
        "{schedule}: no {} at {} ({why})",
        s.kind,
        s.day.format("%Y-%m-%d")
    )
}
