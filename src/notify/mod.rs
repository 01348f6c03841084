//! Chat messages: what the scheduler says ([`compose`]), how each chat
//! product wants it ([`jandi`], [`slack`], [`teams`]), and one sender.

mod chat;
pub mod compose;
pub mod jandi;
pub mod markup;
pub mod slack;
pub mod teams;
mod wait;
mod webhook;
pub mod weekly;

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
