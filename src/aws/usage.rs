//! The usage history in its own table (`USAGE_TABLE`): what one round of
//! a pass observed of one schedule's servers is one item (up to
//! [`ITEM_BYTES`] of observations in `Observations`), keyed `InstanceId` =
//! `#SCHEDULE` (a hub's target before it) + `At` = the latest observation's
//! time and a unique suffix, expiring after 400 days (`ExpiresAt`, the
//! table's TTL attribute); a full stop of 2,000 servers in 50 schedules is
//! two BatchWriteItem calls, not 88. Items of one server each (`Observation`),
//! as earlier versions wrote them, are still read. Kept out of the state
//! table, which every pass scans whole.
//!
//! The weekly report reads only its days: each item names its UTC day in
//! `Day` (`2026-11-30#2`: the day, and one of [`DAY_SHARDS`] shards so that
//! a full stop's writes spread over partitions), the hash key of the index
//! `ByDay`. What a server was doing when the week began is the carry the
//! last report wrote (each server's last observation before the week, as
//! it was, filed under the week's first day), found with its marker;
//! without the marker (the first report, or one after a missed week) the
//! report scans the table.

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, TimeToLiveSpecification, WriteRequest};
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::aws_error;
use super::dynamodb::Dynamo;
use crate::ports::CallError;
use crate::usage::{FromSince, Observation, KEEP_DAYS};

/// BatchWriteItem takes at most 25 items.
const PER_BATCH: usize = 25;
/// Bytes of observations' JSON in one item, well under DynamoDB's 400 KB
/// whatever the names and targets they carry.
const ITEM_BYTES: usize = 300 * 1024;
/// One observation (items written before observations were grouped).
const OBSERVATION_ATTR: &str = "Observation";
/// A JSON list of observations.
const OBSERVATIONS_ATTR: &str = "Observations";
pub const TTL_ATTR: &str = "ExpiresAt";
/// The day index and its key.
const DAY_INDEX: &str = "ByDay";
const DAY_ATTR: &str = "Day";
/// How many partitions of the index one day's items spread over.
const DAY_SHARDS: u32 = 4;
/// `InstanceId` of the item that says a carry is complete.
const CARRY_MARK: &str = "#carried";

impl Dynamo {
    /// Writes `observed` in batches; unprocessed items are sent again (3
    /// tries), then reported.
    pub(super) async fn write_usage(&self, observed: &[Observation]) -> Result<(), CallError> {
        self.write_items(grouped_items(observed, None)).await
    }

    /// Writes `carried` (each server's last observation before `at`) into
    /// `at`'s day, then the marker that says the carry of `at` is complete.
    pub(super) async fn write_carry(
        &self,
        at: DateTime<Utc>,
        carried: &[Observation],
    ) -> Result<(), CallError> {
        self.write_items(grouped_items(carried, Some(at.date_naive())))
            .await?;
        self.write_items(vec![item(CARRY_MARK.into(), at, at.date_naive())])
            .await
    }

    async fn write_items(&self, items: Vec<Item>) -> Result<(), CallError> {
        for chunk in items.chunks(PER_BATCH) {
            let mut requests: Vec<WriteRequest> = chunk.iter().cloned().map(put).collect();
            for _ in 0..3 {
                let out = self
                    .client()
                    .batch_write_item()
                    .request_items(&self.tables.usage, requests)
                    .send()
                    .await
                    .map_err(|e| aws_error("dynamodb:BatchWriteItem usage", e))?;
                requests = out
                    .unprocessed_items()
                    .and_then(|u| u.get(&self.tables.usage))
                    .cloned()
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
            }
            if !requests.is_empty() {
                return Err(CallError::new(
                    "dynamodb:BatchWriteItem usage",
                    "UnprocessedItems",
                    format!("{} observations not written", requests.len()),
                ));
            }
        }
        Ok(())
    }

    /// What sums from `since` need ([`FromSince`]), page by page: one
    /// page of items (1 MB) at a time is held, not the 400 days.
    pub(super) async fn read_usage(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<Observation>, CallError> {
        let mut kept = FromSince::new(since);
        let mut pages = self
            .client()
            .scan()
            .table_name(&self.tables.usage)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws_error("dynamodb:Scan usage", e))?;
            for item in page.items() {
                observations(item).into_iter().for_each(|o| kept.add(o));
            }
        }
        Ok(kept.finish())
    }

    /// What sums from `since` need, from the days `since` to `now` of the
    /// day index; `None` when the carry of `since` is missing.
    pub(super) async fn read_days(
        &self,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<Observation>>, CallError> {
        let mut kept = FromSince::new(since);
        let mut carried = false;
        let mut day = since.date_naive();
        while day <= now.date_naive() {
            for shard in 0..DAY_SHARDS {
                let mut pages = self
                    .client()
                    .query()
                    .table_name(&self.tables.usage)
                    .index_name(DAY_INDEX)
                    .key_condition_expression("#d = :d")
                    .expression_attribute_names("#d", DAY_ATTR)
                    .expression_attribute_values(":d", AttributeValue::S(day_key(day, shard)))
                    .into_paginator()
                    .send();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| aws_error("dynamodb:Query usage ByDay", e))?;
                    for item in page.items() {
                        carried |= is_mark(item, since);
                        observations(item).into_iter().for_each(|o| kept.add(o));
                    }
                }
            }
            day += Duration::days(1);
        }
        Ok(carried.then(|| kept.finish()))
    }

    /// The usage table with its day index and expiry, if missing (local
    /// tables; the template makes the deployed one).
    pub(super) async fn create_usage_table(&self) -> Result<bool, CallError> {
        let usage = &self.tables.usage;
        let created = self
            .create_table(usage, &["InstanceId", "At"], Some((DAY_INDEX, DAY_ATTR)))
            .await?;
        if created {
            self.expire_usage().await?;
        }
        Ok(created)
    }

    async fn expire_usage(&self) -> Result<(), CallError> {
        self.client()
            .update_time_to_live()
            .table_name(&self.tables.usage)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTR)
                    .build()
                    .expect("name and switch are set"),
            )
            .send()
            .await
            .map(drop)
            .map_err(|e| aws_error("dynamodb:UpdateTimeToLive usage", e))
    }
}

