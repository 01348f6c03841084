//! The pure planner: (now, configuration, observed fleet, stored state) ->
//! what this pass must do. It never calls AWS; the pass executes its output.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

use crate::fleet::{Instance, Power, GROUP_TAG, SCHEDULE_TAG};
use crate::model::{Config, InstanceKind, ScheduleConfig, ServerGroup};
use crate::state::{Cause, ScheduleState, Transition, GLOBAL_KEY};
use crate::time::{self, Direction, Event};

/// Name of the one implicit group of a schedule that has no server groups.
pub const ALL_GROUP: &str = "all";

/// The knobs of the rules, from the environment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long before a stop the warning goes out (`WARNING_MINUTES`).
    pub warning: Duration,
    /// How far back a pass makes up missed events (spec: 60 minutes).
    pub catch_up: Duration,
    /// How long a start or stop may take before it is given up and reported.
    pub transition_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            warning: Duration::minutes(10),
            catch_up: Duration::minutes(60),
            transition_timeout: Duration::minutes(60),
        }
    }
}

/// What one pass does, per schedule.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub at: DateTime<Utc>,
    pub schedules: Vec<SchedulePlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SchedulePlan {
    pub schedule: String,
    pub time_zone: Option<String>,
    pub enabled: bool,
    /// Events acted on by this pass (after the previous pass, up to now).
    pub events: Vec<Event>,
    pub next_start: Option<Event>,
    pub next_stop: Option<Event>,
    /// The start or stop in progress after this pass's decisions.
    pub transition: Option<Direction>,
    /// Groups in start order (stops run them in reverse).
    pub waves: Vec<Wave>,
    /// Start/stop commands to send now, in wave order.
    pub actions: Vec<Action>,
    /// What the transition is waiting for.
    pub waits: Vec<String>,
    pub warning: Option<Warning>,
    /// Set ForceStart back to false (all servers are up, or it was overridden).
    pub reset_force_start: bool,
    /// Every current configuration error of this schedule.
    pub errors: Vec<String>,
    /// Messages this pass owes the chat topic besides actions and warnings.
    pub notices: Vec<Notice>,
    /// Lines only for the logs (e.g. an empty dependency group).
    pub notes: Vec<String>,
    /// The state to store for the next pass.
    pub state: ScheduleState,
}

#[derive(Debug, Clone, Serialize)]
pub struct Wave {
    pub index: usize,
    pub groups: Vec<GroupView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub group: String,
    pub kind: Option<InstanceKind>,
    pub depends_on: Arc<[String]>,
    pub instances: Vec<Target>,
}

/// One server as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub kind: InstanceKind,
    pub state: Arc<str>,
}

/// Start or stop these instances of one group now.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub direction: Direction,
    pub wave: usize,
    pub group: String,
    pub instances: Vec<Target>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub stop: Event,
    pub minutes: i64,
    pub running: Vec<Target>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Notice {
    /// Errors not sent before.
    Errors { lines: Vec<String> },
    /// All earlier errors are gone.
    Fixed,
    /// A start or stop did not finish within the timeout and was given up.
    Stalled {
        direction: Direction,
        waiting: Vec<String>,
    },
}

impl Plan {
    pub fn actions(&self) -> impl Iterator<Item = (&SchedulePlan, &Action)> {
        self.schedules
            .iter()
            .flat_map(|s| s.actions.iter().map(move |a| (s, a)))
    }
}

