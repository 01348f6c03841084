//! One message to the chat topic, as the scheduler and the bot compose it,
//! before any chat product's format: a level, a line of text, titled
//! fields, and an optional postpone button.

use serde::Serialize;

/// Colour class of a message; each format maps it to its own colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    Warning,
    Error,
}

impl Level {
    /// The original JANDI tool's colours, reused by every format.
    pub fn color(self) -> &'static str {
        match self {
            Level::Ok => "#1DDB16",
            Level::Warning => "#FFBB00",
            Level::Error => "#FF0000",
        }
    }
}

/// A titled block of text under the message (JANDI's connectInfo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub title: String,
    pub description: String,
}

/// A "postpone" button for formats that have buttons (Slack).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Postpone {
    pub schedule: String,
    /// The exception date of the stop being postponed.
    pub date: String,
    /// The new stop time, `HH:MM`.
    pub until: String,
    /// The button's text, in the scheduler's language.
    pub label: String,
}

/// One message to the chat topic, independent of the chat product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub level: Level,
    pub text: String,
    pub fields: Vec<Field>,
    pub postpone: Option<Postpone>,
}

impl Message {
    pub fn new(level: Level, text: impl Into<String>) -> Self {
        Self {
            level,
            text: text.into(),
            fields: vec![],
            postpone: None,
        }
    }

    pub fn field(mut self, title: impl Into<String>, description: impl Into<String>) -> Self {
        self.fields.push(Field {
            title: title.into(),
            description: description.into(),
        });
        self
    }

    /// Plain text for logs and the terminal.
    pub fn to_plain(&self) -> String {
        let mut out = self.text.clone();
        for f in &self.fields {
            out.push_str(&format!(
                "\n  {}: {}",
                f.title,
                f.description.replace('\n', "\n    ")
            ));
        }
        out
    }
}
