use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{run_ordered, Deps};
use crate::plan::Orders;
use crate::ports::{CallError, ConfigStore, Fleet, Notifier, PassTrigger, StateStore};

/// Runs an asked-for pass in this process, in the background: the trigger
/// of `schedctl bot --listen`, where there is no scheduler function to ask.
pub struct LocalTrigger<C, S, F, N> {
    pub deps: Arc<Deps<C, S, F, N>>,
}

impl<C, S, F, N> PassTrigger for LocalTrigger<C, S, F, N>
where
    C: ConfigStore + Send + 'static,
    S: StateStore + Send + 'static,
    F: Fleet + Send + 'static,
    N: Notifier + Send + 'static,
{
    async fn trigger(&self, orders: &Orders, now: DateTime<Utc>) -> Result<(), CallError> {
        let deps = self.deps.clone();
        let orders = orders.clone();
        tokio::spawn(async move {
            if let Err(e) = run_ordered(&deps, now, &orders).await {
                tracing::error!(error = %e, "asked-for pass failed");
            }
        });
        Ok(())
    }
}