type Item = std::collections::HashMap<String, AttributeValue>;

/// `observed` with each one's JSON, in parts of at most [`ITEM_BYTES`].
fn by_size<'a>(observed: &[&'a Observation]) -> Vec<Vec<(&'a Observation, String)>> {
    let mut parts: Vec<Vec<(&Observation, String)>> = vec![];
    let mut bytes = 0;
    for o in observed {
        let json = serde_json::to_string(o).expect("an observation serialises");
        if parts.is_empty() || bytes + json.len() + 1 > ITEM_BYTES {
            parts.push(vec![]);
            bytes = 0;
        }
        bytes += json.len() + 1;
        parts
            .last_mut()
            .expect("a part was pushed")
            .push((*o, json));
    }
    parts
}

/// The items of `observed`: one per schedule (and target) per
/// [`ITEM_BYTES`] of observations, each in the index under its latest
/// observation's day, or under `day`.
fn grouped_items(observed: &[Observation], day: Option<NaiveDate>) -> Vec<Item> {
    let mut by_schedule: BTreeMap<(Option<&str>, &str), Vec<&Observation>> = BTreeMap::new();
    for o in observed {
        by_schedule
            .entry((o.target.as_deref(), &*o.schedule))
            .or_default()
            .push(o);
    }
    let mut items = Vec::new();
    for ((target, schedule), all) in by_schedule {
        let key = match target {
            Some(t) => format!("{t}/#{schedule}"),
            None => format!("#{schedule}"),
        };
        for part in by_size(&all) {
            let at = part
                .iter()
                .map(|(o, _)| o.at)
                .max()
                .expect("a part is never empty");
            let json = format!(
                "[{}]",
                part.iter()
                    .map(|(_, j)| j.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            );
            let mut it = item(key.clone(), at, day.unwrap_or(at.date_naive()));
            // Two rounds' items of one schedule may share their latest time.
            let unique = format!("{}#{}", at.to_rfc3339(), uuid::Uuid::new_v4().simple());
            it.insert("At".into(), AttributeValue::S(unique));
            it.insert(OBSERVATIONS_ATTR.into(), AttributeValue::S(json));
            items.push(it);
        }
    }
    items
}

/// An item's keys, its day in the index and its expiry.
fn item(key: String, at: DateTime<Utc>, day: NaiveDate) -> Item {
    let expires = (at + Duration::days(KEEP_DAYS)).timestamp();
    let shard = key.bytes().map(u32::from).sum::<u32>() % DAY_SHARDS;
    [
        ("InstanceId", AttributeValue::S(key)),
        ("At", AttributeValue::S(at.to_rfc3339())),
        (DAY_ATTR, AttributeValue::S(day_key(day, shard))),
        (TTL_ATTR, AttributeValue::N(expires.to_string())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn day_key(day: NaiveDate, shard: u32) -> String {
    format!("{day}#{shard}")
}

fn is_mark(item: &Item, since: DateTime<Utc>) -> bool {
    let text = |k: &str| match item.get(k) {
        Some(AttributeValue::S(v)) => Some(v.as_str()),
        _ => None,
    };
    text("InstanceId") == Some(CARRY_MARK) && text("At") == Some(since.to_rfc3339().as_str())
}

fn put(item: Item) -> WriteRequest {
    WriteRequest::builder()
        .put_request(
            PutRequest::builder()
                .set_item(Some(item))
                .build()
                .expect("the item is set"),
        )
        .build()
}

/// The observations an item holds: a list, or one (earlier items), or
/// none (the carry's marker).
fn observations(item: &Item) -> Vec<Observation> {
    let read = |attr: &str| match item.get(attr) {
        Some(AttributeValue::S(json)) => Some(json.as_str()),
        _ => None,
    };
    let parsed = if let Some(json) = read(OBSERVATIONS_ATTR) {
        serde_json::from_str(json)
    } else if let Some(json) = read(OBSERVATION_ATTR) {
        serde_json::from_str(json).map(|o| vec![o])
    } else {
        return vec![];
    };
    parsed
        .inspect_err(|e| tracing::warn!(error = %e, "unreadable usage item"))
        .unwrap_or_default()
}
