//! The sums: per schedule and group (and target), over a period, the hours
//! servers ran, the hours the scheduler kept them stopped, and the saving.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Prices;
use super::{Observation, Product};

/// The period and its rows.
#[derive(Debug, Clone, Serialize)]
pub struct Usage {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub rows: Vec<Row>,
    /// The rows' savings, when every row has one.
    pub saving_usd: Option<f64>,
}

/// One schedule's group (in one target).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub schedule: String,
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub servers: usize,
    pub running_hours: f64,
    pub stopped_hours: f64,
    /// Stopped hours times each server's price; `None` when a server with
    /// stopped hours has no price (`missing` says why).
    pub saving_usd: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// Each server's hours: its observations in time order, each state lasting
/// until the next one (the last until `until`), cut to the period. Hours
/// down count as saved only when the scheduler stopped it.
pub fn tally(
    observed: &[Observation],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    prices: &Prices,
) -> Usage {
    let mut by_server: BTreeMap<super::ServerKey, Vec<&Observation>> = BTreeMap::new();
    for o in observed.iter().filter(|o| o.at < until) {
        by_server.entry(o.server()).or_default().push(o);
    }
    let mut rows: BTreeMap<(String, String, Option<String>), Row> = BTreeMap::new();
    let mut unpriced: BTreeSet<(String, String, Option<String>)> = BTreeSet::new();
    for seen in by_server.values_mut() {
        seen.sort_by_key(|o| o.order());
        let (running, stopped) = hours(seen, since, until);
        if running == 0.0 && stopped == 0.0 {
            continue;
        }
        let last = seen.last().expect("a server has observations");
        let key = (
            last.schedule.to_string(),
            last.group.to_string(),
            last.target.clone(),
        );
        let row = rows.entry(key.clone()).or_insert_with(|| Row {
            schedule: last.schedule.to_string(),
            group: last.group.to_string(),
            target: last.target.clone(),
            servers: 0,
            running_hours: 0.0,
            stopped_hours: 0.0,
            saving_usd: Some(0.0),
            missing: vec![],
        });
        row.servers += 1;
        row.running_hours += running;
        row.stopped_hours += stopped;
        if stopped > 0.0 {
            match price(prices, &last.product) {
                Ok(p) => *row.saving_usd.get_or_insert(0.0) += stopped * p,
                Err(why) => {
                    unpriced.insert(key);
                    let line = format!("{}: {why}", describe(&last.product));
                    if !row.missing.contains(&line) {
                        row.missing.push(line);
                    }
                }
            }
        }
    }
    for key in unpriced {
        if let Some(row) = rows.get_mut(&key) {
            row.saving_usd = None;
        }
    }
    let rows: Vec<Row> = rows.into_values().collect();
    let saving_usd = rows
        .iter()
        .try_fold(0.0, |sum, r| r.saving_usd.map(|s| sum + s));
    Usage {
        since,
        until,
        rows,
        saving_usd,
    }
}

/// Hours up, and hours down by the scheduler's hand, within the period.
fn hours(seen: &[&Observation], since: DateTime<Utc>, until: DateTime<Utc>) -> (f64, f64) {
    let (mut running, mut stopped) = (0.0, 0.0);
    for (i, o) in seen.iter().enumerate() {
        let end = seen.get(i + 1).map_or(until, |next| next.at).min(until);
        let start = o.at.max(since);
        if end <= start {
            continue;
        }
        let h = (end - start).num_seconds() as f64 / 3600.0;
        if o.up {
            running += h;
        } else if o.by_scheduler {
            stopped += h;
        }
    }
    (running, stopped)
}

fn price(prices: &Prices, p: &Product) -> Result<f64, String> {
    prices
        .get(p)
        .cloned()
        .unwrap_or_else(|| Err("not looked up".into()))
}

/// `t3.micro in ap-northeast-2`.
fn describe(p: &Product) -> String {
    format!(
        "{} in {}",
        p.spec.as_deref().unwrap_or(p.kind.as_str()),
        p.region
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InstanceKind;
    use crate::testing::utc;

    fn seen(id: &str, at: &str, up: bool, by_scheduler: bool) -> Observation {
        Observation {
            id: id.into(),
            at: utc(at),
            up,
            by_scheduler,
            schedule: "dev".into(),
            group: "app".into(),
            product: Product {
                kind: InstanceKind::Ec2,
                spec: Some("t3.micro".into()),
                region: "ap-northeast-2".into(),
            },
            target: None,
        }
    }

    #[test]
    fn hours_split_into_running_and_stopped_by_the_scheduler() {
        let observed = vec![
            seen("i-1", "2026-11-29T00:00:00Z", true, false),
            seen("i-1", "2026-11-30T13:00:00Z", false, true),
            seen("i-1", "2026-12-01T00:00:00Z", true, true),
            // Stopped by a person: not a saving.
            seen("i-1", "2026-12-01T10:00:00Z", false, false),
        ];
        let prices: Prices = [(observed[0].product.clone(), Ok(0.013))].into();
        let u = tally(
            &observed,
            utc("2026-11-30T00:00:00Z"),
            utc("2026-12-01T12:00:00Z"),
            &prices,
        );
        let row = &u.rows[0];
        assert_eq!(
            (row.servers, row.running_hours, row.stopped_hours),
            (1, 23.0, 11.0)
        );
        assert!((row.saving_usd.unwrap() - 11.0 * 0.013).abs() < 1e-9);
        assert_eq!(u.saving_usd, row.saving_usd);
    }

    #[test]
    fn a_missing_price_leaves_the_hours_and_says_why() {
        let observed = vec![seen("i-1", "2026-11-30T00:00:00Z", false, true)];
        let prices: Prices = [(
            observed[0].product.clone(),
            Err("Price List unavailable (AccessDenied)".into()),
        )]
        .into();
        let u = tally(
            &observed,
            utc("2026-11-30T00:00:00Z"),
            utc("2026-11-30T10:00:00Z"),
            &prices,
        );
        assert_eq!(u.rows[0].stopped_hours, 10.0);
        assert_eq!(u.rows[0].saving_usd, None);
        assert_eq!(
            u.rows[0].missing,
            ["t3.micro in ap-northeast-2: Price List unavailable (AccessDenied)"]
        );
        assert_eq!(u.saving_usd, None);
    }
}
