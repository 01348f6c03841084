//! The pure planner: (now, configuration, observed fleet, stored state) ->
//! what this pass must do. It never calls AWS; the pass executes its output.
//!
//! One rule per room: [`roster`] puts the tagged instances in their groups,
//! [`transition`] decides which way a schedule moves and why, [`waves`]
//! steps that move through the groups in dependency order, [`warning`] and
//! [`notices`] decide what the chat topic is owed.

mod calendars;
mod failures;
pub mod hold;
mod learn;
mod notices;
mod observed;
mod ready;
mod roster;
#[cfg(test)]
mod testing;
mod transition;
mod warning;
mod waves;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use foldhash::{HashMap, HashMapExt};
use serde::Serialize;

use crate::fleet::{Instance, Power, Size};
use crate::model::{Config, Direction, Effect, InstanceKind, ScheduleConfig, GLOBAL_KEY};
use crate::state::{Cause, ScheduleState};
use crate::time::{self, Event, Skip};
use crate::usage::Observation;
use calendars::{Calendar, Calendars};
use roster::{Member, Roster};
use transition::Causes;

pub use failures::{record_failures, FailedCommand};
pub use ready::{Answer, Checked, WantedCheck};
pub use roster::{ALL_GROUP, UNGROUPED};

/// What a pass knows of its rounds so far: the readiness checks' answers,
/// and how long it has run. `now` is the pass's instant in every round;
/// start durations are measured by this clock instead.
#[derive(Debug, Clone, Default)]
pub struct Round {
    pub checked: Checked,
    pub elapsed: Duration,
}

/// What someone asked for now, outside the schedules: the scheduler
/// function's targeted event (the chat's `stop`) and `schedctl stop`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orders {
    /// Schedules to stop now, in reverse order.
    pub stop: BTreeSet<String>,
}

/// How the rules are timed (`WARNING_MINUTES` and two fixed spans).
#[derive(Debug, Clone)]
pub struct Timing {
    /// How long before a stop the warning goes out (`WARNING_MINUTES`).
    pub warning: Duration,
    /// How far back a pass makes up missed events (spec: 60 minutes).
    pub catch_up: Duration,
    /// How long a start or stop may take before it is given up and reported.
    pub transition_timeout: Duration,
    /// How long a claim counts as sent: under the 5-minute tick, so the
    /// next pass sends again what a pass that died never sent.
    pub claim_lease: Duration,
    /// The first wait before a failed command is tried again; it doubles
    /// with each try (5, 10, 20 minutes: all within the transition timeout).
    pub retry_after: Duration,
    /// Commands sent per instance and transition before it is given up.
    pub max_tries: u32,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`), as problems
    /// and notices name it.
    pub schedule_tag: String,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            warning: Duration::minutes(10),
            catch_up: Duration::minutes(60),
            transition_timeout: Duration::minutes(60),
            claim_lease: Duration::minutes(4),
            retry_after: Duration::minutes(5),
            max_tries: 4,
            schedule_tag: crate::fleet::SCHEDULE_TAG.to_string(),
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
    /// Groups in start order (stops run them in reverse), with their
    /// servers: filled by [`show`] for the front ends that show them.
    pub waves: Vec<Wave>,
    /// How many waves the schedule has (what the messages count).
    #[serde(skip)]
    pub wave_count: usize,
    /// Start/stop commands to send now, in wave order.
    pub actions: Vec<Action>,
    /// What the transition is waiting for.
    pub waits: Vec<Wait>,
    pub warning: Option<Warning>,
    /// Set ForceStart back to false (all servers are up, or it was overridden).
    pub reset_force_start: bool,
    /// Every current configuration error of this schedule.
    pub errors: Vec<String>,
    /// Messages this pass owes the chat topic besides actions and warnings.
    pub notices: Vec<Notice>,
    /// Lines only for the logs (e.g. an empty dependency group).
    pub notes: Vec<String>,
    /// Regular events this pass did not act on because an exception took
    /// them away: why a quiet pass was quiet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skip>,
    /// Holidays of the next seven days (the schedule's calendars).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<Holiday>,
    /// A `ready-by` start in progress: when it began and when it is to be
    /// ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_by: Option<ReadyBy>,
    /// Readiness checks the pass is asked to run now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<WantedCheck>,
    /// Servers seen settling up or down, for the usage history (kept once
    /// the plan is claimed).
    #[serde(skip)]
    pub observed: Vec<Observation>,
    /// The state to store for the next pass.
    pub state: ScheduleState,
    /// Whether this plan must be written before it is acted on: it changes
    /// the stored state beyond the pass time, or owes commands or messages.
    /// An idle plan writes nothing: without a write, the next pass's window
    /// simply starts earlier, and it saw no event in between.
    #[serde(skip)]
    pub persist: bool,
    /// A transition goes on and a later round of the same pass may command
    /// more of it (a wave waits for an earlier one, or a server must settle
    /// before it is commanded).
    #[serde(skip)]
    pub moving: bool,
}

/// A `ready-by` start's two times, local `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadyBy {
    pub starts: String,
    pub ready: String,
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
    pub instances: Vec<Server>,
}

/// What a transition waits for. Shown (and serialised) as an English line;
/// the chat messages say it in their own language. The group's name is
/// shared by its waits: a wide wave waits for thousands of servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// A server in a transitional state.
    Moving {
        group: Arc<str>,
        server: Arc<str>,
        state: Arc<str>,
    },
    /// A server that was sent the command and has not moved yet.
    Sent {
        group: Arc<str>,
        server: Arc<str>,
        direction: Direction,
        state: Arc<str>,
    },
    /// A group whose turn has not come: `blockers` are not there yet.
    Blocked {
        group: Arc<str>,
        blockers: Arc<str>,
        direction: Direction,
    },
    /// A server held up against the stop until a local time.
    Held {
        group: Arc<str>,
        server: Arc<str>,
        until: String,
    },
    /// A server whose command failed; `again`: a later pass tries again.
    Failed {
        group: Arc<str>,
        server: Arc<str>,
        direction: Direction,
        code: String,
        again: bool,
    },
    /// A group whose servers are up and whose readiness check has not
    /// passed yet.
    NotReady {
        group: Arc<str>,
        check: String,
        said: String,
    },
}

