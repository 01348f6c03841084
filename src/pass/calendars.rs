//! Holiday calendars before a pass plans: each feed the configuration
//! names is fetched at most once a day (conditionally), its last good copy
//! kept in the state table; a feed that fails is told once, and once more
//! when it recovers; each schedule then gets its holidays.
//!
//! A feed's URL is shown only without user info, query and fragment, and
//! chat hears only that a feed could not be read: why (a status, a
//! timeout) goes to the log, so the topic is no port scanner.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};

use super::{Deps, PassReport};
use crate::calendar::{feed_key, parse_ics, CalendarCache};
use crate::model::Config;
use crate::ports::{CallError, Fetched, KeptCopies, Notifier};
use crate::say;

pub(super) async fn refresh<C, S: KeptCopies, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    config: &mut Config,
    mut copies: BTreeMap<String, CalendarCache>,
    now: DateTime<Utc>,
    report: &mut PassReport,
) {
    for url in config.calendar_urls() {
        let key = feed_key(&url);
        let copy = copies
            .entry(key)
            .or_insert_with(|| CalendarCache::new(&url));
        if !copy.due(now) {
            continue;
        }
        // A copy kept before URLs were shown without credentials, and
        // before copies carried their key.
        copy.url = crate::model::shown_url(&url);
        copy.key = feed_key(&url);
        copy.checked_at = Some(now);
        // A copy keeps last year to next year from when it was read: in
        // another year it is read whole again, not answered by a 304.
        if copy.loaded_at.is_some_and(|at| at.year() != now.year()) {
            copy.etag = None;
            copy.last_modified = None;
        }
        let was_failing = copy.failing.take();
        match fetch(deps, &url, copy, now).await {
            Ok(()) if was_failing.is_some() => {
                let m = say::calendar_recovered(&deps.tuning.voice, &copy.url);
                report.say(&deps.notifier, m).await;
            }
            Ok(()) => {}
            Err(e) => {
                tracing::warn!(url = %copy.url, error = %e, "holiday calendar not fetched");
                if was_failing.is_none() {
                    let m = say::calendar_failing(&deps.tuning.voice, &copy.url, copy.loaded_at);
                    report.say(&deps.notifier, m).await;
                }
                copy.failing = Some(e.code);
            }
        }
        if let Err(e) = deps.state.save_calendar(copy).await {
            tracing::warn!(url = %copy.url, error = %e, "holiday calendar copy not kept");
        }
    }
    crate::calendar::apply(config, &copies);
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
            let marks = parse_ics(&body, now.date_naive())
                .map_err(|e| CallError::new("GET holiday calendar", "NotICalendar", e))?;
            copy.keep(marks, etag, last_modified, now);
            Ok(())
        }
    }
}
