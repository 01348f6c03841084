//! What the planner's tests share: a four-level chain, its fleet, and
//! passes planned the way the shell runs them.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{plan, show, Orders, Plan, Timing};
use crate::fleet::Instance;
use crate::model::{Config, Direction, InstanceKind};
use crate::state::ScheduleState;
use crate::testing::{config, group_item, instance, schedule_item, utc};

pub type States = BTreeMap<String, ScheduleState>;

/// Plans `config` at `now` (RFC 3339) over `fleet`, from `states`, with
/// the waves shown.
pub fn plan_at(now: &str, config: &Config, fleet: &[Instance], states: &States) -> Plan {
    let timing = Timing::default();
    let mut p = plan(
        utc(now),
        config,
        fleet,
        states,
        &timing,
        &Orders::default(),
        &Default::default(),
    );
    show(&mut p, config, fleet, &timing);
    p
}

/// Monday 2026-11-30 09:00 in Seoul, the chain's start.
pub const MONDAY_0900: &str = "2026-11-30T09:00:00+09:00";
/// Monday 2026-11-30 22:00 in Seoul, the chain's stop.
pub const MONDAY_2200: &str = "2026-11-30T22:00:00+09:00";

/// A 4-level chain db -> mw -> api -> batch, weekdays 09:00-22:00 Seoul.
pub fn chain() -> Config {
    config(
        vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
        vec![
            group_item("dev", "db", "RDS", &[]),
            group_item("dev", "mw", "EC2", &["db"]),
            group_item("dev", "api", "EC2", &["mw"]),
            group_item("dev", "batch", "EC2", &["api"]),
        ],
        vec![],
    )
}

pub fn chain_fleet(ec2: &str, rds: &str) -> Vec<Instance> {
    vec![
        instance("db-1", InstanceKind::Rds, rds, "dev", Some("db")),
        instance("i-mw", InstanceKind::Ec2, ec2, "dev", Some("mw")),
        instance("i-api1", InstanceKind::Ec2, ec2, "dev", Some("api")),
        instance("i-api2", InstanceKind::Ec2, ec2, "dev", Some("api")),
        instance("i-batch", InstanceKind::Ec2, ec2, "dev", Some("batch")),
    ]
}

/// The states a plan leaves for the next pass, as the state table holds them.
pub fn stored_states(p: &Plan) -> States {
    p.schedules
        .iter()
        .map(|s| (s.schedule.clone(), s.state.clone()))
        .collect()
}

/// Runs rounds like the shell does: plan, apply the commands to the fake
/// fleet (instantly), re-plan, until nothing is left to do. Returns the
/// ids commanded, round by round.
pub fn settle(
    now: &str,
    config: &Config,
    fleet: &mut [Instance],
    states: &mut States,
) -> Vec<Vec<String>> {
    let mut rounds = Vec::new();
    for _ in 0..10 {
        let p = plan_at(now, config, fleet, states);
        let mut round = Vec::new();
        for (_, a) in p.actions() {
            for t in &a.instances {
                let i = fleet.iter_mut().find(|i| i.id == t.id).unwrap();
                i.state = match (a.direction, i.kind) {
                    (Direction::Start, InstanceKind::Ec2) => "running",
                    (Direction::Start, _) => "available",
                    (Direction::Stop, _) => "stopped",
                }
                .into();
                round.push(t.id.to_string());
            }
        }
        states.extend(stored_states(&p));
        if round.is_empty() {
            break;
        }
        rounds.push(round);
    }
    rounds
}

/// Monday 2026-11-30 (Seoul) at `minute` past 09:00.
pub fn minute_of_monday(minute: i64) -> String {
    (utc(MONDAY_0900) + chrono::Duration::minutes(minute)).to_rfc3339()
}

fn arb_state(kind: InstanceKind) -> impl Strategy<Value = String> {
    let states: &'static [&'static str] = match kind {
        InstanceKind::Ec2 => &["running", "stopped", "pending", "stopping"],
        _ => &["available", "stopped", "starting", "stopping", "backing-up"],
    };
    proptest::sample::select(states).prop_map(str::to_string)
}

/// Random DAG of up to 6 groups (edges only to lower indexes), 0-2
/// instances each, in random states.
pub fn arb_dag() -> impl Strategy<Value = (Config, Vec<Instance>)> {
    (1usize..6)
        .prop_flat_map(|n| {
            let deps = proptest::collection::vec(proptest::collection::vec(any::<bool>(), 6), n);
            let kinds = proptest::collection::vec(0u8..3, n);
            let sizes = proptest::collection::vec(0usize..3, n);
            (deps, kinds, sizes)
        })
        .prop_flat_map(|(deps, kinds, sizes)| {
            let kinds: Vec<InstanceKind> = kinds
                .iter()
                .map(|k| [InstanceKind::Ec2, InstanceKind::Rds, InstanceKind::Aurora][*k as usize])
                .collect();
            let mut groups = Vec::new();
            let mut slots = Vec::new();
            for (i, d) in deps.iter().enumerate() {
                let ds: Vec<String> = (0..i).filter(|j| d[*j]).map(|j| format!("g{j}")).collect();
                let refs: Vec<&str> = ds.iter().map(String::as_str).collect();
                groups.push(group_item(
                    "dev",
                    &format!("g{i}"),
                    kinds[i].as_str(),
                    &refs,
                ));
                for k in 0..sizes[i] {
                    slots.push((format!("g{i}-{k}"), kinds[i], format!("g{i}")));
                }
            }
            let cfg = config(
                vec![schedule_item("dev", "all", "09:00", "22:00")],
                groups,
                vec![],
            );
            let states: Vec<_> = slots.iter().map(|(_, k, _)| arb_state(*k)).collect();
            (Just(cfg), Just(slots), states)
        })
        .prop_map(|(cfg, slots, states)| {
            let fleet = slots
                .into_iter()
                .zip(states)
                .map(|((id, kind, g), st)| instance(&id, kind, &st, "dev", Some(&g)))
                .collect();
            (cfg, fleet)
        })
}
