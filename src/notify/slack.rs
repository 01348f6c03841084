//! Slack incoming webhook body: text plus a coloured attachment, which
//! Mattermost and Rocket.Chat render too; a postpone button as Block Kit.

use serde_json::{json, Value};

use super::markup;
use crate::message::Message;

/// `action_id` of the warning's postpone button (see `/slack/actions`).
pub const POSTPONE_ACTION: &str = "postpone_stop";

pub fn payload(m: &Message) -> Value {
    let fields: Vec<Value> = m
        .fields
        .iter()
        .map(|f| json!({"title": markup::slack(&f.title), "value": markup::slack(&f.description), "short": false}))
        .collect();
    let text = markup::slack(&m.text);
    let mut attachment = json!({"color": m.level.color(), "fallback": text, "fields": fields});
    if let Some(p) = &m.postpone {
        attachment["blocks"] = json!([{
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": {"type": "plain_text", "text": p.label},
                "action_id": POSTPONE_ACTION,
                "value": format!("{}|{}|{}", p.schedule, p.date, p.until),
            }]
        }]);
    }
    json!({"text": text, "attachments": [attachment]})
}
