//! The imperative shell of one pass: load the configuration, then round
//! after round describe the fleet, plan, claim, announce and act, while
//! waves are moving and the time budget lasts. Every call outside goes
//! through a port (`crate::ports`): tables, fleet and chat, and the boxed
//! holiday feeds, events and prices.

mod act;
mod calendars;
mod claim;
mod health;
mod load;
mod local;
mod prices;
mod ready;
mod signal;
mod usage;

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::message::Message;
use crate::plan::{self, FailedCommand, Orders, Plan, Timing};
use crate::ports::{
    CallError, ConfigStore, EventSink, FeedSource, Fleet, Notifier, PriceSource, ReadyProbe,
    StateStore,
};
use crate::say::{self, Voice};
use crate::target::Target;
use claim::Claims;

pub use load::{load_config, preview, read};
pub use local::LocalTrigger;
pub use prices::prices;
pub use signal::{ERROR_TAG, LAST_ACTION_TAG};

/// The parts a pass works with.
pub struct Deps<C, S, F, N> {
    pub config: C,
    pub state: S,
    pub fleet: F,
    pub notifier: N,
    pub tuning: Tuning,
    /// What this process already told the chat about its own sickness
    /// (state writes that fail), so a warm Lambda says it once.
    pub told: Told,
    /// Fetches holiday calendars.
    pub feeds: Box<dyn FeedSource>,
    /// Where scheduling events go (`EMIT_EVENTS`; `None`: nowhere).
    pub events: Option<Box<dyn EventSink>>,
    /// Where the weekly report's prices come from (`None`: not looked up).
    pub prices: Option<Box<dyn PriceSource>>,
    /// Runs the groups' readiness checks.
    pub probe: Box<dyn ReadyProbe>,
}

/// Lines already told by this process. A std Mutex: it is never held
/// across an `.await`.
#[derive(Debug, Default)]
pub struct Told(std::sync::Mutex<std::collections::BTreeSet<String>>);

impl Told {
    /// True the first time `line` is seen.
    fn first(&self, line: &str) -> bool {
        self.0
            .lock()
            .expect("not poisoned")
            .insert(line.to_string())
    }
}

/// What the environment sets for a pass: the default time zone, the
/// rules' timing, and how long and how often a pass polls moving waves.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Zone of schedules without a TimeZone (`TIMEZONE`).
    pub zone: Tz,
    pub timing: Timing,
    /// How long a pass keeps advancing waves (`TIME_BUDGET_SECONDS`).
    pub budget: StdDuration,
    /// Pause between polls of a moving wave (`POLL_SECONDS`).
    pub poll: StdDuration,
    /// The language of the messages and the chat command they name.
    pub voice: Voice,
    /// Tag commanded servers with ScheduleLastAction and ScheduleError
    /// (`TAG_INSTANCES`).
    pub tag_instances: bool,
    /// The target this pass is for (`ROLE_ARN@REGION`), in a hub
    /// deployment; `None`: the one account of a single deployment.
    pub target: Option<Target>,
    /// Every target of the hub (`TARGETS`); empty in a single deployment.
    pub hub: Vec<Target>,
    /// The region the fleet is in, named in the usage history.
    pub region: String,
    /// Post the weekly usage report on Monday mornings (`WEEKLY_REPORT`).
    pub weekly_report: bool,
    /// Each round's plan in the report lists its groups' servers (`run
    /// --json` prints them). The Lambda returns counts and goes without.
    pub show_servers: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            zone: chrono_tz::Asia::Seoul,
            timing: Timing::default(),
            budget: StdDuration::from_secs(120),
            poll: StdDuration::from_secs(10),
            voice: Voice::default(),
            tag_instances: false,
            target: None,
            hub: Vec::new(),
            region: String::new(),
            weekly_report: false,
            show_servers: true,
        }
    }
}

/// What a pass did, for the CLI and the logs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PassReport {
    /// One plan per round of the wave loop.
    pub rounds: Vec<Plan>,
    pub failures: Vec<String>,
    /// Schedules skipped because another pass had claimed them.
    pub conflicts: Vec<String>,
    pub messages: Vec<Message>,
}

impl PassReport {
    /// Sends `m` to the chat topic and keeps it in the report.
    async fn say<N: Notifier>(&mut self, notifier: &N, m: Message) {
        notifier.send(&m).await;
        self.messages.push(m);
    }
}

/// The pass could not run: nothing was started or stopped.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct PassError(#[from] pub CallError);

/// One scheduler pass at `now` (the real clock in the Lambda, `--at` in
/// `schedctl run`).
pub async fn run<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
) -> Result<PassReport, PassError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    run_ordered(deps, now, &Orders::default()).await
}

/// A pass that also carries out `orders` (a stop asked for now).
pub async fn run_ordered<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    orders: &Orders,
) -> Result<PassReport, PassError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let mut report = PassReport::default();
    match run_rounds(deps, now, orders, &mut report).await {
        Ok(()) => Ok(report),
        Err(e) => {
            tracing::error!(error = %e, "pass failed");
            health::failed(deps, &e, &mut report).await;
            Err(PassError(e))
        }
    }
}

