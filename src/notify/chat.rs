use super::{LogNotifier, WebhookNotifier};
use crate::message::Message;
use crate::ports::Notifier;

/// The webhook when `WEBHOOK_URL` is set, the logs otherwise.
#[derive(Debug)]
pub enum ChatNotifier {
    Webhook(WebhookNotifier),
    Log(LogNotifier),
}

impl Notifier for ChatNotifier {
    async fn send(&self, message: &Message) {
        match self {
            ChatNotifier::Webhook(w) => w.send(message).await,
            ChatNotifier::Log(l) => l.send(message).await,
        }
    }
}
