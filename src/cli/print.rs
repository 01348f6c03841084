//! What several subcommands print the same way: JSON, and the line that
//! says why a start or stop does not happen.

use crate::time::Skip;

/// Pretty JSON of a value whose serialisation cannot fail (plain data).
pub(super) fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("plans and reports serialise")
}

/// `dev: no start at 2026-12-01 (exception: start None by alice; item x1)`.
pub(super) fn skip_line(schedule: &str, s: &Skip) -> String {
    let item = s
        .why
        .item()
        .map(|id| format!("; item {id}"))
        .unwrap_or_default();
    format!(
        "{schedule}: no {} at {} ({}{item})",
        s.kind,
        s.day.format("%Y-%m-%d"),
        s.why.text()
    )
}
