//! Planning cost for a large fleet: 10,000 instances in 1,000 groups, as one
//! schedule of 10 waves x 100 groups and as 100 schedules of 10 groups;
//! each from empty states (a first pass: every server first seen), from
//! the states that pass left (the same instant again, a start under way),
//! and as a quiet pass (the servers up, the states of a pass five minutes
//! before: what most of a day's 288 passes are).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use scheduler::fleet::Instance;
use scheduler::model::{Config, InstanceKind, RawConfig};
use scheduler::plan::{plan, Orders, Plan, Timing};
use scheduler::state::ScheduleState;
use scheduler::testing::{group_item, instance, schedule_item, SEOUL};

/// `schedules` schedules of `waves` x `width` groups, 10 instances in
/// `state` each; every group depends on all groups of the wave before it.
fn fleet(schedules: usize, waves: usize, width: usize, state: &str) -> (Config, Vec<Instance>) {
    let mut raw = RawConfig::default();
    let mut instances = Vec::new();
    for sc in 0..schedules {
        let name = format!("s{sc}");
        raw.schedules
            .push(schedule_item(&name, "all", "09:00", "22:00"));
        for w in 0..waves {
            for g in 0..width {
                let group = format!("w{w}g{g}");
                let deps: Vec<String> = if w == 0 {
                    vec![]
                } else {
                    (0..width).map(|d| format!("w{}g{d}", w - 1)).collect()
                };
                let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
                raw.groups.push(group_item(&name, &group, "EC2", &deps));
                for i in 0..10 {
                    let id = format!("i-{sc}-{group}-{i}");
                    instances.push(instance(&id, InstanceKind::Ec2, state, &name, Some(&group)));
                }
            }
        }
    }
    (Config::parse(&raw, SEOUL, Utc::now()), instances)
}

fn bench(c: &mut Criterion) {
    let morning: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-30T09:00:00+09:00")
        .unwrap()
        .into();
    let noon = morning + Duration::hours(3);
    let empty = BTreeMap::new();
    for (label, shape) in [
        ("plan 10k instances, 1 schedule x 1000 groups", (1, 10, 100)),
        ("plan 10k instances, 100 schedules x 10 groups", (100, 5, 2)),
    ] {
        let (schedules, waves, width) = shape;
        let (config, stopped) = fleet(schedules, waves, width, "stopped");
        assert!(config.errors.is_empty());
        let run = |now, fleet: &[Instance], states: &BTreeMap<String, ScheduleState>| {
            plan(
                now,
                &config,
                fleet,
                states,
                &Timing::default(),
                &Orders::default(),
                &Default::default(),
            )
        };
        let left = |plan: Plan| -> BTreeMap<String, ScheduleState> {
            plan.schedules
                .into_iter()
                .map(|s| (s.schedule, s.state))
                .collect()
        };
        c.bench_function(label, |b| b.iter(|| run(morning, &stopped, &empty)));
        let seen = left(run(morning, &stopped, &empty));
        c.bench_function(&format!("{label}, seen before"), |b| {
            b.iter(|| run(morning, &stopped, &seen))
        });
        let (_, running) = fleet(schedules, waves, width, "running");
        let before = left(run(noon - Duration::minutes(5), &running, &empty));
        c.bench_function(&format!("{label}, a quiet pass"), |b| {
            b.iter(|| run(noon, &running, &before))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
