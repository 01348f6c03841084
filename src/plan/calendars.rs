//! One plan's calendar searches, shared by the schedules whose calendars
//! are equal ([`ScheduleConfig::same_calendar`]): teams copy a schedule's
//! hours to many (one per team or service), and each schedule's days and
//! events once cost more than the rest of its quiet pass.

use std::cell::{OnceCell, RefCell};

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use foldhash::{HashMap, HashMapExt};

use crate::model::ScheduleConfig;
use crate::time::{Days, Event, Skip};

/// How many different calendars of the same zone and times a schedule is
/// compared with: the comparisons stay bounded where many schedules share
/// hours and differ in months or periods. Calendars with exception items
/// are never compared (their items name their schedule: no other equals
/// them), so they cannot crowd out the ones that can be shared.
const MAX_COMPARED: usize = 8;

/// The calendars of one plan's schedules, each worked out once.
pub(super) struct Calendars<'c> {
    now: DateTime<Utc>,
    shared: Vec<Calendar<'c>>,
    /// Indexes into `shared`, by zone and times.
    by_times: HashMap<(Tz, Option<NaiveTime>, Option<NaiveTime>), Vec<usize>>,
}

impl<'c> Calendars<'c> {
    pub fn new(now: DateTime<Utc>) -> Calendars<'c> {
        Calendars {
            now,
            shared: Vec::new(),
            by_times: HashMap::new(),
        }
    }

    /// The calendar `cfg` shares with the schedules planned before it.
    pub fn of(&mut self, cfg: &'c ScheduleConfig) -> &Calendar<'c> {
        let s = &cfg.schedule;
        let alike = self
            .by_times
            .entry((s.time_zone, s.start, s.stop))
            .or_default();
        let shared = &mut self.shared;
        let shareable = !cfg.exceptions.has_items();
        let found = alike
            .iter()
            .copied()
            .filter(|_| shareable)
            .find(|&i| shared[i].days.cfg().same_calendar(cfg));
        let at = found.unwrap_or_else(|| {
            shared.push(Calendar::new(cfg, self.now));
            if shareable && alike.len() < MAX_COMPARED {
                alike.push(shared.len() - 1);
            }
            shared.len() - 1
        });
        &self.shared[at]
    }
}

/// A calendar's days and the searches asked of them so far: every
/// schedule of a plan asks at the plan's instant, and most from the same
/// last pass.
pub(super) struct Calendar<'c> {
    days: Days<'c>,
    now: DateTime<Utc>,
    next: OnceCell<(Option<Event>, Option<Event>)>,
    last: OnceCell<Option<Event>>,
    due: RefCell<Option<(Due, Vec<Event>)>>,
    skipped: RefCell<Option<(DateTime<Utc>, Vec<Skip>)>>,
}

/// What [`Days::events_due`] is asked, besides the plan's instant.
type Due = (DateTime<Utc>, Option<DateTime<Utc>>);

