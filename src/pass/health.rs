//! A pass that cannot run (a table, the fleet or a target's role out of
//! reach) is told once per cause, and once more when a pass runs again, so
//! a target that stays unreachable does not post every five minutes. The
//! memory is the global state's `pass_failing`; when the state table itself
//! cannot be read there is no memory and every pass tells.

use super::claim::Claims;
use super::{Deps, PassReport};
use crate::model::GLOBAL_KEY;
use crate::ports::{CallError, Notifier, StateStore};
use crate::say;

/// Tells that the pass failed with `e`, unless the last failed pass already
/// told the same cause.
pub(super) async fn failed<C, S: StateStore, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    e: &CallError,
    report: &mut PassReport,
) {
    let told = match deps.state.load().await {
        Ok(stored) => {
            let mut claims = Claims::new(stored.schedules);
            let mut global = claims.state(GLOBAL_KEY);
            let told = global.pass_failing.as_deref() == Some(e.code.as_str());
            global.pass_failing = Some(e.code.clone());
            if !told {
                if let Err(error) = claims.save(&deps.state, GLOBAL_KEY, global).await {
                    tracing::warn!(%error, "the failure is told again next pass");
                }
            }
            told
        }
        Err(_) => false,
    };
    if !told {
        let m = say::pass_failed(&deps.tuning.voice, e);
        report.say(&deps.notifier, m).await;
    }
}

/// After passes that failed, this one runs: tells it once and forgets.
pub(super) async fn running<C, S: StateStore, F, N: Notifier>(
    deps: &Deps<C, S, F, N>,
    claims: &mut Claims,
    report: &mut PassReport,
) {
    let mut global = claims.state(GLOBAL_KEY);
    if global.pass_failing.take().is_none() {
        return;
    }
    match claims.save(&deps.state, GLOBAL_KEY, global).await {
        Ok(true) => {
            let m = say::pass_recovered(&deps.tuning.voice);
            report.say(&deps.notifier, m).await;
        }
        Ok(false) => {}
        Err(error) => tracing::warn!(%error, "the recovery is told next pass"),
    }
}
