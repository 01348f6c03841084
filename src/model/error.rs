use std::fmt;

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

/// A bad item: where it is (table, key, attribute), what is wrong, and the
/// schedule that it disables, so an operator can fix it without searching.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, thiserror::Error)]
pub struct ConfigError {
    pub table: Table,
    pub key: String,
    pub attribute: Option<String>,
    pub problem: String,
    pub schedule: Option<String>,
}

impl ConfigError {
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
        }
    }

    /// Whether this error switches off the named schedule.
    pub fn disables(&self, schedule: &str) -> bool {
        self.schedule.as_deref() == Some(schedule)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} item {}", self.table.as_str(), self.key)?;
        if let Some(a) = &self.attribute {
            write!(f, " attribute {a}")?;
        }
        write!(f, ": {}", self.problem)?;
        if let Some(s) = &self.schedule {
            write!(f, " (schedule {s} disabled)")?;
        }
        Ok(())
    }
}
