//! One local day of a schedule: the windows its periods give it (their
//! union), then what a bad exception item, a holiday and the exception
//! items make of them, and the events of those windows.
//!
//! Windows less than one tick apart are one window, within a day and
//! across midnight: AWS Instance Scheduler's periods 05:00-10:00 and
//! 10:01-15:00, or an all-day period followed by another, keep the
//! servers up instead of stopping and starting them again.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};

use super::{resolve_local, Event, Ready};
use crate::model::{Direction, ScheduleConfig, TICK_MINUTES};

/// A start and a stop of one day (either may be missing). `crosses`: the
/// stop falls on the next day (a window past midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: Option<NaiveTime>,
    pub stop: Option<NaiveTime>,
    pub crosses: bool,
}

impl Window {
    /// A window from `start` to `stop`; without a start, `reference` (the
    /// period's regular start) says whether the stop falls the next day.
    fn new(
        start: Option<NaiveTime>,
        stop: Option<NaiveTime>,
        reference: Option<NaiveTime>,
    ) -> Window {
        let crosses = match (start.or(reference), stop) {
            (Some(s), Some(t)) => t < s,
            _ => false,
        };
        Window {
            start,
            stop,
            crosses,
        }
    }

    /// Minutes from the day's midnight to the stop.
    fn end(&self) -> Option<i64> {
        self.stop
            .map(|t| minutes(t) + if self.crosses { 1440 } else { 0 })
    }
}

fn minutes(t: NaiveTime) -> i64 {
    i64::from(t.hour() * 60 + t.minute())
}

/// The windows DaysActive, StartTime, StopTime, `Periods`, `MonthDays` and
/// `Months` give a day: windows that overlap or lie less than a tick apart
/// become one.
pub fn regular_windows(cfg: &ScheduleConfig, day: NaiveDate) -> Vec<Window> {
    let mut full: Vec<Window> = Vec::new();
    let mut open: Vec<Window> = Vec::new();
    for p in cfg.schedule.periods_on(day) {
        let w = if p.all_day {
            Window {
                start: Some(NaiveTime::MIN),
                stop: Some(NaiveTime::MIN),
                crosses: true,
            }
        } else {
            Window::new(p.start, p.stop, p.start)
        };
        if w.start.is_some() && w.stop.is_some() {
            full.push(w);
        } else if w.start.is_some() || w.stop.is_some() {
            open.push(w);
        }
    }
    full.sort_by_key(|w| w.start);
    let mut merged: Vec<Window> = Vec::with_capacity(full.len());
    for w in full {
        match merged.last_mut() {
            Some(last) if w.start.map(minutes) < last.end().map(|e| e + TICK_MINUTES) => {
                if w.end() > last.end() {
                    last.stop = w.stop;
                    last.crosses = w.crosses;
                }
            }
            _ => merged.push(w),
        }
    }
    merged.extend(open);
    merged.sort_by_key(|w| (w.start, w.end()));
    merged
}

/// The day's windows after a bad exception item (none), a holiday (no
/// start, unless a `start` exception says otherwise) and the exception
/// items: `start X` moves the first start, `stop Y` the last stop, `None`
/// removes them all. On a day no period applies, a `start` exception
/// brings the regular StopTime along with it.
pub fn windows(cfg: &ScheduleConfig, day: NaiveDate) -> Vec<Window> {
    if cfg.exceptions.closed(day) {
        return vec![];
    }
    let s = &cfg.schedule;
    let mut ws = regular_windows(cfg, day);
    let start_x = match cfg.exceptions.get(day, Direction::Start) {
        None if cfg.holiday(day).is_some() => Some(None),
        x => x,
    };
    match start_x {
        Some(None) => ws.iter_mut().for_each(|w| w.start = None),
        Some(Some(x)) => match ws.first_mut() {
            Some(w) => *w = Window::new(Some(x), w.stop, Some(x)),
            None => ws.push(Window::new(Some(x), s.stop, Some(x))),
        },
        None => {}
    }
    match cfg.exceptions.get(day, Direction::Stop) {
        Some(None) => ws.iter_mut().for_each(|w| w.stop = None),
        Some(Some(y)) => match ws.iter_mut().max_by_key(|w| w.end()) {
            Some(w) => *w = Window::new(w.start, Some(y), w.start.or(s.start)),
            None => ws.push(Window::new(None, Some(y), s.start)),
        },
        None => {}
    }
    ws.retain(|w| w.start.is_some() || w.stop.is_some());
    ws
}

