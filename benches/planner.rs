//! Planning cost for a large fleet: 10,000 instances in 1,000 groups, as one
//! schedule of 10 waves x 100 groups and as 100 schedules of 10 groups.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::AttributeValue as Av;
use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use scheduler::fleet::Instance;
use scheduler::model::{Config, Defaults, InstanceKind, Item, RawConfig};
use scheduler::plan::{plan, Settings};

fn item(pairs: Vec<(&str, Av)>) -> Item {
    Item(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<HashMap<_, _>>(),
    )
}

fn s(v: &str) -> Av {
    Av::S(v.to_string())
}

/// `schedules` schedules of `waves` x `width` groups, 10 stopped instances
/// each; every group depends on all groups of the wave before it.
fn fleet(schedules: usize, waves: usize, width: usize) -> (Config, Vec<Instance>) {
    let mut raw = RawConfig::default();
    let mut instances = Vec::new();
    for sc in 0..schedules {
        let name = format!("s{sc}");
        raw.schedules.push(item(vec![
            ("ScheduleName", s(&name)),
            ("TagValue", s(&name)),
            ("DaysActive", s("all")),
            ("Enabled", Av::Bool(true)),
            ("StartTime", s("09:00")),
            ("StopTime", s("22:00")),
            ("ForceStart", Av::Bool(false)),
        ]));
        for w in 0..waves {
            for g in 0..width {
                let group = format!("w{w}g{g}");
                let deps: Vec<Av> = if w == 0 {
                    vec![]
                } else {
                    (0..width).map(|d| s(&format!("w{}g{d}", w - 1))).collect()
                };
                raw.groups.push(item(vec![
                    ("ScheduleName", s(&name)),
                    ("GroupName", s(&group)),
                    ("InstanceType", s("EC2")),
                    ("Dependency", Av::L(deps)),
                ]));
                for i in 0..10 {
                    let id = format!("i-{sc}-{group}-{i}");
                    instances.push(Instance {
                        id: id.as_str().into(),
                        kind: InstanceKind::Ec2,
                        name: id.into(),
                        state: "stopped".into(),
                        schedule_tag: Some(name.clone()),
                        group_tag: Some(group.clone()),
                        unmanageable: None,
                    });
                }
            }
        }
    }
    (Config::parse(&raw, &Defaults::default()), instances)
}

fn bench(c: &mut Criterion) {
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-30T09:00:00+09:00")
        .unwrap()
        .into();
    let states = BTreeMap::new();
    for (label, (config, instances)) in [
        (
            "plan 10k instances, 1 schedule x 1000 groups",
            fleet(1, 10, 100),
        ),
        (
            "plan 10k instances, 100 schedules x 10 groups",
            fleet(100, 5, 2),
        ),
    ] {
        assert!(config.errors.is_empty());
        c.bench_function(label, |b| {
            b.iter(|| plan(now, &config, &instances, &states, &Settings::default()))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
