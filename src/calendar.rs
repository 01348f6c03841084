//! Holiday calendars: an iCalendar feed read into the dates it marks (all-
//! day events; a multi-day event marks each of its days), and what the
//! scheduler remembers of each feed between passes.

use std::collections::BTreeMap;
use std::io::BufReader;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Dates a calendar marks, with the holiday's name.
pub type Holidays = BTreeMap<NaiveDate, String>;

/// Longest span one event may mark, so a malformed end date cannot fill
/// years with holidays.
const MAX_EVENT_DAYS: i64 = 31;

/// Reads an iCalendar text (with the `ical` crate). Refused when it holds
/// no calendar or an event whose dates cannot be read.
pub fn parse_ics(text: &str) -> Result<Holidays, String> {
    let mut out = Holidays::new();
    let mut calendars = 0;
    for calendar in ical::IcalParser::new(BufReader::new(text.as_bytes())) {
        let calendar = calendar.map_err(|e| format!("not an iCalendar feed: {e}"))?;
        calendars += 1;
        for event in calendar.events {
            let prop = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .and_then(|p| p.value.clone())
            };
            let start = prop("DTSTART").ok_or("an event has no DTSTART")?;
            let start = date(&start)?;
            // DTEND is exclusive; without it an all-day event is one day.
            let end = match prop("DTEND") {
                Some(e) => date(&e)?.max(start + Duration::days(1)),
                None => start + Duration::days(1),
            };
            if end - start > Duration::days(MAX_EVENT_DAYS) {
                return Err(format!(
                    "an event from {start} to {end} is longer than {MAX_EVENT_DAYS} days"
                ));
            }
            let name = prop("SUMMARY").unwrap_or_else(|| "holiday".into());
            let mut d = start;
            while d < end {
                out.entry(d).or_insert_with(|| name.clone());
                d += Duration::days(1);
            }
        }
    }
    if calendars == 0 {
        return Err("not an iCalendar feed: no VCALENDAR".into());
    }
    Ok(out)
}

/// `20270206` (a DATE) or `20270206T000000Z` (a DATE-TIME: its date).
fn date(value: &str) -> Result<NaiveDate, String> {
    let digits: String = value.trim().chars().take(8).collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .map_err(|_| format!("{} is not an iCalendar date", crate::model::quoted(value)))
}

/// What the scheduler keeps of one feed in its state table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarCache {
    pub url: String,
    /// The dates of the last good copy.
    pub holidays: Holidays,
    /// When the last good copy was fetched; `None`: never loaded.
    pub loaded_at: Option<DateTime<Utc>>,
    /// When a fetch was last tried.
    pub checked_at: Option<DateTime<Utc>>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Why the last fetch failed (told once; cleared, and told, when it
    /// recovers).
    pub failing: Option<String>,
}

impl CalendarCache {
    /// Whether a fetch is due: a good copy is kept a day; a failing feed
    /// is tried again after an hour.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        let wait = if self.failing.is_some() || self.loaded_at.is_none() {
            Duration::hours(1)
        } else {
            Duration::days(1)
        };
        self.checked_at.is_none_or(|at| now - at >= wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOREA_2027: &str = include_str!("../tests/fixtures/kr-holidays-2027.ics");

    #[test]
    fn multi_day_events_mark_each_day_and_names_are_kept() {
        let h = parse_ics(KOREA_2027).unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(h[&d("2027-02-06")], "설날");
        assert_eq!(h[&d("2027-02-08")], "설날");
        assert_eq!(h[&d("2027-02-09")], "설날 대체공휴일");
        assert!(!h.contains_key(&d("2027-02-10")));
        assert_eq!(h[&d("2027-03-01")], "삼일절");
    }

    #[test]
    fn malformed_feeds_are_refused() {
        assert!(parse_ics("hello").is_err());
        assert!(parse_ics(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n"
        )
        .is_err());
        let long = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20300101\nEND:VEVENT\nEND:VCALENDAR\n";
        assert!(parse_ics(long).unwrap_err().contains("longer than"));
    }
}
