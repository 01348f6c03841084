//! The state table, the scheduler's own memory: each schedule's state
//! with its version (conditional writes: claims), and the shared copies of
//! holiday calendars and prices. A hub keeps each target's states under
//! keys that start with the target's partition (`target:ROLE_ARN@REGION/`)
//! and names the partition in `Partition`, the hash key of the index
//! `ByPartition`, so a target's pass queries its own items (and the
//! `shared` ones) instead of scanning every target's.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};
use chrono::{DateTime, NaiveDate, Utc};

use super::aws_error;
use super::dynamodb::Dynamo;
use crate::calendar::CalendarCache;
use crate::model::Item;
use crate::ports::{
    CallError, KeptCopies, Saved, ScheduleStates, StateWrite, TargetState, UsageHistory,
};
use crate::state::{ScheduleState, Stored, Versioned};
use crate::target::Target;
use crate::usage::CachedPrice;
use crate::usage::Observation;

/// State-table keys of a hub's targets start with this.
const TARGET_PREFIX: &str = "target:";
/// The partition index and its key.
pub const PARTITION_INDEX: &str = "ByPartition";
pub const PARTITION_ATTR: &str = "Partition";
/// The partition of calendar copies and prices, which every target reads.
const SHARED_PARTITION: &str = "shared";
pub(super) const STATE_ATTR: &str = "State";
pub(super) const VERSION_ATTR: &str = "Version";
/// State-table keys of calendar copies start with this; the rest is
/// [`crate::calendar::feed_key`] (a key must stay under 2 KB, and show no
/// token).
const CALENDAR_PREFIX: &str = "calendar:";
const CALENDAR_ATTR: &str = "Calendar";
/// When the copy was fetched (epoch seconds; 0: never): what a write of a
/// copy is conditioned on.
const LOADED_ATTR: &str = "LoadedAt";
const PRICE_PREFIX: &str = "price:";
const PRICE_ATTR: &str = "Price";
/// The shared item that says which Monday's weekly report was claimed.
const REPORT_KEY: &str = "report:weekly";
const REPORT_ATTR: &str = "Monday";

impl Dynamo {
    /// The same tables, with the states of one target of a hub.
    pub fn partitioned(mut self, partition: String) -> Self {
        self.partition = Some(partition);
        self
    }

    /// The schedule a state-table key holds in this partition, if it does.
    fn schedule_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        match &self.partition {
            Some(p) => key.strip_prefix(p.as_str()),
            None if [TARGET_PREFIX, CALENDAR_PREFIX, PRICE_PREFIX, REPORT_KEY]
                .iter()
                .any(|p| key.starts_with(p)) =>
            {
                None
            }
            None => Some(key),
        }
    }

    pub(super) fn state_key(&self, schedule: &str) -> String {
        format!(
            "{}{schedule}",
            self.partition.as_deref().unwrap_or_default()
        )
    }

    /// The state table with its partition index (if missing).
    pub(super) async fn create_state_table(&self) -> Result<bool, CallError> {
        self.create_table(
            &self.tables.state,
            &["ScheduleName"],
            Some((PARTITION_INDEX, PARTITION_ATTR)),
        )
        .await
    }

    /// This store's items: a single deployment's by one scan (small;
    /// eventually consistent, as a stale version only makes a claim
    /// conflict); a target's by two queries of the partition
    /// index, its own and the shared ones, so a hub's passes each read
    /// their own, not every target's.
    async fn state_items(&self) -> Result<Vec<Item>, CallError> {
        let Some(partition) = &self.partition else {
            return self.scan(&self.tables.state).await;
        };
        let mut items = self.partition_items(partition).await?;
        items.extend(self.partition_items(SHARED_PARTITION).await?);
        Ok(items)
    }

    async fn partition_items(&self, partition: &str) -> Result<Vec<Item>, CallError> {
        let items: Result<Vec<_>, _> = self
            .client()
            .query()
            .table_name(&self.tables.state)
            .index_name(PARTITION_INDEX)
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", PARTITION_ATTR)
            .expression_attribute_values(":p", AttributeValue::S(partition.to_string()))
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        items
            .map(|v| v.into_iter().map(Item).collect())
            .map_err(|e| aws_error("dynamodb:Query state", e))
    }

    /// A shared item (calendar copy, price) of the state table.
    async fn put_shared(&self, key: String, attr: &str, json: String) -> Result<(), CallError> {
        self.client()
            .put_item()
            .table_name(&self.tables.state)
            .item("ScheduleName", AttributeValue::S(key))
            .item(attr, AttributeValue::S(json))
            .item(PARTITION_ATTR, AttributeValue::S(SHARED_PARTITION.into()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error(&format!("dynamodb:PutItem {attr}"), e))
    }
}

