//! The user's configuration, parsed from DynamoDB items as the original
//! JANDI tool wrote them, and validated so that one bad item disables only
//! the schedule it belongs to.

mod days;
mod direction;
mod error;
mod exception;
mod feed;
mod group;
mod item;
mod lead;
mod ready;
mod schedule;

pub use days::{DaysActive, MonthDays, Months, Nth};
pub use direction::Direction;
pub use error::{quoted, ConfigError, Effect, Table};
pub use exception::{parse_date, ExceptionDay, ScheduleException};
pub use feed::{shown_url, Holidays};
pub use group::{InstanceKind, ServerGroup};
pub use item::Item;
pub use lead::{
    Lead, StartMode, WaveLead, ALL_GROUP, LEARNED_STARTS, MAX_LEAD_MINUTES, TICK_MINUTES,
};
pub use ready::{Readiness, ReadyCheck, DEFAULT_READY_TIMEOUT_MINUTES};
pub use schedule::{clock_text, parse_clock, Period, Schedule};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::target::Target;
use chrono_tz::Tz;
use foldhash::HashMap;

/// Key under which errors that belong to no schedule are grouped (and
/// remembered in the state table).
pub const GLOBAL_KEY: &str = "*";

/// The three configuration tables as scanned, before parsing.
#[derive(Debug, Clone, Default)]
pub struct RawConfig {
    pub schedules: Vec<Item>,
    pub groups: Vec<Item>,
    pub exceptions: Vec<Item>,
}

/// Everything a pass needs to know about one schedule.
#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    pub schedule: Schedule,
    pub exceptions: ExceptionDay,
    /// Dates its holiday calendars mark, with the holiday's name.
    pub holidays: BTreeMap<NaiveDate, String>,
    groups: Vec<ServerGroup>,
    index: HashMap<String, usize>,
    waves: Vec<Vec<usize>>,
    /// A `ready-by` schedule's lead: from the defaults per kind until the
    /// shell gives it the observed starts ([`Self::learn`]).
    lead: Option<Lead>,
}

impl ScheduleConfig {
    /// Sorts the groups by name and orders them into waves once, so that
    /// every round of a pass plans with indexes instead of names.
    pub fn new(
        schedule: Schedule,
        mut groups: Vec<ServerGroup>,
        exceptions: ExceptionDay,
    ) -> ScheduleConfig {
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        let index: HashMap<String, usize> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.name.clone(), i))
            .collect();
        let deps: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| {
                g.dependency
                    .iter()
                    .filter_map(|d| index.get(d).copied())
                    .collect()
            })
            .collect();
        let mut cfg = ScheduleConfig {
            schedule,
            exceptions,
            holidays: BTreeMap::new(),
            waves: crate::graph::waves(&deps).unwrap_or_default(),
            groups,
            index,
            lead: None,
        };
        cfg.learn(&BTreeMap::new());
        cfg
    }

    /// Sets a `ready-by` schedule's lead from its groups' observed start
    /// durations, in seconds (the state's `starts`).
    pub fn learn(&mut self, starts: &BTreeMap<String, Vec<u32>>) {
        self.lead = (self.schedule.start_mode == StartMode::ReadyBy)
            .then(|| Lead::of(&self.groups, &self.waves, starts));
    }

    /// How far ahead of its start times a `ready-by` schedule starts.
    pub fn lead(&self) -> Option<&Lead> {
        self.lead.as_ref()
    }

    /// Whether `other` has the same days and events as this schedule: the
    /// same zone, days, times, periods, month limits, exceptions, holidays
    /// and lead (what `crate::time` reads). Exception items name their
    /// schedule, so a schedule with any is equal to no other. Every field
    /// is named, so a new one has to be placed on one side or the other.
    pub fn same_calendar(&self, other: &ScheduleConfig) -> bool {
        let ScheduleConfig {
            schedule,
            exceptions,
            holidays,
            groups: _,
            index: _,
            waves: _,
            lead,
        } = self;
        let Schedule {
            name: _,
            tag_value: _,
            days,
            days_text: _,
            enabled: _,
            start,
            stop,
            force_start: _,
            time_zone,
            enforced: _,
            periods,
            month_days,
            months,
            // Their dates are `holidays`.
            holiday_calendars: _,
            targets: _,
            // Its effect on the days is the lead.
            start_mode: _,
        } = schedule;
        let o = &other.schedule;
        let minutes = |l: &Option<Lead>| l.as_ref().map(|l| l.minutes);
        *time_zone == o.time_zone
            && *start == o.start
            && *stop == o.stop
            && *days == o.days
            && *periods == o.periods
            && *month_days == o.month_days
            && *months == o.months
            && minutes(lead) == minutes(&other.lead)
            && *holidays == other.holidays
            && *exceptions == other.exceptions
    }

    /// The holiday on `day`, by name, if a calendar marks it.
    pub fn holiday(&self, day: NaiveDate) -> Option<&str> {
        self.holidays.get(&day).map(String::as_str)
    }

    /// The server groups, sorted by name.
    pub fn groups(&self) -> &[ServerGroup] {
        &self.groups
    }

    /// The group of that name and its index in [`Self::groups`].
    pub fn group(&self, name: &str) -> Option<(usize, &ServerGroup)> {
        let i = *self.index.get(name)?;
        Some((i, &self.groups[i]))
    }

    /// Start order as indexes into [`Self::groups`], sorted by name within
    /// a wave; empty when the groups have a cycle (a configuration error).
    pub fn waves(&self) -> &[Vec<usize>] {
        &self.waves
    }
}

