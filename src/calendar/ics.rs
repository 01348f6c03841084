//! An iCalendar feed read (with the `ical` crate) into the [`Marks`] it
//! gives, bounded: all-day events, yearly rules, cancelled events left
//! out, names cut and kept once.

use std::collections::{BTreeSet, HashMap};
use std::io::BufReader;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::{kept_range, Marks, Span, MAX_EVENT_DAYS, MAX_SPANS, NAME_BYTES, NAME_CHARS, UNNAMED};

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
            (Moment::Date(from), end) => self.all_day(e, from, end.date(), &name, skip)?,
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

    /// An all-day event from `from` until `end` (exclusive), every year
    /// when its rule is yearly, less its EXDATEs and the dates in `skip`.
    fn all_day(
        &mut self,
        e: &Event,
        from: NaiveDate,
        end: NaiveDate,
        name: &str,
        skip: Option<&BTreeSet<NaiveDate>>,
    ) -> Result<(), String> {
        let days = (end - from).num_days().max(1);
        if days > MAX_EVENT_DAYS {
            return Err(format!(
                "an event from {from} to {end} is longer than {MAX_EVENT_DAYS} days"
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
            self.mark(s, s + Duration::days(days), name);
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
