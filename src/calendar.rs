//! Holiday calendars: an iCalendar feed read into the days it marks, and
//! what the scheduler remembers of each feed between passes.
//!
//! Only all-day events mark a day (`VALUE=DATE`, or a timed event that
//! covers a whole day in the schedule's zone); yearly recurring all-day
//! events count every year, cancelled events never. What a feed gives is
//! bounded whatever it holds: only dates from last year to next year are
//! kept, names are cut and kept once, so a hostile feed costs little memory
//! and its copy fits in the state table.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufReader;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::model::{shown_url, Config, Holidays};

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

/// Reads an iCalendar text (with the `ical` crate) into the days it marks
/// within [`kept_range`] of `today`. Refused when it holds no calendar or
/// an event whose dates cannot be read; events that mark no day (timed
/// events shorter than a day, other recurrences, cancelled ones) are left
/// out without a word.
pub fn parse_ics(text: &str, today: NaiveDate) -> Result<Marks, String> {
    let mut marks = Builder::new(kept_range(today));
    let mut calendars = 0;
    for calendar in ical::IcalParser::new(BufReader::new(text.as_bytes())) {
        let calendar = calendar.map_err(|e| format!("not an iCalendar feed: {e}"))?;
        calendars += 1;
        let events: Vec<Event> = calendar.events.iter().map(Event::new).collect();
        // Instances moved or cancelled by a RECURRENCE-ID leave their series.
        let mut moved: HashMap<&str, BTreeSet<NaiveDate>> = HashMap::new();
        for e in &events {
            if let Some(id) = e.value("RECURRENCE-ID") {
                moved
                    .entry(e.value("UID").unwrap_or_default())
                    .or_default()
                    .insert(date(id)?);
            }
        }
        for e in &events {
            if e.value("STATUS")
                .is_some_and(|s| s.trim().eq_ignore_ascii_case("CANCELLED"))
            {
                continue;
            }
            let skip = moved.get(e.value("UID").unwrap_or_default());
            marks.event(e, skip)?;
        }
    }
    if calendars == 0 {
        return Err("not an iCalendar feed: no VCALENDAR".into());
    }
    Ok(marks.done())
}

/// One VEVENT's properties.
struct Event<'a>(&'a [ical::property::Property]);

impl<'a> Event<'a> {
    fn new(e: &'a ical::parser::ical::component::IcalEvent) -> Self {
        Event(&e.properties)
    }

    fn all(&self, name: &'a str) -> impl Iterator<Item = &'a ical::property::Property> + 'a {
        self.0
            .iter()
            .filter(move |p| p.name.eq_ignore_ascii_case(name))
    }

    fn prop(&self, name: &str) -> Option<&'a ical::property::Property> {
        self.0.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.prop(name).and_then(|p| p.value.as_deref())
    }
}

/// When an event starts or ends.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// `VALUE=DATE`: a whole day.
    Date(NaiveDate),
    /// A local time without a zone: the same wall clock in every zone.
    Floating(NaiveDateTime),
    /// A UTC time, or a time in a named zone.
    Instant(DateTime<Utc>),
}

impl Moment {
    /// `None`: a time in a zone that cannot be told (a TZID that is not an
    /// IANA name, a local time that does not exist there).
    fn read(p: &ical::property::Property) -> Result<Option<Moment>, String> {
        let raw = p.value.as_deref().unwrap_or_default().trim();
        let param = |name: &str| {
            p.params.iter().flatten().find_map(|(k, v)| {
                k.eq_ignore_ascii_case(name)
                    .then(|| v.first().map(String::as_str))
                    .flatten()
            })
        };
        let is_date = param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
        if is_date || raw.len() == 8 {
            return date(raw).map(|d| Some(Moment::Date(d)));
        }
        let bad = || format!("{} is not an iCalendar date", crate::model::quoted(raw));
        let (local, utc) = match raw.strip_suffix(['Z', 'z']) {
            Some(l) => (l, true),
            None => (raw, false),
        };
        let local = NaiveDateTime::parse_from_str(local, "%Y%m%dT%H%M%S")
            .ok()
            .filter(|t| plausible(t.year()))
            .ok_or_else(bad)?;
        if utc {
            return Ok(Some(Moment::Instant(Utc.from_utc_datetime(&local))));
        }
        match param("TZID") {
            None => Ok(Some(Moment::Floating(local))),
            Some(tz) => Ok(tz
                .trim_start_matches('/')
                .parse::<Tz>()
                .ok()
                .and_then(|tz| tz.from_local_datetime(&local).earliest())
                .map(|t| Moment::Instant(t.with_timezone(&Utc)))),
        }
    }

    /// `self + d`, for DURATION.
    fn plus(self, d: Duration) -> Option<Moment> {
        Some(match self {
            Moment::Date(x) => Moment::Date(x.checked_add_signed(d)?),
            Moment::Floating(x) => Moment::Floating(x.checked_add_signed(d)?),
            Moment::Instant(x) => Moment::Instant(x.checked_add_signed(d)?),
        })
    }

