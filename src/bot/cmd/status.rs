//! `status [SCHEDULE]`: per schedule, running and stopped counts and the
//! next start and stop in its zone.

use chrono::{DateTime, Utc};

use super::{schedule, store_error, Answer, Reply};
use crate::bot::Bot;
use crate::fleet::Power;
use crate::model::{Config, Direction};
use crate::ports::Fleet;
use crate::time;

pub async fn apply<E, F: Fleet, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Answer {
    if let Some(n) = name {
        schedule(config, n)?;
    }
    let fleet = bot.fleet.describe().await.map_err(store_error)?;
    let mut lines = Vec::new();
    for cfg in config
        .schedules
        .values()
        .filter(|c| name.is_none_or(|n| n == c.schedule.name))
    {
        let mine: Vec<_> = fleet
            .iter()
            .filter(|i| i.schedule_tag.as_deref() == Some(cfg.schedule.tag_value.as_str()))
            .collect();
        let count = |ps: &[Power]| mine.iter().filter(|i| ps.contains(&i.power())).count();
        let running = count(&[Power::Up, Power::Starting]);
        let stopped = count(&[Power::Down, Power::Stopping]);
        let next = |k| {
            time::next_event(cfg, now, k)
                .map(|e| e.local.format("%a %m-%d %H:%M").to_string())
                .unwrap_or_else(|| "none".into())
        };
        lines.push(format!(
            "[{}] {running} running, {stopped} stopped; next start {}, next stop {} ({}){}",
            cfg.schedule.name,
            next(Direction::Start),
            next(Direction::Stop),
            cfg.schedule.time_zone.name(),
            if cfg.schedule.enabled {
                ""
            } else {
                "; disabled"
            }
        ));
    }
    if lines.is_empty() {
        lines.push("No schedules.".into());
    }
    Ok(Reply::only(lines.join("\n")))
}
