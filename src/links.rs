//! Signed, expiring links to the week's page: the page needs no login but
//! is not public. A link carries its schedule (or none: all), its expiry
//! and an HMAC-SHA256 over both, with a key derived from a bot secret.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How long a link works.
pub const VALID_FOR: Duration = Duration::hours(24);

/// Makes and checks links under one base URL. Debug hides the key.
#[derive(Clone, PartialEq, Eq)]
pub struct PlanLinks {
    /// The bot's URL (`https://...lambda-url...on.aws`), without `/plan`.
    pub base: String,
    key: Vec<u8>,
}

impl std::fmt::Debug for PlanLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanLinks")
            .field("base", &self.base)
            .field("key", &"<secret>")
            .finish()
    }
}

impl PlanLinks {
    /// Links under `base`, keyed by HMAC(`secret`, "plan-page"): the page's
    /// key is never the secret itself.
    pub fn new(base: &str, secret: &str) -> PlanLinks {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .expect("HMAC takes keys of any length");
        mac.update(b"plan-page");
        PlanLinks {
            base: base.trim_end_matches('/').to_string(),
            key: mac.finalize().into_bytes().to_vec(),
        }
    }

    /// The same key under another base.
    pub fn under(&self, base: &str) -> PlanLinks {
        PlanLinks {
            base: base.trim_end_matches('/').to_string(),
            key: self.key.clone(),
        }
    }

    fn signature(&self, schedule: &str, expires: i64) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(format!("{schedule}\n{expires}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// A link to the page of `schedule` (or of all), valid for 24 hours.
    pub fn link(&self, schedule: Option<&str>, now: DateTime<Utc>) -> String {
        let expires = (now + VALID_FOR).timestamp();
        let name = schedule.unwrap_or_default();
        let sig = self.signature(name, expires);
        let query = serde_urlencoded::to_string([
            ("schedule", name),
            ("expires", &expires.to_string()),
            ("sig", &sig),
        ])
        .expect("text pairs encode");
        format!("{}/plan?{query}", self.base)
    }

    /// The schedule a query's link shows (`None`: all), if the link is
    /// genuine and not expired.
    pub fn verify(&self, query: &str, now: DateTime<Utc>) -> Result<Option<String>, &'static str> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(query).map_err(|_| "bad query")?;
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let (Some(expires), Some(sig)) = (get("expires"), get("sig")) else {
            return Err("unsigned link");
        };
        let expires: i64 = expires.parse().map_err(|_| "bad expiry")?;
        let schedule = get("schedule").unwrap_or_default();
        let expected = self.signature(schedule, expires);
        if !bool::from(subtle::ConstantTimeEq::ct_eq(
            expected.as_bytes(),
            sig.as_bytes(),
        )) {
            return Err("bad signature");
        }
        if now.timestamp() > expires {
            return Err("expired link");
        }
        Ok((!schedule.is_empty()).then(|| schedule.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        crate::testing::utc("2026-11-30T12:00:00Z")
    }

    #[test]
    fn a_link_works_for_a_day_for_its_schedule_only() {
        let links = PlanLinks::new("https://bot.example/", "s3cr3t");
        let url = links.link(Some("dev"), now());
        let query = url.split_once('?').unwrap().1;
        assert!(
            url.starts_with("https://bot.example/plan?schedule=dev&expires="),
            "{url}"
        );
        assert_eq!(links.verify(query, now()), Ok(Some("dev".into())));
        assert_eq!(
            links.verify(query, now() + Duration::hours(25)),
            Err("expired link")
        );
        assert_eq!(
            links.verify(&query.replace("dev", "prod"), now()),
            Err("bad signature")
        );
        assert_eq!(links.verify("schedule=dev", now()), Err("unsigned link"));
        let other = PlanLinks::new("https://bot.example", "another");
        assert_eq!(other.verify(query, now()), Err("bad signature"));
        assert!(!format!("{links:?}").contains("s3cr3t"));
    }
}
