//! Holiday calendars: an iCalendar feed read into the days it marks, and
//! what the scheduler remembers of each feed between passes.
//!
//! Only all-day events mark a day (`VALUE=DATE`, or a timed event that
//! covers a whole day in the schedule's zone); yearly recurring all-day
//! events count every year, cancelled events never. What a feed gives is
//! bounded whatever it holds: only dates from last year to next year are
//! kept, names are cut and kept once, so a hostile feed costs little memory
//! and its copy fits in the state table.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::model::{shown_url, Config, Holidays};

mod ics;

pub use ics::parse_ics;

/// Longest span one event may mark, so a malformed end date cannot fill
/// years with holidays.
const MAX_EVENT_DAYS: i64 = 31;

/// Longest holiday name kept, in characters.
pub const NAME_CHARS: usize = 60;

/// Bytes of distinct names a copy keeps; later names read "holiday". With
/// the three years of dates and the spans below, a copy stays well under
/// the state table's 100 KB.
const NAME_BYTES: usize = 24 * 1024;

/// Timed events kept (each may cover a day in some zone).
const MAX_SPANS: usize = 800;

/// The name of an event without SUMMARY (or past [`NAME_BYTES`]).
const UNNAMED: &str = "holiday";

/// The days a feed marks, kept small: each name once, all-day dates by the
/// index of their name, and whole-day timed events as instants, since
/// which local day they cover depends on the schedule's zone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredMarks")]
pub struct Marks {
    names: Vec<String>,
    days: BTreeMap<NaiveDate, u16>,
    spans: Vec<Span>,
}

/// Marks as the state table holds them: this shape, or the date -> name
/// map copies were saved as before, so an upgrade keeps every good copy.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredMarks {
    // First: a map of dates is only ever the old shape (and `{}` is empty
    // either way).
    Before(BTreeMap<NaiveDate, String>),
    Now {
        #[serde(default)]
        names: Vec<String>,
        #[serde(default)]
        days: BTreeMap<NaiveDate, u16>,
        #[serde(default)]
        spans: Vec<Span>,
    },
}

impl From<StoredMarks> for Marks {
    fn from(stored: StoredMarks) -> Marks {
        match stored {
            StoredMarks::Now { names, days, spans } => Marks { names, days, spans },
            StoredMarks::Before(map) => {
                let mut marks = Marks::default();
                for (day, name) in map {
                    let i = match marks.names.iter().position(|n| *n == name) {
                        Some(i) => i,
                        None => {
                            marks.names.push(name);
                            marks.names.len() - 1
                        }
                    };
                    marks.days.insert(day, u16::try_from(i).unwrap_or(u16::MAX));
                }
                marks
            }
        }
    }
}

/// A timed event of at least 23 hours: UTC seconds from, until, name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Span(i64, i64, u16);

impl Marks {
    /// The days marked in `zone`, with their names.
    pub fn holidays(&self, zone: Tz) -> Holidays {
        let name = |i: u16| {
            self.names
                .get(usize::from(i))
                .cloned()
                .unwrap_or_else(|| UNNAMED.into())
        };
        let mut out: Holidays = self.days.iter().map(|(d, i)| (*d, name(*i))).collect();
        for &Span(from, until, i) in &self.spans {
            let (Some(from), Some(until)) = (
                DateTime::<Utc>::from_timestamp(from, 0),
                DateTime::<Utc>::from_timestamp(until, 0),
            ) else {
                continue;
            };
            let mut day = crate::time::local_date(zone, from);
            while let Some(next) = day.succ_opt() {
                let (starts, ends) = (midnight(zone, day), midnight(zone, next));
                if ends > until {
                    break;
                }
                if starts >= from {
                    out.entry(day).or_insert_with(|| name(i));
                }
                day = next;
            }
        }
        out
    }
}

/// The instant a local day begins.
fn midnight(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    crate::time::resolve_local(zone, day.and_time(chrono::NaiveTime::MIN))
}

/// The dates a copy keeps, around `today`: from the first day of last
/// year to the last day of next year (at most 1,096 days).
pub fn kept_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let y = today.year();
    let first = NaiveDate::from_ymd_opt(y - 1, 1, 1).unwrap_or(NaiveDate::MIN);
    let last = NaiveDate::from_ymd_opt(y + 1, 12, 31).unwrap_or(NaiveDate::MAX);
    (first, last)
}

/// The key a feed's copy is kept under: a digest of its full URL, so two
/// feeds that differ only by a token are kept apart and none of it shows.
pub fn feed_key(url: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(url.as_bytes());
    hex::encode(&digest[..12])
}

