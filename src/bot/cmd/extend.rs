//! `extend SCHEDULE HH:MM` (alias `postpone`), and the warning's "Postpone
//! 1 hour" button: the upcoming stop moves, as a `stop` exception.

use chrono::{DateTime, NaiveTime, Utc};

use super::{Answer, Ctx, Reply};
use crate::bot::inbound::Invocation;
use crate::bot::Bot;
use crate::model::{parse_clock, parse_date, Direction};
use crate::ports::{ConfigStore, Put, ScheduleEditor, StateStore};
use crate::{time, tr};

pub async fn apply<E: ScheduleEditor, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    until: NaiveTime,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let (day, at) = time::extend_target(cfg, ctx.now, until).map_err(|p| ctx.past(p))?;
    let put = ctx.write(name, day, Direction::Stop, Some(until)).await?;
    let text = tr!(
        ctx.lang(),
        "stop-moved",
        schedule = name,
        at = ctx.local_text(cfg, at),
        who = &ctx.who
    );
    Ok(match put {
        Put::Written => Reply::change(text),
        Put::Unchanged => Reply::only(text),
    })
}

/// The button: it carries the exact stop it asks for (`SCHEDULE|DATE|HH:MM`,
/// the date of the window whose stop it moves) and applies it once; a
/// button for another day's stop is refused to the clicker only.
pub async fn postpone<E: ConfigStore + ScheduleEditor, S: StateStore, F, N, T>(
    bot: &Bot<E, S, F, N, T>,
    value: &str,
    inv: &Invocation,
    now: DateTime<Utc>,
) -> Answer {
    let lang = bot.lang;
    let parts: Vec<&str> = value.split('|').collect();
    let (name, day, until) = match parts.as_slice() {
        [name, date, time] => match (parse_date(date), parse_clock(time)) {
            (Ok(day), Ok(Some(until))) => (*name, day, until),
            _ => return Err(tr!(lang, "button-bad")),
        },
        _ => return Err(tr!(lang, "button-bad")),
    };
    let ctx = Ctx::load(bot, inv, now).await?;
    let cfg = ctx.schedule(name)?;
    let (target_day, at) = time::extend_target(cfg, now, until)
        .map_err(|_| tr!(lang, "button-stale", day = day.to_string()))?;
    if target_day != day {
        return Err(tr!(lang, "button-stale", day = day.to_string()));
    }
    let at_text = ctx.local_text(cfg, at);
    match ctx.write(name, day, Direction::Stop, Some(until)).await? {
        Put::Written => Ok(Reply::change(tr!(
            lang,
            "stop-postponed",
            schedule = name,
            at = at_text,
            who = &ctx.who
        ))),
        Put::Unchanged => Err(tr!(lang, "button-done", schedule = name, at = at_text)),
    }
}
