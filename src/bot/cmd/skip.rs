//! `skip SCHEDULE [YYYY-MM-DD]`: no start that day (a `start None` item).

use chrono::{DateTime, NaiveDate, Utc};

use super::{not_past, schedule, today, write, Answer, Reply};
use crate::bot::Bot;
use crate::model::{Config, Direction};
use crate::ports::ScheduleEditor;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    date: Option<NaiveDate>,
    who: &str,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    let day = date.unwrap_or_else(|| today(cfg, now));
    not_past(cfg, day, now)?;
    write(bot, name, day, Direction::Start, None, who, now).await?;
    Ok(Reply::change(format!(
        "[{name}] No start on {day}, by {who}"
    )))
}