/// Plans one pass. Deterministic and total: bad input shows up as errors.
pub fn plan(
    now: DateTime<Utc>,
    config: &Config,
    fleet: &[Instance],
    states: &BTreeMap<String, ScheduleState>,
    settings: &Settings,
) -> Plan {
    let errors = config.errors_by_schedule();
    let mut names: BTreeSet<&str> = config.schedules.keys().map(String::as_str).collect();
    names.extend(errors.keys().map(String::as_str));
    names.extend(
        states
            .iter()
            .filter(|(_, s)| !s.reported.is_empty())
            .map(|(k, _)| k.as_str()),
    );
    let mut by_tag: HashMap<&str, Vec<Member>> = HashMap::new();
    for instance in fleet {
        let power = instance.power();
        if let (Some(tag), false) = (&instance.schedule_tag, power == Power::Gone) {
            by_tag
                .entry(tag.as_str())
                .or_default()
                .push(Member { instance, power });
        }
    }
    let schedules = names
        .into_iter()
        .map(|name| {
            let state = states.get(name).cloned().unwrap_or_default();
            let lines: Vec<String> = errors
                .get(name)
                .map(|es| es.iter().map(|e| e.to_string()).collect())
                .unwrap_or_default();
            match config.schedules.get(name) {
                Some(cfg) => {
                    let tagged = by_tag
                        .get(cfg.schedule.tag_value.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or(&[]);
                    plan_schedule(now, cfg, tagged, state, lines, settings)
                }
                None => plan_disabled(now, name, state, lines),
            }
        })
        .collect();
    Plan { at: now, schedules }
}

/// A schedule that its errors switch off (or the `*` bucket of errors that
/// belong to no schedule): it only reports.
fn plan_disabled(
    now: DateTime<Utc>,
    name: &str,
    mut state: ScheduleState,
    lines: Vec<String>,
) -> SchedulePlan {
    let notices = error_notices(&mut state, &lines);
    state.transition = None;
    state.last_pass = state.last_pass.max(Some(now));
    SchedulePlan {
        schedule: name.to_string(),
        time_zone: None,
        enabled: name != GLOBAL_KEY && lines.is_empty(),
        events: vec![],
        next_start: None,
        next_stop: None,
        transition: None,
        waves: vec![],
        actions: vec![],
        waits: vec![],
        warning: None,
        reset_force_start: false,
        errors: lines,
        notices,
        notes: vec![],
        state,
    }
}

fn error_notices(state: &mut ScheduleState, lines: &[String]) -> Vec<Notice> {
    let current: BTreeSet<String> = lines.iter().cloned().collect();
    let new: Vec<String> = current.difference(&state.reported).cloned().collect();
    let mut notices = Vec::new();
    if !new.is_empty() {
        notices.push(Notice::Errors { lines: new });
    } else if current.is_empty() && !state.reported.is_empty() {
        notices.push(Notice::Fixed);
    }
    state.reported = current;
    notices
}

/// An instance with its power class worked out once per plan.
#[derive(Clone, Copy)]
struct Member<'a> {
    instance: &'a Instance,
    power: Power,
}

/// One server group of a schedule (`None`: the implicit [`ALL_GROUP`] of a
/// schedule without groups) with the instances its tags put in it.
struct Slot<'a> {
    group: Option<&'a ServerGroup>,
    members: Vec<Member<'a>>,
}

impl<'a> Slot<'a> {
    fn name(&self) -> &'a str {
        self.group.map_or(ALL_GROUP, |g| g.name.as_str())
    }

    fn settled(&self, dir: Direction) -> bool {
        self.members.iter().all(|m| m.power == target_power(dir))
    }
}

/// A schedule's groups with their instances, in start order.
struct Layout<'a> {
    /// Indexes into `slots`, wave by wave.
    waves: Cow<'a, [Vec<usize>]>,
    slots: Vec<Slot<'a>>,
    problems: Vec<String>,
    notes: Vec<String>,
}

impl<'a> Layout<'a> {
    fn new(cfg: &'a ScheduleConfig, tagged: &[Member<'a>]) -> Layout<'a> {
        let mut problems = Vec::new();
        let tag = &cfg.schedule.tag_value;
        let mut manageable = Vec::with_capacity(tagged.len());
        for m in tagged {
            let i = m.instance;
            match &i.unmanageable {
                Some(why) => problems.push(format!(
                    "{} {} ({}) tagged {SCHEDULE_TAG}={tag}: {why}",
                    i.kind.label(),
                    i.id,
                    i.name
                )),
                None => manageable.push(*m),
            }
        }
        if cfg.groups().is_empty() {
            return Layout {
                waves: Cow::Owned(vec![vec![0]]),
                slots: vec![Slot {
                    group: None,
                    members: manageable,
                }],
                problems,
                notes: vec![],
            };
        }
        let mut slots: Vec<Slot> = cfg
            .groups()
            .iter()
            .map(|g| Slot {
                group: Some(g),
                members: vec![],
            })
            .collect();
        // Find each instance's group first, so every member list is
        // allocated once at its final size.
        let mut homed = Vec::with_capacity(manageable.len());
        let mut sizes = vec![0; slots.len()];
        for m in manageable {
            let i = m.instance;
            match i.group_tag.as_deref().and_then(|t| cfg.group(t)) {
                Some((index, g)) if g.kind == i.kind => {
                    sizes[index] += 1;
                    homed.push((index, m));
                }
                Some((_, g)) => problems.push(format!(
                    "{} {} ({}) tagged {GROUP_TAG}={}: the group's InstanceType is {}",
                    i.kind.label(),
                    i.id,
                    i.name,
                    g.name,
                    g.kind.label()
                )),
                None => problems.push(format!(
                    "{} {} ({}) tagged {SCHEDULE_TAG}={tag}: {} names no group of schedule {}; it is left alone",
                    i.kind.label(),
                    i.id,
                    i.name,
                    match &i.group_tag {
                        Some(t) => format!("{GROUP_TAG}={t}"),
                        None => format!("no {GROUP_TAG} tag"),
                    },
                    cfg.schedule.name
                )),
            }
        }
        for (slot, size) in slots.iter_mut().zip(sizes) {
            slot.members.reserve_exact(size);
        }
        for (index, m) in homed {
            slots[index].members.push(m);
        }
        let notes = slots
            .iter()
            .filter(|s| s.members.is_empty())
            .map(|s| {
                format!(
                    "group {} of schedule {} has no instances; it counts as up and as stopped",
                    s.name(),
                    cfg.schedule.name
                )
            })
            .collect();
        Layout {
            waves: Cow::Borrowed(cfg.waves()),
            slots,
            problems,
            notes,
        }
    }

    fn members(&self) -> impl Iterator<Item = &Member<'a>> + '_ {
        self.slots.iter().flat_map(|s| &s.members)
    }

    fn views(&self) -> Vec<Wave> {
        self.waves
            .iter()
            .enumerate()
            .map(|(index, groups)| Wave {
                index,
                groups: groups
                    .iter()
                    .map(|&g| {
                        let slot = &self.slots[g];
                        GroupView {
                            group: slot.name().to_string(),
                            kind: slot.group.map(|g| g.kind),
                            depends_on: slot.group.map_or_else(
                                || Arc::new([]) as Arc<[String]>,
                                |g| g.dependency.clone(),
                            ),
                            instances: slot.members.iter().map(|m| target(m.instance)).collect(),
                        }
                    })
                    .collect(),
            })
            .collect()
    }
}

