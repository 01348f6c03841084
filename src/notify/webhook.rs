use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{jandi, Format};
use crate::message::Message;
use crate::ports::Notifier;

/// Posts messages to an incoming webhook. The URL is a secret (it is the
/// credential): it never reaches a log line, not even inside an error.
pub struct WebhookNotifier {
    client: reqwest::Client,
    url: String,
    format: Format,
    attempts: u32,
    backoff: Duration,
    /// After a message could not be delivered at all, later messages skip
    /// the webhook for a while instead of each waiting out the timeouts.
    /// A std Mutex: it is never held across an `.await`.
    down_until: Mutex<Option<Instant>>,
}

/// How long a webhook that failed every attempt is left alone.
const DOWN_FOR: Duration = Duration::from_secs(60);

impl fmt::Debug for WebhookNotifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookNotifier")
            .field("url", &"<secret>")
            .field("format", &self.format)
            .finish()
    }
}

impl WebhookNotifier {
    /// A short timeout (5 s): a hanging chat server must not eat the pass's
    /// budget. Three attempts, backing off 0.5 s then 1 s, on 429, 5xx,
    /// timeouts and refused connections.
    pub fn new(url: String, format: Format) -> Self {
        Self::with_timing(
            url,
            format,
            Duration::from_secs(5),
            Duration::from_millis(500),
        )
    }

    pub fn with_timing(url: String, format: Format, timeout: Duration, backoff: Duration) -> Self {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            .expect("a client with only timeouts set builds");
        Self {
            client,
            url,
            format,
            attempts: 3,
            backoff,
            down_until: Mutex::new(None),
        }
    }

    fn is_down(&self) -> bool {
        let mut down = self.down_until.lock().unwrap();
        match *down {
            Some(until) if Instant::now() < until => true,
            Some(_) => {
                *down = None;
                false
            }
            None => false,
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
            Err(e) => Err((
                e.is_timeout() || e.is_connect(),
                e.without_url().to_string(),
            )),
        }
    }
}

impl Notifier for WebhookNotifier {
    async fn send(&self, message: &Message) {
        if self.is_down() {
            tracing::warn!(text = %message.to_plain(), "webhook down; message only logged");
            return;
        }
        let body = self.format.payload(message);
        for attempt in 1..=self.attempts {
            match self.post_once(&body).await {
                Ok(()) => return,
                Err((retry, why)) => {
                    tracing::warn!(attempt, error = %why, "webhook message not delivered");
                    if !retry {
                        return;
                    }
                    if attempt == self.attempts {
                        *self.down_until.lock().unwrap() = Some(Instant::now() + DOWN_FOR);
                        tracing::warn!(text = %message.to_plain(), "webhook down; message only logged");
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
        tracing::info!(level = ?message.level, text = %message.to_plain(), "chat message (no WEBHOOK_URL)");
    }
}

#[cfg(test)]
mod tests {
    use super::LogNotifier;
    use crate::message::{Level, Message};
    use crate::ports::Notifier;
    use crate::testing::LogLines;

    #[tokio::test]
    async fn a_logged_chat_message_keeps_its_text_beside_the_log_lines_message() {
        let lines = LogLines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        let _guard = LogLines::capture(subscriber);
        LogNotifier
            .send(&Message::new(Level::Ok, "[dev] Starting db"))
            .await;
        let out = lines.text();
        // One "message" key per line: CloudWatch keeps one of two.
        assert_eq!(out.matches("\"message\"").count(), 1, "{out}");
        let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(line["fields"]["message"], "chat message (no WEBHOOK_URL)");
        assert_eq!(line["fields"]["text"], "[dev] Starting db");
    }
}
