use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

/// Which configuration table an item came from; displayed as the table's
/// logical name so messages read the same whatever the deployed table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Table {
    Schedule,
    ServerGroup,
    Exception,
}

impl Table {
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Schedule => "Schedule",
            Table::ServerGroup => "ScheduleServerGroup",
            Table::Exception => "ScheduleException",
        }
    }
}

/// What a bad item takes out of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "date")]
pub enum Effect {
    /// Its schedule does nothing (a bad Schedule or ServerGroup item).
    DisablesSchedule,
    /// Its schedule does nothing on that date (a bad exception item dated
    /// today or later).
    DisablesDate(NaiveDate),
    /// Nothing: the item is left out (an exception whose date is unreadable).
    Ignored,
    /// Its schedule waits for this pass: its servers could not be seen. It
    /// keeps its transition and what it has yet to do, for a later pass.
    Waits,
}

/// A bad item: where it is (table, key, attribute), what is wrong, and
/// what it takes out of service, so an operator can fix it without searching.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, thiserror::Error)]
pub struct ConfigError {
    pub table: Table,
    pub key: String,
    pub attribute: Option<String>,
    pub problem: String,
    pub schedule: Option<String>,
    pub effect: Effect,
}

impl ConfigError {
    /// An error that disables its schedule (if it names one).
    pub fn new(
        table: Table,
        key: impl Into<String>,
        attribute: Option<&str>,
        problem: impl Into<String>,
        schedule: Option<String>,
    ) -> Self {
        Self {
            table,
            key: key.into(),
            attribute: attribute.map(str::to_string),
            problem: problem.into(),
            schedule,
            effect: Effect::DisablesSchedule,
        }
    }

    /// The same error with another effect.
    pub fn with_effect(mut self, effect: Effect) -> Self {
        self.effect = effect;
        self
    }

    /// Whether this error switches off the named schedule.
    pub fn disables(&self, schedule: &str) -> bool {
        self.schedule.as_deref() == Some(schedule) && self.effect == Effect::DisablesSchedule
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} item {}", self.table.as_str(), self.key)?;
        if let Some(a) = &self.attribute {
            write!(f, " attribute {a}")?;
        }
        write!(f, ": {}", self.problem)?;
        match (&self.schedule, self.effect) {
            (Some(s), Effect::DisablesSchedule) => write!(f, " (schedule {s} disabled)"),
            (Some(s), Effect::DisablesDate(d)) => write!(f, " (schedule {s} does nothing on {d})"),
            (_, Effect::Ignored) => write!(f, " (item ignored)"),
            (Some(s), Effect::Waits) => write!(f, " (schedule {s} waits)"),
            (None, _) => Ok(()),
        }
    }
}

/// Longest part of a user's value an error line quotes: error lines go to
/// chat and into the state table, so a 70 KB attribute must not.
const QUOTED_CHARS: usize = 40;

/// A value as an error line quotes it: in quotes, escaped, and cut to
/// [`QUOTED_CHARS`] characters with the full length said.
pub fn quoted(value: &str) -> String {
    let count = value.chars().count();
    if count <= QUOTED_CHARS {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(QUOTED_CHARS).collect();
    format!("{:?} ({count} characters)", head + "…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_quoted_short() {
        assert_eq!(quoted("funday"), "\"funday\"");
        let q = quoted(&"x".repeat(70_000));
        assert!(q.len() < 80 && q.ends_with("(70000 characters)"), "{q}");
    }
}
