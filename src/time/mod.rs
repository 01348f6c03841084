//! A schedule's local days and the start/stop events they hold: exceptions
//! applied, windows that run past midnight, and DST gaps and repeats
//! resolved to one instant each.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::model::{Direction, ScheduleConfig};

mod day;
mod moves;
mod reason;

pub use day::{windows as day_windows, Days, Window};
pub use moves::{extend_target, Past};
pub use reason::Reason;

/// A start or stop at one instant. `day` is the local date whose window the
/// event belongs to: for a 22:00-02:00 window, the 02:00 stop belongs to the
/// day before, and that is the date a `stop` exception must name to move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Event {
    pub kind: Direction,
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    /// `at` on the schedule's wall clock.
    pub local: NaiveDateTime,
    /// A `ready-by` schedule's start: when its last wave is to be ready
    /// (the StartTime or the exception's time); `at` is that, less the lead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<Ready>,
}

/// The time a `ready-by` start is to be ready by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Ready {
    pub at: DateTime<Utc>,
    pub local: NaiveDateTime,
}

/// How far back and ahead event searches look: a week covers every weekly
/// pattern, plus a day for windows past midnight; nth weekdays, MonthDays
/// and Months repeat within a year.
fn search_days(cfg: &ScheduleConfig) -> i64 {
    if cfg.schedule.is_weekly() {
        8
    } else {
        367
    }
}

/// The last local day whose events can happen by `at`: the next day's
/// start comes before its midnight when a lead moves it earlier.
fn last_day(cfg: &ScheduleConfig, at: DateTime<Utc>) -> NaiveDate {
    let today = local_date(cfg.schedule.time_zone, at);
    match cfg.lead() {
        Some(_) => today.succ_opt().unwrap_or(today),
        None => today,
    }
}

/// The instant of a local wall-clock time. In a spring-forward gap that is
/// the first instant after the gap; at fall-back, the first of the two.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are at most a few hours (usually one); walk forward by the
            // minute to the first wall-clock time that exists again.
            let mut probe = local;
            for _ in 0..(6 * 60) {
                probe += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&local)
        }
    }
}

/// The local calendar date of an instant in the schedule's zone.
pub fn local_date(tz: Tz, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The first start and the last stop of one day, exceptions and holidays
/// applied (what `info` and `exceptions` show).
pub fn day_times(cfg: &ScheduleConfig, day: NaiveDate) -> (Option<NaiveTime>, Option<NaiveTime>) {
    let ws = day::windows(cfg, day);
    let start = ws.iter().filter_map(|w| w.start).min();
    let stop = ws
        .iter()
        .filter(|w| w.stop.is_some())
        .max_by_key(|w| (w.crosses, w.stop))
        .and_then(|w| w.stop);
    (start, stop)
}

/// The events of one day's windows (a start and a stop each), less those
/// between windows that continue the previous or next day's.
pub fn day_events(cfg: &ScheduleConfig, day: NaiveDate) -> Vec<Event> {
    day::joined_events(cfg, day)
}

/// The `ready-by` start among `events` that is to be ready at `ready`
/// (local): its early start.
pub fn ready_by_start(events: &[Event], ready: NaiveDateTime) -> Option<&Event> {
    events
        .iter()
        .find(|e| e.ready.is_some_and(|r| r.local == ready))
}

/// A regular event that an exception item took away, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skip {
    pub kind: Direction,
    /// When it would have happened.
    pub at: DateTime<Utc>,
    pub day: NaiveDate,
    pub why: Reason,
}

