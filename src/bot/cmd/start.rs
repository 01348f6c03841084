//! `start SCHEDULE` (the original `force_start`): ForceStart.

use super::{schedule, store_error, Answer, Reply};
use crate::bot::Bot;
use crate::model::Config;
use crate::ports::ScheduleEditor;

pub async fn apply<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    config: &Config,
    name: &str,
    who: &str,
) -> Answer {
    schedule(config, name)?;
    bot.store
        .set_force_start(name, true)
        .await
        .map_err(store_error)?;
    Ok(Reply::change(format!(
        "[{name}] Start requested by {who}: the next pass starts its servers in order"
    )))
}
