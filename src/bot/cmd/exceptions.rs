//! `exceptions SCHEDULE [DATE]` (the original `info` and `exception info`):
//! that day's start and stop, and the exception items.

use chrono::{DateTime, NaiveDate, Utc};

use super::{schedule, store_error, today, Answer, Reply};
use crate::bot::Bot;
use crate::model::{clock_text, Config, ScheduleException};
use crate::ports::ScheduleEditor;
use crate::time;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    let items = bot.store.exceptions().await.map_err(store_error)?;
    let mut rows: Vec<ScheduleException> = items
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
        .filter(|x| x.schedule == name && date.is_none_or(|d| d == x.date))
        .collect();
    rows.sort_by_key(|x| (x.date, x.kind));
    let day = date.unwrap_or_else(|| today(cfg, now));
    let (start, stop) = time::day_times(cfg, day);
    let mut text = format!(
        "[{name}] {day}: start {}, stop {} ({})",
        clock_text(start),
        clock_text(stop),
        cfg.schedule.time_zone.name()
    );
    if rows.is_empty() {
        text.push_str("\nNo exceptions.");
    }
    for x in rows {
        text.push_str(&format!(
            "\n{} {} {}",
            x.date,
            x.kind.as_str(),
            clock_text(x.value)
        ));
    }
    Ok(Reply::only(text))
}