    fn date(self) -> NaiveDate {
        match self {
            Moment::Date(d) => d,
            Moment::Floating(t) => t.date(),
            Moment::Instant(t) => t.date_naive(),
        }
    }
}

/// The date of `20270206` or `20270206T000000Z` (EXDATE, RECURRENCE-ID,
/// UNTIL: compared by date, as only all-day events recur here).
fn date(value: &str) -> Result<NaiveDate, String> {
    let digits: String = value.trim().chars().take(8).collect();
    NaiveDate::parse_from_str(&digits, "%Y%m%d")
        .ok()
        .filter(|d| plausible(d.year()))
        .ok_or_else(|| format!("{} is not an iCalendar date", crate::model::quoted(value)))
}

/// iCalendar years have four digits; chrono's `%Y` also takes a sign and
/// more digits, up to where date arithmetic overflows.
fn plausible(year: i32) -> bool {
    (1..=9999).contains(&year)
}

/// `P1D`, `P2W`, `PT24H`, `P1DT12H`: a DURATION (signs and months are
/// not iCalendar durations; a negative one marks nothing).
fn duration(value: &str) -> Option<Duration> {
    let v = value.trim();
    let v = v.strip_prefix('+').unwrap_or(v);
    let rest = v.strip_prefix('P')?;
    let (mut total, mut number, mut in_time) = (Duration::zero(), String::new(), false);
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' if number.is_empty() => in_time = true,
            _ => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (c, in_time) {
                    ('W', false) => Duration::try_weeks(n)?,
                    ('D', false) => Duration::try_days(n)?,
                    ('H', true) => Duration::try_hours(n)?,
                    ('M', true) => Duration::try_minutes(n)?,
                    ('S', true) => Duration::try_seconds(n)?,
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total)
}

/// A yearly rule: `FREQ=YEARLY` with COUNT, UNTIL, INTERVAL, and a
/// BYMONTH/BYMONTHDAY equal to the start's. `None`: any other rule.
#[derive(Debug, Default)]
struct Yearly {
    interval: i32,
    count: Option<u32>,
    until: Option<NaiveDate>,
}

impl Yearly {
    fn read(rule: &str, start: NaiveDate) -> Option<Yearly> {
        let mut out = Yearly {
            interval: 1,
            ..Yearly::default()
        };
        let mut yearly = false;
        for part in rule.trim().split(';').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=')?;
            let v = v.trim();
            match k.trim().to_ascii_uppercase().as_str() {
                "FREQ" => yearly = v.eq_ignore_ascii_case("YEARLY"),
                "INTERVAL" => out.interval = v.parse().ok().filter(|n| (1..=1000).contains(n))?,
                "COUNT" => out.count = Some(v.parse().ok()?),
                "UNTIL" => out.until = Some(date(v).ok()?),
                "BYMONTH" => (v.parse::<u32>().ok()? == start.month()).then_some(())?,
                "BYMONTHDAY" => (v.parse::<u32>().ok()? == start.day()).then_some(())?,
                "WKST" => {}
                _ => return None,
            }
        }
        yearly.then_some(out)
    }

    /// The dates of the rule from `start` in the years `first..=last`.
    fn dates(&self, start: NaiveDate, first: i32, last: i32) -> Vec<NaiveDate> {
        let mut out = Vec::new();
        let mut made = 0u32;
        let mut year = start.year();
        if self.count.is_none() && year < first {
            // Nothing before `first` is kept or counted: skip to it.
            year += (first - year) / self.interval * self.interval;
        }
        while year <= last && self.count.is_none_or(|c| made < c) {
            // A 29 February start recurs only in leap years, and the years
            // without it do not count (RFC 5545, 3.3.10).
            if let Some(d) = NaiveDate::from_ymd_opt(year, start.month(), start.day()) {
                if self.until.is_some_and(|u| d > u) {
                    break;
                }
                made += 1;
                if year >= first {
                    out.push(d);
                }
            }
            year = match year.checked_add(self.interval) {
                Some(y) => y,
                None => break,
            };
        }
        out
    }
}

/// Gathers the marks of a feed within the kept range, names once.
struct Builder {
    first: NaiveDate,
    last: NaiveDate,
    marks: Marks,
    index: HashMap<String, u16>,
    name_bytes: usize,
}

impl Builder {
    fn new((first, last): (NaiveDate, NaiveDate)) -> Self {
        Builder {
            first,
            last,
            marks: Marks::default(),
            index: HashMap::new(),
            name_bytes: 0,
        }
    }

