//! `skip SCHEDULE [YYYY-MM-DD]`: no start that day (a `start None` item).

use chrono::NaiveDate;

use super::{Answer, Ctx, Reply};
use crate::model::Direction;
use crate::ports::ScheduleEditor;
use crate::tr;

pub async fn apply<E: ScheduleEditor, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    date: Option<NaiveDate>,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let day = date.unwrap_or_else(|| ctx.today(cfg));
    ctx.not_past(cfg, day)?;
    ctx.write(name, day, Direction::Start, None).await?;
    Ok(Reply::change(tr!(
        ctx.lang(),
        "no-start-on",
        schedule = name,
        day = day.to_string(),
        who = &ctx.who
    )))
}
