//! `start SCHEDULE` (the original `force_start`): ForceStart, then a pass
//! now rather than at the next tick.

use super::{Answer, Ctx, Reply};
use crate::plan::Orders;
use crate::ports::{PassTrigger, ScheduleEditor};
use crate::tr;

pub async fn apply<E: ScheduleEditor, S, F, N, T: PassTrigger>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
) -> Answer {
    ctx.schedule(name)?;
    ctx.bot
        .store
        .set_force_start(name, true)
        .await
        .map_err(|e| ctx.store_error(e))?;
    let mut text = tr!(
        ctx.lang(),
        "start-requested",
        schedule = name,
        who = &ctx.who
    );
    // The flag is written: if the scheduler cannot be asked now, the next
    // pass starts the servers anyway.
    if let Err(e) = ctx.bot.trigger.trigger(&Orders::default(), ctx.now).await {
        tracing::warn!(error = %e, "could not ask the scheduler for a pass");
        text = format!(
            "{text}\n{}",
            tr!(ctx.lang(), "request-not-sent", code = e.code)
        );
    }
    Ok(Reply::change(text))
}
