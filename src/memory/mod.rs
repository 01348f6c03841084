//! In-memory adapters: run whole passes in tests without an emulator, and
//! let a test script the fleet (failures, slow transitions) exactly.

mod fleet;
mod outside;

pub use fleet::MemoryFleet;
pub use outside::{FixedPrices, RecordedEvents, ScriptedProbe, ServedFeeds};

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::calendar::CalendarCache;
use crate::fleet::Instance;
use crate::message::Message;
use crate::model::{Item, RawConfig};
use crate::pass::{Deps, Tuning};
use crate::plan::Orders;
use crate::ports::{
    CallError, ConfigStore, KeptCopies, Notifier, PassTrigger, Put, Saved, ScheduleEditor,
    ScheduleStates, TargetState, UsageHistory,
};
use crate::state::{ScheduleState, Stored, Versioned};
use crate::target::Target;
use crate::usage::{CachedPrice, Observation};

/// A whole pass's parts in memory.
pub type MemoryDeps = Deps<MemoryConfig, MemoryState, MemoryFleet, RecordingNotifier>;

/// The tables holding `raw` and a fleet of `instances`, with a pass that
/// polls every 10 ms for at most 5 s, and a notifier that records.
pub fn deps(raw: RawConfig, instances: Vec<Instance>) -> MemoryDeps {
    deps_with(raw, instances, RecordingNotifier::default())
}

/// The same with another notifier (a real webhook, in the webhook tests).
pub fn deps_with<N>(
    raw: RawConfig,
    instances: Vec<Instance>,
    notifier: N,
) -> Deps<MemoryConfig, MemoryState, MemoryFleet, N> {
    Deps {
        config: MemoryConfig::new(raw),
        state: MemoryState::default(),
        fleet: MemoryFleet::new(instances),
        notifier,
        told: Default::default(),
        // Tests serve their feeds on loopback.
        feeds: Box::new(crate::http::Feeds::new(true)),
        events: None,
        prices: None,
        probe: Box::new(ScriptedProbe::default()),
        tuning: Tuning {
            poll: std::time::Duration::from_millis(10),
            budget: std::time::Duration::from_secs(5),
            ..Tuning::default()
        },
    }
}

// std Mutexes: no `.await` happens while one is held.

#[derive(Debug, Default)]
pub struct MemoryConfig {
    pub raw: Mutex<RawConfig>,
    /// When set, every load fails with this error (DynamoDB unreachable).
    pub fail: Mutex<Option<CallError>>,
}

impl MemoryConfig {
    pub fn new(raw: RawConfig) -> Self {
        Self {
            raw: Mutex::new(raw),
            fail: Mutex::new(None),
        }
    }
}

impl ConfigStore for MemoryConfig {
    async fn load(&self) -> Result<RawConfig, CallError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        Ok(self.raw.lock().unwrap().clone())
    }

    async fn reset_force_start(&self, schedule: &str) -> Result<(), CallError> {
        self.set_force_start(schedule, false).await
    }
}

impl ScheduleEditor for MemoryConfig {
    async fn exceptions(&self) -> Result<Vec<Item>, CallError> {
        Ok(self.raw.lock().unwrap().exceptions.clone())
    }

    async fn put_exception(&self, item: Item) -> Result<Put, CallError> {
        let mut raw = self.raw.lock().unwrap();
        let id = item.0.get("ExceptionUuid").cloned();
        let same_id = |x: &Item| x.0.get("ExceptionUuid") == id.as_ref();
        if raw
            .exceptions
            .iter()
            .any(|x| same_id(x) && x.0.get("ExceptionValue") == item.0.get("ExceptionValue"))
        {
            return Ok(Put::Unchanged);
        }
        raw.exceptions.retain(|x| !same_id(x));
        raw.exceptions.push(item);
        Ok(Put::Written)
    }

    async fn delete_exception(&self, id: &str) -> Result<bool, CallError> {
        let mut raw = self.raw.lock().unwrap();
        let before = raw.exceptions.len();
        let key = AttributeValue::S(id.to_string());
        raw.exceptions
            .retain(|x| x.0.get("ExceptionUuid") != Some(&key));
        Ok(raw.exceptions.len() != before)
    }

    async fn set_force_start(&self, schedule: &str, value: bool) -> Result<(), CallError> {
        let mut raw = self.raw.lock().unwrap();
        let key = AttributeValue::S(schedule.to_string());
        match raw
            .schedules
            .iter_mut()
            .find(|i| i.0.get("ScheduleName") == Some(&key))
        {
            Some(item) => {
                item.0
                    .insert("ForceStart".into(), AttributeValue::Bool(value));
                Ok(())
            }
            None => Err(CallError::new(
                "UpdateItem",
                "ConditionalCheckFailedException",
                "no such schedule",
            )),
        }
    }
}

#[derive(Debug, Default)]
pub struct MemoryState {
    pub items: Mutex<BTreeMap<String, Versioned>>,
    pub calendars: Mutex<BTreeMap<String, CalendarCache>>,
    pub prices: Mutex<BTreeMap<String, CachedPrice>>,
    pub usage: Mutex<Vec<Observation>>,
    /// The times whose usage carry was written, and where it begins in
    /// `usage`.
    pub carried: Mutex<BTreeMap<DateTime<Utc>, usize>>,
    /// The Monday whose weekly report was claimed.
    pub weekly_report: Mutex<Option<chrono::NaiveDate>>,
    /// Schedules whose writes fail with this error (throttling past the
    /// retries, an item too large, access denied...).
    pub failing: Mutex<BTreeMap<String, CallError>>,
    /// When set, writes that record a failed command fail with this error
    /// (the claims before them are written).
    pub failing_records: Mutex<Option<CallError>>,
}