/// A pass that cannot begin (a hub's target whose role cannot be
/// assumed): told once, like any pass that fails.
pub async fn unreachable<C, S, F, N>(deps: &Deps<C, S, F, N>, e: CallError) -> PassError
where
    S: StateStore,
    N: Notifier,
{
    tracing::error!(error = %e, "target out of reach");
    health::failed(deps, &e, &mut PassReport::default()).await;
    PassError(e)
}

async fn run_rounds<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    orders: &Orders,
    report: &mut PassReport,
) -> Result<(), CallError>
where
    C: ConfigStore,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    let started = Instant::now();
    let mut config = load_config(&deps.config, deps.tuning.zone, now).await?;
    if let Some(target) = &deps.tuning.target {
        config.keep_target(target);
    }
    let stored = deps.state.load().await?;
    load::learn_leads(&mut config, &stored);
    calendars::refresh(deps, &mut config, stored.calendars, now, report).await;
    let mut claims = Claims::new(stored.schedules);
    health::running(deps, &mut claims, report).await;
    // An order is carried out by the first round; later rounds go on with
    // the transition it began.
    let mut orders = orders.clone();
    // What the readiness checks answered, for the next round's plan.
    let mut round = plan::Round::default();
    loop {
        let described = deps.fleet.describe(&config.scaled_kinds()).await?;
        let round_config = without_unavailable(&config, &described.unavailable);
        let states = claims.states();
        let mut plan = plan::plan(
            now,
            &round_config,
            &described.servers,
            &states,
            &deps.tuning.timing,
            &orders,
            &round,
        );
        if deps.tuning.show_servers {
            plan::show(
                &mut plan,
                &round_config,
                &described.servers,
                &deps.tuning.timing,
            );
        }
        orders = Orders::default();
        for note in plan.schedules.iter().flat_map(|s| &s.notes) {
            tracing::warn!("{note}");
        }
        let (plan, unsaved) = claims.claim(&deps.state, plan, report).await;
        usage::record(deps, &plan).await;
        tell_unsaved(deps, unsaved, report).await;
        announce(deps, &plan, report).await;
        let failed = act::command(deps, &plan, report).await;
        signal::tell(deps, &plan, &failed, now).await;
        for (schedule, failures) in failed {
            record(deps, &mut claims, &schedule, failures, now, report).await;
        }
        act::reset_force_start(deps, &config, &plan, report).await;
        ready::check(deps, &plan, &mut round.checked).await;

        let moving = plan.moving();
        report.rounds.push(plan);
        let left = deps.tuning.budget.saturating_sub(started.elapsed());
        // Nothing more to command (the last waves are on their way): the
        // next pass sees them there and says so.
        if !moving || left < deps.tuning.poll {
            if moving {
                tracing::info!("time budget used; the next pass continues the waves");
            }
            break;
        }
        tokio::time::sleep(deps.tuning.poll).await;
        round.elapsed = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
    }
    // After the servers: a slow or failing report never delays a start.
    usage::weekly(deps, &stored.prices, stored.weekly_report, now, report).await;
    Ok(())
}

/// Says once per process which schedules' states could not be written.
async fn tell_unsaved<C, S, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    unsaved: Vec<claim::Unsaved>,
    report: &mut PassReport,
) {
    for u in unsaved {
        let line = format!("{}: {}", u.schedule, u.error.code);
        if deps.told.first(&line) {
            let m = say::state_not_saved(&deps.tuning.voice, &u.schedule, &u.error);
            report.say(&deps.notifier, m).await;
        }
    }
}

/// Records what failed in `schedule`'s transition (a second write, only
/// when something failed) and tells what is final.
async fn record<C, S: StateStore, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    claims: &mut Claims,
    schedule: &str,
    failures: Vec<FailedCommand>,
    now: DateTime<Utc>,
    report: &mut PassReport,
) {
    let mut state = claims.state(schedule);
    let Some(t) = state.transition.as_mut() else {
        return;
    };
    let notices = plan::record_failures(t, failures, now, &deps.tuning.timing);
    state.bound();
    // Told only once recorded: an unrecorded failure comes back after the
    // claim lease, and is told by the pass that records it.
    match claims.save(&deps.state, schedule, state).await {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(%schedule, "another pass wrote first; its failures are seen again");
            return;
        }
        Err(e) => {
            tracing::error!(%schedule, error = %e, "failures not recorded; the claim lease brings them back");
            return;
        }
    }
    for n in &notices {
        report
            .say(&deps.notifier, say::notice(&deps.tuning.voice, schedule, n))
            .await;
    }
}

/// Says what is about to happen before it is done, so that a failure
/// reads after the start or stop it belongs to.
async fn announce<C, S, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    plan: &Plan,
    report: &mut PassReport,
) {
    for sp in &plan.schedules {
        for m in say::schedule_messages(&deps.tuning.voice, sp) {
            report.say(&deps.notifier, m).await;
        }
    }
}

/// The configuration less the schedules whose scaled kinds could not be
/// described this round (a copy only then).
fn without_unavailable<'c>(
    config: &'c crate::model::Config,
    unavailable: &[(crate::model::InstanceKind, String)],
) -> std::borrow::Cow<'c, crate::model::Config> {
    if unavailable.is_empty() {
        return std::borrow::Cow::Borrowed(config);
    }
    let mut config = config.clone();
    config.without_kinds(unavailable);
    std::borrow::Cow::Owned(config)
}