impl Dynamo {
    /// The state-table items of `keys`, one BatchGetItem per 100 keys
    /// (strongly consistent); keys left unprocessed are asked again, up to
    /// five times.
    async fn batch_get(
        &self,
        keys: &[&String],
    ) -> Result<Vec<HashMap<String, AttributeValue>>, CallError> {
        let mut items = Vec::new();
        for chunk in keys.chunks(100) {
            let mut ask: Vec<_> = chunk
                .iter()
                .map(|k| {
                    HashMap::from([("ScheduleName".to_string(), AttributeValue::S(k.to_string()))])
                })
                .collect();
            for _ in 0..5 {
                if ask.is_empty() {
                    break;
                }
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut ask)))
                    .consistent_read(true)
                    .build()
                    .expect("keys are set");
                let out = self
                    .client()
                    .batch_get_item()
                    .request_items(&self.tables.state, request)
                    .send()
                    .await
                    .map_err(|e| aws_error("dynamodb:BatchGetItem state", e))?;
                if let Some(got) = out.responses().and_then(|r| r.get(&self.tables.state)) {
                    items.extend(got.iter().cloned());
                }
                ask = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.tables.state))
                    .map(|k| k.keys().to_vec())
                    .unwrap_or_default();
            }
            if !ask.is_empty() {
                return Err(CallError::new(
                    "dynamodb:BatchGetItem state",
                    "UnprocessedKeys",
                    "keys still unprocessed after five tries",
                ));
            }
        }
        Ok(items)
    }
}

