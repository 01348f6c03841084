//! Holiday calendars as the configuration sees them: the days they mark,
//! and how a feed's URL is shown (fetching and keeping feeds is
//! `crate::calendar`'s).

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Dates a calendar marks, with the holiday's name.
pub type Holidays = BTreeMap<NaiveDate, String>;

/// A feed URL as shown in messages, logs, errors and state: without its
/// user info, query and fragment, which may hold credentials.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        // Not a URL: shown only by its scheme and host part, cut at the
        // first character that could begin a secret.
        Err(_) => {
            let u = url.trim();
            let (scheme, rest) = u.split_once("://").unwrap_or(("", u));
            let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
            let host: String = host
                .chars()
                .take_while(|c| !matches!(c, '/' | '?' | '#'))
                .take(60)
                .collect();
            format!("{scheme}://{host}/…")
        }
    }
}