/// [`Days::skipped_between`] on days of its own.
pub fn skipped_between(cfg: &ScheduleConfig, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Skip> {
    Days::new(cfg).skipped_between(from, to)
}

/// The stop of one day's window, wherever past midnight it lands.
pub fn day_stop(cfg: &ScheduleConfig, day: NaiveDate) -> Option<Event> {
    day_events(cfg, day)
        .into_iter()
        .find(|e| e.kind == Direction::Stop)
}

/// [`Days::events_between`] on days of its own.
pub fn events_between(cfg: &ScheduleConfig, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Event> {
    Days::new(cfg).events_between(from, to)
}

/// [`Days::events_due`] on days of its own.
pub fn events_due(
    cfg: &ScheduleConfig,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    seen: Option<DateTime<Utc>>,
) -> Vec<Event> {
    Days::new(cfg).events_due(from, to, seen)
}

/// The first event of `kind` strictly after `after`, within the search.
pub fn next_event(cfg: &ScheduleConfig, after: DateTime<Utc>, kind: Direction) -> Option<Event> {
    let (start, stop) = next_events(cfg, after);
    match kind {
        Direction::Start => start,
        Direction::Stop => stop,
    }
}

/// [`Days::next_events`] on days of its own.
pub fn next_events(cfg: &ScheduleConfig, after: DateTime<Utc>) -> (Option<Event>, Option<Event>) {
    Days::new(cfg).next_events(after)
}

/// [`Days::last_event`] on days of its own.
pub fn last_event(cfg: &ScheduleConfig, at: DateTime<Utc>) -> Option<Event> {
    Days::new(cfg).last_event(at)
}

/// The searches over a schedule's days, sharing the days they work out
/// (the functions above are each one search on days of its own).
impl Days<'_> {
    /// Regular events with `from < at <= to` that did not happen because of
    /// an exception item, so a quiet pass can say why it was quiet.
    pub fn skipped_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Skip> {
        let cfg = self.cfg();
        if from >= to {
            return Vec::new();
        }
        let tz = cfg.schedule.time_zone;
        let first = local_date(tz, from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = last_day(cfg, to);
        let mut out = Vec::new();
        for (day, happening) in day::Walk::starting(self, first, 1).take_while(|(d, _)| *d <= last)
        {
            for e in day::events_of(cfg, day, &day::regular_windows(cfg, day)) {
                if e.at <= from || e.at > to || happening.iter().any(|h| h.kind == e.kind) {
                    continue;
                }
                let why = match (cfg.exceptions.item(day, e.kind), cfg.holiday(day)) {
                    _ if cfg.exceptions.closed(day) => Reason::Closed,
                    (Some(x), _) => Reason::exception(x),
                    (None, Some(name)) if e.kind == Direction::Start => Reason::Holiday {
                        name: name.to_string(),
                    },
                    _ => continue,
                };
                out.push(Skip {
                    kind: e.kind,
                    at: e.at,
                    day,
                    why,
                });
            }
        }
        out
    }

    /// Events with `from < at <= to`, oldest first.
    pub fn events_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Event> {
        let cfg = self.cfg();
        if from >= to {
            return Vec::new();
        }
        let tz = cfg.schedule.time_zone;
        let first = local_date(tz, from).pred_opt().unwrap_or(NaiveDate::MIN);
        let last = last_day(cfg, to);
        let mut out: Vec<Event> = day::Walk::starting(self, first, 1)
            .take_while(|(d, _)| *d <= last)
            .flat_map(|(_, events)| events)
            .filter(|e| e.at > from && e.at <= to)
            .collect();
        out.sort_by_key(|e| (e.at, e.kind));
        out
    }

    /// The events a pass from `from` to `to` acts on: those between, and
    /// for a `ready-by` schedule also a start whose lead grew and moved it
    /// before `from` while its ready time was still ahead, but no start
    /// whose ready time a pass already saw (`seen`: the lead shrank and
    /// moved it later).
    pub fn events_due(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        seen: Option<DateTime<Utc>>,
    ) -> Vec<Event> {
        if self.cfg().lead().is_none() {
            return self.events_between(from, to);
        }
        let earliest = from - Duration::minutes(crate::model::MAX_LEAD_MINUTES);
        self.events_between(earliest, to)
            .into_iter()
            .filter(|e| match e.ready {
                Some(r) => (e.at > from || r.at > from) && seen.is_none_or(|s| r.at > s),
                None => e.at > from,
            })
            .collect()
    }

    /// The first start and the first stop strictly after `after`, within
    /// the search (a week, or a year for monthly rules), in one walk
    /// forward day by day. Each search ends one day after its first hit: a
    /// stop that a window carries past midnight can come after the next
    /// day's own.
    pub fn next_events(&self, after: DateTime<Utc>) -> (Option<Event>, Option<Event>) {
        let cfg = self.cfg();
        let until = after + Duration::days(search_days(cfg));
        let first = local_date(cfg.schedule.time_zone, after)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        let last = last_day(cfg, until);
        let (mut start, mut stop): (Option<Event>, Option<Event>) = (None, None);
        let done =
            |e: Option<Event>, day: NaiveDate| e.is_some_and(|e| day > e.day + Duration::days(1));
        // Whether the walk ends before `day` (checked before a day is worked
        // out, so the walk stops without working out the next).
        let ends = |start, stop, day| day > last || (done(start, day) && done(stop, day));
        if ends(start, stop, first) {
            return (start, stop);
        }
        for (day, events) in day::Walk::starting(self, first, 1) {
            for e in events {
                let best = match e.kind {
                    Direction::Start => &mut start,
                    Direction::Stop => &mut stop,
                };
                if e.at > after && e.at <= until && best.is_none_or(|b| e.at < b.at) {
                    *best = Some(e);
                }
            }
            if day.succ_opt().is_none_or(|next| ends(start, stop, next)) {
                break;
            }
        }
        (start, stop)
    }

    /// The latest event at or before `at`, within the search: what an
    /// enforced schedule's servers should be doing now. Walks back day by
    /// day and ends one day after its first hit (a window of the day before
    /// can stop after this day's own events).
    pub fn last_event(&self, at: DateTime<Utc>) -> Option<Event> {
        let cfg = self.cfg();
        let last = last_day(cfg, at);
        let mut best: Option<Event> = None;
        let days = usize::try_from(search_days(cfg)).unwrap_or(0) + 1;
        for (day, events) in day::Walk::starting(self, last, -1).take(days) {
            for e in events {
                if e.at <= at && best.is_none_or(|b| (e.at, e.kind) > (b.at, b.kind)) {
                    best = Some(e);
                }
            }
            // The day before has nothing later than a hit two days on.
            if best.is_some_and(|b| day < b.day) {
                break;
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::any;

    use super::*;
    use crate::testing::{schedule_config as cfg, utc};

    fn kinds_at(evs: &[Event]) -> Vec<(Direction, String)> {
        evs.iter().map(|e| (e.kind, e.at.to_rfc3339())).collect()
    }

    #[test]
    fn seoul_weekday_window_has_no_dst() {
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "weekdays",
            Some("09:00"),
            Some("22:00"),
            &[],
        );
        // Mon 2026-11-30 in Seoul (UTC+9).
        let evs = events_between(&c, utc("2026-11-29T20:00:00Z"), utc("2026-11-30T20:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![
                (Direction::Start, "2026-11-30T00:00:00+00:00".into()),
                (Direction::Stop, "2026-11-30T13:00:00+00:00".into())
            ]
        );
    }

    #[test]
    fn start_in_spring_forward_gap_fires_at_end_of_gap() {
        // Berlin jumps 02:00 -> 03:00 on 2026-03-29; New York on 2026-03-08.
        let c = cfg(chrono_tz::Europe::Berlin, "all", Some("02:30"), None, &[]);
        let evs = events_between(&c, utc("2026-03-28T23:00:00Z"), utc("2026-03-29T03:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![(Direction::Start, "2026-03-29T01:00:00+00:00".into())]
        );
        let c = cfg(
            chrono_tz::America::New_York,
            "all",
            Some("02:15"),
            None,
            &[],
        );
        let evs = events_between(&c, utc("2026-03-08T05:00:00Z"), utc("2026-03-08T09:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![(Direction::Start, "2026-03-08T07:00:00+00:00".into())]
        );
    }

    #[test]
    fn time_repeated_at_fall_back_fires_once() {
        // New York repeats 01:00-02:00 on 2026-11-01; Berlin 02:00-03:00 on 2026-10-25.
        let c = cfg(
            chrono_tz::America::New_York,
            "all",
            None,
            Some("01:30"),
            &[],
        );
        let evs = events_between(&c, utc("2026-11-01T04:00:00Z"), utc("2026-11-01T08:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![(Direction::Stop, "2026-11-01T05:30:00+00:00".into())]
        );
        let c = cfg(chrono_tz::Europe::Berlin, "all", None, Some("02:30"), &[]);
        let evs = events_between(&c, utc("2026-10-24T22:00:00Z"), utc("2026-10-25T03:00:00Z"));
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].at, utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn stop_before_start_runs_past_midnight() {
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "fri",
            Some("22:00"),
            Some("02:00"),
            &[],
        );
        // Friday 2026-12-04 22:00 KST start, Saturday 02:00 KST stop.
        let evs = events_between(&c, utc("2026-12-04T00:00:00Z"), utc("2026-12-05T00:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![
                (Direction::Start, "2026-12-04T13:00:00+00:00".into()),
                (Direction::Stop, "2026-12-04T17:00:00+00:00".into())
            ]
        );
        assert_eq!(evs[1].day, NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
    }

    #[test]
    fn exception_on_a_non_active_day_brings_the_regular_stop() {
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "weekdays",
            Some("09:00"),
            Some("18:00"),
            &[("2026-12-05", Direction::Start, Some("10:00"))],
        );
        let sat = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(
            day_times(&c, sat),
            (
                NaiveTime::from_hms_opt(10, 0, 0),
                NaiveTime::from_hms_opt(18, 0, 0)
            )
        );
        let sun = sat.succ_opt().unwrap();
        assert_eq!(day_times(&c, sun), (None, None));
    }

    #[test]
    fn exceptions_cancel_or_move_events() {
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "all",
            Some("09:00"),
            Some("22:00"),
            &[
                ("2026-12-01", Direction::Start, None),
                ("2026-12-01", Direction::Stop, Some("23:30")),
            ],
        );
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(day_times(&c, d), (None, NaiveTime::from_hms_opt(23, 30, 0)));
    }

    #[test]
    fn next_and_last_events_span_weekends() {
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "weekdays",
            Some("09:00"),
            Some("18:00"),
            &[],
        );
        // Saturday noon KST: last event was Friday's stop, next start Monday.
        let sat = utc("2026-12-05T03:00:00Z");
        assert_eq!(last_event(&c, sat).unwrap().at, utc("2026-12-04T09:00:00Z"));
        assert_eq!(
            next_event(&c, sat, Direction::Start).unwrap().at,
            utc("2026-12-07T00:00:00Z")
        );
    }

    #[test]
    fn next_stop_looks_one_day_past_a_window_that_crosses_midnight() {
        // Dec 1 runs 22:00-02:00 (Dec 2); Dec 2's exceptions make it
        // 00:30-01:00, so Dec 2's own stop comes first.
        let c = cfg(
            chrono_tz::Asia::Seoul,
            "all",
            Some("22:00"),
            Some("02:00"),
            &[
                ("2026-12-02", Direction::Start, Some("00:30")),
                ("2026-12-02", Direction::Stop, Some("01:00")),
            ],
        );
        let noon = utc("2026-12-01T03:00:00Z");
        let stop = next_event(&c, noon, Direction::Stop).unwrap();
        assert_eq!(stop.at, utc("2026-12-01T16:00:00Z"));
        assert_eq!(stop.day, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    }

    /// A `ready-by` schedule without groups whose one wave took `seconds`.
    fn ready_by(days: &str, start: &str, stop: &str, zone: &str, seconds: u32) -> ScheduleConfig {
        use crate::testing::{config, s, schedule_item};
        let item = schedule_item("dev", days, start, stop)
            .with("StartMode", s("ready-by"))
            .with("TimeZone", s(zone));
        let mut c = config(vec![item], vec![], vec![]).schedules["dev"].clone();
        c.learn(&[(crate::model::ALL_GROUP.to_string(), vec![seconds])].into());
        c
    }

    #[test]
    fn a_ready_by_start_moves_into_the_day_before() {
        let c = ready_by("tue", "00:10", "06:00", "Asia/Seoul", 3600);
        assert_eq!(c.lead().unwrap().minutes, 60);
        // Tuesday 00:10 KST, ready; the start is Monday 23:10 KST.
        let evs = events_between(&c, utc("2026-11-30T14:00:00Z"), utc("2026-11-30T14:15:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![(Direction::Start, "2026-11-30T14:10:00+00:00".into())]
        );
        assert_eq!(evs[0].day.to_string(), "2026-12-01");
        assert_eq!(evs[0].local.to_string(), "2026-11-30 23:10:00");
        assert_eq!(evs[0].ready.unwrap().at, utc("2026-11-30T15:10:00Z"));
        let last = last_event(&c, utc("2026-11-30T14:20:00Z")).unwrap();
        assert_eq!((last.kind, last.at), (Direction::Start, evs[0].at));
    }

    #[test]
    fn a_ready_by_start_counts_back_across_a_dst_gap() {
        // Berlin jumps 02:00 -> 03:00 on 2026-03-29: ready at 03:00 CEST
        // (01:00 UTC), an hour's lead starts at 00:00 UTC, 01:00 CET.
        let c = ready_by("all", "03:00", "20:00", "Europe/Berlin", 3600);
        let start = next_event(&c, utc("2026-03-28T20:00:00Z"), Direction::Start).unwrap();
        assert_eq!(start.at, utc("2026-03-29T00:00:00Z"));
        assert_eq!(start.local.to_string(), "2026-03-29 01:00:00");
    }

    #[test]
    fn a_ready_by_start_waits_a_tick_after_an_earlier_stop() {
        use crate::testing::{config, period, s, schedule_item};
        use aws_sdk_dynamodb::types::AttributeValue as Av;
        let afternoon = period("mon", "13:00", "18:00");
        let item = schedule_item("dev", "mon", "09:00", "12:00")
            .with("StartMode", s("ready-by"))
            .with("Periods", Av::L(vec![afternoon]));
        let mut c = config(vec![item], vec![], vec![]).schedules["dev"].clone();
        c.learn(&[(crate::model::ALL_GROUP.to_string(), vec![7200])].into());
        let evs = events_between(&c, utc("2026-11-29T15:00:00Z"), utc("2026-11-30T15:00:00Z"));
        assert_eq!(
            kinds_at(&evs),
            vec![
                // 09:00 less two hours; 13:00 no earlier than 12:05.
                (Direction::Start, "2026-11-29T22:00:00+00:00".into()),
                (Direction::Stop, "2026-11-30T03:00:00+00:00".into()),
                (Direction::Start, "2026-11-30T03:05:00+00:00".into()),
                (Direction::Stop, "2026-11-30T09:00:00+00:00".into()),
            ]
        );
    }

    fn hm(minutes: u32) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }

    /// A schedule of `days` from `start` to `stop` (minutes) in `zone`,
    /// with exception items `xs` (days after `first`, start or stop, a
    /// time or none; the first of each day and kind kept).
    fn random_schedule(
        zone: chrono_tz::Tz,
        days: &str,
        start: Option<u32>,
        stop: Option<u32>,
        xs: Vec<(i64, bool, Option<u32>)>,
        first: NaiveDate,
    ) -> ScheduleConfig {
        let mut seen = std::collections::BTreeSet::new();
        let xs: Vec<(String, Direction, Option<String>)> = xs
            .into_iter()
            .filter(|(d, k, _)| seen.insert((*d, *k)))
            .map(|(d, k, v)| {
                let kind = if k { Direction::Start } else { Direction::Stop };
                ((first + Duration::days(d)).to_string(), kind, v.map(hm))
            })
            .collect();
        let xs: Vec<(&str, Direction, Option<&str>)> = xs
            .iter()
            .map(|(d, k, v)| (d.as_str(), *k, v.as_deref()))
            .collect();
        let (start, stop) = (start.map(hm), stop.map(hm));
        cfg(zone, days, start.as_deref(), stop.as_deref(), &xs)
    }

    /// A calendar for [`random_schedule`]: a zone (Seoul, and two with DST),
    /// active days, a start and a stop (or none), and up to four exception
    /// items on the first `within` days.
    #[allow(clippy::type_complexity)]
    fn arb_calendar(
        within: i64,
    ) -> impl proptest::strategy::Strategy<
        Value = (
            chrono_tz::Tz,
            &'static str,
            Option<u32>,
            Option<u32>,
            Vec<(i64, bool, Option<u32>)>,
        ),
    > {
        (
            proptest::sample::select(vec![
                chrono_tz::Asia::Seoul,
                chrono_tz::Europe::Berlin,
                chrono_tz::America::New_York,
            ]),
            proptest::sample::select(vec!["all", "weekdays", "weekends", "mon,thu"]),
            proptest::option::of(0u32..1440),
            proptest::option::of(0u32..1440),
            proptest::collection::vec(
                (
                    0i64..within,
                    any::<bool>(),
                    proptest::option::of(0u32..1440),
                ),
                0..4,
            ),
        )
    }

    proptest::proptest! {
        /// The day-by-day search finds what a full scan of the window finds,
        /// windows past midnight and DST days included.
        #[test]
        fn next_event_matches_a_full_scan(
            (zone, days, start, stop, xs) in arb_calendar(10),
            after in 0i64..(14 * 24 * 60),
        ) {
            // 2026-03-23 .. 2026-04-06 spans Berlin's spring-forward; the
            // exceptions fall in the days after `after`.
            let at = utc("2026-03-23T00:00:00Z") + Duration::minutes(after);
            let first = at.date_naive();
            let c = random_schedule(zone, days, start, stop, xs, first);
            for kind in [Direction::Start, Direction::Stop] {
                let scan = events_between(&c, at, at + Duration::days(search_days(&c)))
                    .into_iter()
                    .find(|e| e.kind == kind);
                proptest::prop_assert_eq!(next_event(&c, at, kind), scan);
            }
        }

        /// One `Days` shared by a pass's searches, in the order a pass asks
        /// them, answers as each search on days of its own does.
        #[test]
        fn shared_days_answer_as_separate_searches(
            (zone, days, start, stop, xs) in arb_calendar(4),
            now in 0i64..(14 * 24 * 60),
            since in 1i64..120,
        ) {
            let now = utc("2026-03-23T00:00:00Z") + Duration::minutes(now);
            let from = now - Duration::minutes(since);
            let c = random_schedule(zone, days, start, stop, xs, from.date_naive());
            let shared = Days::new(&c);
            proptest::prop_assert_eq!(shared.next_events(now), next_events(&c, now));
            proptest::prop_assert_eq!(shared.events_due(from, now, None), events_due(&c, from, now, None));
            proptest::prop_assert_eq!(shared.skipped_between(from, now), skipped_between(&c, from, now));
            proptest::prop_assert_eq!(shared.last_event(now), last_event(&c, now));
        }

        /// A walk, forward or back, gives each day the events that day
        /// gives alone (its neighbours worked out for it).
        #[test]
        fn a_walk_gives_each_day_its_own_events(
            (zone, days, start, stop, xs) in arb_calendar(9),
            offset in 0i64..14,
        ) {
            let first = NaiveDate::from_ymd_opt(2026, 3, 23).unwrap() + Duration::days(offset);
            let c = random_schedule(zone, days, start, stop, xs, first);
            let alone: Vec<(NaiveDate, Vec<Event>)> = first
                .iter_days()
                .take(9)
                .map(|d| (d, day_events(&c, d)))
                .collect();
            // One memo for both walks: the backward one reuses the days
            // the forward one worked out.
            let days = Days::new(&c);
            let forward: Vec<_> = day::Walk::starting(&days, first, 1).take(9).collect();
            proptest::prop_assert_eq!(&forward, &alone);
            let mut back: Vec<_> = day::Walk::starting(&days, first + Duration::days(8), -1)
                .take(9)
                .collect();
            back.reverse();
            proptest::prop_assert_eq!(&back, &alone);
        }
    }

    fn arb_days() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::sample::select(vec![
            "all",
            "weekdays",
            "mon-wed",
            "fri-mon",
            "mon#1",
            "fri#L",
            "tue#2,thu",
            "sat,sun#L",
        ])
        .prop_map(str::to_string)
    }

    proptest::proptest! {
        /// With periods, nth and last weekdays and month days, the walk
        /// still finds what a full scan finds, over a month through
        /// Berlin's spring-forward.
        #[test]
        fn next_event_matches_a_full_scan_with_periods_and_monthly_rules(
            days in arb_days(),
            start in 0u32..1440,
            stop in 0u32..1440,
            periods in proptest::collection::vec((arb_days(), proptest::option::of(0u32..1440), proptest::option::of(0u32..1440)), 0..3),
            month_days in proptest::option::of(proptest::sample::select(vec!["1-10", "L", "5,15,25", "20-31"])),
            after in 0i64..(31 * 24 * 60),
        ) {
            use aws_sdk_dynamodb::types::AttributeValue as Av;
            use crate::testing::{config, period, s, schedule_item};
            let clock = |m: Option<u32>| m.map(hm).unwrap_or_else(|| "None".into());
            let periods = periods
                .into_iter()
                .map(|(d, a, b)| period(&d, &clock(a), &clock(b)))
                .collect();
            let mut item = schedule_item("dev", &days, &hm(start), &hm(stop))
                .with("TimeZone", s("Europe/Berlin"))
                .with("Periods", Av::L(periods));
            if let Some(md) = month_days {
                item = item.with("MonthDays", s(md));
            }
            let cfg = config(vec![item], vec![], vec![]);
            let c = &cfg.schedules["dev"];
            let at = utc("2026-03-10T00:00:00Z") + Duration::minutes(after);
            for kind in [Direction::Start, Direction::Stop] {
                let scan = events_between(c, at, at + Duration::days(search_days(c)))
                    .into_iter()
                    .find(|e| e.kind == kind);
                proptest::prop_assert_eq!(next_event(c, at, kind), scan);
            }
            let last = events_between(c, at - Duration::days(search_days(c)), at).pop();
            proptest::prop_assert_eq!(last_event(c, at), last);
        }
    }
}
