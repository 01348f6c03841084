//! `cancel SCHEDULE [DATE] start|stop` (the original `exception del`).

use chrono::{DateTime, NaiveDate, Utc};

use super::{schedule, store_error, today, Answer, Reply};
use crate::bot::Bot;
use crate::model::{Config, Direction};
use crate::ports::ScheduleEditor;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    date: Option<NaiveDate>,
    kind: Option<Direction>,
    who: &str,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    let day = date.unwrap_or_else(|| today(cfg, now));
    let n = crate::exceptions::cancel(&bot.store, name, day, kind)
        .await
        .map_err(store_error)?;
    if n == 0 {
        return Err(format!("[{name}] There is no such exception on {day}."));
    }
    let what = kind.map(|k| k.as_str()).unwrap_or("all");
    Ok(Reply::change(format!(
        "[{name}] {what} exception on {day} removed by {who}"
    )))
}