impl std::fmt::Display for Wait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Wait::Moving {
                group,
                server,
                state,
            } => write!(f, "{group}: {server} is {state}"),
            Wait::Sent {
                group,
                server,
                direction,
                state,
            } => write!(
                f,
                "{group}: {server} was sent {direction} and is still {state}"
            ),
            Wait::Blocked {
                group,
                blockers,
                direction: Direction::Start,
            } => write!(f, "{group} waits for {blockers} to be up"),
            Wait::Blocked {
                group,
                blockers,
                direction: Direction::Stop,
            } => write!(f, "{group} waits for {blockers} to stop"),
            Wait::Held {
                group,
                server,
                until,
            } => write!(f, "{group}: {server} is held up until {until}"),
            Wait::Failed {
                group,
                server,
                direction,
                code,
                again,
            } => {
                write!(f, "{group}: {server} could not {direction} ({code})")?;
                f.write_str(if *again {
                    "; it is tried again"
                } else {
                    "; given up"
                })
            }
            Wait::NotReady { group, check, said } => {
                write!(f, "{group} is up, not ready yet ({check}: {said})")
            }
        }
    }
}

impl Serialize for Wait {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A day a holiday calendar marks: no start that day, unless an
/// exception item says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: chrono::NaiveDate,
    pub name: String,
}

/// One server as the plan shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Server {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub kind: InstanceKind,
    pub state: Arc<str>,
    /// The EC2 instance type, or the DB engine and class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<Arc<str>>,
    /// Held up against stops until then (`ScheduleKeepUntil`), local
    /// `YYYY-MM-DD HH:MM` in the schedule's zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_until: Option<String>,
    /// Its ARN where tagging needs it (RDS, Aurora, ECS, EKS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<Arc<str>>,
    /// A scaled server's size now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Its `ScheduleSize` tag, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_tag: Option<String>,
}

