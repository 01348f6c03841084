//! `status [SCHEDULE]`: per schedule, running and stopped counts and the
//! next start and stop in its zone; and the original `SCHEDULE status`:
//! every server (name, id, state), wave by wave. In a hub both count each
//! target's servers as its last pass saw them.

use std::collections::BTreeMap;

use super::{Answer, Ctx, Reply};
use crate::fleet::{Instance, Power};
use crate::model::{Direction, ScheduleConfig};
use crate::plan::{self, Orders, Timing};
use crate::ports::{Fleet, StateStore, TargetState};
use crate::{time, tr};

/// Where the servers are counted: the fleet now, or a hub's targets as
/// their last passes saw them.
enum Seen {
    Fleet(Vec<Instance>),
    Targets(Vec<TargetState>),
}

impl Seen {
    /// (running, stopped) of `cfg`'s servers.
    fn counts(&self, cfg: &ScheduleConfig) -> (usize, usize) {
        match self {
            Seen::Fleet(fleet) => counts(tagged(fleet, cfg)),
            Seen::Targets(states) => seen_counts(
                states
                    .iter()
                    .filter(|t| applies(cfg, t))
                    .flat_map(|t| t.state.seen.values()),
            ),
        }
    }
}

impl<E, S: StateStore, F: Fleet, N, T> Ctx<'_, E, S, F, N, T> {
    /// The fleet, or in a hub every target's states of `schedules`.
    async fn seen(&self, schedules: &[String]) -> Result<Seen, String> {
        if self.bot.targets.is_empty() {
            return self.fleet().await.map(Seen::Fleet);
        }
        self.bot
            .state
            .states_in(schedules, &self.bot.targets)
            .await
            .map(Seen::Targets)
            .map_err(|e| self.store_error(e))
    }

    /// The line under a hub's counts: how many targets, and the oldest
    /// last pass they were counted from.
    fn targets_note(&self, states: &[TargetState]) -> String {
        let oldest = states
            .iter()
            .filter_map(|t| t.state.last_pass)
            .min()
            .map(|at| {
                at.with_timezone(&self.bot.zone)
                    .format("%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|| tr!(self.lang(), "status-none"));
        tr!(
            self.lang(),
            "status-from-targets",
            targets = self.bot.targets.len(),
            oldest = oldest,
            zone = self.bot.zone.name()
        )
    }
}

impl<E, S, F: Fleet, N, T> Ctx<'_, E, S, F, N, T> {
    async fn fleet(&self) -> Result<Vec<Instance>, String> {
        self.bot
            .fleet
            .describe(&self.config.scaled_kinds())
            .await
            .map(|d| d.servers)
            .map_err(|e| tr!(self.lang(), "fleet-unreachable", code = e.code))
    }
}

/// (running, stopped) among `instances`.
fn counts<'a>(instances: impl Iterator<Item = &'a Instance>) -> (usize, usize) {
    instances.fold((0, 0), |(up, down), i| match i.power() {
        Power::Up | Power::Starting => (up + 1, down),
        Power::Down | Power::Stopping => (up, down + 1),
        _ => (up, down),
    })
}

/// (running, stopped) among servers a pass recorded up (`true`) or down.
fn seen_counts<'a>(seen: impl Iterator<Item = &'a bool>) -> (usize, usize) {
    seen.fold((0, 0), |(up, down), &is_up| {
        if is_up {
            (up + 1, down)
        } else {
            (up, down + 1)
        }
    })
}

fn tagged<'a>(
    fleet: &'a [Instance],
    cfg: &'a ScheduleConfig,
) -> impl Iterator<Item = &'a Instance> {
    fleet
        .iter()
        .filter(move |i| i.schedule_tag.as_deref() == Some(cfg.schedule.tag_value.as_str()))
}

pub async fn summary<E, S: StateStore, F: Fleet, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: Option<&str>,
) -> Answer {
    if let Some(n) = name {
        ctx.schedule(n)?;
    }
    let lang = ctx.lang();
    let shown: Vec<&ScheduleConfig> = ctx
        .config
        .schedules
        .values()
        .filter(|c| name.is_none_or(|n| n == c.schedule.name))
        .collect();
    let names: Vec<String> = shown.iter().map(|c| c.schedule.name.clone()).collect();
    let seen = ctx.seen(&names).await?;
    let mut lines = Vec::new();
    for cfg in shown {
        let (running, stopped) = seen.counts(cfg);
        let next = |k| {
            time::next_event(cfg, ctx.now, k)
                .map(|e| {
                    let at = e.local.format("%a %m-%d %H:%M").to_string();
                    match e.ready {
                        Some(r) => format!(
                            "{at} ({})",
                            tr!(
                                lang,
                                "ready-at",
                                ready = r.local.format("%H:%M").to_string()
                            )
                        ),
                        None => at,
                    }
                })
                .unwrap_or_else(|| tr!(lang, "status-none"))
        };
        lines.push(tr!(
            lang,
            "status-line",
            schedule = &cfg.schedule.name,
            running = running,
            stopped = stopped,
            start = next(Direction::Start),
            stop = next(Direction::Stop),
            zone = cfg.schedule.time_zone.name(),
            disabled = if cfg.schedule.enabled {
                String::new()
            } else {
                tr!(lang, "status-disabled")
            }
        ));
        if let Seen::Targets(states) = &seen {
            lines.extend(by_account(lang, cfg, states));
        }
    }
    if lines.is_empty() {
        lines.push(tr!(lang, "no-schedules"));
    } else if let Seen::Targets(states) = &seen {
        lines.push(ctx.targets_note(states));
    }
    Ok(Reply::only(lines.join("\n")).with_link())
}