fn target_power(dir: Direction) -> Power {
    match dir {
        Direction::Start => Power::Up,
        Direction::Stop => Power::Down,
    }
}

fn opposite(dir: Direction) -> Power {
    match dir {
        Direction::Start => Power::Down,
        Direction::Stop => Power::Up,
    }
}

fn target(i: &Instance) -> Target {
    Target {
        id: i.id.clone(),
        name: i.name.clone(),
        kind: i.kind,
        state: i.state.clone(),
    }
}

fn plan_schedule(
    now: DateTime<Utc>,
    cfg: &ScheduleConfig,
    tagged: &[Member],
    mut state: ScheduleState,
    mut lines: Vec<String>,
    settings: &Settings,
) -> SchedulePlan {
    let s = &cfg.schedule;
    let layout = Layout::new(cfg, tagged);
    let (next_start, next_stop) = time::next_events(cfg, now);
    let from = state
        .last_pass
        .unwrap_or(now - settings.catch_up)
        .max(now - settings.catch_up);
    state.last_pass = state.last_pass.max(Some(now));
    let mut out = SchedulePlan {
        schedule: s.name.clone(),
        time_zone: Some(s.time_zone.name().to_string()),
        enabled: s.enabled,
        events: vec![],
        next_start,
        next_stop,
        transition: None,
        waves: layout.views(),
        actions: vec![],
        waits: vec![],
        warning: None,
        reset_force_start: false,
        errors: vec![],
        notices: vec![],
        notes: layout.notes.clone(),
        state: ScheduleState::default(),
    };
    if !s.enabled {
        state.transition = None;
        out.notices = error_notices(&mut state, &lines);
        out.errors = lines;
        out.state = state;
        return out;
    }
    lines.extend(layout.problems.iter().cloned());
    out.notices = error_notices(&mut state, &lines);
    out.errors = lines;

    out.events = time::events_between(cfg, from, now);
    if let Some(ev) = out.events.last() {
        state.transition = Some(Transition {
            direction: ev.kind,
            cause: Cause::Event { at: ev.at },
            since: now,
            commanded: BTreeSet::new(),
        });
        out.reset_force_start = s.force_start && ev.kind == Direction::Stop;
    }
    if s.force_start && !out.reset_force_start {
        match &mut state.transition {
            Some(t) if t.direction == Direction::Start => t.cause = Cause::ForceStart,
            _ => {
                state.transition = Some(Transition {
                    direction: Direction::Start,
                    cause: Cause::ForceStart,
                    since: now,
                    commanded: BTreeSet::new(),
                })
            }
        }
    }
    if s.enforced && state.transition.is_none() {
        if let Some(ev) = time::last_event(cfg, now) {
            if layout.members().any(|m| m.power == opposite(ev.kind)) {
                state.transition = Some(Transition {
                    direction: ev.kind,
                    cause: Cause::Enforced,
                    since: now,
                    commanded: BTreeSet::new(),
                });
            }
        }
    }

    if let Some(mut t) = state.transition.take() {
        let complete = advance(&layout, &mut t, &mut out);
        if complete || now - t.since > settings.transition_timeout {
            if !complete {
                out.notices.push(Notice::Stalled {
                    direction: t.direction,
                    waiting: out.waits.clone(),
                });
            }
            out.reset_force_start |= t.cause == Cause::ForceStart;
        } else {
            out.transition = Some(t.direction);
            state.transition = Some(t);
        }
    }

    out.warning = warning(now, out.next_stop, &layout, &mut state, settings);
    out.state = state;
    out
}

