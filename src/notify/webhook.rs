use std::fmt;
use std::time::Duration;

use super::{jandi, Format, Message};
use crate::ports::Notifier;

/// Posts messages to an incoming webhook. The URL is a secret (it is the
/// credential): it never reaches a log line, not even inside an error.
pub struct WebhookNotifier {
    client: reqwest::Client,
    url: String,
    format: Format,
    attempts: u32,
    backoff: Duration,
}

impl fmt::Debug for WebhookNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookNotifier")
            .field("url", &"<secret>")
            .field("format", &self.format)
            .finish()
    }
}

impl WebhookNotifier {
    /// A short timeout: a hanging chat server must not eat the pass's budget.
    pub fn new(url: String, format: Format) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(3))
            .build()
            .expect("a client with only timeouts set builds");
        Self {
            client,
            url,
            format,
            attempts: 3,
            backoff: Duration::from_millis(500),
        }
    }

    async fn post_once(&self, body: &serde_json::Value) -> Result<(), (bool, String)> {
        let mut req = self.client.post(&self.url).json(body);
        if self.format == Format::Jandi {
            req = req.header(reqwest::header::ACCEPT, jandi::ACCEPT);
        }
        match req.send().await {
            Ok(resp) if resp.status().is_success() => Ok(()),
            Ok(resp) => {
                let s = resp.status();
                let retry = s.as_u16() == 429 || s.is_server_error();
                Err((retry, format!("webhook answered {s}")))
            }
            Err(e) => Err((e.is_timeout() || e.is_connect(), e.without_url().to_string())),
        }
    }
}

impl Notifier for WebhookNotifier {
    async fn send(&self, message: &Message) {
        let body = self.format.payload(message);
        for attempt in 1..=self.attempts {
            match self.post_once(&body).await {
                Ok(()) => return,
                Err((retry, why)) => {
                    tracing::warn!(attempt, error = %why, "webhook message not delivered");
                    if !retry || attempt == self.attempts {
                        return;
                    }
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
                }
            }
        }
    }
}

/// Without a webhook URL, messages only go to the logs.
#[derive(Debug, Default)]
pub struct LogNotifier;

impl Notifier for LogNotifier {
    async fn send(&self, message: &Message) {
        tracing::info!(level = ?message.level, message = %message.to_plain(), "chat message (no WEBHOOK_URL)");
    }
}
