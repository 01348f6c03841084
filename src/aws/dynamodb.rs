//! The four tables: paginated scans of the configuration (whatever key
//! schema an existing table has), conditional writes of the state, and the
//! few writes the CLI and the bot make (whole exception items, ForceStart).

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::aws_error;
use crate::calendar::CalendarCache;
use crate::model::{Item, RawConfig};
use crate::ports::{CallError, ConfigStore, Put, Saved, ScheduleEditor, StateStore};
use crate::state::{ScheduleState, Stored, Versioned};

/// Table names, from `SCHEDULE_TABLE`, `SERVER_GROUP_TABLE`,
/// `EXCEPTION_TABLE` and `STATE_TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub schedule: String,
    pub group: String,
    pub exception: String,
    pub state: String,
}

impl Default for Tables {
    fn default() -> Self {
        Self {
            schedule: "Schedule".into(),
            group: "ScheduleServerGroup".into(),
            exception: "ScheduleException".into(),
            state: "ScheduleState".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dynamo {
    client: Client,
    pub tables: Tables,
}

impl Dynamo {
    pub fn new(client: Client, tables: Tables) -> Self {
        Self { client, tables }
    }

    async fn scan(&self, table: &str) -> Result<Vec<Item>, CallError> {
        let items: Result<Vec<_>, _> = self
            .client
            .scan()
            .table_name(table)
            .into_paginator()
            .items()
            .send()
            .collect()
            .await;
        items
            .map(|v| v.into_iter().map(Item).collect())
            .map_err(|e| aws_error(&format!("dynamodb:Scan {table}"), e))
    }

    /// Creates whichever of the four tables is missing, with the keys the
    /// SAM template gives them; returns the names it created.
    pub async fn create_tables(&self) -> Result<Vec<String>, CallError> {
        let t = &self.tables;
        let specs: [(&str, &[&str]); 4] = [
            (&t.schedule, &["ScheduleName"]),
            (&t.group, &["ScheduleName", "GroupName"]),
            (&t.exception, &["ExceptionUuid"]),
            (&t.state, &["ScheduleName"]),
        ];
        let mut created = Vec::new();
        for (name, keys) in specs {
            if self.create_table(name, keys).await? {
                created.push(name.to_string());
            }
        }
        Ok(created)
    }

    async fn create_table(&self, name: &str, keys: &[&str]) -> Result<bool, CallError> {
        let mut req = self
            .client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest);
        for (i, k) in keys.iter().enumerate() {
            let kind = if i == 0 {
                KeyType::Hash
            } else {
                KeyType::Range
            };
            req = req
                .attribute_definitions(
                    AttributeDefinition::builder()
                        .attribute_name(*k)
                        .attribute_type(ScalarAttributeType::S)
                        .build()
                        .expect("name and type are set"),
                )
                .key_schema(
                    KeySchemaElement::builder()
                        .attribute_name(*k)
                        .key_type(kind)
                        .build()
                        .expect("name and type are set"),
                );
        }
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_in_use_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(aws_error(&format!("dynamodb:CreateTable {name}"), e)),
        }
    }
}

impl ScheduleEditor for Dynamo {
    /// Exception items of all schedules.
    async fn exceptions(&self) -> Result<Vec<Item>, CallError> {
        self.scan(&self.tables.exception).await
    }

    async fn put_exception(&self, item: Item) -> Result<Put, CallError> {
        let value = item
            .0
            .get("ExceptionValue")
            .cloned()
            .unwrap_or(AttributeValue::Null(true));
        let out = self
            .client
            .put_item()
            .table_name(&self.tables.exception)
            .set_item(Some(item.0))
            .condition_expression("attribute_not_exists(ExceptionUuid) OR ExceptionValue <> :v")
            .expression_attribute_values(":v", value)
            .send()
            .await;
        match out {
            Ok(_) => Ok(Put::Written),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(Put::Unchanged)
            }
            Err(e) => Err(aws_error("dynamodb:PutItem", e)),
        }
    }

    /// Removes one exception item; `false` when there was none with that id.
    async fn delete_exception(&self, id: &str) -> Result<bool, CallError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.tables.exception)
            .key("ExceptionUuid", AttributeValue::S(id.to_string()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| aws_error("dynamodb:DeleteItem", e))?;
        Ok(out.attributes().is_some())
    }

    /// Sets ForceStart on an existing schedule item, touching no other attribute.
    async fn set_force_start(&self, schedule: &str, value: bool) -> Result<(), CallError> {
        self.client
            .update_item()
            .table_name(&self.tables.schedule)
            .key("ScheduleName", AttributeValue::S(schedule.to_string()))
            .update_expression("SET ForceStart = :v")
            .condition_expression("attribute_exists(ScheduleName)")
            .expression_attribute_values(":v", AttributeValue::Bool(value))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error("dynamodb:UpdateItem", e))
    }
}

