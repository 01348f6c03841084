//! `stop SCHEDULE` (the original `force_stop`): the servers stop in
//! reverse order.

use chrono::{DateTime, Utc};

use super::{schedule, write, Answer, Reply};
use crate::bot::Bot;
use crate::model::{Config, Direction};
use crate::ports::ScheduleEditor;
use crate::time;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    who: &str,
    now: DateTime<Utc>,
) -> Answer {
    let cfg = schedule(config, name)?;
    let (day, at) = time::stop_now_target(cfg, now);
    write(bot, name, day, Direction::Stop, Some(at), who, now).await?;
    Ok(Reply::change(format!(
        "[{name}] Stop requested by {who}: the next pass stops its servers in reverse order"
    )))
}