/// The instants a window of `day` starts and stops.
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn span(cfg: &ScheduleConfig, day: NaiveDate, w: &Window) -> Span {
    let tz = cfg.schedule.time_zone;
    let stop_day = if w.crosses {
        day + Duration::days(1)
    } else {
        day
    };
    (
        w.start.map(|t| resolve_local(tz, day.and_time(t))),
        w.stop.map(|t| resolve_local(tz, stop_day.and_time(t))),
    )
}

/// Whether window `b` starts when `a` stops or less than a tick after,
/// so neither that stop nor that start is a transition. Both need a
/// start (a window with only a stop never brought the servers up), and
/// windows that overlap across midnight keep their events as before.
fn continues(a: Span, b: Span) -> bool {
    match (a, b.0) {
        ((Some(_), Some(a_stop)), Some(b_start)) => {
            a_stop <= b_start && b_start < a_stop + Duration::minutes(TICK_MINUTES)
        }
        _ => false,
    }
}

/// One local day's windows and the instants they start and stop: worked
/// out once, although a day's events look at both neighbours' windows.
struct Day {
    date: NaiveDate,
    windows: Vec<Window>,
    spans: Vec<Span>,
}

impl Day {
    fn of(cfg: &ScheduleConfig, date: NaiveDate) -> Day {
        let windows = windows(cfg, date);
        let spans = windows.iter().map(|w| span(cfg, date, w)).collect();
        Day {
            date,
            windows,
            spans,
        }
    }

    /// A day past the calendar's range: no windows.
    fn beyond(date: NaiveDate) -> Day {
        Day {
            date,
            windows: vec![],
            spans: vec![],
        }
    }
}

/// A schedule's days, each worked out once however often it is asked for:
/// a pass walks the same few days for the events it acts on, the ones an
/// exception took away and the next ones (each day's windows and instants
/// were once most of a small fleet's plan).
pub struct Days<'c> {
    cfg: &'c ScheduleConfig,
    known: RefCell<Known>,
}

/// The days worked out so far, and where each date's is.
#[derive(Default)]
struct Known {
    days: Vec<Day>,
    by_date: BTreeMap<NaiveDate, usize>,
}

impl<'c> Days<'c> {
    pub fn new(cfg: &'c ScheduleConfig) -> Days<'c> {
        Days {
            cfg,
            known: RefCell::default(),
        }
    }

    pub fn cfg(&self) -> &'c ScheduleConfig {
        self.cfg
    }

    /// Where `date`'s day is, worked out if it was not yet.
    fn of(&self, date: NaiveDate) -> usize {
        if let Some(&at) = self.known.borrow().by_date.get(&date) {
            return at;
        }
        let day = Day::of(self.cfg, date);
        let mut known = self.known.borrow_mut();
        known.days.push(day);
        let at = known.days.len() - 1;
        known.by_date.insert(date, at);
        at
    }

    /// The day `step` days away (1 or -1); past the calendar's end, a day
    /// without windows dated as `date` (which tells a walk to stop).
    fn beside(&self, date: NaiveDate, step: i64) -> usize {
        match date.checked_add_signed(Duration::days(step)) {
            Some(next) => self.of(next),
            None => {
                let mut known = self.known.borrow_mut();
                known.days.push(Day::beyond(date));
                known.days.len() - 1
            }
        }
    }

    fn date(&self, at: usize) -> NaiveDate {
        self.known.borrow().days[at].date
    }

    /// The events of the day at `this`, between those at `before` and
    /// `after`.
    fn joined(&self, before: usize, this: usize, after: usize) -> Vec<Event> {
        let known = self.known.borrow();
        let day = |at: usize| &known.days[at];
        joined(self.cfg, day(before), day(this), day(after))
    }
}

