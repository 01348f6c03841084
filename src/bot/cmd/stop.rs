//! `stop SCHEDULE` (the original `force_stop`): the scheduler is asked for
//! a pass now that stops the servers in reverse order and clears
//! ForceStart. No exception is written: the day's schedule stays as it was.

use super::{Answer, Ctx, Reply};
use crate::plan::Orders;
use crate::ports::PassTrigger;
use crate::tr;

pub async fn apply<E, S, F, N, T: PassTrigger>(ctx: &Ctx<'_, E, S, F, N, T>, name: &str) -> Answer {
    ctx.schedule(name)?;
    let orders = Orders {
        stop: [name.to_string()].into(),
    };
    ctx.bot
        .trigger
        .trigger(&orders, ctx.now)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "could not ask the scheduler to stop");
            tr!(ctx.lang(), "request-not-sent", code = e.code)
        })?;
    Ok(Reply::change(tr!(
        ctx.lang(),
        "stop-requested",
        schedule = name,
        who = &ctx.who
    )))
}
