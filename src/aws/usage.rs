//! The usage history in its own table (`USAGE_TABLE`): one item per
//! server and observed transition, keyed `InstanceId` + `At`, expiring
//! after 400 days (`ExpiresAt`, the table's TTL attribute). Kept out of the
//! state table, which every pass scans whole.

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, TimeToLiveSpecification, WriteRequest};
use chrono::{DateTime, Duration, Utc};

use super::aws_error;
use super::dynamodb::Dynamo;
use crate::ports::CallError;
use crate::usage::{FromSince, Observation, KEEP_DAYS};

/// BatchWriteItem takes at most 25 items.
const PER_BATCH: usize = 25;
const OBSERVATION_ATTR: &str = "Observation";
pub const TTL_ATTR: &str = "ExpiresAt";

impl Dynamo {
    /// Writes `observed` in batches; unprocessed items are sent again (3
    /// tries), then reported.
    pub(super) async fn write_usage(&self, observed: &[Observation]) -> Result<(), CallError> {
        for chunk in observed.chunks(PER_BATCH) {
            let mut requests: Vec<WriteRequest> = chunk.iter().map(request).collect();
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
                if let Some(o) = observation(item) {
                    kept.add(o);
                }
            }
        }
        Ok(kept.finish())
    }

    /// Turns on the usage table's expiry (local tables; the template sets it).
    pub(super) async fn expire_usage(&self) -> Result<(), CallError> {
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

fn request(o: &Observation) -> WriteRequest {
    let json = serde_json::to_string(o).expect("an observation serialises");
    let expires = (o.at + Duration::days(KEEP_DAYS)).timestamp();
    let item = [
        ("InstanceId", AttributeValue::S(o.id.clone())),
        ("At", AttributeValue::S(o.at.to_rfc3339())),
        (OBSERVATION_ATTR, AttributeValue::S(json)),
        (TTL_ATTR, AttributeValue::N(expires.to_string())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    WriteRequest::builder()
        .put_request(
            PutRequest::builder()
                .set_item(Some(item))
                .build()
                .expect("the item is set"),
        )
        .build()
}

fn observation(item: &std::collections::HashMap<String, AttributeValue>) -> Option<Observation> {
    match item.get(OBSERVATION_ATTR) {
        Some(AttributeValue::S(json)) => serde_json::from_str(json)
            .inspect_err(|e| tracing::warn!(error = %e, "unreadable usage item"))
            .ok(),
        _ => None,
    }
}
