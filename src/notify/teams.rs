//! Microsoft Teams body: an Adaptive Card in a `message` envelope, the form
//! Teams workflow ("Post to a channel when a webhook request is received")
//! and connector webhooks both accept.

use serde_json::{json, Value};

use super::markup;
use crate::message::{Level, Message};

pub fn payload(m: &Message) -> Value {
    let color = match m.level {
        Level::Ok => "Good",
        Level::Warning => "Warning",
        Level::Error => "Attention",
    };
    let facts: Vec<Value> = m
        .fields
        .iter()
        .map(|f| json!({"title": markup::teams(&f.title), "value": markup::teams(&f.description)}))
        .collect();
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    {"type": "TextBlock", "text": markup::teams(&m.text), "wrap": true, "weight": "Bolder", "color": color},
                    {"type": "FactSet", "facts": facts}
                ]
            }
        }]
    })
}
