//! What a failed command means for its transition: a permanent failure is
//! reported once and never retried; a retryable one is tried again by a
//! later pass after 5, 10, then 20 minutes, and reported once if the last
//! try fails too. Failures of one group with one code are one notice.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{Notice, Server, Timing};
use crate::state::{FailedTries, Transition};

/// One instance whose command failed, as the pass saw it.
#[derive(Debug, Clone)]
pub struct FailedCommand {
    pub group: String,
    pub server: Server,
    pub code: String,
    pub message: String,
    /// Whether a later pass may cure it (see `CallError::retryable`).
    pub retryable: bool,
}

/// Records `failures` of the commands `t` sent at `now`; returns the
/// notices now due.
pub fn record_failures(
    t: &mut Transition,
    failures: Vec<FailedCommand>,
    now: DateTime<Utc>,
    timing: &Timing,
) -> Vec<Notice> {
    let mut told: BTreeMap<(String, String), Notice> = BTreeMap::new();
    for f in failures {
        let tries = t.failed.get(&*f.server.id).map_or(0, |old| old.tries) + 1;
        let last = !f.retryable || tries >= timing.max_tries;
        let wait = timing.retry_after * 2i32.pow(tries.saturating_sub(1).min(8));
        t.failed.insert(
            f.server.id.to_string(),
            FailedTries {
                code: f.code.clone(),
                tries,
                retry_at: (!last).then(|| now + wait.max(Duration::zero())),
            },
        );
        if !last {
            tracing::warn!(id = %f.server.id, code = %f.code, tries, "command failed; a later pass tries again");
            continue;
        }
        let notice = told
            .entry((f.group.clone(), f.code.clone()))
            .or_insert_with(|| Notice::CommandFailed {
                direction: t.direction,
                group: f.group.clone(),
                servers: vec![],
                code: f.code.clone(),
                message: f.message.clone(),
                tries,
            });
        if let Notice::CommandFailed {
            servers,
            tries: most,
            ..
        } = notice
        {
            servers.push(f.server);
            *most = (*most).max(tries);
        }
    }
    told.into_values().collect()
}