/// Start or stop these instances of one group now.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub direction: Direction,
    pub wave: usize,
    pub group: String,
    pub instances: Vec<Server>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    pub stop: Event,
    pub minutes: i64,
    pub running: Vec<Server>,
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
        waiting: Vec<Wait>,
    },
    /// Tagged instances that name no group of the schedule (they form the
    /// group [`UNGROUPED`]): told once, not an error.
    Ungrouped {
        /// The tag key (not in `plan --json`, which shows the value only).
        #[serde(skip)]
        key: String,
        tag: String,
        servers: Vec<String>,
    },
    /// A started group whose readiness check did not pass within its
    /// timeout: the waves went on without it.
    NotReady {
        group: String,
        check: String,
        minutes: i64,
        said: String,
    },
    /// A `ready-by` start was ready after its ready time (`HH:MM`).
    Late { ready: String, minutes: i64 },
    /// Commands that failed for good: a permanent error, or the last try.
    CommandFailed {
        direction: Direction,
        group: String,
        servers: Vec<Server>,
        code: String,
        message: String,
        tries: u32,
    },
}

impl Plan {
    pub fn actions(&self) -> impl Iterator<Item = (&SchedulePlan, &Action)> {
        self.schedules
            .iter()
            .flat_map(|s| s.actions.iter().map(move |a| (s, a)))
    }

    /// Whether another round may advance some schedule's waves.
    pub fn moving(&self) -> bool {
        self.schedules.iter().any(|s| s.moving)
    }
}

/// Plans one pass. Deterministic and total: bad input shows up as errors.
/// `round`: what this pass's readiness checks answered so far, and how
/// long it has run.
pub fn plan(
    now: DateTime<Utc>,
    config: &Config,
    fleet: &[Instance],
    states: &BTreeMap<String, ScheduleState>,
    timing: &Timing,
    orders: &Orders,
    round: &Round,
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
    let by_tag = members_by_tag(fleet);
    let none = ScheduleState::default();
    let mut calendars = Calendars::new(now);
    let schedules = names
        .into_iter()
        .map(|name| {
            // Cloned once, by the schedule's plan: a large fleet's state
            // costs more to copy than most of its plan.
            let stored = states.get(name).unwrap_or(&none);
            let lines = errors
                .get(name)
                .map(|es| error_lines(es))
                .unwrap_or_default();
            match config.schedules.get(name) {
                Some(cfg) => {
                    let tagged = tagged(&by_tag, cfg);
                    let asked = Asked {
                        timing,
                        stop_ordered: orders.stop.contains(name),
                        answers: round.checked.get(name),
                        clock: now + round.elapsed,
                        lead: cfg.lead().map_or(0, |l| l.minutes),
                    };
                    let calendar = calendars.of(cfg);
                    plan_schedule(now, cfg, calendar, tagged, stored, lines, &asked)
                }
                None if errors
                    .get(name)
                    .is_some_and(|es| es.iter().any(|e| e.effect == Effect::Waits)) =>
                {
                    plan_waiting(name, stored, lines)
                }
                None => plan_disabled(now, name, stored, lines),
            }
        })
        .collect();
    Plan { at: now, schedules }
}

/// Fills each schedule's waves with its groups and their servers, as the
/// front ends show them (`plan`, `run --json`, the page, `status`). The
/// pass decides without them: for a large fleet the lists cost more than
/// the decisions (benches/planner.rs).
pub fn show(plan: &mut Plan, config: &Config, fleet: &[Instance], timing: &Timing) {
    let by_tag = members_by_tag(fleet);
    for sp in &mut plan.schedules {
        if let Some(cfg) = config.schedules.get(&sp.schedule) {
            let roster = Roster::new(cfg, tagged(&by_tag, cfg), &timing.schedule_tag, plan.at);
            sp.waves = roster.views();
        }
    }
}

/// Most error lines one schedule reports (and remembers in its state), and
/// the longest line: a schedule's state item must stay far under
/// DynamoDB's 400 KB (the spec says 100 KB) whatever its items and fleet
/// hold; `schedctl validate` lists everything.
const MAX_ERROR_LINES: usize = 50;
const MAX_LINE_BYTES: usize = 200;

