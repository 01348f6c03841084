use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;

use super::{ConfigError, Table};

/// One DynamoDB item as scanned. Attributes are decoded one at a time with
/// serde_dynamo so that a wrong type is reported against its own name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item(pub HashMap<String, AttributeValue>);

impl Item {
    /// The same item with one attribute set.
    pub fn with(mut self, name: &str, value: AttributeValue) -> Item {
        self.0.insert(name.to_string(), value);
        self
    }
}

impl From<HashMap<String, AttributeValue>> for Item {
    fn from(map: HashMap<String, AttributeValue>) -> Self {
        Item(map)
    }
}

/// Reads attributes of one item, producing errors that carry its location.
pub(crate) struct ItemReader<'a> {
    pub item: &'a Item,
    pub table: Table,
    pub key: String,
    pub schedule: Option<String>,
}

impl<'a> ItemReader<'a> {
    pub fn new(item: &'a Item, table: Table, key: String) -> Self {
        Self {
            item,
            table,
            key,
            schedule: None,
        }
    }

    pub fn error(&self, attribute: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError::new(
            self.table,
            self.key.clone(),
            Some(attribute),
            problem,
            self.schedule.clone(),
        )
    }

    /// An optional attribute of type `T`; a present attribute of another type
    /// is an error, as is DynamoDB's NULL.
    pub fn optional<T: DeserializeOwned>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<Option<T>, ConfigError> {
        match self.item.0.get(name) {
            None => Ok(None),
            Some(v) => serde_dynamo::from_attribute_value(v.clone())
                .map(Some)
                .map_err(|_| {
                    self.error(name, format!("must be {expected}, found {}", type_name(v)))
                }),
        }
    }

    pub fn required<T: DeserializeOwned>(
        &self,
        name: &str,
        expected: &str,
    ) -> Result<T, ConfigError> {
        self.optional(name, expected)?
            .ok_or_else(|| self.error(name, format!("missing (must be {expected})")))
    }

    pub fn required_text(&self, name: &str) -> Result<String, ConfigError> {
        let s: String = self.required(name, "a string (S)")?;
        if s.trim().is_empty() {
            return Err(self.error(name, "is empty"));
        }
        Ok(s)
    }
}

/// Key values longer than this are quoted short (see [`super::quoted`]).
const KEY_CHARS: usize = 60;

/// A key value as an item's key text shows it: as it is, or quoted short
/// when it is long.
pub(crate) fn key_part(value: &str) -> String {
    if value.chars().count() <= KEY_CHARS {
        value.to_string()
    } else {
        super::quoted(value)
    }
}

/// A short text for the key of an item whose key attributes may be missing.
pub(crate) fn key_text(item: &Item, names: &[&str]) -> String {
    let parts: Vec<String> = names
        .iter()
        .map(|n| match item.0.get(*n) {
            Some(AttributeValue::S(s)) => format!("{n}={}", key_part(s)),
            Some(_) => format!("{n}=<not a string>"),
            None => format!("{n}=<missing>"),
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// The string attribute `name` if it is one, for naming an item's schedule
/// even when the rest of the item is bad.
pub(crate) fn string_attr(item: &Item, name: &str) -> Option<String> {
    match item.0.get(name) {
        Some(AttributeValue::S(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    }
}

fn type_name(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "a string (S)",
        AttributeValue::N(_) => "a number (N)",
        AttributeValue::Bool(_) => "a boolean (BOOL)",
        AttributeValue::L(_) => "a list (L)",
        AttributeValue::M(_) => "a map (M)",
        AttributeValue::Ss(_) => "a string set (SS)",
        AttributeValue::Ns(_) => "a number set (NS)",
        AttributeValue::Bs(_) => "a binary set (BS)",
        AttributeValue::B(_) => "binary (B)",
        AttributeValue::Null(_) => "NULL",
        _ => "an unknown type",
    }
}
