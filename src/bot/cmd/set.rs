//! The original bot's `SCHEDULE exception set DATE start|stop H:M|None`.

use chrono::{NaiveDate, NaiveTime};

use super::{Answer, Ctx, Reply};
use crate::model::{clock_text, Direction};
use crate::ports::ScheduleEditor;
use crate::tr;

pub async fn apply<E: ScheduleEditor, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    day: NaiveDate,
    kind: Direction,
    value: Option<NaiveTime>,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    ctx.not_past(cfg, day)?;
    ctx.write(name, day, kind, value).await?;
    Ok(Reply::change(tr!(
        ctx.lang(),
        "exception-set",
        schedule = name,
        kind = kind.to_string(),
        day = day.to_string(),
        value = clock_text(value),
        who = &ctx.who
    )))
}