/// A schedule's configuration errors as lines (capped later, with the
/// fleet's problems, by [`cap_lines`]).
fn error_lines(errors: &[&crate::model::ConfigError]) -> Vec<String> {
    errors.iter().map(|e| e.to_string()).collect()
}

/// At most [`MAX_ERROR_LINES`] lines of at most [`MAX_LINE_BYTES`], the
/// rest counted in one more line.
fn cap_lines(mut lines: Vec<String>) -> Vec<String> {
    let total = lines.len();
    lines.truncate(MAX_ERROR_LINES);
    for line in &mut lines {
        if line.len() > MAX_LINE_BYTES {
            let cut = (0..=MAX_LINE_BYTES)
                .rev()
                .find(|i| line.is_char_boundary(*i))
                .unwrap_or(0);
            line.truncate(cut);
            line.push('…');
        }
    }
    if total > MAX_ERROR_LINES {
        lines.push(format!(
            "and {} more errors (schedctl validate lists them all)",
            total - MAX_ERROR_LINES
        ));
    }
    lines
}

/// The fleet by schedule tag, terminated instances left out. Each tag is
/// looked up once per run of instances that share it.
fn members_by_tag(fleet: &[Instance]) -> HashMap<&str, Vec<Member<'_>>> {
    let mut tags: HashMap<&str, usize> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut last: Option<(&str, usize)> = None;
    let homes: Vec<(usize, Power)> = fleet
        .iter()
        .map(|instance| {
            let power = instance.power();
            let tag = match instance.schedule_tag() {
                Some(tag) if power != Power::Gone => tag,
                _ => return (roster::NOWHERE, power),
            };
            let index = match last {
                Some((t, index)) if crate::fleet::same(t, tag) => index,
                _ => *tags.entry(tag).or_insert_with(|| {
                    sizes.push(0);
                    sizes.len() - 1
                }),
            };
            last = Some((tag, index));
            sizes[index] += 1;
            (index, power)
        })
        .collect();
    let members = fleet.iter().zip(homes).map(|(instance, (index, power))| {
        let member = Member {
            instance,
            power,
            held: None,
        };
        (index, member)
    });
    let mut lists = roster::buckets(sizes, members);
    tags.into_iter()
        .map(|(tag, index)| (tag, std::mem::take(&mut lists[index])))
        .collect()
}