impl<'c> Calendar<'c> {
    fn new(cfg: &'c ScheduleConfig, now: DateTime<Utc>) -> Calendar<'c> {
        Calendar {
            days: Days::new(cfg),
            now,
            next: OnceCell::new(),
            last: OnceCell::new(),
            due: RefCell::default(),
            skipped: RefCell::default(),
        }
    }

    /// [`Days::next_events`] after the plan's instant.
    pub fn next_events(&self) -> (Option<Event>, Option<Event>) {
        *self.next.get_or_init(|| self.days.next_events(self.now))
    }

    /// [`Days::last_event`] at the plan's instant (what an Enforced
    /// schedule's servers should be doing).
    pub fn last_event(&self) -> Option<Event> {
        *self.last.get_or_init(|| self.days.last_event(self.now))
    }

    /// [`Days::events_due`] from `from` to the plan's instant.
    pub fn events_due(&self, from: DateTime<Utc>, seen: Option<DateTime<Utc>>) -> Vec<Event> {
        remembered(&self.due, (from, seen), || {
            self.days.events_due(from, self.now, seen)
        })
    }

    /// [`Days::skipped_between`] `from` and the plan's instant.
    pub fn skipped(&self, from: DateTime<Utc>) -> Vec<Skip> {
        remembered(&self.skipped, from, || {
            self.days.skipped_between(from, self.now)
        })
    }
}

/// The answer `memo` holds for `asked`, or `answer`'s, then remembered.
fn remembered<K: PartialEq, V: Clone>(
    memo: &RefCell<Option<(K, V)>>,
    asked: K,
    answer: impl FnOnce() -> V,
) -> V {
    let mut memo = memo.borrow_mut();
    match &*memo {
        Some((k, v)) if *k == asked => v.clone(),
        _ => memo.insert((asked, answer())).1.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{plan_at, States};
    use crate::model::{Config, Direction, InstanceKind};
    use crate::testing::{config, exception_item, instance, s, schedule_item};
    use crate::time::Reason;

    /// Five schedules of the same hours: two alike, one with an exception,
    /// one `ready-by`, one with a holiday.
    fn alike() -> Config {
        let names = ["a", "b", "c", "d", "e"];
        let mut schedules: Vec<_> = names
            .iter()
            .map(|n| schedule_item(n, "weekdays", "09:00", "22:00"))
            .collect();
        schedules[3] = schedules[3].clone().with("StartMode", s("ready-by"));
        let xs = vec![exception_item("x", "c", "2026-11-30", "start", "None")];
        let mut cfg = config(schedules, vec![], xs);
        let monday = "2026-11-30".parse().unwrap();
        let e = cfg.schedules.get_mut("e").unwrap();
        e.holidays.insert(monday, "Founders' day".into());
        cfg
    }

    #[test]
    fn only_equal_calendars_are_the_same() {
        let cfg = alike();
        let [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map(|n| &cfg.schedules[n]);
        assert!(a.same_calendar(b), "names and tags are not the calendar");
        for other in [c, d, e] {
            assert!(!a.same_calendar(other) && !other.same_calendar(a));
        }
    }

    #[test]
    fn schedules_with_exception_items_do_not_crowd_out_those_that_share() {
        let names: Vec<String> = (0..9)
            .map(|i| format!("x{i}"))
            .chain(["y".into(), "z".into()])
            .collect();
        let schedules = names
            .iter()
            .map(|n| schedule_item(n, "weekdays", "09:00", "22:00"))
            .collect();
        let xs = (0..9)
            .map(|i| {
                exception_item(
                    &format!("e{i}"),
                    &format!("x{i}"),
                    "2026-11-30",
                    "start",
                    "None",
                )
            })
            .collect();
        let cfg = config(schedules, vec![], xs);
        let mut calendars = super::Calendars::new(crate::testing::utc("2026-11-30T09:00:00+09:00"));
        for cfg in cfg.schedules.values() {
            calendars.of(cfg);
        }
        // Nine of their own, and one that y and z share.
        assert_eq!(calendars.shared.len(), 10);
    }

    #[test]
    fn schedules_of_the_same_hours_plan_as_each_would_alone() {
        let cfg = alike();
        let fleet: Vec<_> = cfg
            .schedules
            .keys()
            .map(|n| instance(&format!("i-{n}"), InstanceKind::Ec2, "stopped", n, None))
            .collect();
        for at in [
            "2026-11-30T08:45:00+09:00",
            "2026-11-30T09:00:00+09:00",
            "2026-11-30T22:00:00+09:00",
        ] {
            let together = plan_at(at, &cfg, &fleet, &States::new());
            for sp in &together.schedules {
                let mut one = cfg.clone();
                one.schedules.retain(|n, _| *n == sp.schedule);
                let alone = plan_at(at, &one, &fleet, &States::new());
                assert_eq!(
                    serde_json::to_value(sp).unwrap(),
                    serde_json::to_value(&alone.schedules[0]).unwrap(),
                    "{} at {at}",
                    sp.schedule
                );
            }
        }
        // And what each calendar makes of Monday morning.
        let p = plan_at("2026-11-30T09:00:00+09:00", &cfg, &fleet, &States::new());
        let starts = |n: &str| {
            let sp = p.schedules.iter().find(|sp| sp.schedule == n).unwrap();
            let started = sp.events.iter().any(|e| e.kind == Direction::Start);
            (started, sp.skipped.first().map(|k| k.why.clone()))
        };
        assert_eq!(starts("a"), (true, None));
        assert_eq!(starts("b"), (true, None));
        assert!(matches!(
            starts("c"),
            (false, Some(Reason::Exception { .. }))
        ));
        assert!(matches!(starts("e"), (false, Some(Reason::Holiday { .. }))));
    }
}
