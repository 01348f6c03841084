//! The five tables: paginated scans of the configuration (whatever key
//! schema an existing table has) and the few writes the CLI and the bot
//! make (whole exception items, ForceStart). The state table is
//! `aws::state`'s, the usage table `aws::usage`'s.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::aws_error;
use crate::import::{IMPORTED_FROM, PEER};
use crate::model::{Item, RawConfig};
use crate::ports::{CallError, ConfigStore, Put, ScheduleEditor, ScheduleImport};

/// Table names, from `SCHEDULE_TABLE`, `SERVER_GROUP_TABLE`,
/// `EXCEPTION_TABLE`, `STATE_TABLE` and `USAGE_TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tables {
    pub schedule: String,
    pub group: String,
    pub exception: String,
    pub state: String,
    pub usage: String,
}

impl Default for Tables {
    fn default() -> Self {
        Self {
            schedule: "Schedule".into(),
            group: "ScheduleServerGroup".into(),
            exception: "ScheduleException".into(),
            state: "ScheduleState".into(),
            usage: "ScheduleUsage".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dynamo {
    client: Client,
    pub tables: Tables,
    /// Whose states it reads and writes in the state table: a hub's target
    /// (keys start with its partition, see `aws::state`), or `None`, the
    /// single deployment's own (keys without one).
    pub(super) partition: Option<String>,
}

impl Dynamo {
    pub fn new(client: Client, tables: Tables) -> Self {
        Self {
            client,
            tables,
            partition: None,
        }
    }

    pub(super) fn client(&self) -> &Client {
        &self.client
    }

    pub(super) async fn scan(&self, table: &str) -> Result<Vec<Item>, CallError> {
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

    /// Creates whichever of the five tables is missing, with the keys the
    /// SAM template gives them; returns the names it created.
    pub async fn create_tables(&self) -> Result<Vec<String>, CallError> {
        let t = &self.tables;
        let specs: [(&str, &[&str]); 3] = [
            (&t.schedule, &["ScheduleName"]),
            (&t.group, &["ScheduleName", "GroupName"]),
            (&t.exception, &["ExceptionUuid"]),
        ];
        let mut created = Vec::new();
        for (name, keys) in specs {
            if self.create_table(name, keys, None).await? {
                created.push(name.to_string());
            }
        }
        if self.create_state_table().await? {
            created.push(t.state.clone());
        }
        if self.create_usage_table().await? {
            created.push(t.usage.clone());
        }
        Ok(created)
    }

    /// Creates table `name` with `keys` (hash, then range), all strings, and
    /// `index`: a global secondary index keyed by one more string attribute.
    pub(super) async fn create_table(
        &self,
        name: &str,
        keys: &[&str],
        index: Option<(&str, &str)>,
    ) -> Result<bool, CallError> {
        let mut req = self
            .client
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest);
        if let Some((index, key)) = index {
            req = req
                .attribute_definitions(string_attribute(key))
                .global_secondary_indexes(hash_index(index, key));
        }
        for (i, k) in keys.iter().enumerate() {
            let kind = if i == 0 {
                KeyType::Hash
            } else {
                KeyType::Range
            };
            req = req.attribute_definitions(string_attribute(k)).key_schema(
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

impl ScheduleImport for Dynamo {
    async fn scan_table(&self, table: &str) -> Result<Vec<Item>, CallError> {
        self.scan(table).await
    }

    async fn schedule_items(&self) -> Result<Vec<Item>, CallError> {
        self.scan(&self.tables.schedule).await
    }

    async fn put_imported(&self, item: Item, fresh: bool) -> Result<bool, CallError> {
        let req = self
            .client
            .put_item()
            .table_name(&self.tables.schedule)
            .set_item(Some(item.0));
        let req = if fresh {
            req.condition_expression("attribute_not_exists(ScheduleName)")
        } else {
            req.condition_expression("#mark = :peer")
                .expression_attribute_names("#mark", IMPORTED_FROM)
                .expression_attribute_values(":peer", AttributeValue::S(PEER.into()))
        };
        match req.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(aws_error("dynamodb:PutItem", e)),
        }
    }
}

fn string_attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("name and type are set")
}

/// A global secondary index `name` keyed by the string `key`, all
/// attributes projected.
fn hash_index(name: &str, key: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name(key)
                .key_type(KeyType::Hash)
                .build()
                .expect("name and type are set"),
        )
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .expect("name, keys and projection are set")
}
