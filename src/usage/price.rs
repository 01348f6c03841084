//! Prices as values: a looked-up price as the state table keeps it, and
//! the prices a tally multiplies by (looking them up is
//! `crate::aws::pricing`'s).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Product;

/// A price as looked up: USD per hour, or why there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedPrice {
    pub key: String,
    pub hourly_usd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
    pub fetched_at: DateTime<Utc>,
}

/// Each product's hourly price, or why it has none.
pub type Prices = BTreeMap<Product, Result<f64, String>>;
