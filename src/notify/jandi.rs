//! JANDI incoming webhook body, as the original tool sent it.

use serde_json::{json, Value};

use super::markup;
use crate::message::Message;

/// JANDI wants this Accept header on incoming webhooks.
pub const ACCEPT: &str = "application/vnd.tosslab.jandi-v2+json";

pub fn payload(m: &Message) -> Value {
    let info: Vec<Value> = m
        .fields
        .iter()
        .map(|f| json!({"title": markup::jandi(&f.title), "description": markup::jandi(&f.description)}))
        .collect();
    json!({"body": markup::jandi(&m.text), "connectColor": m.level.color(), "connectInfo": info})
}
