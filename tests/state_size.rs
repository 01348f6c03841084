//! A schedule's state item stays under 100 KB whatever its configuration
//! and fleet (the spec's promise; DynamoDB refuses items over 400 KB, and
//! a state that cannot be written strands its schedule for good).

use std::collections::BTreeMap;

use proptest::prelude::*;
use scheduler::fleet::Instance;
use scheduler::model::{Config, InstanceKind};
use scheduler::plan::{plan, Orders, Timing};
use scheduler::state::ScheduleState;
use scheduler::testing::{config, group_item, schedule_item, utc};

/// The spec's bound for one state item.
const LIMIT: usize = 100_000;

/// Plans passes over a day of transitions (start, the waves, stop) and
/// returns the largest state written.
fn largest_state(cfg: &Config, fleet: &mut [Instance]) -> usize {
    let mut states: BTreeMap<String, ScheduleState> = BTreeMap::new();
    let mut largest = 0;
    for at in [
        "2026-11-30T09:00:00+09:00",
        "2026-11-30T09:05:00+09:00",
        "2026-11-30T09:10:00+09:00",
        "2026-11-30T21:50:00+09:00",
        "2026-11-30T22:00:00+09:00",
        "2026-11-30T22:05:00+09:00",
    ] {
        let p = plan(
            utc(at),
            cfg,
            fleet,
            &states,
            &Timing::default(),
            &Orders::default(),
            &Default::default(),
        );
        for sp in &p.schedules {
            let json = serde_json::to_string(&sp.state).unwrap();
            largest = largest.max(json.len() + sp.schedule.len() + 64);
            states.insert(sp.schedule.clone(), sp.state.clone());
        }
        // Every command takes effect at once.
        for (_, a) in p.actions() {
            for t in &a.instances {
                if let Some(i) = fleet.iter_mut().find(|i| i.id == t.id) {
                    i.state = match (a.direction.as_str(), i.kind) {
                        ("start", InstanceKind::Ec2) => "running".into(),
                        ("start", _) => "available".into(),
                        _ => "stopped".into(),
                    };
                }
            }
        }
    }
    largest
}

fn long(prefix: &str, i: usize, len: usize) -> String {
    let head = format!("{prefix}-{i}-");
    format!("{head}{}", "x".repeat(len.saturating_sub(head.len())))
}

#[test]
fn many_long_named_servers_ungrouped_or_in_the_wrong_group_keep_the_state_small() {
    let cfg = config(
        vec![schedule_item("dev", "all", "09:00", "22:00")],
        vec![
            group_item("dev", "db", "RDS", &[]),
            group_item("dev", "app", "EC2", &["db"]),
        ],
        vec![],
    );
    let mut fleet: Vec<Instance> = (0..560)
        .flat_map(|i| {
            [
                Instance::new(&format!("i-{i:017x}"), InstanceKind::Ec2, "stopped")
                    .tagged("dev", None)
                    .named(&long("ungrouped", i, 256)),
                Instance::new(
                    &format!("i-{:017x}", i + 100_000),
                    InstanceKind::Ec2,
                    "stopped",
                )
                .tagged("dev", Some("db"))
                .named(&long("wrong-kind", i, 256)),
                Instance::new(&long("database", i, 63), InstanceKind::Rds, "stopped")
                    .tagged("dev", Some("db"))
                    .named(&long("db", i, 256)),
            ]
        })
        .collect();
    let largest = largest_state(&cfg, &mut fleet);
    assert!(largest < LIMIT, "{largest} bytes");
}

fn arb_instance() -> impl Strategy<Value = (u8, usize, usize, u8, u8)> {
    // kind, id length, name length, group choice, state choice
    (0u8..3, 10usize..64, 1usize..300, 0u8..5, 0u8..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Any fleet of up to 3,000 servers of any id and name length, grouped
    /// well, badly or not at all, with bad group items among the good.
    #[test]
    fn no_fleet_or_configuration_makes_the_state_unwritable(
        shapes in proptest::collection::vec(arb_instance(), 0..3000),
        bad_groups in 0usize..80,
        unmanageable in 0usize..400,
    ) {
        let mut groups = vec![
            group_item("dev", "db", "RDS", &[]),
            group_item("dev", "app", "EC2", &["db"]),
        ];
        for g in 0..bad_groups {
            let name = long("bad-group", g, 200);
            groups.push(group_item("dev", &name, "Mainframe", &["nowhere"]));
        }
        let cfg = config(vec![schedule_item("dev", "all", "09:00", "22:00")], groups, vec![]);
        let mut fleet: Vec<Instance> = shapes
            .iter()
            .enumerate()
            .map(|(i, (kind, id_len, name_len, group, state))| {
                let kind = [InstanceKind::Ec2, InstanceKind::Rds, InstanceKind::Aurora][*kind as usize];
                let group = [Some("db"), Some("app"), Some("elsewhere"), None, Some("db")][*group as usize];
                let state = match (kind, state) {
                    (InstanceKind::Ec2, 0) => "running",
                    (_, 0) => "available",
                    (_, 1) => "stopping",
                    _ => "stopped",
                };
                let mut inst = Instance::new(&long("s", i, *id_len), kind, state)
                    .tagged("dev", group)
                    .named(&long("name", i, *name_len));
                if i < unmanageable {
                    inst.unmanageable = Some(long("member of an Auto Scaling group", i, 120));
                }
                inst
            })
            .collect();
        let largest = largest_state(&cfg, &mut fleet);
        prop_assert!(largest < LIMIT, "{} bytes", largest);
    }
}
