//! The answer in the asking chat's own format, its text made inert for
//! that chat's markup: Slack and Mattermost get `{"response_type",
//! "text"}` (refusals only to the asker), JANDI a JANDI message body.

use serde_json::json;

use super::http::HttpResponse;
use super::inbound::Chat;
use crate::message::Level;
use crate::notify::markup;

/// A successful answer, shown in the channel.
pub(super) fn answer(chat: Chat, text: &str) -> HttpResponse {
    body(chat, text, true)
}

/// A refusal: only the asker sees it where the chat allows.
pub(super) fn refusal(chat: Chat, text: &str) -> HttpResponse {
    body(chat, text, false)
}

fn body(chat: Chat, text: &str, ok: bool) -> HttpResponse {
    let body = match chat {
        Chat::Slack | Chat::Mattermost => json!({
            "response_type": if ok { "in_channel" } else { "ephemeral" },
            "text": markup::slack(text),
        }),
        Chat::Jandi => json!({
            "body": markup::jandi(text),
            "connectColor": if ok { Level::Ok.color() } else { Level::Error.color() },
            "connectInfo": []
        }),
    };
    HttpResponse::json(200, body.to_string())
}