/// The members `cfg`'s tag value selects.
fn tagged<'a, 'f>(
    by_tag: &'a HashMap<&str, Vec<Member<'f>>>,
    cfg: &ScheduleConfig,
) -> &'a [Member<'f>] {
    by_tag
        .get(cfg.schedule.tag_value.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A plan that shows a schedule and does nothing yet.
fn empty(name: &str) -> SchedulePlan {
    SchedulePlan {
        schedule: name.to_string(),
        time_zone: None,
        enabled: false,
        events: vec![],
        next_start: None,
        next_stop: None,
        transition: None,
        waves: vec![],
        wave_count: 0,
        actions: vec![],
        waits: vec![],
        warning: None,
        reset_force_start: false,
        errors: vec![],
        notices: vec![],
        notes: vec![],
        skipped: vec![],
        holidays: vec![],
        ready_by: None,
        checks: vec![],
        observed: vec![],
        state: ScheduleState::default(),
        persist: false,
        moving: false,
    }
}

/// A schedule that its errors switch off (or the `*` bucket of errors that
/// belong to no schedule): it only reports.
fn plan_disabled(
    now: DateTime<Utc>,
    name: &str,
    stored: &ScheduleState,
    lines: Vec<String>,
) -> SchedulePlan {
    let mut out = empty(name);
    let mut state = stored.clone();
    let lines = cap_lines(lines);
    out.notices = notices::errors(&mut state, &lines);
    out.enabled = name != GLOBAL_KEY && lines.is_empty();
    out.errors = lines;
    state.transition = None;
    finish(out, state, stored, now)
}

/// A schedule whose servers could not be seen this pass: it says so
/// (once) and changes nothing else, so a later pass makes up its events
/// and goes on with its transition.
fn plan_waiting(name: &str, stored: &ScheduleState, lines: Vec<String>) -> SchedulePlan {
    let mut out = empty(name);
    let mut state = stored.clone();
    let lines = cap_lines(lines);
    out.notices = notices::errors(&mut state, &lines);
    out.enabled = true;
    out.errors = lines;
    out.persist = state != *stored;
    out.state = state;
    out
}

/// What a schedule's plan is asked beyond the items: the timing, and
/// whether a stop was ordered.
struct Asked<'a> {
    timing: &'a Timing,
    stop_ordered: bool,
    /// This pass's readiness answers for the schedule's groups.
    answers: Option<&'a BTreeMap<String, Answer>>,
    /// The pass's instant plus the time it has run.
    clock: DateTime<Utc>,
    /// A `ready-by` schedule's lead in minutes (0 otherwise).
    lead: i64,
}

fn plan_schedule(
    now: DateTime<Utc>,
    cfg: &ScheduleConfig,
    calendar: &Calendar,
    tagged: &[Member],
    stored: &ScheduleState,
    mut lines: Vec<String>,
    asked: &Asked,
) -> SchedulePlan {
    let s = &cfg.schedule;
    let roster = Roster::new(cfg, tagged, &asked.timing.schedule_tag, now);
    let mut out = empty(&s.name);
    (out.next_start, out.next_stop) = calendar.next_events();
    out.time_zone = Some(s.time_zone.name().to_string());
    out.enabled = s.enabled;
    out.wave_count = roster.waves.len();
    out.notes = roster.notes.clone();
    out.holidays = holidays_ahead(cfg, time::local_date(s.time_zone, now));
    let mut state = stored.clone();
    if s.enabled {
        lines.extend(roster.problems.iter().cloned());
        let from = stored
            .last_pass
            .unwrap_or(now - asked.timing.catch_up)
            .max(now - asked.timing.catch_up);
        out.events = calendar.events_due(from, stored.ready_seen);
        let readies = out.events.iter().filter_map(|e| e.ready.map(|r| r.at));
        state.ready_seen = state.ready_seen.max(readies.max());
        out.skipped = calendar.skipped(from);
    }
    let lines = cap_lines(lines);
    out.notices = notices::errors(&mut state, &lines);
    out.notices.extend(notices::ungrouped(
        &mut state,
        &asked.timing.schedule_tag,
        &s.tag_value,
        roster.ungrouped(),
    ));
    out.errors = lines;

    // A ForceStart already acted on is ignored (and its reset retried)
    // until the flag reads false again.
    state.force_start_done &= s.force_start;
    let causes = Causes {
        events: &out.events,
        stop_ordered: asked.stop_ordered,
        force_start: s.force_start && !state.force_start_done,
        enabled: s.enabled,
        stopped_by_order: stored.stopped_by_order,
    };
    out.observed = observed::observe(
        &s.name,
        &mut state.seen,
        &mut state.seen_sum,
        stored.transition.as_ref(),
        &roster,
        now,
    );
    let decision = transition::decide(
        now,
        cfg,
        calendar,
        state.transition.take(),
        &causes,
        &roster,
    );
    out.reset_force_start = decision.reset_force_start || state.force_start_done;
    if let Some(t) = decision.transition {
        match (t.direction, t.cause) {
            (Direction::Stop, Cause::Ordered) => state.stopped_by_order = Some(now),
            (Direction::Start, _) => state.stopped_by_order = None,
            _ => {}
        }
        advance(&mut out, &mut state, &roster, t, now, asked);
    }
    if s.enabled {
        out.warning = warning::due(now, out.next_stop, &roster, &mut state, asked.timing);
    }
    state.log.retain(|l| now - l.at < Duration::days(2));
    state
        .log
        .extend(out.actions.iter().map(|a| crate::state::Logged {
            at: now,
            direction: a.direction,
            group: a.group.clone(),
            servers: a.instances.len(),
        }));
    state.force_start_done |= out.reset_force_start;
    if !state.sizes.is_empty() {
        // Only servers the schedule still has: the state stays bounded.
        let ids: BTreeSet<&str> = roster.members().map(|m| &*m.instance.id).collect();
        state.sizes.retain(|id, _| ids.contains(id.as_str()));
    }
    finish(out, state, stored, now)
}

/// The schedule's holidays of the seven days from `today`.
fn holidays_ahead(cfg: &ScheduleConfig, today: chrono::NaiveDate) -> Vec<Holiday> {
    cfg.holidays
        .range(today..today + Duration::days(7))
        .map(|(date, name)| Holiday {
            date: *date,
            name: name.clone(),
        })
        .collect()
}

/// Steps the transition `t`; keeps it in `state` while it goes on, gives
/// it up (and says so) when it has taken longer than the timeout.
fn advance(
    out: &mut SchedulePlan,
    state: &mut ScheduleState,
    roster: &Roster,
    mut t: crate::state::Transition,
    now: DateTime<Utc>,
    asked: &Asked,
) {
    let timing = asked.timing;
    let step = waves::advance(roster, &mut t, asked.answers, now, asked.timing);
    learn::observe(&mut t, roster, &step.settled, &step.actions, asked.clock);
    out.waits = step.waits;
    out.checks = step.checks;
    // Instances given up on and groups not ready in time are told whether
    // or not the transition ends here.
    out.notices.extend(step.gave_up);
    extend_timeout(&mut t, roster, now, timing);
    if step.complete {
        out.reset_force_start |= t.cause == Cause::ForceStart;
        if t.direction == Direction::Start {
            learn::learn(&mut state.starts, &t, roster);
            out.notices
                .extend(learn::late(&t, roster.zone, asked.lead, asked.clock));
        }
    } else if now - t.since > timing.transition_timeout {
        // Given up: what it waits for is told, and nothing more is sent.
        out.notices.push(Notice::Stalled {
            direction: t.direction,
            waiting: out.waits.clone(),
        });
        out.reset_force_start |= t.cause == Cause::ForceStart;
    } else {
        out.actions = step.actions;
        if t.direction == Direction::Stop {
            remember_sizes(&mut state.sizes, &out.actions, &t, now);
        }
        out.transition = Some(t.direction);
        out.ready_by = ready_by(&t, roster);
        // A check asked for is answered in the next round.
        out.moving = !out.checks.is_empty()
            || more_to_command(&out.waits, roster, t.direction, step.blocker_progressing);
        state.transition = Some(t);
    }
}

/// The two times of a `ready-by` start.
fn ready_by(t: &crate::state::Transition, roster: &Roster) -> Option<ReadyBy> {
    match (t.direction, t.cause) {
        (
            Direction::Start,
            Cause::Event {
                at,
                ready: Some(ready),
            },
        ) => {
            let local =
                |i: DateTime<Utc>| i.with_timezone(&roster.zone).format("%H:%M").to_string();
            Some(ReadyBy {
                starts: local(at),
                ready: local(ready),
            })
        }
        _ => None,
    }
}

/// Moves the transition's timeout on while it waits for what has its own
/// limit. A stop that waits for a held server waits as long as the hold:
/// its timeout counts from when the last hold of a server still up ends,
/// as seen by the passes (at most a timeout ahead of this one, so a hold
/// shortened or removed, or a mistyped year, still lets it time out). A
/// start counts from when its last readiness check began to wait, so a
/// check's own timeout (at most as long) ends it first.
fn extend_timeout(
    t: &mut crate::state::Transition,
    roster: &Roster,
    now: DateTime<Utc>,
    timing: &Timing,
) {
    let end = match t.direction {
        Direction::Stop => roster
            .members()
            .filter(|m| m.power != Power::Down)
            .filter_map(|m| m.held)
            .max()
            .map(|end| end.min(now + timing.transition_timeout)),
        Direction::Start => t.checking.values().map(|c| c.since).max(),
    };
    if let Some(end) = end {
        t.since = t.since.max(end);
    }
}

/// Keeps the size each scaled server of `stops` runs at, for its start to
/// restore. Only at the first command of this stop: a stop sent again
/// (after a failure, or a half-done resize) keeps what was remembered, and
/// a server already at zero never replaces it.
fn remember_sizes(
    sizes: &mut BTreeMap<String, Size>,
    stops: &[Action],
    t: &crate::state::Transition,
    now: DateTime<Utc>,
) {
    for s in stops.iter().flat_map(|a| &a.instances) {
        let sent_before = t.sent.range(..now).any(|(_, ids)| ids.contains(&*s.id));
        if let Some(size) = s.size.filter(|size| size.runs() && !sent_before) {
            sizes.insert(s.id.to_string(), size);
        }
    }
}

/// Whether a later round of this pass could command something: a group
/// waits behind an earlier wave that is getting there (not one held up,
/// given up or waiting for a later retry), or a server is moving the other
/// way or is busy (it is commanded once it settles). Servers already
/// heading where the transition takes them need nothing more: the next
/// pass sees them there, so the pass returns instead of polling them.
fn more_to_command(
    waits: &[Wait],
    roster: &Roster,
    direction: Direction,
    blocker_progressing: bool,
) -> bool {
    let heading = match direction {
        Direction::Start => Power::Starting,
        Direction::Stop => Power::Stopping,
    };
    (blocker_progressing && waits.iter().any(|w| matches!(w, Wait::Blocked { .. })))
        || roster.members().any(|m| m.moving() && m.power != heading)
}

/// Stores `state` in the plan and says whether it must be written.
fn finish(
    mut out: SchedulePlan,
    mut state: ScheduleState,
    stored: &ScheduleState,
    now: DateTime<Utc>,
) -> SchedulePlan {
    state.bound();
    // Changed beyond the pass time? Compared in place: a clone of a large
    // fleet's state costs more than the rest of the plan.
    state.last_pass = stored.last_pass;
    let changed = state != *stored;
    state.last_pass = stored.last_pass.max(Some(now));
    out.persist = changed
        || !out.actions.is_empty()
        || out.warning.is_some()
        || !out.notices.is_empty()
        || out.reset_force_start;
    out.state = state;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_remembers_a_running_size_once_and_never_a_zero_one() {
        let group = |state: &str, size: Size| Instance {
            size: Some(size),
            ..Instance::new("workers", InstanceKind::Asg, state)
        };
        let stop = |i: &Instance| Action {
            direction: Direction::Stop,
            wave: 0,
            group: "workers".into(),
            instances: vec![roster::server(i)],
        };
        let running = Size {
            min: 1,
            desired: 2,
            max: 4,
        };
        let at = |t: &str| crate::testing::utc(t);
        let mut t = crate::state::Transition {
            direction: Direction::Stop,
            cause: Cause::Enforced,
            since: at("2026-11-30T22:00:00+09:00"),
            sent: Default::default(),
            failed: Default::default(),
            checking: Default::default(),
            commanded: Default::default(),
            took: Default::default(),
        };
        let first = at("2026-11-30T22:00:00+09:00");
        Arc::make_mut(&mut t.sent).insert(first, ["workers".to_string()].into());
        let mut sizes = BTreeMap::new();
        remember_sizes(&mut sizes, &[stop(&group("running", running))], &t, first);
        assert_eq!(sizes["workers"], running);
        // The stop sent again, the group half resized (its minimum already
        // zero): the memory stays.
        let again = at("2026-11-30T22:05:00+09:00");
        Arc::make_mut(&mut t.sent).insert(again, ["workers".to_string()].into());
        let half = Size { min: 0, ..running };
        remember_sizes(&mut sizes, &[stop(&group("running", half))], &t, again);
        assert_eq!(sizes["workers"], running);
        // A first stop of a group already at zero remembers nothing.
        let mut fresh = BTreeMap::new();
        remember_sizes(
            &mut fresh,
            &[stop(&group("stopped", running.zero()))],
            &t,
            first,
        );
        assert!(fresh.is_empty());
    }
}
