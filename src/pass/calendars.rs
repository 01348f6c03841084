//! Holiday calendars before a pass plans: each feed the configuration
//! names is fetched at most once a day (conditionally), its last good copy
//! kept in the state table; a feed that fails is told once, and once more
//! when it recovers; each schedule then gets its holidays.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{Deps, PassReport};
use crate::calendar::{parse_ics, CalendarCache};
use crate::feeds::Fetched;
use crate::model::Config;
use crate::notify::compose;
use crate::ports::{CallError, Notifier, StateStore};

/// How far back a copy keeps dates: enough for catch-up and the usage
/// report, small enough to keep the state item small.
const KEEP_PAST_DAYS: i64 = 31;

pub(super) async fn refresh<C, S: StateStore, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    config: &mut Config,
    mut copies: BTreeMap<String, CalendarCache>,
    now: DateTime<Utc>,
    report: &mut PassReport,
) {
    for url in config.calendar_urls() {
        let copy = copies.entry(url.clone()).or_insert_with(|| CalendarCache {
            url: url.clone(),
            ..CalendarCache::default()
        });
        if !copy.due(now) {
            continue;
        }
        copy.checked_at = Some(now);
        let was_failing = copy.failing.take();
        match fetch(deps, &url, copy, now).await {
            Ok(()) if was_failing.is_some() => {
                let m = compose::calendar_recovered(&deps.tuning.voice, &url);
                report.say(&deps.notifier, m).await;
            }
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(%url, error = %e, "holiday calendar not fetched");
                if was_failing.is_none() {
                    let m = compose::calendar_failing(&deps.tuning.voice, &url, &e, copy.loaded_at);
                    report.say(&deps.notifier, m).await;
                }
                copy.failing = Some(e.code);
            }
        }
        if let Err(e) = deps.state.save_calendar(copy).await {
            tracing::warn!(%url, error = %e, "holiday calendar copy not kept");
        }
    }
    config.apply_holidays(&copies);
}

/// One conditional GET of `url` into `copy`; a feed that is not iCalendar
/// fails like one that cannot be reached.
async fn fetch<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    url: &str,
    copy: &mut CalendarCache,
    now: DateTime<Utc>,
) -> Result<(), CallError> {
    match deps.feeds.fetch(url, copy).await? {
        Fetched::NotModified => Ok(()),
        Fetched::Fresh {
            body,
            etag,
            last_modified,
        } => {
            let holidays = parse_ics(&body)
                .map_err(|e| CallError::new("GET holiday calendar", "NotICalendar", e))?;
            let since = (now - Duration::days(KEEP_PAST_DAYS)).date_naive();
            copy.holidays = holidays.into_iter().filter(|(d, _)| *d >= since).collect();
            copy.loaded_at = Some(now);
            copy.etag = etag;
            copy.last_modified = last_modified;
            Ok(())
        }
    }
}