/// The events of one day, without the stop of a window that the next
/// day's continues and the start of one that continues the day before's.
pub fn joined_events(cfg: &ScheduleConfig, day: NaiveDate) -> Vec<Event> {
    let days = Days::new(cfg);
    let this = days.of(day);
    if days.known.borrow().days[this].windows.is_empty() {
        return vec![];
    }
    let (before, after) = (days.beside(day, -1), days.beside(day, 1));
    days.joined(before, this, after)
}

/// Consecutive days' events, forward or back (`step` 1 or -1), from
/// `first`: each day's windows and instants are worked out once for the
/// three days whose events they decide, and only when the walk goes on
/// (a search that stops after a day does not work out the one beyond).
pub struct Walk<'d, 'c> {
    days: &'d Days<'c>,
    step: i64,
    /// Where the three days are in `days`.
    before: usize,
    /// `None` past the calendar's end.
    this: Option<usize>,
    after: usize,
    /// `this` was yielded: the next step moves on first.
    yielded: bool,
}

impl<'d, 'c> Walk<'d, 'c> {
    pub fn starting(days: &'d Days<'c>, first: NaiveDate, step: i64) -> Walk<'d, 'c> {
        Walk {
            days,
            step,
            before: days.beside(first, -1),
            this: Some(days.of(first)),
            after: days.beside(first, 1),
            yielded: false,
        }
    }

    /// One day on in the walk's direction; past the calendar's end (a
    /// neighbour dated as this day), no day.
    fn move_on(&mut self) {
        let Some(this) = self.this.take() else {
            return;
        };
        let (toward, away) = match self.step {
            1.. => (&mut self.after, &mut self.before),
            _ => (&mut self.before, &mut self.after),
        };
        let toward_date = self.days.date(*toward);
        if toward_date != self.days.date(this) {
            let further = self.days.beside(toward_date, self.step);
            self.this = Some(std::mem::replace(toward, further));
            *away = this;
        }
    }
}

impl Iterator for Walk<'_, '_> {
    type Item = (NaiveDate, Vec<Event>);

    fn next(&mut self) -> Option<Self::Item> {
        if std::mem::replace(&mut self.yielded, true) {
            self.move_on();
        }
        let this = self.this?;
        let events = self.days.joined(self.before, this, self.after);
        Some((self.days.date(this), events))
    }
}

/// `day`'s events, its neighbours deciding which windows continue theirs.
fn joined(cfg: &ScheduleConfig, before: &Day, day: &Day, after: &Day) -> Vec<Event> {
    if day.windows.is_empty() {
        return vec![];
    }
    let mut out = Vec::with_capacity(2 * day.windows.len());
    for (w, this) in day.windows.iter().zip(&day.spans) {
        let mut kept = *w;
        if before.spans.iter().any(|a| continues(*a, *this)) {
            kept.start = None;
        }
        if after.spans.iter().any(|b| continues(*this, *b)) {
            kept.stop = None;
        }
        window_events(cfg, day.date, &kept, *this, &mut out);
    }
    if cfg.lead().is_some() {
        let stops: Vec<DateTime<Utc>> = before
            .spans
            .iter()
            .chain(&day.spans)
            .filter_map(|s| s.1)
            .collect();
        for e in &mut out {
            after_earlier_stop(e, &stops, cfg.schedule.time_zone);
        }
    }
    out
}

/// A start moved ahead of its ready time never comes before a stop that
/// precedes that time: it begins a tick after it at the earliest (windows
/// closer than a tick are already one).
fn after_earlier_stop(e: &mut Event, stops: &[DateTime<Utc>], tz: chrono_tz::Tz) {
    let Some(ready) = e.ready else {
        return;
    };
    let floor = stops.iter().filter(|s| **s <= ready.at).max();
    if let Some(floor) = floor {
        let earliest = (*floor + Duration::minutes(TICK_MINUTES)).min(ready.at);
        if e.at < earliest {
            e.at = earliest;
            e.local = earliest.with_timezone(&tz).naive_local();
        }
    }
}