    /// Marks what one event covers; `skip`: dates its series leaves out
    /// (moved or cancelled instances).
    fn event(&mut self, e: &Event, skip: Option<&BTreeSet<NaiveDate>>) -> Result<(), String> {
        let start = e.prop("DTSTART").ok_or("an event has no DTSTART")?;
        let Some(start) = Moment::read(start)? else {
            return Ok(());
        };
        let end = match (e.prop("DTEND"), e.value("DURATION")) {
            (Some(end), _) => Moment::read(end)?,
            (None, Some(d)) => duration(d).and_then(|d| start.plus(d)),
            // Without an end a day lasts a day, and a time an instant.
            (None, None) => start.plus(match start {
                Moment::Date(_) => Duration::days(1),
                _ => Duration::zero(),
            }),
        };
        let Some(end) = end else { return Ok(()) };
        let name = summary(e.value("SUMMARY"));
        match (start, end) {
            (Moment::Date(from), end) => {
                let days = (end.date() - from).num_days().max(1);
                if days > MAX_EVENT_DAYS {
                    return Err(format!(
                        "an event from {from} to {} is longer than {MAX_EVENT_DAYS} days",
                        end.date()
                    ));
                }
                let starts = match e.value("RRULE") {
                    None => vec![from],
                    Some(rule) => match Yearly::read(rule, from) {
                        Some(y) => y.dates(from, self.first.year(), self.last.year()),
                        None => return Ok(()),
                    },
                };
                let exdates = self.exdates(e)?;
                for s in starts {
                    if exdates.contains(&s) || skip.is_some_and(|k| k.contains(&s)) {
                        continue;
                    }
                    self.mark(s, s + Duration::days(days), &name);
                }
            }
            // A recurring timed event is not an all-day holiday.
            _ if e.prop("RRULE").is_some() => {}
            (Moment::Floating(from), Moment::Floating(until)) => {
                if until - from > Duration::days(MAX_EVENT_DAYS) {
                    return Err(format!(
                        "an event from {from} to {until} is longer than {MAX_EVENT_DAYS} days"
                    ));
                }
                // Whole days between the two wall-clock times.
                let first = if from.time() == chrono::NaiveTime::MIN {
                    from.date()
                } else {
                    match from.date().succ_opt() {
                        Some(next) => next,
                        None => return Ok(()),
                    }
                };
                let last = until.date();
                self.mark(first, last, &name);
            }
            (Moment::Instant(from), Moment::Instant(until)) => {
                if until - from > Duration::days(MAX_EVENT_DAYS) {
                    return Err(format!(
                        "an event from {from} to {until} is longer than {MAX_EVENT_DAYS} days"
                    ));
                }
                // No local day is shorter than 23 hours.
                let keep = until - from >= Duration::hours(23)
                    && until.date_naive() >= self.first - Duration::days(1)
                    && from.date_naive() <= self.last + Duration::days(1)
                    && self.marks.spans.len() < MAX_SPANS;
                if keep {
                    let idx = self.name(name);
                    self.marks
                        .spans
                        .push(Span(from.timestamp(), until.timestamp(), idx));
                }
            }
            // A floating start with a zoned end (or the reverse): no day can
            // be told for sure.
            _ => {}
        }
        Ok(())
    }

    /// Every EXDATE of an event, by date.
    fn exdates(&self, e: &Event) -> Result<BTreeSet<NaiveDate>, String> {
        let mut out = BTreeSet::new();
        for p in e.all("EXDATE") {
            for v in p.value.as_deref().unwrap_or_default().split(',') {
                if !v.trim().is_empty() {
                    out.insert(date(v)?);
                }
            }
        }
        Ok(out)
    }

    /// Marks `from..until` (exclusive), only inside the kept range; the
    /// first event to mark a day names it. A name is kept only once it
    /// names a day, so events outside the range cost nothing.
    fn mark(&mut self, from: NaiveDate, until: NaiveDate, name: &str) {
        let mut idx = None;
        let mut d = from.max(self.first);
        while d < until && d <= self.last {
            if !self.marks.days.contains_key(&d) {
                let i = *idx.get_or_insert_with(|| self.name(name.to_string()));
                self.marks.days.insert(d, i);
            }
            d += Duration::days(1);
        }
    }

    /// The index of a name, each kept once; past [`NAME_BYTES`], the
    /// unnamed name.
    fn name(&mut self, name: String) -> u16 {
        if let Some(i) = self.index.get(&name) {
            return *i;
        }
        let name = if self.name_bytes + name.len() > NAME_BYTES {
            UNNAMED.to_string()
        } else {
            name
        };
        if let Some(i) = self.index.get(&name) {
            return *i;
        }
        // NAME_BYTES keeps the count far below u16::MAX.
        let i = u16::try_from(self.marks.names.len()).unwrap_or(u16::MAX);
        self.name_bytes += name.len();
        self.index.insert(name.clone(), i);
        self.marks.names.push(name);
        i
    }

    fn done(self) -> Marks {
        self.marks
    }
}

/// A SUMMARY as a name: iCalendar escapes undone, control characters
/// dropped, cut to [`NAME_CHARS`].
fn summary(value: Option<&str>) -> String {
    let mut out = String::new();
    let mut chars = value.unwrap_or_default().trim().chars();
    let mut count = 0;
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => ' ',
                Some(other) => other,
                None => break,
            },
            c if c.is_control() => continue,
            c => c,
        };
        if count == NAME_CHARS {
            break;
        }
        out.push(c);
        count += 1;
    }
    let out = out.trim();
    if out.is_empty() {
        UNNAMED.into()
    } else {
        out.to_string()
    }
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

    const KOREA_2027: &str = include_str!("../tests/fixtures/kr-holidays-2027.ics");
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
