//! A server group's readiness check (`ReadyCheck`): what must answer
//! before the next wave starts, and how long to wait for it
//! (`ReadyTimeoutMinutes`).

use chrono::Duration;
use serde::Serialize;

/// How long a group may take to be ready before the waves go on without
/// it (spec: 20 minutes).
pub const DEFAULT_READY_TIMEOUT_MINUTES: i64 = 20;

/// What says a started group is ready, beyond its servers' state. Shown
/// and serialised as [`ReadyCheck::text`]: a URL without its credentials
/// and query, which may hold a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadyCheck {
    /// The EC2 instance and system status checks are `ok`.
    StatusOk,
    /// Every instance of the group is registered and healthy in this ELBv2
    /// target group (a name or an ARN).
    TargetGroup(String),
    /// This `http://` or `https://` URL answers 2xx within 5 s.
    Url(String),
}

impl ReadyCheck {
    /// `status-ok`, `target-group:NAME_OR_ARN` or an http(s) URL.
    pub fn parse(text: &str) -> Result<ReadyCheck, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("status-ok") {
            return Ok(ReadyCheck::StatusOk);
        }
        if let Some(name) = t.strip_prefix("target-group:") {
            let name = name.trim();
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-:/_.".contains(c));
            return match valid {
                true => Ok(ReadyCheck::TargetGroup(name.to_string())),
                false => Err(format!("{t:?} names no target group")),
            };
        }
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let host = t.split("://").nth(1).unwrap_or("");
            return match host.is_empty() || host.starts_with('/') || t.contains(char::is_whitespace)
            {
                true => Err(format!("{t:?} is not a URL")),
                false => Ok(ReadyCheck::Url(t.to_string())),
            };
        }
        Err(format!(
            "{t:?} is not status-ok, target-group:NAME_OR_ARN or an http(s):// URL"
        ))
    }

    /// The check as a person wrote it, a URL as shown (no user info, no
    /// query).
    pub fn text(&self) -> String {
        match self {
            ReadyCheck::StatusOk => "status-ok".into(),
            ReadyCheck::TargetGroup(name) => format!("target-group:{name}"),
            ReadyCheck::Url(url) => super::shown_url(url),
        }
    }
}

impl Serialize for ReadyCheck {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// A group's check and how long it may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub check: ReadyCheck,
    #[serde(serialize_with = "minutes")]
    pub timeout: Duration,
}

fn minutes<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_status_ok_a_target_group_or_a_url() {
        assert_eq!(ReadyCheck::parse(" status-ok "), Ok(ReadyCheck::StatusOk));
        assert_eq!(
            ReadyCheck::parse("target-group:api-tg"),
            Ok(ReadyCheck::TargetGroup("api-tg".into()))
        );
        let arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/api/6d0ecf831eec9f09";
        assert_eq!(
            ReadyCheck::parse(&format!("target-group:{arn}")),
            Ok(ReadyCheck::TargetGroup(arn.into()))
        );
        assert_eq!(
            ReadyCheck::parse("http://10.0.1.5:8080/health"),
            Ok(ReadyCheck::Url("http://10.0.1.5:8080/health".into()))
        );
        for bad in [
            "",
            "ok",
            "target-group:",
            "target-group:a b",
            "https://",
            "ftp://x",
            "http:// x",
        ] {
            assert!(ReadyCheck::parse(bad).is_err(), "{bad}");
        }
        let secret = ReadyCheck::parse("https://ops:pw@api.internal/ready?token=s3cret").unwrap();
        assert_eq!(secret.text(), "https://api.internal/ready");
        assert_eq!(
            serde_json::to_string(&secret).unwrap(),
            "\"https://api.internal/ready\""
        );
    }
}