/// The parsed configuration: good schedules, and the errors of bad items
/// keyed by the schedule they disable (`None` when no schedule could be
/// named, e.g. an item without a ScheduleName).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub schedules: BTreeMap<String, ScheduleConfig>,
    pub errors: Vec<ConfigError>,
}

impl Config {
    /// The scaled kinds some schedule's groups use: the only ones a pass
    /// describes.
    pub fn scaled_kinds(&self) -> Vec<InstanceKind> {
        let kinds: std::collections::BTreeSet<InstanceKind> = self
            .schedules
            .values()
            .flat_map(|s| s.groups().iter().map(|g| g.kind))
            .filter(|k| k.scaled())
            .collect();
        kinds.into_iter().collect()
    }

    /// Parses and cross-checks all items. Never fails as a whole: each bad
    /// item becomes a [`ConfigError`] and takes out only what it must (see
    /// [`Effect`]); a bad exception item dated before today (in its
    /// schedule's zone, `now`) is left out without a word.
    pub fn parse(raw: &RawConfig, default_zone: Tz, now: DateTime<Utc>) -> Config {
        let mut errors = Vec::new();
        let schedules = parse_schedules(&raw.schedules, default_zone, &mut errors);
        let mut groups = parse_groups(&raw.groups, &schedules, &mut errors);
        let zone_of = |name: &str| schedules.get(name).map_or(default_zone, |s| s.time_zone);
        let past = |e: &ConfigError| match (e.effect, &e.schedule) {
            (Effect::DisablesDate(d), schedule) => {
                d < now
                    .with_timezone(&zone_of(schedule.as_deref().unwrap_or("")))
                    .date_naive()
            }
            _ => false,
        };
        let mut exceptions: BTreeMap<String, Vec<ScheduleException>> = BTreeMap::new();
        let mut closed: BTreeMap<String, BTreeSet<NaiveDate>> = BTreeMap::new();
        for item in &raw.exceptions {
            match ScheduleException::from_item(item) {
                Ok(x) => exceptions.entry(x.schedule.clone()).or_default().push(x),
                Err(e) if past(&e) => {}
                Err(e) => {
                    if let (Effect::DisablesDate(d), Some(name)) = (e.effect, &e.schedule) {
                        closed.entry(name.clone()).or_default().insert(d);
                    }
                    errors.push(e);
                }
            }
        }
        let mut out = BTreeMap::new();
        for (name, schedule) in &schedules {
            let (day, contradictions) = ExceptionDay::build(
                exceptions.remove(name).unwrap_or_default(),
                closed.remove(name).unwrap_or_default(),
            );
            errors.extend(contradictions.into_iter().filter(|e| !past(e)));
            let gs = groups.remove(name).unwrap_or_default();
            out.insert(name.clone(), ScheduleConfig::new(schedule.clone(), gs, day));
        }
        out.retain(|name, _| !errors.iter().any(|e| e.disables(name)));
        Config {
            schedules: out,
            errors,
        }
    }

