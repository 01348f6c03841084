use std::fmt;

use serde::{Deserialize, Serialize};

/// Start or stop: the two events of a schedule's day, the two kinds of
/// exception item (`ExceptionType`), and the two ways servers are moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Start,
    Stop,
}

impl Direction {
    /// `start` or `stop`, in any case and with spaces around.
    pub fn parse(text: &str) -> Option<Direction> {
        match text.trim().to_ascii_lowercase().as_str() {
            "start" => Some(Direction::Start),
            "stop" => Some(Direction::Stop),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Start => "start",
            Direction::Stop => "stop",
        }
    }

    pub fn opposite(self) -> Direction {
        match self {
            Direction::Start => Direction::Stop,
            Direction::Stop => Direction::Start,
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