impl ScheduleStates for Dynamo {
    /// A missing state table is created: losing it costs one pass's memory,
    /// not the scheduler.
    async fn load(&self) -> Result<Stored, CallError> {
        let items = match self.state_items().await {
            Ok(items) => items,
            Err(e) if e.code == "ResourceNotFoundException" => {
                tracing::warn!(table = %self.tables.state, "state table missing; creating it");
                self.create_state_table().await?;
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let mut out = Stored::default();
        for item in items {
            let Some(AttributeValue::S(name)) = item.0.get("ScheduleName") else {
                continue;
            };
            if let Some(key) = name.strip_prefix(CALENDAR_PREFIX) {
                if let Some(AttributeValue::S(json)) = item.0.get(CALENDAR_ATTR) {
                    match serde_json::from_str::<CalendarCache>(json) {
                        Ok(c) => {
                            out.calendars.insert(key.to_string(), c);
                        }
                        Err(e) => {
                            tracing::warn!(key = %name, error = %e, "unreadable calendar copy")
                        }
                    }
                }
                continue;
            }
            if name == REPORT_KEY {
                if let Some(AttributeValue::S(day)) = item.0.get(REPORT_ATTR) {
                    out.weekly_report = day.parse().ok();
                }
                continue;
            }
            if name.starts_with(PRICE_PREFIX) {
                if let Some(AttributeValue::S(json)) = item.0.get(PRICE_ATTR) {
                    if let Ok(p) = serde_json::from_str::<CachedPrice>(json) {
                        out.prices.insert(p.key.clone(), p);
                    }
                }
                continue;
            }
            let Some(schedule) = self.schedule_of(name) else {
                continue;
            };
            let version = match item.0.get(VERSION_ATTR) {
                Some(AttributeValue::N(n)) => n.parse().unwrap_or(0),
                _ => 0,
            };
            let state = state_of(&item.0, name);
            out.schedules
                .insert(schedule.to_string(), Versioned { state, version });
        }
        Ok(out)
    }

    /// Each target's item of each schedule, where there is one.
    async fn states_in(
        &self,
        schedules: &[String],
        targets: &[Target],
    ) -> Result<Vec<TargetState>, CallError> {
        let wanted: HashMap<String, (&Target, &String)> = targets
            .iter()
            .flat_map(|t| {
                schedules
                    .iter()
                    .map(move |s| (format!("{}{s}", t.partition()), (t, s)))
            })
            .collect();
        let keys: Vec<&String> = wanted.keys().collect();
        let mut found = Vec::new();
        for item in self.batch_get(&keys).await? {
            let Some(AttributeValue::S(key)) = item.get("ScheduleName") else {
                continue;
            };
            let Some((target, schedule)) = wanted.get(key) else {
                continue;
            };
            let state = state_of(&item, key);
            found.push(TargetState {
                target: (*target).clone(),
                schedule: (*schedule).clone(),
                state,
            });
        }
        found.sort_by(|a, b| (&a.target, &a.schedule).cmp(&(&b.target, &b.schedule)));
        Ok(found)
    }

    async fn save(
        &self,
        schedule: &str,
        state: &ScheduleState,
        expected: u64,
    ) -> Result<Saved, CallError> {
        self.put_state(schedule, state, expected).await
    }

    async fn save_all(&self, writes: &[StateWrite<'_>]) -> Vec<Result<Saved, CallError>> {
        self.put_states(writes).await
    }
}

impl KeptCopies for Dynamo {
    /// Only over a copy no newer than this one: a pass whose fetch failed
    /// never replaces the good copy another target's pass just saved.
    async fn save_calendar(&self, cache: &CalendarCache) -> Result<(), CallError> {
        let json = serde_json::to_string(cache).expect("a calendar copy serialises");
        let loaded = cache.loaded_at.map_or(0, |t| t.timestamp());
        let sent = self
            .client()
            .put_item()
            .table_name(&self.tables.state)
            .item(
                "ScheduleName",
                AttributeValue::S(format!("{CALENDAR_PREFIX}{}", cache.key)),
            )
            .item(CALENDAR_ATTR, AttributeValue::S(json))
            .item(LOADED_ATTR, AttributeValue::N(loaded.to_string()))
            .item(PARTITION_ATTR, AttributeValue::S(SHARED_PARTITION.into()))
            .condition_expression("attribute_not_exists(#l) OR #l <= :l")
            .expression_attribute_names("#l", LOADED_ATTR)
            .expression_attribute_values(":l", AttributeValue::N(loaded.to_string()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                tracing::info!(url = %cache.url, "a newer copy of the calendar is kept");
                Ok(())
            }
            Err(e) => Err(aws_error("dynamodb:PutItem Calendar", e)),
        }
    }

    async fn save_price(&self, price: &CachedPrice) -> Result<(), CallError> {
        let json = serde_json::to_string(price).expect("a price serialises");
        self.put_shared(format!("{PRICE_PREFIX}{}", price.key), PRICE_ATTR, json)
            .await
    }
}

impl UsageHistory for Dynamo {
    async fn record_usage(&self, observed: &[Observation]) -> Result<(), CallError> {
        self.write_usage(observed).await
    }

    async fn usage(&self, since: DateTime<Utc>) -> Result<Vec<Observation>, CallError> {
        self.read_usage(since).await
    }

    async fn week_usage(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<Observation>>, CallError> {
        self.read_days(since, now).await
    }

    async fn carry_usage(
        &self,
        at: DateTime<Utc>,
        carried: &[Observation],
    ) -> Result<(), CallError> {
        self.write_carry(at, carried).await
    }

    /// A conditional write of one shared item: of all passes of all
    /// targets, the first for a Monday wins.
    async fn claim_report(&self, monday: NaiveDate) -> Result<bool, CallError> {
        let sent = self
            .client()
            .put_item()
            .table_name(&self.tables.state)
            .item("ScheduleName", AttributeValue::S(REPORT_KEY.into()))
            .item(REPORT_ATTR, AttributeValue::S(monday.to_string()))
            .item(PARTITION_ATTR, AttributeValue::S(SHARED_PARTITION.into()))
            .condition_expression("attribute_not_exists(#m) OR #m < :m")
            .expression_attribute_names("#m", REPORT_ATTR)
            .expression_attribute_values(":m", AttributeValue::S(monday.to_string()))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(aws_error("dynamodb:PutItem report claim", e)),
        }
    }
}

/// The schedule state the item under `key` holds; an unreadable one
/// starts afresh, and says so in the log.
fn state_of(item: &HashMap<String, AttributeValue>, key: &str) -> ScheduleState {
    match item.get(STATE_ATTR) {
        Some(AttributeValue::S(json)) => serde_json::from_str(json).unwrap_or_else(|e| {
            tracing::warn!(schedule = %key, error = %e, "unreadable state; starting afresh");
            ScheduleState::default()
        }),
        _ => ScheduleState::default(),
    }
}