    /// Gives each schedule the holidays of its calendars: `kept(url,
    /// zone)` is a calendar's days in the schedule's zone, `None` when it
    /// never loaded, which is a configuration error that disables its
    /// schedule.
    pub fn apply_holidays(&mut self, kept: impl Fn(&str, Tz) -> Option<Holidays>) {
        for (name, cfg) in &mut self.schedules {
            for url in &cfg.schedule.holiday_calendars {
                match kept(url, cfg.schedule.time_zone) {
                    Some(days) => cfg.holidays.extend(days),
                    None => self.errors.push(ConfigError::new(
                        Table::Schedule,
                        format!("[ScheduleName={}]", item::key_part(name)),
                        Some("HolidayCalendars"),
                        // Why it failed (a status, a timeout) is logged by the
                        // pass, never told: chat is no port scanner.
                        format!("feed {} has never loaded", quoted(&shown_url(url))),
                        Some(name.clone()),
                    )),
                }
            }
        }
        let errors = &self.errors;
        self.schedules
            .retain(|name, _| !errors.iter().any(|e| e.disables(name)));
    }

    /// Keeps the schedules that apply to `target`: those without
    /// `Targets`, and those that name it.
    pub fn keep_target(&mut self, target: &Target) {
        self.schedules.retain(|_, c| {
            let ts = &c.schedule.targets;
            ts.is_empty() || ts.contains(target)
        });
    }

    /// Takes out, for this pass, the schedules with a group of a kind that
    /// could not be described (`why`, by kind), each with one error naming
    /// its group: they wait, and every other schedule runs.
    pub fn without_kinds(&mut self, unavailable: &[(InstanceKind, String)]) {
        let mut waiting = Vec::new();
        for (name, c) in &self.schedules {
            let hit = c.groups().iter().find_map(|g| {
                unavailable
                    .iter()
                    .find(|(k, _)| *k == g.kind)
                    .map(|u| (g, u))
            });
            if let Some((g, (kind, why))) = hit {
                waiting.push(name.clone());
                self.errors.push(
                    ConfigError::new(
                        Table::ServerGroup,
                        g.key(),
                        Some("InstanceType"),
                        format!("{} servers could not be described ({why})", kind.as_str()),
                        Some(name.clone()),
                    )
                    .with_effect(Effect::Waits),
                );
            }
        }
        for name in waiting {
            self.schedules.remove(&name);
        }
    }

    /// Every calendar URL a usable schedule names.
    pub fn calendar_urls(&self) -> BTreeSet<String> {
        self.schedules
            .values()
            .flat_map(|c| c.schedule.holiday_calendars.iter().cloned())
            .collect()
    }

    /// Errors grouped by the schedule they belong to; [`GLOBAL_KEY`] for the
    /// ones that belong to no known schedule.
    pub fn errors_by_schedule(&self) -> BTreeMap<String, Vec<&ConfigError>> {
        let mut map: BTreeMap<String, Vec<&ConfigError>> = BTreeMap::new();
        for e in &self.errors {
            let key = e.schedule.clone().unwrap_or_else(|| GLOBAL_KEY.to_string());
            map.entry(key).or_default().push(e);
        }
        map
    }
}

/// The Schedule items, by name; a duplicate name disables that schedule.
fn parse_schedules(
    items: &[Item],
    default_zone: Tz,
    errors: &mut Vec<ConfigError>,
) -> BTreeMap<String, Schedule> {
    let mut schedules = BTreeMap::new();
    for item in items {
        match Schedule::from_item(item, default_zone) {
            Ok(s) if schedules.contains_key(&s.name) => errors.push(ConfigError::new(
                Table::Schedule,
                format!("[ScheduleName={}]", item::key_part(&s.name)),
                Some("ScheduleName"),
                "duplicate schedule name",
                Some(s.name.clone()),
            )),
            Ok(s) => {
                schedules.insert(s.name.clone(), s);
            }
            Err(e) => errors.push(e),
        }
    }
    schedules
}

/// The ScheduleServerGroup items by schedule, checked as graphs; groups of
/// a schedule that does not exist are reported.
fn parse_groups(
    items: &[Item],
    schedules: &BTreeMap<String, Schedule>,
    errors: &mut Vec<ConfigError>,
) -> BTreeMap<String, Vec<ServerGroup>> {
    let mut groups: BTreeMap<String, Vec<ServerGroup>> = BTreeMap::new();
    for item in items {
        match ServerGroup::from_item(item) {
            Ok(g) => groups.entry(g.schedule.clone()).or_default().push(g),
            Err(e) => errors.push(e),
        }
    }
    for (name, gs) in &groups {
        if !schedules.contains_key(name) && !errors.iter().any(|e| e.disables(name)) {
            for g in gs {
                errors.push(ConfigError::new(
                    Table::ServerGroup,
                    g.key(),
                    Some("ScheduleName"),
                    format!("no schedule named {}", quoted(name)),
                    None,
                ));
            }
        }
    }
    errors.extend(group::check_dependencies(&groups));
    groups
}
