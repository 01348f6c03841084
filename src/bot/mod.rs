//! Chat commands from the team topic: one request handler for Slack slash
//! commands and buttons, Mattermost slash commands and JANDI outgoing
//! webhooks, behind two thin front ends (`schedctl bot --listen` and the
//! bot Lambda behind a Function URL). It writes the same items as
//! `schedctl`, and changes no scheduling rule.
//!
//! A request goes: [`http::Route`] (once) -> [`inbound`] (read and
//! authenticate) -> [`cmd`] (parse the words, apply one command) -> the
//! answer in the chat's own format, and the announcement of a change.

pub mod auth;
mod cmd;
mod http;
mod inbound;
pub mod serve;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;

use crate::message::{Level, Message};
use crate::ports::{ConfigStore, Fleet, Notifier, ScheduleEditor};
pub use auth::BotSecrets;
use http::Route;
pub use http::{HttpRequest, HttpResponse};
use inbound::Chat;

/// Largest body the bot reads (spec: 64 KiB; larger gets 413).
pub const MAX_BODY: usize = 64 * 1024;

/// What the bot works with.
pub struct Bot<E, F, N> {
    /// The configuration tables, read and edited.
    pub store: E,
    pub fleet: F,
    /// The incoming webhook that announces changes.
    pub notifier: N,
    pub secrets: BotSecrets,
    /// Zone of schedules without a TimeZone.
    pub zone: Tz,
}

impl<E, F, N> Bot<E, F, N>
where
    E: ConfigStore + ScheduleEditor,
    F: Fleet,
    N: Notifier,
{
    /// Answers one request. Never panics; every path has an answer.
    pub async fn handle(&self, req: &HttpRequest, now: DateTime<Utc>) -> HttpResponse {
        let Some(route) = Route::parse(&req.path) else {
            return HttpResponse::status(404, "no such route");
        };
        if !route.configured(&self.secrets) {
            return HttpResponse::status(404, "this route is not configured");
        }
        if !req.method.eq_ignore_ascii_case("POST") {
            return HttpResponse::status(405, "POST only");
        }
        if req.body.len() > MAX_BODY {
            return HttpResponse::status(413, "body over 64 KiB");
        }
        let inv = match inbound::read(route, req, &self.secrets, now) {
            Ok(inv) => inv,
            Err(resp) => return resp,
        };
        if let Some(allowed) = &self.secrets.allowed_users {
            if !allowed.contains(&inv.user) {
                tracing::warn!(user = %inv.user, "bot user not allowed");
                return reply(
                    inv.chat,
                    false,
                    "Sorry, you are not allowed to change schedules from chat.",
                );
            }
        }
        let answer = match &inv.postpone {
            Some(value) => cmd::postpone(self, value, &inv, now).await,
            None => match cmd::parse(&inv.text) {
                Ok(command) => command.apply(self, &inv, now).await,
                Err(refusal) => Err(refusal),
            },
        };
        match answer {
            Ok(r) => {
                if r.announce {
                    self.notifier
                        .send(&Message::new(Level::Ok, r.text.clone()))
                        .await;
                }
                reply(inv.chat, true, &r.text)
            }
            Err(refusal) => reply(inv.chat, false, &refusal),
        }
    }
}

/// The answer in the chat's own format.
fn reply(chat: Chat, ok: bool, text: &str) -> HttpResponse {
    let body = match chat {
        Chat::Slack | Chat::Mattermost => json!({"response_type": "in_channel", "text": text}),
        Chat::Jandi => json!({
            "body": text,
            "connectColor": if ok { Level::Ok.color() } else { Level::Error.color() },
            "connectInfo": []
        }),
    };
    HttpResponse {
        status: 200,
        body: body.to_string(),
    }
}
