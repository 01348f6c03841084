//! The original bot's `SCHEDULE exception set DATE start|stop H:M|None`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{not_past, schedule, write, Answer, Reply};
use crate::bot::Bot;
use crate::model::{clock_text, Config, Direction};
use crate::ports::ScheduleEditor;

#[allow(clippy::too_many_arguments)]
pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    day: NaiveDate,
    kind: Direction,
    value: Option<NaiveTime>,
    who: &str,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    not_past(cfg, day, now)?;
    write(bot, name, day, kind, value, who, now).await?;
    Ok(Reply::change(format!(
        "[{name}] {} on {day} set to {} by {who}",
        kind.as_str(),
        clock_text(value)
    )))
}
