//! `extend SCHEDULE HH:MM` (alias `postpone`), and the warning's "Postpone
//! 1 hour" button: the upcoming stop moves, as a `stop` exception.

use chrono::{DateTime, Duration, NaiveTime, Utc};

use super::{config, local_text, schedule, write, Answer, Reply};
use crate::bot::inbound::Invocation;
use crate::bot::Bot;
use crate::model::{parse_date, Config, Direction};
use crate::ports::{ConfigStore, ScheduleEditor};
use crate::time;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    until: NaiveTime,
    who: &str,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    let (day, at) = time::extend_target(cfg, now, until)?;
    write(bot, name, day, Direction::Stop, Some(until), who, now).await?;
    Ok(Reply::change(format!(
        "[{name}] Stop moved to {} by {who}",
        local_text(cfg, at)
    )))
}

/// The button: that day's stop, 60 minutes later than it is now.
pub async fn postpone<E: ConfigStore + ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    value: &str,
    inv: &Invocation,
    now: DateTime<Utc>,
) -> Answer {
    let mut parts = value.split('|');
    let (Some(name), Some(date)) = (parts.next(), parts.next()) else {
        return Err("The button's value is not SCHEDULE|DATE|TIME.".into());
    };
    let day = parse_date(date)?;
    let config = config(bot).await?;
    let cfg = schedule(&config, name)?;
    let stop = time::day_stop(cfg, day)
        .ok_or_else(|| format!("[{name}] has no stop on {day} to postpone."))?;
    let until = (stop.local + Duration::hours(1)).time();
    let (target_day, at) = time::extend_target(cfg, now, until)?;
    let who = inv.created_by();
    write(
        bot,
        name,
        target_day,
        Direction::Stop,
        Some(until),
        &who,
        now,
    )
    .await?;
    Ok(Reply::change(format!(
        "[{name}] Stop postponed to {} by {who}",
        local_text(cfg, at)
    )))
}