/// Longest validator (ETag, Last-Modified) kept for a conditional GET.
const MAX_VALIDATOR: usize = 200;

/// What the scheduler keeps of one feed in its state table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CalendarCache {
    /// The feed's URL as shown ([`shown_url`]).
    pub url: String,
    /// [`feed_key`] of the full URL.
    pub key: String,
    /// The days of the last good copy.
    pub holidays: Marks,
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
    /// A feed not yet fetched.
    pub fn new(url: &str) -> Self {
        CalendarCache {
            url: shown_url(url),
            key: feed_key(url),
            ..CalendarCache::default()
        }
    }

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

    /// Keeps a fresh copy; validators too long to be honest are dropped
    /// (the feed is then read whole once a day).
    pub fn keep(
        &mut self,
        marks: Marks,
        etag: Option<String>,
        last_modified: Option<String>,
        now: DateTime<Utc>,
    ) {
        let short = |v: Option<String>| v.filter(|v| v.len() <= MAX_VALIDATOR);
        self.holidays = marks;
        self.etag = short(etag);
        self.last_modified = short(last_modified);
        self.loaded_at = Some(now);
    }
}

/// Gives each schedule of `config` the holidays of its calendars' last
/// good copies in `copies` (kept by [`feed_key`]).
pub fn apply(config: &mut Config, copies: &BTreeMap<String, CalendarCache>) {
    config.apply_holidays(|url, zone| {
        copies
            .get(&feed_key(url))
            .filter(|c| c.loaded_at.is_some())
            .map(|c| c.holidays.holidays(zone))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const KOREA_2027: &str = include_str!("../../tests/fixtures/kr-holidays-2027.ics");
    const SEOUL: Tz = chrono_tz::Asia::Seoul;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The days a feed of `events` marks in Seoul, read on 2027-06-01.
    fn marked(events: &str) -> Holidays {
        let text = format!("BEGIN:VCALENDAR\nVERSION:2.0\n{events}END:VCALENDAR\n");
        parse_ics(&text, d("2027-06-01")).unwrap().holidays(SEOUL)
    }

    #[test]
    fn multi_day_events_mark_each_day_and_names_are_kept() {
        let h = parse_ics(KOREA_2027, d("2027-01-01"))
            .unwrap()
            .holidays(SEOUL);
        assert_eq!(h[&d("2027-02-06")], "설날");
        assert_eq!(h[&d("2027-02-08")], "설날");
        assert_eq!(h[&d("2027-02-09")], "설날 대체공휴일");
        assert!(!h.contains_key(&d("2027-02-10")));
        assert_eq!(h[&d("2027-03-01")], "삼일절");
    }

    #[test]
    fn malformed_feeds_are_refused() {
        let today = d("2027-01-01");
        assert!(parse_ics("hello", today).is_err());
        assert!(parse_ics(
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:tomorrow\nEND:VEVENT\nEND:VCALENDAR\n",
            today
        )
        .is_err());
        let long = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20300101\nEND:VEVENT\nEND:VCALENDAR\n";
        assert!(parse_ics(long, today).unwrap_err().contains("longer than"));
    }

    #[test]
    fn copies_saved_before_are_still_read() {
        let old = r#"{"2027-01-01": "New Year", "2027-02-06": "설날", "2027-02-07": "설날"}"#;
        let marks: Marks = serde_json::from_str(old).unwrap();
        let h = marks.holidays(SEOUL);
        assert_eq!(h[&d("2027-02-07")], "설날");
        assert_eq!(h.len(), 3);
        let again: Marks = serde_json::from_str(&serde_json::to_string(&marks).unwrap()).unwrap();
        assert_eq!(again, marks);
    }

    #[test]
    fn years_past_four_digits_are_refused_not_a_panic() {
        let today = d("2027-01-01");
        for (start, end) in [
            ("+2621421231T120000", "+2621421231T130000"),
            ("+2621421231", "+2621421231"),
            ("-2621421231T120000Z", "-2621421231T130000Z"),
        ] {
            let text = format!("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:{start}\nDTEND:{end}\nEND:VEVENT\nEND:VCALENDAR\n");
            assert!(parse_ics(&text, today).is_err(), "{start}");
        }
    }

    #[test]
    fn a_timed_event_shorter_than_the_day_marks_nothing() {
        let lunch = "BEGIN:VEVENT\nUID:l\nDTSTART:20270310T030000Z\nDTEND:20270310T040000Z\nSUMMARY:Team lunch\nEND:VEVENT\n";
        let zoned = "BEGIN:VEVENT\nUID:z\nDTSTART;TZID=Asia/Seoul:20270311T000000\nDTEND;TZID=Asia/Seoul:20270311T230000\nSUMMARY:Offsite\nEND:VEVENT\n";
        let floating = "BEGIN:VEVENT\nUID:f\nDTSTART:20270312T090000\nDURATION:PT8H\nSUMMARY:Workshop\nEND:VEVENT\n";
        assert!(marked(&format!("{lunch}{zoned}{floating}")).is_empty());
    }

    #[test]
    fn a_timed_event_covering_the_local_day_marks_it_in_the_schedules_zone() {
        // Seoul's 2027-03-10 is 2027-03-09T15:00Z..2027-03-10T15:00Z.
        let utc = "BEGIN:VEVENT\nUID:u\nDTSTART:20270309T150000Z\nDTEND:20270310T150000Z\nSUMMARY:Founders day\nEND:VEVENT\n";
        let h = marked(utc);
        assert_eq!(h.keys().copied().collect::<Vec<_>>(), [d("2027-03-10")]);
        let text = format!("BEGIN:VCALENDAR\n{utc}END:VCALENDAR\n");
        let in_utc = parse_ics(&text, d("2027-06-01")).unwrap().holidays(Tz::UTC);
        assert!(in_utc.is_empty(), "not a whole UTC day: {in_utc:?}");
        let zoned = "BEGIN:VEVENT\nUID:z\nDTSTART;TZID=Asia/Seoul:20270401T000000\nDTEND;TZID=Asia/Seoul:20270403T000000\nSUMMARY:Retreat\nEND:VEVENT\n";
        assert_eq!(
            marked(zoned).keys().copied().collect::<Vec<_>>(),
            [d("2027-04-01"), d("2027-04-02")]
        );
        let floating = "BEGIN:VEVENT\nUID:f\nDTSTART:20270501T000000\nDTEND:20270502T000000\nSUMMARY:Labour day\nEND:VEVENT\n";
        assert_eq!(marked(floating)[&d("2027-05-01")], "Labour day");
    }

    #[test]
    fn yearly_all_day_events_count_every_kept_year_but_exdates() {
        let rule = "BEGIN:VEVENT\nUID:y\nDTSTART;VALUE=DATE:20200815\nRRULE:FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=15\nEXDATE;VALUE=DATE:20270815\nSUMMARY:광복절\nEND:VEVENT\n";
        let h = marked(rule);
        assert_eq!(
            h.keys().copied().collect::<Vec<_>>(),
            [d("2026-08-15"), d("2028-08-15")],
            "2020-2025 are before last year; 2027 is an EXDATE"
        );
        let counted = "BEGIN:VEVENT\nUID:c\nDTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20260103\nRRULE:FREQ=YEARLY;INTERVAL=2;COUNT=2\nSUMMARY:Biennial\nEND:VEVENT\n";
        assert_eq!(
            marked(counted).keys().copied().collect::<Vec<_>>(),
            [
                d("2026-01-01"),
                d("2026-01-02"),
                d("2028-01-01"),
                d("2028-01-02")
            ]
        );
        let until = "BEGIN:VEVENT\nUID:u\nDTSTART;VALUE=DATE:20260301\nRRULE:FREQ=YEARLY;UNTIL=20270301T000000Z\nEND:VEVENT\n";
        assert_eq!(marked(until).len(), 2);
        let leap =
            "BEGIN:VEVENT\nUID:l\nDTSTART;VALUE=DATE:20240229\nRRULE:FREQ=YEARLY\nEND:VEVENT\n";
        assert_eq!(
            marked(leap).keys().copied().collect::<Vec<_>>(),
            [d("2028-02-29")]
        );
    }

    #[test]
    fn other_recurrences_are_ignored_not_guessed() {
        for rule in [
            "FREQ=MONTHLY",
            "FREQ=YEARLY;BYDAY=1MO",
            "FREQ=YEARLY;BYMONTH=9",
            "FREQ=WEEKLY;BYDAY=FR",
        ] {
            let e = format!(
                "BEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20270801\nRRULE:{rule}\nEND:VEVENT\n"
            );
            assert!(marked(&e).is_empty(), "{rule}");
        }
    }

    #[test]
    fn cancelled_events_and_instances_mark_nothing() {
        let cancelled = "BEGIN:VEVENT\nUID:c\nDTSTART;VALUE=DATE:20270505\nSTATUS:CANCELLED\nSUMMARY:Picnic\nEND:VEVENT\n";
        assert!(marked(cancelled).is_empty());
        let series = "BEGIN:VEVENT\nUID:s\nDTSTART;VALUE=DATE:20260606\nRRULE:FREQ=YEARLY\nSUMMARY:Memorial\nEND:VEVENT\nBEGIN:VEVENT\nUID:s\nRECURRENCE-ID;VALUE=DATE:20270606\nDTSTART;VALUE=DATE:20270606\nSTATUS:CANCELLED\nEND:VEVENT\n";
        assert_eq!(
            marked(series).keys().copied().collect::<Vec<_>>(),
            [d("2026-06-06"), d("2028-06-06")]
        );
    }

    #[test]
    fn names_are_cut_unescaped_and_kept_once() {
        let long = "x".repeat(500);
        let e = format!(
            "BEGIN:VEVENT\nUID:a\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270201\nSUMMARY:{long}\nEND:VEVENT\nBEGIN:VEVENT\nUID:b\nDTSTART;VALUE=DATE:20270301\nSUMMARY:Spring\\, at last\nEND:VEVENT\n"
        );
        let h = marked(&e);
        assert_eq!(h[&d("2027-01-15")].chars().count(), NAME_CHARS);
        assert_eq!(h[&d("2027-03-01")], "Spring, at last");
        let text = format!("BEGIN:VCALENDAR\n{e}END:VCALENDAR\n");
        let marks = parse_ics(&text, d("2027-06-01")).unwrap();
        assert_eq!(marks.names.len(), 2);
    }

    #[test]
    fn names_of_days_not_kept_cost_nothing() {
        use std::fmt::Write as _;
        let mut e = String::new();
        for y in 1900..2020 {
            let _ = write!(
                e,
                "BEGIN:VEVENT\nUID:{y}\nDTSTART;VALUE=DATE:{y}0101\nSUMMARY:{y} {}\nEND:VEVENT\n",
                "x".repeat(300)
            );
        }
        e.push_str("BEGIN:VEVENT\nUID:k\nDTSTART;VALUE=DATE:20270704\nSUMMARY:Kept\nEND:VEVENT\n");
        assert_eq!(marked(&e)[&d("2027-07-04")], "Kept");
    }

    /// The worst a feed can do: every kept day with its own long name and
    /// the most spans; the copy still fits the state table.
    #[test]
    fn a_hostile_feed_keeps_a_small_copy() {
        use std::fmt::Write as _;
        let mut text = String::from("BEGIN:VCALENDAR\n");
        let mut day = d("2020-01-01");
        for i in 0..6000 {
            let name: String = format!("{i}-{}", "\u{1F600}\"".repeat(100));
            let _ = write!(
                text,
                "BEGIN:VEVENT\nUID:{i}\nDTSTART;VALUE=DATE:{}\nDTEND;VALUE=DATE:{}\nSUMMARY:{name}\nEND:VEVENT\n",
                day.format("%Y%m%d"),
                (day + Duration::days(31)).format("%Y%m%d")
            );
            let _ = write!(
                text,
                "BEGIN:VEVENT\nUID:t{i}\nDTSTART:{}T000000Z\nDTEND:{}T000000Z\nSUMMARY:{name}\nEND:VEVENT\n",
                day.format("%Y%m%d"),
                (day + Duration::days(2)).format("%Y%m%d")
            );
            day += Duration::days(1);
        }
        text.push_str("END:VCALENDAR\n");
        let marks = parse_ics(&text, d("2027-06-01")).unwrap();
        assert_eq!(marks.days.len(), 1096, "2026 to 2028");
        assert_eq!(marks.spans.len(), MAX_SPANS);
        let mut copy = CalendarCache::new("https://example.com/x.ics");
        copy.keep(marks, Some("\"v\"".into()), None, Utc::now());
        let json = serde_json::to_string(&copy).unwrap();
        assert!(json.len() < 80 * 1024, "{} bytes", json.len());
    }

    #[test]
    fn a_copy_of_the_old_shape_keeps_its_days() {
        let old = r#"{"url":"https://x/y.ics","holidays":{"2027-01-01":"신정"},"loaded_at":"2027-01-01T00:00:00Z"}"#;
        let copy = serde_json::from_str::<CalendarCache>(old).unwrap();
        assert_eq!(copy.holidays.holidays(SEOUL)[&d("2027-01-01")], "신정");
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            shown_url(
                "http://calendar-bot:S3cretPassw0rd@127.0.0.1:8080/private/x.ics?token=abc#frag"
            ),
            "http://127.0.0.1:8080/private/x.ics"
        );
        assert_eq!(
            shown_url("https://example.com/kr.ics"),
            "https://example.com/kr.ics"
        );
        let odd = shown_url("https://user:pw@exa mple.com/a?token=t");
        assert!(!odd.contains("pw") && !odd.contains("token"), "{odd}");
        assert_ne!(
            feed_key("https://x/a.ics?token=1"),
            feed_key("https://x/a.ics?token=2")
        );
    }
}
