//! `cancel SCHEDULE [DATE] start|stop` (the original `exception del`).

use chrono::NaiveDate;

use super::{Answer, Ctx, Reply};
use crate::model::Direction;
use crate::ports::ScheduleEditor;
use crate::tr;

pub async fn apply<E: ScheduleEditor, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    date: Option<NaiveDate>,
    kind: Option<Direction>,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let day = date.unwrap_or_else(|| ctx.today(cfg));
    let n = crate::exceptions::cancel(&ctx.bot.store, name, day, kind)
        .await
        .map_err(|e| ctx.store_error(e))?;
    let lang = ctx.lang();
    if n == 0 {
        return Err(tr!(
            lang,
            "no-such-exception",
            schedule = name,
            day = day.to_string()
        ));
    }
    let what = kind.map_or_else(|| tr!(lang, "exception-all"), |k| k.to_string());
    Ok(Reply::change(tr!(
        lang,
        "exception-removed",
        schedule = name,
        what = what,
        day = day.to_string(),
        who = &ctx.who
    )))
}