impl ScheduleStates for MemoryState {
    async fn load(&self) -> Result<Stored, CallError> {
        Ok(Stored {
            schedules: self.items.lock().unwrap().clone(),
            calendars: self.calendars.lock().unwrap().clone(),
            prices: self.prices.lock().unwrap().clone(),
            weekly_report: *self.weekly_report.lock().unwrap(),
        })
    }

    /// Other targets' states live here under their partitioned keys, as in
    /// the state table.
    async fn states_in(
        &self,
        schedules: &[String],
        targets: &[Target],
    ) -> Result<Vec<TargetState>, CallError> {
        let items = self.items.lock().unwrap();
        Ok(targets
            .iter()
            .flat_map(|t| schedules.iter().map(move |s| (t, s)))
            .filter_map(|(t, s)| {
                let v = items.get(&format!("{}{s}", t.partition()))?;
                Some(TargetState {
                    target: t.clone(),
                    schedule: s.clone(),
                    state: v.state.clone(),
                })
            })
            .collect())
    }

    async fn save(
        &self,
        schedule: &str,
        state: &ScheduleState,
        expected: u64,
    ) -> Result<Saved, CallError> {
        if let Some(e) = self.failing.lock().unwrap().get(schedule) {
            return Err(e.clone());
        }
        let records = state
            .transition
            .as_ref()
            .is_some_and(|t| !t.failed.is_empty());
        if let (true, Some(e)) = (records, self.failing_records.lock().unwrap().clone()) {
            return Err(e);
        }
        let mut items = self.items.lock().unwrap();
        let current = items.get(schedule).map(|v| v.version).unwrap_or(0);
        if current != expected {
            return Ok(Saved::Conflict);
        }
        items.insert(
            schedule.to_string(),
            Versioned {
                state: state.clone(),
                version: current + 1,
            },
        );
        Ok(Saved::Written(current + 1))
    }
}

impl KeptCopies for MemoryState {
    async fn save_price(&self, price: &CachedPrice) -> Result<(), CallError> {
        self.prices
            .lock()
            .unwrap()
            .insert(price.key.clone(), price.clone());
        Ok(())
    }

    /// As the state table: never over a newer copy.
    async fn save_calendar(&self, cache: &CalendarCache) -> Result<(), CallError> {
        let mut kept = self.calendars.lock().unwrap();
        if kept
            .get(&cache.key)
            .is_none_or(|k| k.loaded_at <= cache.loaded_at)
        {
            kept.insert(cache.key.clone(), cache.clone());
        }
        Ok(())
    }
}

impl UsageHistory for MemoryState {
    async fn record_usage(&self, observed: &[Observation]) -> Result<(), CallError> {
        self.usage.lock().unwrap().extend_from_slice(observed);
        Ok(())
    }

    async fn usage(&self, since: DateTime<Utc>) -> Result<Vec<Observation>, CallError> {
        let mut kept = crate::usage::FromSince::new(since);
        for o in self.usage.lock().unwrap().iter() {
            kept.add(o.clone());
        }
        Ok(kept.finish())
    }

    /// As the day index: what was written from the carry of `since` on
    /// (the carry, then every later record), or `None`.
    async fn week_usage(
        &self,
        since: DateTime<Utc>,
        _now: DateTime<Utc>,
    ) -> Result<Option<Vec<Observation>>, CallError> {
        let Some(&from) = self.carried.lock().unwrap().get(&since) else {
            return Ok(None);
        };
        let mut kept = crate::usage::FromSince::new(since);
        for o in self.usage.lock().unwrap()[from..].iter() {
            kept.add(o.clone());
        }
        Ok(Some(kept.finish()))
    }

    async fn carry_usage(
        &self,
        at: DateTime<Utc>,
        carried: &[Observation],
    ) -> Result<(), CallError> {
        let mut usage = self.usage.lock().unwrap();
        self.carried.lock().unwrap().insert(at, usage.len());
        usage.extend_from_slice(carried);
        Ok(())
    }

    async fn claim_report(&self, monday: chrono::NaiveDate) -> Result<bool, CallError> {
        let mut claimed = self.weekly_report.lock().unwrap();
        let first = claimed.is_none_or(|m| m < monday);
        if first {
            *claimed = Some(monday);
        }
        Ok(first)
    }
}

/// Keeps every message sent, in order.
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    pub sent: Mutex<Vec<Message>>,
}

impl Notifier for RecordingNotifier {
    async fn send(&self, message: &Message) {
        self.sent.lock().unwrap().push(message.clone());
    }
}

/// Keeps every pass the bot asks for, in order.
#[derive(Debug, Default)]
pub struct RecordingTrigger {
    pub asked: Mutex<Vec<(Orders, DateTime<Utc>)>>,
    /// When set, asking fails with this error (the scheduler unreachable).
    pub fail: Mutex<Option<CallError>>,
}

impl PassTrigger for RecordingTrigger {
    async fn trigger(&self, orders: &Orders, now: DateTime<Utc>) -> Result<(), CallError> {
        if let Some(e) = self.fail.lock().unwrap().clone() {
            return Err(e);
        }
        self.asked.lock().unwrap().push((orders.clone(), now));
        Ok(())
    }
}
