//! Hours and money saved. Each pass records the servers' observed
//! transitions (kept 400 days; the planner's `observed` rule says which);
//! [`tally`] sums them per
//! schedule and group over a period: hours running, hours stopped by the
//! scheduler, and the saving, those stopped hours times each server's
//! on-demand price ([`crate::pricing`]).

mod render;
mod tally;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::InstanceKind;

pub use render::{render, weekly_message};
pub use tally::{tally, Row, Usage};

/// How long transitions are kept (the usage table's TTL).
pub const KEEP_DAYS: i64 = 400;

/// One server seen up or down, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Running (`running`, `available`) rather than stopped.
    pub up: bool,
    /// The scheduler's own command brought it there (else a person, or it
    /// was first seen so).
    pub by_scheduler: bool,
    pub schedule: String,
    pub group: String,
    pub product: Product,
    /// A hub's target (`ROLE_ARN@REGION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// What a server is, as its price depends on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Product {
    pub kind: InstanceKind,
    /// The EC2 instance type, or the DB engine and class (`postgres db.t3.micro`).
    pub spec: Option<String>,
    pub region: String,
}

impl Product {
    /// The key of its cached price.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.region,
            self.kind.as_str(),
            self.spec.as_deref().unwrap_or("-")
        )
    }
}

/// The Monday whose weekly report is due at `now` (Monday from 09:00 in
/// `zone`), unless it was sent (`last`).
pub fn report_due(
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    last: Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    use chrono::{Datelike, Timelike, Weekday};
    let local = now.with_timezone(&zone);
    let monday = local.date_naive();
    (local.weekday() == Weekday::Mon && local.hour() >= 9 && last != Some(monday)).then_some(monday)
}

/// The week a report on `monday` sums: the seven days before it, from
/// midnight in `zone`.
pub fn report_week(
    monday: chrono::NaiveDate,
    zone: chrono_tz::Tz,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start =
        |d: chrono::NaiveDate| crate::time::resolve_local(zone, d.and_time(chrono::NaiveTime::MIN));
    (start(monday - chrono::Duration::days(7)), start(monday))
}

/// The products `observed` names, to look their prices up.
pub fn products(observed: &[Observation]) -> std::collections::BTreeSet<Product> {
    observed.iter().map(|o| o.product.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{utc, SEOUL};

    #[test]
    fn the_weekly_report_is_due_once_on_monday_from_nine() {
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(
            report_due(utc("2026-11-30T08:59:00+09:00"), SEOUL, None),
            None
        );
        assert_eq!(
            report_due(utc("2026-11-30T09:00:00+09:00"), SEOUL, None),
            Some(monday)
        );
        assert_eq!(
            report_due(utc("2026-11-30T09:05:00+09:00"), SEOUL, Some(monday)),
            None
        );
        assert_eq!(
            report_due(utc("2026-12-01T09:00:00+09:00"), SEOUL, None),
            None
        );
        let (since, until) = report_week(monday, SEOUL);
        assert_eq!(
            (since, until),
            (
                utc("2026-11-23T00:00:00+09:00"),
                utc("2026-11-30T00:00:00+09:00")
            )
        );
    }
}
