//! Fakes of the boxed ports: holiday feeds served from memory, events
//! recorded, fixed prices, scripted readiness answers.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use crate::calendar::CalendarCache;
use crate::plan::{Answer, WantedCheck};
use crate::ports::{
    CallError, EventSink, FeedSource, Fetched, PriceSource, ReadyProbe, SchedulingEvent, Unpriced,
};
use crate::usage::Product;

/// Holiday feeds by URL; any other URL answers 404. Every fetch is fresh.
#[derive(Debug, Default)]
pub struct ServedFeeds {
    pub bodies: BTreeMap<String, String>,
    /// The URLs fetched, in order.
    pub fetched: Mutex<Vec<String>>,
}

impl FeedSource for ServedFeeds {
    fn fetch<'a>(
        &'a self,
        url: &'a str,
        _cache: &'a CalendarCache,
    ) -> BoxFuture<'a, Result<Fetched, CallError>> {
        self.fetched.lock().unwrap().push(url.to_string());
        let answer = match self.bodies.get(url) {
            Some(body) => Ok(Fetched::Fresh {
                body: body.clone(),
                etag: None,
                last_modified: None,
            }),
            None => Err(CallError::new(
                "GET holiday calendar",
                "HTTP404",
                "404 Not Found",
            )),
        };
        Box::pin(std::future::ready(answer))
    }
}

/// Keeps the events a pass emits; a clone shares them, so a test keeps
/// one while the pass owns the other.
#[derive(Debug, Clone, Default)]
pub struct RecordedEvents(pub Arc<Mutex<Vec<SchedulingEvent>>>);

impl RecordedEvents {
    pub fn take(&self) -> Vec<SchedulingEvent> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl EventSink for RecordedEvents {
    fn emit(&self, events: Vec<SchedulingEvent>) -> BoxFuture<'_, ()> {
        self.0.lock().unwrap().extend(events);
        Box::pin(std::future::ready(()))
    }
}

/// Fixed hourly prices by product key (tests, demos), kept a day as looked
/// up ones are; any other product has none to look up.
#[derive(Debug, Default)]
pub struct FixedPrices(pub BTreeMap<String, f64>);

impl PriceSource for FixedPrices {
    fn price<'a>(&'a self, product: &'a Product) -> BoxFuture<'a, Result<f64, Unpriced>> {
        let key = product.key();
        let answer = self
            .0
            .get(&key)
            .copied()
            .ok_or_else(|| Unpriced::NotLookedUp(format!("no price for {key}")));
        Box::pin(std::future::ready(answer))
    }
}

/// Readiness answers by check (as written), given in turn; a check with
/// none left is ready. Keeps every check asked, in order.
#[derive(Debug, Clone, Default)]
pub struct ScriptedProbe {
    pub answers: Arc<Mutex<BTreeMap<String, VecDeque<Answer>>>>,
    pub asked: Arc<Mutex<Vec<WantedCheck>>>,
}

impl ScriptedProbe {
    /// The next answers of `check`, `false` for not ready.
    pub fn script(&self, check: &str, answers: &[(bool, &str)]) {
        self.answers
            .lock()
            .unwrap()
            .entry(check.to_string())
            .or_default()
            .extend(answers.iter().map(|(ready, said)| Answer {
                ready: *ready,
                said: said.to_string(),
            }));
    }
}

impl ReadyProbe for ScriptedProbe {
    fn check<'a>(&'a self, c: &'a WantedCheck) -> BoxFuture<'a, Answer> {
        self.asked.lock().unwrap().push(c.clone());
        let next = self
            .answers
            .lock()
            .unwrap()
            .get_mut(&c.check.text())
            .and_then(VecDeque::pop_front);
        let answer = next.unwrap_or(Answer {
            ready: true,
            said: "ready".into(),
        });
        Box::pin(std::future::ready(answer))
    }
}