/// The events of one day's windows.
pub fn events_of(cfg: &ScheduleConfig, day: NaiveDate, windows: &[Window]) -> Vec<Event> {
    let mut out = Vec::with_capacity(2 * windows.len());
    for w in windows {
        window_events(cfg, day, w, span(cfg, day, w), &mut out);
    }
    out
}

/// The events of window `w` of `day`, whose instants `span` holds (a
/// start or stop the window lacks is not an event).
fn window_events(
    cfg: &ScheduleConfig,
    day: NaiveDate,
    w: &Window,
    (start, stop): Span,
    out: &mut Vec<Event>,
) {
    let tz = cfg.schedule.time_zone;
    let lead = cfg.lead().map(|l| Duration::minutes(l.minutes));
    if let (Some(t), Some(at)) = (w.start, start) {
        let local = day.and_time(t);
        // A ready-by start: `at` less the lead, ready at `at`.
        let early = lead.map(|lead| at - lead);
        out.push(Event {
            kind: Direction::Start,
            at: early.unwrap_or(at),
            day,
            local: early.map_or(local, |e| e.with_timezone(&tz).naive_local()),
            ready: early.map(|_| Ready { at, local }),
        });
    }
    if let (Some(t), Some(at)) = (w.stop, stop) {
        let date = if w.crosses {
            day + Duration::days(1)
        } else {
            day
        };
        out.push(Event {
            kind: Direction::Stop,
            at,
            day,
            local: date.and_time(t),
            ready: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue as Av;

    use super::*;
    use crate::testing::{config, period, schedule_item};

    fn t(text: &str) -> NaiveTime {
        NaiveTime::parse_from_str(text, "%H:%M").unwrap()
    }

    fn with_periods(periods: Vec<Av>) -> ScheduleConfig {
        let item =
            schedule_item("dev", "weekdays", "09:00", "12:00").with("Periods", Av::L(periods));
        config(vec![item], vec![], vec![]).schedules["dev"].clone()
    }

    fn spans(ws: &[Window]) -> Vec<(Option<NaiveTime>, Option<NaiveTime>)> {
        ws.iter().map(|w| (w.start, w.stop)).collect()
    }

    #[test]
    fn overlapping_periods_are_one_window_and_apart_ones_two() {
        let cfg = with_periods(vec![
            period("mon", "11:00", "14:00"),
            period("mon", "16:00", "18:00"),
        ]);
        let monday = "2026-11-30".parse().unwrap();
        assert_eq!(
            spans(&windows(&cfg, monday)),
            [
                (Some(t("09:00")), Some(t("14:00"))),
                (Some(t("16:00")), Some(t("18:00")))
            ]
        );
        let tuesday = "2026-12-01".parse().unwrap();
        assert_eq!(
            spans(&windows(&cfg, tuesday)),
            [(Some(t("09:00")), Some(t("12:00")))]
        );
    }

    #[test]
    fn a_period_past_midnight_swallows_a_later_one() {
        let cfg = with_periods(vec![
            period("mon", "22:00", "02:00"),
            period("mon", "23:00", "23:30"),
        ]);
        let ws = windows(&cfg, "2026-11-30".parse().unwrap());
        assert_eq!(ws.len(), 2);
        assert!(ws[1].crosses && ws[1].stop == Some(t("02:00")));
    }

    #[test]
    fn exceptions_move_the_first_start_and_the_last_stop() {
        let item = schedule_item("dev", "mon", "09:00", "12:00")
            .with("Periods", Av::L(vec![period("mon", "13:00", "18:00")]));
        let xs = vec![
            crate::testing::exception_item("a", "dev", "2026-11-30", "start", "08:00"),
            crate::testing::exception_item("b", "dev", "2026-11-30", "stop", "20:00"),
        ];
        let cfg = config(vec![item], vec![], xs).schedules["dev"].clone();
        assert_eq!(
            spans(&windows(&cfg, "2026-11-30".parse().unwrap())),
            [
                (Some(t("08:00")), Some(t("12:00"))),
                (Some(t("13:00")), Some(t("20:00")))
            ]
        );
    }
}
