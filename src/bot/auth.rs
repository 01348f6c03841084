//! Request authentication: Slack's signing secret (HMAC-SHA256 over
//! `v0:{timestamp}:{body}`), and the shared tokens of JANDI and Mattermost
//! outgoing webhooks, all compared in constant time.

use std::collections::BTreeSet;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Secrets and the allow-list, from `SLACK_SIGNING_SECRET`,
/// `JANDI_OUTGOING_TOKEN`, `MATTERMOST_TOKEN` and `BOT_ALLOWED_USERS`.
/// Never logged: Debug shows only which are set.
#[derive(Clone, Default)]
pub struct BotSecrets {
    pub slack_signing_secret: Option<String>,
    pub jandi_token: Option<String>,
    pub mattermost_token: Option<String>,
    /// Slack user ids, Mattermost user ids and JANDI e-mails; `None`: anyone.
    pub allowed_users: Option<BTreeSet<String>>,
}

impl std::fmt::Debug for BotSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSecrets")
            .field("slack", &self.slack_signing_secret.is_some())
            .field("jandi", &self.jandi_token.is_some())
            .field("mattermost", &self.mattermost_token.is_some())
            .field("allowed_users", &self.allowed_users)
            .finish()
    }
}

/// How far a Slack timestamp may be from now, either way (Slack's advice).
pub const MAX_SKEW_SECONDS: i64 = 300;

/// Whether a Slack request is genuine and fresh.
pub fn slack_signature_ok(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_unix: i64,
) -> bool {
    let (Some(ts), Some(sig)) = (timestamp, signature) else {
        return false;
    };
    let Ok(ts_num) = ts.trim().parse::<i64>() else {
        return false;
    };
    // abs_diff: any i64 a request sends, i64::MIN included, without overflow.
    if now_unix.abs_diff(ts_num) > MAX_SKEW_SECONDS.unsigned_abs() {
        return false;
    }
    let Some(hex_sig) = sig.trim().strip_prefix("v0=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(b"v0:");
    mac.update(ts.trim().as_bytes());
    mac.update(b":");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// Constant-time comparison of a presented token with the configured one.
pub fn token_ok(configured: &str, presented: Option<&str>) -> bool {
    match presented {
        Some(p) => bool::from(configured.as_bytes().ct_eq(p.as_bytes())),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Slack's published example (api.slack.com, "Verifying requests from Slack").
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    #[test]
    fn slacks_published_example_verifies() {
        assert!(slack_signature_ok(
            SECRET,
            Some(TS),
            Some(SIG),
            BODY.as_bytes(),
            1531420618 + 10
        ));
    }

    #[test]
    fn tampered_body_wrong_secret_and_bad_headers_fail() {
        let now = 1531420618;
        let mut tampered = BODY.to_string();
        tampered.push('x');
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            Some(SIG),
            tampered.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            "another-secret",
            Some(TS),
            Some(SIG),
            BODY.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            SECRET,
            None,
            Some(SIG),
            BODY.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            None,
            BODY.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            Some("a2114d57"),
            BODY.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            Some("v0=zz"),
            BODY.as_bytes(),
            now
        ));
        assert!(!slack_signature_ok(
            SECRET,
            Some("soon"),
            Some(SIG),
            BODY.as_bytes(),
            now
        ));
    }

    proptest::proptest! {
        /// Whatever a request's headers and body hold, the check answers.
        #[test]
        fn any_headers_are_checked_without_a_panic(
            ts in proptest::option::of(".{0,30}"),
            sig in proptest::option::of(".{0,80}"),
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
            now in proptest::num::i64::ANY,
        ) {
            let _ = slack_signature_ok("secret", ts.as_deref(), sig.as_deref(), &body, now);
            let _ = token_ok("token", ts.as_deref());
        }
    }

    #[test]
    fn extreme_timestamps_fail_without_overflow() {
        for ts in [i64::MIN, i64::MAX, -1] {
            let ts = ts.to_string();
            assert!(!slack_signature_ok(
                "s",
                Some(&ts),
                Some("v0=00"),
                b"",
                1_700_000_000
            ));
        }
    }

    #[test]
    fn stale_and_future_timestamps_fail() {
        let ts = 1531420618;
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            Some(SIG),
            BODY.as_bytes(),
            ts + 301
        ));
        assert!(!slack_signature_ok(
            SECRET,
            Some(TS),
            Some(SIG),
            BODY.as_bytes(),
            ts - 301
        ));
        assert!(slack_signature_ok(
            SECRET,
            Some(TS),
            Some(SIG),
            BODY.as_bytes(),
            ts - 300
        ));
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(token_ok("abc123", Some("abc123")));
        assert!(!token_ok("abc123", Some("abc12")));
        assert!(!token_ok("abc123", Some("abc1234")));
        assert!(!token_ok("abc123", None));
    }
}
