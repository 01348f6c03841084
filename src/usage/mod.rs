//! Hours and money saved. Each pass records the servers' observed
//! transitions (kept 400 days; the planner's `observed` rule says which);
//! [`tally`] sums them per
//! schedule and group over a period: hours running, hours stopped by the
//! scheduler, and the saving, those stopped hours times each server's
//! on-demand price ([`crate::aws::pricing`], kept by [`crate::pass::prices`]).

mod price;
mod render;
mod tally;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::InstanceKind;

pub use price::{CachedPrice, Prices};
pub use render::{money, render};
pub use tally::{tally, Row, Usage};

/// How long transitions are kept (the usage table's TTL).
pub const KEEP_DAYS: i64 = 400;

/// One server seen up or down, and since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub id: Arc<str>,
    pub at: DateTime<Utc>,
    /// Running (`running`, `available`) rather than stopped.
    pub up: bool,
    /// The scheduler's own command brought it there (else a person, or it
    /// was first seen so).
    pub by_scheduler: bool,
    pub schedule: Arc<str>,
    pub group: Arc<str>,
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
    pub spec: Option<Arc<str>>,
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

/// One server across a hub: RDS and Aurora identifiers are unique only
/// within an account and region (a target).
pub type ServerKey = (Option<String>, InstanceKind, Arc<str>);

impl Observation {
    pub fn server(&self) -> ServerKey {
        (self.target.clone(), self.product.kind, self.id.clone())
    }

    /// The order of one server's observations: by time, and at the same
    /// time the scheduler's last (a server first seen down at a pass and
    /// started by it is dated at that pass twice: it went up).
    pub fn order(&self) -> (DateTime<Utc>, bool) {
        (self.at, self.by_scheduler)
    }
}

/// Keeps, of observations read in any order, what sums from `since` need:
/// those from `since` on, and each server's last one before it.
#[derive(Debug, Default)]
pub struct FromSince {
    since: DateTime<Utc>,
    before: std::collections::HashMap<ServerKey, Observation>,
    after: Vec<Observation>,
}

impl FromSince {
    pub fn new(since: DateTime<Utc>) -> FromSince {
        FromSince {
            since,
            ..FromSince::default()
        }
    }

    pub fn add(&mut self, o: Observation) {
        if o.at >= self.since {
            self.after.push(o);
        } else if self
            .before
            .get(&o.server())
            .is_none_or(|b| b.order() < o.order())
        {
            self.before.insert(o.server(), o);
        }
    }

    pub fn finish(mut self) -> Vec<Observation> {
        self.after.extend(self.before.into_values());
        self.after
    }
}

/// Each server's state at `at`: its last observation before `at`, as it
/// was (its time, so its expiry and its order against a late write stay
/// the original's), so that sums from `at` need only what follows (the
/// weekly report's carry, kept under `at`'s day).
pub fn carried(observed: &[Observation], at: DateTime<Utc>) -> Vec<Observation> {
    let mut last: std::collections::HashMap<ServerKey, &Observation> = Default::default();
    // Past the table's expiry, as a scan would no longer see it.
    let kept = |o: &&Observation| o.at < at && at - o.at < chrono::Duration::days(KEEP_DAYS);
    for o in observed.iter().filter(kept) {
        if last.get(&o.server()).is_none_or(|l| l.order() < o.order()) {
            last.insert(o.server(), o);
        }
    }
    let mut out: Vec<Observation> = last.into_values().cloned().collect();
    out.sort_by_key(Observation::server);
    out
}

/// The products `observed` names, to look their prices up.
pub fn products(observed: &[Observation]) -> std::collections::BTreeSet<Product> {
    observed.iter().map(|o| o.product.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{utc, SEOUL};

    /// An EC2 server of dev/app seen up or down at `at`.
    fn o(id: &str, at: &str, up: bool) -> Observation {
        Observation {
            id: id.into(),
            at: utc(at),
            up,
            by_scheduler: true,
            schedule: "dev".into(),
            group: "app".into(),
            product: Product {
                kind: InstanceKind::Ec2,
                spec: None,
                region: String::new(),
            },
            target: None,
        }
    }

    #[test]
    fn a_period_needs_its_observations_and_each_servers_last_before_it() {
        let mut kept = FromSince::new(utc("2026-11-23T00:00:00Z"));
        for x in [
            o("a", "2026-10-01T00:00:00Z", true),
            o("a", "2026-11-20T00:00:00Z", false),
            o("a", "2026-11-01T00:00:00Z", true),
            o("a", "2026-11-24T00:00:00Z", true),
            o("b", "2026-09-01T00:00:00Z", true),
        ] {
            kept.add(x);
        }
        let mut got: Vec<(String, String)> = kept
            .finish()
            .into_iter()
            .map(|o| (o.id.to_string(), o.at.format("%m-%d").to_string()))
            .collect();
        got.sort();
        let want = [("a", "11-20"), ("a", "11-24"), ("b", "09-01")];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));
    }

    #[test]
    fn a_carry_is_each_servers_last_state_before() {
        let at = utc("2026-11-30T00:00:00Z");
        let carried = carried(
            &[
                o("a", "2026-11-20T00:00:00Z", true),
                o("a", "2026-11-25T00:00:00Z", false),
                o("a", "2026-11-30T09:00:00Z", true),
                o("b", "2026-12-01T00:00:00Z", true),
            ],
            at,
        );
        assert_eq!(carried.len(), 1, "b was not seen before");
        assert_eq!(
            (&*carried[0].id, carried[0].up, carried[0].at),
            ("a", false, utc("2026-11-25T00:00:00Z"))
        );
    }

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