/// Commands every instance whose group's turn it is and that is in the
/// opposite steady state and not already commanded; lists what it waits for.
/// A start waits for every group of the earlier waves to be up, a stop for
/// every group of the later waves to be down, so stops run the start waves
/// exactly in reverse. Returns whether every group is already settled.
fn advance(layout: &Layout, t: &mut Transition, out: &mut SchedulePlan) -> bool {
    let dir = t.direction;
    let settled: Vec<bool> = layout.slots.iter().map(|s| s.settled(dir)).collect();
    let mut order: Vec<&Vec<usize>> = layout.waves.iter().collect();
    if dir == Direction::Stop {
        order.reverse();
    }
    // The first unsettled wave in the direction of travel, named in the
    // waits of every group behind it.
    let mut blocker: Option<String> = None;
    // Added to `t.commanded` at the end: until then that set holds only
    // what earlier passes sent, which is what the waits must name.
    let mut sent: Vec<String> = Vec::new();
    for (step, groups) in order.into_iter().enumerate() {
        let wave = match dir {
            Direction::Start => step,
            Direction::Stop => layout.waves.len() - 1 - step,
        };
        let mut groups: Vec<usize> = groups.clone();
        if dir == Direction::Stop {
            groups.reverse();
        }
        for &g in &groups {
            let slot = &layout.slots[g];
            let mut to_command = Vec::new();
            for m in &slot.members {
                let i = m.instance;
                if m.power == target_power(dir) {
                    continue;
                }
                if m.power != opposite(dir) {
                    out.waits
                        .push(format!("{}: {} is {}", slot.name(), i.name, i.state));
                } else if t.commanded.contains(&*i.id) {
                    out.waits.push(format!(
                        "{}: {} was sent {} and is still {}",
                        slot.name(),
                        i.name,
                        dir.as_str(),
                        i.state
                    ));
                } else {
                    to_command.push(i);
                }
            }
            if to_command.is_empty() {
                continue;
            }
            match &blocker {
                None => {
                    sent.extend(to_command.iter().map(|i| i.id.to_string()));
                    out.actions.push(Action {
                        direction: dir,
                        wave,
                        group: slot.name().to_string(),
                        instances: to_command.into_iter().map(target).collect(),
                    });
                }
                Some(blockers) => out.waits.push(format!(
                    "{} waits for {blockers} to {}",
                    slot.name(),
                    match dir {
                        Direction::Start => "be up",
                        Direction::Stop => "stop",
                    }
                )),
            }
        }
        if blocker.is_none() {
            let unsettled: Vec<&str> = layout.waves[wave]
                .iter()
                .filter(|g| !settled[**g])
                .map(|g| layout.slots[*g].name())
                .collect();
            if !unsettled.is_empty() {
                blocker = Some(short_list(&unsettled));
            }
        }
    }
    if t.commanded.is_empty() {
        // Bulk-built from a sorted list: much cheaper than one insert each.
        t.commanded = sent.into_iter().collect();
    } else {
        t.commanded.extend(sent);
    }
    settled.iter().all(|s| *s)
}

/// Names up to five groups and counts the rest, so a wide wave keeps each
/// wait line short.
fn short_list(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    if names.len() <= SHOWN {
        return names.join(", ");
    }
    format!(
        "{} and {} more",
        names[..SHOWN].join(", "),
        names.len() - SHOWN
    )
}

/// Due once per stop instant, `settings.warning` ahead, while servers run.
fn warning(
    now: DateTime<Utc>,
    next_stop: Option<Event>,
    layout: &Layout,
    state: &mut ScheduleState,
    settings: &Settings,
) -> Option<Warning> {
    state.warned.retain(|at| *at > now - Duration::days(2));
    let stop = next_stop?;
    let lead = stop.at - now;
    if lead > settings.warning || state.warned.contains(&stop.at) {
        return None;
    }
    let running: Vec<Target> = layout
        .members()
        .filter(|m| matches!(m.power, Power::Up | Power::Starting))
        .map(|m| target(m.instance))
        .collect();
    if running.is_empty() {
        return None;
    }
    state.warned.insert(stop.at);
    Some(Warning {
        stop,
        minutes: (lead.num_seconds() + 59) / 60,
        running,
    })
}

#[cfg(test)]
mod tests;