impl ConfigStore for Dynamo {
    async fn load(&self) -> Result<RawConfig, CallError> {
        let t = &self.tables;
        let (schedules, groups, exceptions) = tokio::try_join!(
            self.scan(&t.schedule),
            self.scan(&t.group),
            self.scan(&t.exception)
        )?;
        Ok(RawConfig {
            schedules,
            groups,
            exceptions,
        })
    }

    async fn reset_force_start(&self, schedule: &str) -> Result<(), CallError> {
        self.set_force_start(schedule, false).await
    }
}

const STATE_ATTR: &str = "State";
const VERSION_ATTR: &str = "Version";
/// State-table keys of calendar copies start with this; the rest is a
/// digest of the URL (a key must stay under 2 KB).
const CALENDAR_PREFIX: &str = "calendar:";
const CALENDAR_ATTR: &str = "Calendar";

fn calendar_key(url: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(url.as_bytes());
    format!("{CALENDAR_PREFIX}{}", hex::encode(&digest[..12]))
}

impl StateStore for Dynamo {
    /// A missing state table is created: losing it costs one pass's memory,
    /// not the scheduler.
    async fn load(&self) -> Result<Stored, CallError> {
        let items = match self.scan(&self.tables.state).await {
            Ok(items) => items,
            Err(e) if e.code == "ResourceNotFoundException" => {
                tracing::warn!(table = %self.tables.state, "state table missing; creating it");
                self.create_table(&self.tables.state, &["ScheduleName"])
                    .await?;
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        let mut out = Stored::default();
        for item in items {
            let Some(AttributeValue::S(name)) = item.0.get("ScheduleName") else {
                continue;
            };
            if name.starts_with(CALENDAR_PREFIX) {
                if let Some(AttributeValue::S(json)) = item.0.get(CALENDAR_ATTR) {
                    match serde_json::from_str::<CalendarCache>(json) {
                        Ok(c) => {
                            out.calendars.insert(c.url.clone(), c);
                        }
                        Err(e) => {
                            tracing::warn!(key = %name, error = %e, "unreadable calendar copy")
                        }
                    }
                }
                continue;
            }
            let version = match item.0.get(VERSION_ATTR) {
                Some(AttributeValue::N(n)) => n.parse().unwrap_or(0),
                _ => 0,
            };
            let state = match item.0.get(STATE_ATTR) {
                Some(AttributeValue::S(json)) => serde_json::from_str(json).unwrap_or_else(|e| {
                    tracing::warn!(schedule = %name, error = %e, "unreadable state; starting afresh");
                    ScheduleState::default()
                }),
                _ => ScheduleState::default(),
            };
            out.schedules
                .insert(name.clone(), Versioned { state, version });
        }
        Ok(out)
    }

    async fn save_calendar(&self, cache: &CalendarCache) -> Result<(), CallError> {
        let json = serde_json::to_string(cache).expect("a calendar copy serialises");
        self.client
            .put_item()
            .table_name(&self.tables.state)
            .item("ScheduleName", AttributeValue::S(calendar_key(&cache.url)))
            .item(CALENDAR_ATTR, AttributeValue::S(json))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error("dynamodb:PutItem calendar", e))
    }

    async fn save(
        &self,
        schedule: &str,
        state: &ScheduleState,
        expected: u64,
    ) -> Result<Saved, CallError> {
        let json = serde_json::to_string(state).expect("state serialises");
        let next = expected + 1;
        let mut req = self
            .client
            .put_item()
            .table_name(&self.tables.state)
            .item("ScheduleName", AttributeValue::S(schedule.to_string()))
            .item(STATE_ATTR, AttributeValue::S(json))
            .item(VERSION_ATTR, AttributeValue::N(next.to_string()));
        req = if expected == 0 {
            req.condition_expression("attribute_not_exists(ScheduleName)")
        } else {
            req.condition_expression("#v = :v")
                .expression_attribute_names("#v", VERSION_ATTR)
                .expression_attribute_values(":v", AttributeValue::N(expected.to_string()))
        };
        match req.send().await {
            Ok(_) => Ok(Saved::Written(next)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(Saved::Conflict)
            }
            Err(e) => Err(aws_error("dynamodb:PutItem state", e)),
        }
    }
}
