//! `status [SCHEDULE]`: per schedule, running and stopped counts and the
//! next start and stop in its zone; and the original `SCHEDULE status`:
//! every server (name, id, state), wave by wave.

use std::collections::BTreeMap;

use super::{Answer, Ctx, Reply};
use crate::fleet::{Instance, Power};
use crate::model::{Direction, ScheduleConfig};
use crate::plan::{self, Orders, Timing};
use crate::ports::Fleet;
use crate::{time, tr};

impl<E, S, F: Fleet, N, T> Ctx<'_, E, S, F, N, T> {
    async fn fleet(&self) -> Result<Vec<Instance>, String> {
        self.bot
            .fleet
            .describe()
            .await
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

fn tagged<'a>(
    fleet: &'a [Instance],
    cfg: &'a ScheduleConfig,
) -> impl Iterator<Item = &'a Instance> {
    fleet
        .iter()
        .filter(move |i| i.schedule_tag.as_deref() == Some(cfg.schedule.tag_value.as_str()))
}

pub async fn summary<E, S, F: Fleet, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: Option<&str>,
) -> Answer {
    if let Some(n) = name {
        ctx.schedule(n)?;
    }
    let lang = ctx.lang();
    let fleet = ctx.fleet().await?;
    let mut lines = Vec::new();
    for cfg in ctx
        .config
        .schedules
        .values()
        .filter(|c| name.is_none_or(|n| n == c.schedule.name))
    {
        let (running, stopped) = counts(tagged(&fleet, cfg));
        let next = |k| {
            time::next_event(cfg, ctx.now, k)
                .map(|e| e.local.format("%a %m-%d %H:%M").to_string())
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
    }
    if lines.is_empty() {
        lines.push(tr!(lang, "no-schedules"));
    }
    Ok(Reply::only(lines.join("\n")).with_link())
}

/// Every server of one schedule, wave by wave, as the planner groups them.
pub async fn servers<E, S, F: Fleet, N, T>(ctx: &Ctx<'_, E, S, F, N, T>, name: &str) -> Answer {
    let cfg = ctx.schedule(name)?;
    let lang = ctx.lang();
    let fleet = ctx.fleet().await?;
    let (running, stopped) = counts(tagged(&fleet, cfg));
    let plan = plan::plan(
        ctx.now,
        &ctx.config,
        &fleet,
        &BTreeMap::new(),
        &Timing::default(),
        &Orders::default(),
    );
    let mut lines = vec![tr!(
        lang,
        "status-servers",
        schedule = name,
        servers = tr!(lang, "servers", count = running + stopped),
        running = running,
        stopped = stopped
    )];
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
                lines.push(format!("  {} ({}): {}", t.name, t.id, t.state));
            }
        }
    }
    Ok(Reply::only(lines.join("\n")).with_link())
}