/// Every server of one schedule, wave by wave, as the planner groups them;
/// in a hub, target by target, as each one's last pass saw them.
pub async fn servers<E, S: StateStore, F: Fleet, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let lang = ctx.lang();
    let fleet = match ctx.seen(&[name.to_string()]).await? {
        Seen::Fleet(fleet) => fleet,
        Seen::Targets(states) => {
            let states: Vec<TargetState> = states.into_iter().filter(|t| applies(cfg, t)).collect();
            return Ok(by_target(ctx, name, &states));
        }
    };
    let (running, stopped) = counts(tagged(&fleet, cfg));
    let timing = Timing::default();
    let mut plan = plan::plan(
        ctx.now,
        &ctx.config,
        &fleet,
        &BTreeMap::new(),
        &timing,
        &Orders::default(),
        &plan::Round::default(),
    );
    plan::show(&mut plan, &ctx.config, &fleet, &timing);
    let mut lines = vec![servers_line(lang, name, running, stopped)];
    let waves = plan
        .schedules
        .iter()
        .find(|s| s.schedule == name)
        .map(|s| s.waves.as_slice())
        .unwrap_or_default();
    for wave in waves {
        for g in &wave.groups {
            lines.push(tr!(
                lang,
                "status-wave",
                wave = wave.index + 1,
                group = &g.group
            ));
            if g.instances.is_empty() {
                lines.push(format!("  {}", tr!(lang, "status-no-servers")));
            }
            for t in &g.instances {
                let mut line = format!("  {} ({}): {}", t.name, t.id, t.state);
                if let Some(until) = &t.held_until {
                    line.push_str(&tr!(lang, "status-held", until = until));
                }
                lines.push(line);
            }
        }
    }
    Ok(Reply::only(lines.join("\n")).with_link())
}

/// A hub's `SCHEDULE status`: each target's servers, up or down.
fn by_target<E, S: StateStore, F: Fleet, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    states: &[TargetState],
) -> Reply {
    let lang = ctx.lang();
    let (running, stopped) = seen_counts(states.iter().flat_map(|t| t.state.seen.values()));
    let mut lines = vec![servers_line(lang, name, running, stopped)];
    for t in states {
        lines.push(format!("{}:", t.target.label()));
        if t.state.seen.is_empty() {
            lines.push(format!("  {}", tr!(lang, "status-no-servers")));
        }
        let mut seen: Vec<_> = t.state.seen.iter().collect();
        seen.sort_unstable();
        for (id, &up) in seen {
            let state = if up { "running" } else { "stopped" };
            lines.push(format!("  {id}: {state}"));
        }
    }
    lines.push(ctx.targets_note(states));
    Reply::only(lines.join("\n")).with_link()
}

/// `[dev] 3 servers: 2 running, 1 stopped`.
fn servers_line(lang: crate::i18n::Language, name: &str, running: usize, stopped: usize) -> String {
    tr!(
        lang,
        "status-servers",
        schedule = name,
        servers = tr!(lang, "servers", count = running + stopped),
        running = running,
        stopped = stopped
    )
}

/// A hub's counts of `cfg` per account and region, one line each.
fn by_account(
    lang: crate::i18n::Language,
    cfg: &ScheduleConfig,
    states: &[TargetState],
) -> Vec<String> {
    states
        .iter()
        .filter(|t| applies(cfg, t))
        .map(|t| {
            let (running, stopped) = seen_counts(t.state.seen.values());
            format!(
                "  {}: {}",
                t.target.label(),
                tr!(
                    lang,
                    "status-target-counts",
                    running = running,
                    stopped = stopped
                )
            )
        })
        .collect()
}

/// Whether `t` is a state of `cfg` in a target it applies to (a state left
/// in a target the schedule no longer names is not counted).
fn applies(cfg: &ScheduleConfig, t: &TargetState) -> bool {
    let targets = &cfg.schedule.targets;
    t.schedule == cfg.schedule.name && (targets.is_empty() || targets.contains(&t.target))
}
