//! The prices a usage report needs, kept a day in the state table: a kept
//! price younger than a day is used as it is, the others are looked up and
//! kept. A lookup that fails for the service (throttled, denied,
//! unreachable) is not kept, so the next report tries again.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::ports::{KeptCopies, PriceSource, Unpriced};
use crate::usage::{self, CachedPrice, Observation, Prices, Product};

/// How long a looked-up price is kept.
const KEEP: Duration = Duration::hours(24);

/// The prices of the products in `observed`, from `source` (`None`:
/// prices are not looked up here) or from what `state` kept.
pub async fn prices<S: KeptCopies>(
    source: Option<&dyn PriceSource>,
    state: &S,
    kept: &BTreeMap<String, CachedPrice>,
    observed: &[Observation],
    now: DateTime<Utc>,
) -> Prices {
    let mut out = Prices::new();
    for p in &usage::products(observed) {
        let key = p.key();
        let price = match kept.get(&key).filter(|c| now - c.fetched_at < KEEP) {
            Some(c) => c
                .hourly_usd
                .ok_or_else(|| c.missing.clone().unwrap_or_default()),
            None => match source {
                Some(source) => look_up(source, state, p, key, now).await,
                None => Err("prices are not looked up here".into()),
            },
        };
        out.insert(p.clone(), price);
    }
    out
}

async fn look_up<S: KeptCopies>(
    source: &dyn PriceSource,
    state: &S,
    p: &Product,
    key: String,
    now: DateTime<Utc>,
) -> Result<f64, String> {
    let answer = source.price(p).await;
    let (hourly_usd, missing) = match &answer {
        Ok(price) => (Some(*price), None),
        Err(Unpriced::NotListed(why)) => (None, Some(why.clone())),
        Err(e @ (Unpriced::NotLookedUp(_) | Unpriced::Unavailable(_))) => return Err(e.to_string()),
    };
    let cached = CachedPrice {
        key,
        hourly_usd,
        missing,
        fetched_at: now,
    };
    if let Err(e) = state.save_price(&cached).await {
        tracing::warn!(error = %e, "price not kept");
    }
    answer.map_err(|e| e.to_string())
}
