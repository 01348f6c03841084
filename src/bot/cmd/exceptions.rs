//! `exceptions SCHEDULE [DATE]` (the original `exception info`): that
//! day's start and stop, and the exception items (of that day, or all).

use chrono::NaiveDate;

use super::{Answer, Ctx, Reply};
use crate::model::{clock_text, ScheduleException};
use crate::ports::ScheduleEditor;
use crate::{time, tr};

pub async fn apply<E: ScheduleEditor, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    date: Option<NaiveDate>,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let items = ctx
        .bot
        .store
        .exceptions()
        .await
        .map_err(|e| ctx.store_error(e))?;
    let mut rows: Vec<ScheduleException> = items
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
        .filter(|x| x.schedule == name && date.is_none_or(|d| d == x.date))
        .collect();
    rows.sort_by_key(|x| (x.date, x.kind));
    let day = date.unwrap_or_else(|| ctx.today(cfg));
    let (start, stop) = time::day_times(cfg, day);
    let mut lines = vec![tr!(
        ctx.lang(),
        "day-times",
        schedule = name,
        day = day.to_string(),
        start = clock_text(start),
        stop = clock_text(stop),
        zone = cfg.schedule.time_zone.name()
    )];
    if rows.is_empty() {
        lines.push(tr!(ctx.lang(), "no-exceptions"));
    }
    lines.extend(
        rows.iter()
            .map(|x| format!("{} {} {}", x.date, x.kind, clock_text(x.value))),
    );
    Ok(Reply::only(lines.join("\n")))
}
