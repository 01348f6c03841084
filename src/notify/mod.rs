//! Chat messages as each chat product wants them ([`jandi`], [`slack`],
//! [`teams`]), and one sender. What they say is `crate::say`'s.

mod chat;
pub mod jandi;
pub mod markup;
pub mod slack;
pub mod teams;
mod webhook;

pub use chat::ChatNotifier;
pub use webhook::{LogNotifier, WebhookNotifier};

/// The chat product behind `WEBHOOK_URL` (`WEBHOOK_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jandi,
    /// Slack, and the Slack-compatible Mattermost and Rocket.Chat.
    Slack,
    Teams,
}

use crate::message::Message;

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "jandi" => Some(Format::Jandi),
            "slack" | "mattermost" | "rocketchat" | "rocket.chat" => Some(Format::Slack),
            "teams" => Some(Format::Teams),
            _ => None,
        }
    }

    /// The request body for this format.
    pub fn payload(self, message: &Message) -> serde_json::Value {
        match self {
            Format::Jandi => jandi::payload(message),
            Format::Slack => slack::payload(message),
            Format::Teams => teams::payload(message),
        }
    }
}
