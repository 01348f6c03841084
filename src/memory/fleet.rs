//! The in-memory fleet: commands that take effect at once or slowly, and
//! failures, tags and describe failures a test scripts.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use crate::fleet::{without_scheduled_members, Instance, Size};
use crate::model::{Direction, InstanceKind};
use crate::ports::{CallError, Described, Fleet, Tagged};

/// A fleet whose commands take effect at once (or, for ids in `slow`, leave
/// the instance in its transitional state), failing for ids in `failing`.
#[derive(Debug, Default)]
pub struct MemoryFleet {
    pub instances: Mutex<Vec<Instance>>,
    pub failing: Mutex<BTreeMap<String, String>>,
    pub slow: Mutex<BTreeSet<String>>,
    /// Every command call, in order: (direction, ids).
    pub calls: Mutex<Vec<(Direction, Vec<String>)>>,
    /// When set, a command never returns: the process dies in it.
    pub hang: Mutex<bool>,
    /// Tags set on instances (by id).
    pub tags: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    /// Scaled kinds whose describe fails.
    pub unavailable: Mutex<Vec<InstanceKind>>,
}

impl MemoryFleet {
    pub fn new(instances: Vec<Instance>) -> Self {
        Self {
            instances: Mutex::new(instances),
            ..Default::default()
        }
    }

    pub fn state_of(&self, id: &str) -> String {
        let all = self.instances.lock().unwrap();
        all.iter()
            .find(|i| &*i.id == id)
            .map(|i| i.state.to_string())
            .unwrap_or_default()
    }
}

impl Fleet for MemoryFleet {
    /// Scaled servers only of the kinds asked for, as AWS's fleet does;
    /// the kinds in `unavailable` fail to be described.
    async fn describe(&self, scaled: &[InstanceKind]) -> Result<Described, CallError> {
        let all = self.instances.lock().unwrap().clone();
        let failing = self.unavailable.lock().unwrap().clone();
        let servers = all
            .into_iter()
            .filter(|i| !i.kind.scaled() || scaled.contains(&i.kind))
            .filter(|i| !failing.contains(&i.kind))
            .collect();
        Ok(Described {
            servers: without_scheduled_members(servers),
            unavailable: failing
                .into_iter()
                .filter(|k| scaled.contains(k))
                .map(|k| (k, format!("describe {}: AccessDeniedException", k.as_str())))
                .collect(),
        })
    }

    async fn command(
        &self,
        direction: Direction,
        kind: InstanceKind,
        ids: &[String],
    ) -> Vec<(String, CallError)> {
        if *self.hang.lock().unwrap() {
            std::future::pending::<()>().await;
        }
        self.calls.lock().unwrap().push((direction, ids.to_vec()));
        let failing = self.failing.lock().unwrap().clone();
        let slow = self.slow.lock().unwrap().clone();
        let mut all = self.instances.lock().unwrap();
        let mut failures = Vec::new();
        for id in ids {
            if let Some(code) = failing.get(id) {
                failures.push((
                    id.clone(),
                    CallError::new(
                        format!("{} {}", direction.as_str(), kind.as_str()),
                        code.clone(),
                        "injected",
                    ),
                ));
                continue;
            }
            if let Some(i) = all.iter_mut().find(|i| *i.id == **id) {
                i.state = match (direction, kind, slow.contains(id)) {
                    (Direction::Start, k, false) if k == InstanceKind::Ec2 || k.scaled() => {
                        "running"
                    }
                    (Direction::Start, k, true) if k == InstanceKind::Ec2 || k.scaled() => {
                        "pending"
                    }
                    (Direction::Start, _, false) => "available",
                    (Direction::Start, _, true) => "starting",
                    (Direction::Stop, _, false) => "stopped",
                    (Direction::Stop, _, true) => "stopping",
                }
                .into();
            }
        }
        failures
    }

    /// A size with something to run starts the server, zero stops it
    /// (slowly for ids in `slow`).
    async fn resize(
        &self,
        kind: InstanceKind,
        sizes: &[(String, Size)],
    ) -> Vec<(String, CallError)> {
        let ids: Vec<String> = sizes.iter().map(|(id, _)| id.clone()).collect();
        let direction = match sizes.first() {
            Some((_, s)) if s.desired > 0 => Direction::Start,
            _ => Direction::Stop,
        };
        let failures = self.command(direction, kind, &ids).await;
        let mut all = self.instances.lock().unwrap();
        for (id, size) in sizes {
            if failures.iter().any(|(f, _)| f == id) {
                continue;
            }
            if let Some(i) = all.iter_mut().find(|i| *i.id == **id) {
                i.size = Some(*size);
            }
        }
        failures
    }

    async fn tag(
        &self,
        _: InstanceKind,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) {
        let mut tags = self.tags.lock().unwrap();
        for t in targets {
            let on = tags.entry(t.id.clone()).or_default();
            on.extend(set.iter().cloned());
            remove.iter().for_each(|k| {
                on.remove(k);
            });
        }
    }
}
