use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use super::*;
use crate::model::{Defaults, Item, RawConfig};

fn s(v: &str) -> Av {
    Av::S(v.into())
}

fn schedule_item(name: &str, days: &str, start: &str, stop: &str, extra: &[(&str, Av)]) -> Item {
    let mut m: std::collections::HashMap<String, Av> = [
        ("ScheduleName", s(name)),
        ("TagValue", s(name)),
        ("DaysActive", s(days)),
        ("Enabled", Av::Bool(true)),
        ("StartTime", s(start)),
        ("StopTime", s(stop)),
        ("ForceStart", Av::Bool(false)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (k, v) in extra {
        m.insert(k.to_string(), v.clone());
    }
    Item(m)
}

fn group_item(schedule: &str, name: &str, kind: &str, deps: &[&str]) -> Item {
    Item(
        [
            ("ScheduleName", s(schedule)),
            ("GroupName", s(name)),
            ("InstanceType", s(kind)),
            ("Dependency", Av::L(deps.iter().map(|d| s(d)).collect())),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

fn exception_item(id: &str, schedule: &str, date: &str, kind: &str, value: &str) -> Item {
    Item(
        [
            ("ExceptionUuid", id),
            ("ScheduleName", schedule),
            ("ExceptionDate", date),
            ("ExceptionType", kind),
            ("ExceptionValue", value),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), s(v)))
        .collect(),
    )
}

fn inst(
    id: &str,
    kind: InstanceKind,
    state: &str,
    schedule: &str,
    group: Option<&str>,
) -> Instance {
    Instance {
        id: id.into(),
        kind,
        name: id.into(),
        state: state.into(),
        schedule_tag: Some(schedule.into()),
        group_tag: group.map(str::to_string),
        unmanageable: None,
    }
}

fn utc(t: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)
}

/// A 4-level chain db -> mw -> api -> batch, weekdays 09:00-22:00 Seoul.
fn chain() -> Config {
    Config::parse(
        &RawConfig {
            schedules: vec![schedule_item("dev", "weekdays", "09:00", "22:00", &[])],
            groups: vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "mw", "EC2", &["db"]),
                group_item("dev", "api", "EC2", &["mw"]),
                group_item("dev", "batch", "EC2", &["api"]),
            ],
            exceptions: vec![],
        },
        &Defaults::default(),
    )
}

fn chain_fleet(ec2: &str, rds: &str) -> Vec<Instance> {
    vec![
        inst("db-1", InstanceKind::Rds, rds, "dev", Some("db")),
        inst("i-mw", InstanceKind::Ec2, ec2, "dev", Some("mw")),
        inst("i-api1", InstanceKind::Ec2, ec2, "dev", Some("api")),
        inst("i-api2", InstanceKind::Ec2, ec2, "dev", Some("api")),
        inst("i-batch", InstanceKind::Ec2, ec2, "dev", Some("batch")),
    ]
}

/// The states a plan leaves for the next pass, as the state table holds them.
fn stored_states(p: &Plan) -> BTreeMap<String, ScheduleState> {
    p.schedules
        .iter()
        .map(|s| (s.schedule.clone(), s.state.clone()))
        .collect()
}

/// Runs passes like the shell does: plan, apply the commands to the fake
/// fleet (instantly), re-plan, until nothing is left to do.
fn settle(
    now: DateTime<Utc>,
    config: &Config,
    fleet: &mut [Instance],
    states: &mut BTreeMap<String, ScheduleState>,
) -> Vec<Vec<String>> {
    let mut rounds = Vec::new();
    for _ in 0..10 {
        let p = plan(now, config, fleet, states, &Settings::default());
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
        for sp in p.schedules {
            states.insert(sp.schedule, sp.state);
        }
        if round.is_empty() {
            break;
        }
        rounds.push(round);
    }
    rounds
}

#[test]
fn start_event_starts_the_first_wave_only() {
    let cfg = chain();
    let fleet = chain_fleet("stopped", "stopped");
    // Monday 2026-11-30 09:00 KST = 00:00 UTC.
    let p = plan(
        utc("2026-11-30T00:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    let sp = &p.schedules[0];
    assert_eq!(sp.events.len(), 1);
    assert_eq!(sp.actions.len(), 1);
    assert_eq!(sp.actions[0].group, "db");
    assert_eq!(&*sp.actions[0].instances[0].id, "db-1");
    assert!(
        sp.waits.iter().any(|w| w == "mw waits for db to be up"),
        "{:?}",
        sp.waits
    );
}

#[test]
fn a_wide_blocking_wave_is_named_in_short() {
    let names = ["a", "b", "c", "d", "e", "f", "g"];
    let mut groups: Vec<Item> = names
        .iter()
        .map(|n| group_item("dev", n, "EC2", &[]))
        .collect();
    groups.push(group_item("dev", "top", "EC2", &names));
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item("dev", "all", "09:00", "22:00", &[])],
            groups,
            exceptions: vec![],
        },
        &Defaults::default(),
    );
    let mut fleet: Vec<Instance> = names
        .iter()
        .map(|n| {
            inst(
                &format!("i-{n}"),
                InstanceKind::Ec2,
                "stopped",
                "dev",
                Some(n),
            )
        })
        .collect();
    fleet.push(inst(
        "i-top",
        InstanceKind::Ec2,
        "stopped",
        "dev",
        Some("top"),
    ));
    let p = plan(
        utc("2026-11-30T00:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    assert_eq!(
        p.schedules[0].waits,
        vec!["top waits for a, b, c, d, e and 2 more to be up"]
    );
}

#[test]
fn start_runs_waves_in_dependency_order_and_stop_in_reverse() {
    let cfg = chain();
    let mut fleet = chain_fleet("stopped", "stopped");
    let mut states = BTreeMap::new();
    let rounds = settle(utc("2026-11-30T00:00:00Z"), &cfg, &mut fleet, &mut states);
    assert_eq!(
        rounds,
        vec![
            vec!["db-1"],
            vec!["i-mw"],
            vec!["i-api1", "i-api2"],
            vec!["i-batch"]
        ]
    );
    assert!(
        states["dev"].transition.is_none(),
        "complete transitions are cleared"
    );
    let rounds = settle(utc("2026-11-30T13:00:00Z"), &cfg, &mut fleet, &mut states);
    assert_eq!(
        rounds,
        vec![
            vec!["i-batch"],
            vec!["i-api1", "i-api2"],
            vec!["i-mw"],
            vec!["db-1"]
        ]
    );
}

#[test]
fn events_before_the_previous_pass_are_not_acted_on_again() {
    let cfg = chain();
    let fleet = chain_fleet("stopped", "stopped");
    let now = utc("2026-11-30T00:00:00Z");
    let p1 = plan(now, &cfg, &fleet, &BTreeMap::new(), &Settings::default());
    let mut states = BTreeMap::new();
    states.insert("dev".to_string(), p1.schedules[0].state.clone());
    // Same minute again, fleet unchanged (the RDS start not visible yet).
    let p2 = plan(now, &cfg, &fleet, &states, &Settings::default());
    assert!(p2.schedules[0].actions.is_empty());
    assert!(p2.schedules[0].events.is_empty());
}

#[test]
fn catch_up_is_bounded_to_sixty_minutes() {
    let cfg = chain();
    let fleet = chain_fleet("stopped", "stopped");
    let mut states = BTreeMap::new();
    states.insert(
        "dev".to_string(),
        ScheduleState {
            last_pass: Some(utc("2026-11-29T20:00:00Z")),
            ..Default::default()
        },
    );
    // 10:05 KST: the 09:00 start is 65 minutes ago; beyond the catch-up.
    let p = plan(
        utc("2026-11-30T01:05:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert!(p.schedules[0].events.is_empty());
    // 09:55 KST: made up once.
    let p = plan(
        utc("2026-11-30T00:55:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert_eq!(p.schedules[0].events.len(), 1);
}

#[test]
fn outside_events_manual_changes_are_left_alone_unless_enforced() {
    let cfg = chain();
    // 23:00 KST Monday: someone started a box after the stop.
    let mut fleet = chain_fleet("stopped", "stopped");
    fleet[1].state = "running".into();
    let now = utc("2026-11-30T14:00:00Z");
    let states: BTreeMap<String, ScheduleState> = [(
        "dev".to_string(),
        ScheduleState {
            last_pass: Some(now - Duration::minutes(5)),
            ..Default::default()
        },
    )]
    .into();
    let p = plan(now, &cfg, &fleet, &states, &Settings::default());
    assert!(p.schedules[0].actions.is_empty());

    let enforced = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item(
                "dev",
                "weekdays",
                "09:00",
                "22:00",
                &[("Enforced", Av::Bool(true))],
            )],
            groups: vec![],
            exceptions: vec![],
        },
        &Defaults::default(),
    );
    let p = plan(now, &enforced, &fleet, &states, &Settings::default());
    let ids: Vec<&str> = p.schedules[0].actions[0]
        .instances
        .iter()
        .map(|t| &*t.id)
        .collect();
    assert_eq!(ids, vec!["i-mw"]);
    assert_eq!(p.schedules[0].actions[0].direction, Direction::Stop);
}

#[test]
fn transitional_instances_are_waited_for_never_recommanded() {
    let cfg = chain();
    let mut fleet = chain_fleet("stopped", "stopped");
    fleet[0].state = "stopping".into();
    let p = plan(
        utc("2026-11-30T00:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    let sp = &p.schedules[0];
    assert!(sp.actions.is_empty());
    assert!(
        sp.waits.contains(&"db: db-1 is stopping".to_string()),
        "{:?}",
        sp.waits
    );
    assert_eq!(sp.transition, Some(Direction::Start));
    // Once it is stopped, the next pass starts it.
    let states: BTreeMap<_, _> = [("dev".to_string(), sp.state.clone())].into();
    fleet[0].state = "stopped".into();
    let p = plan(
        utc("2026-11-30T00:05:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert_eq!(p.schedules[0].actions[0].group, "db");
}

#[test]
fn a_stalled_transition_is_given_up_and_reported() {
    let cfg = chain();
    let fleet = chain_fleet("stopped", "stopped");
    let p = plan(
        utc("2026-11-30T00:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    let states: BTreeMap<_, _> = [("dev".to_string(), p.schedules[0].state.clone())].into();
    // db-1 never came up (start failed): 61 minutes later, give up once.
    let p = plan(
        utc("2026-11-30T01:01:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    let sp = &p.schedules[0];
    assert!(sp.actions.is_empty());
    assert!(matches!(
        sp.notices.as_slice(),
        [Notice::Stalled {
            direction: Direction::Start,
            ..
        }]
    ));
    assert!(sp.state.transition.is_none());
}

#[test]
fn force_start_starts_in_order_and_is_reset_when_all_are_up() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item(
                "dev",
                "weekdays",
                "09:00",
                "22:00",
                &[("ForceStart", Av::Bool(true))],
            )],
            groups: vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "mw", "EC2", &["db"]),
            ],
            exceptions: vec![],
        },
        &Defaults::default(),
    );
    let mut fleet = vec![
        inst("db-1", InstanceKind::Rds, "stopped", "dev", Some("db")),
        inst("i-mw", InstanceKind::Ec2, "stopped", "dev", Some("mw")),
    ];
    // Saturday night: no event, but ForceStart.
    let now = utc("2026-12-05T13:00:00Z");
    let p = plan(now, &cfg, &fleet, &BTreeMap::new(), &Settings::default());
    assert_eq!(p.schedules[0].actions[0].group, "db");
    assert!(!p.schedules[0].reset_force_start);
    let states: BTreeMap<_, _> = [("dev".to_string(), p.schedules[0].state.clone())].into();
    fleet[0].state = "available".into();
    fleet[1].state = "running".into();
    let p = plan(now, &cfg, &fleet, &states, &Settings::default());
    assert!(p.schedules[0].actions.is_empty());
    assert!(p.schedules[0].reset_force_start);
}

#[test]
fn disabled_schedule_does_nothing() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item(
                "dev",
                "all",
                "09:00",
                "22:00",
                &[("Enabled", Av::Bool(false))],
            )],
            ..Default::default()
        },
        &Defaults::default(),
    );
    let fleet = vec![inst("i-1", InstanceKind::Ec2, "running", "dev", None)];
    let p = plan(
        utc("2026-11-30T12:55:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    assert!(p.schedules[0].actions.is_empty() && p.schedules[0].warning.is_none());
    let p = plan(
        utc("2026-11-30T13:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    assert!(p.schedules[0].actions.is_empty());
}

#[test]
fn warning_is_sent_once_per_stop_time_and_rearmed_when_postponed() {
    let raw = |xs: Vec<Item>| RawConfig {
        schedules: vec![schedule_item("dev", "all", "09:00", "22:00", &[])],
        groups: vec![],
        exceptions: xs,
    };
    let cfg = Config::parse(&raw(vec![]), &Defaults::default());
    let fleet = vec![inst("i-1", InstanceKind::Ec2, "running", "dev", None)];
    let mut states = BTreeMap::new();
    let mut warned_at = Vec::new();
    // 21:45, 21:50, 21:55 KST on 2026-11-30.
    for t in [
        "2026-11-30T12:45:00Z",
        "2026-11-30T12:50:00Z",
        "2026-11-30T12:55:00Z",
    ] {
        let p = plan(utc(t), &cfg, &fleet, &states, &Settings::default());
        if let Some(w) = &p.schedules[0].warning {
            warned_at.push((t, w.minutes));
        }
        states.insert("dev".into(), p.schedules[0].state.clone());
    }
    assert_eq!(warned_at, vec![("2026-11-30T12:50:00Z", 10)]);
    // Postponed at 21:57 to 22:05: warned again straight away, once.
    let cfg = Config::parse(
        &raw(vec![exception_item(
            "x",
            "dev",
            "2026-11-30",
            "stop",
            "22:05",
        )]),
        &Defaults::default(),
    );
    let p = plan(
        utc("2026-11-30T12:57:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert_eq!(
        p.schedules[0].warning.as_ref().unwrap().stop.at,
        utc("2026-11-30T13:05:00Z")
    );
    states.insert("dev".into(), p.schedules[0].state.clone());
    let p = plan(
        utc("2026-11-30T13:00:00Z"),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert!(p.schedules[0].warning.is_none());
    assert!(p.schedules[0].actions.is_empty(), "the 22:00 stop moved");
}

#[test]
fn no_warning_when_nothing_runs() {
    let cfg = chain();
    let fleet = chain_fleet("stopped", "stopped");
    let p = plan(
        utc("2026-11-30T12:50:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    assert!(p.schedules[0].warning.is_none());
}

#[test]
fn saturday_start_exception_starts_and_regular_stop_applies() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item("dev", "weekdays", "09:00", "18:00", &[])],
            groups: vec![],
            exceptions: vec![exception_item("x", "dev", "2026-12-05", "start", "10:00")],
        },
        &Defaults::default(),
    );
    let fleet = vec![inst("i-1", InstanceKind::Ec2, "stopped", "dev", None)];
    let p = plan(
        utc("2026-12-05T01:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    assert_eq!(p.schedules[0].actions[0].direction, Direction::Start);
    assert_eq!(
        p.schedules[0].next_stop.unwrap().at,
        utc("2026-12-05T09:00:00Z")
    );
}

#[test]
fn bad_schedule_is_reported_once_and_others_run() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![
                schedule_item("bad", "funday", "09:00", "22:00", &[]),
                schedule_item("good", "all", "09:00", "22:00", &[]),
            ],
            ..Default::default()
        },
        &Defaults::default(),
    );
    let fleet = vec![
        inst("i-bad", InstanceKind::Ec2, "stopped", "bad", None),
        inst("i-good", InstanceKind::Ec2, "stopped", "good", None),
    ];
    let now = utc("2026-11-30T00:00:00Z");
    let p = plan(now, &cfg, &fleet, &BTreeMap::new(), &Settings::default());
    let bad = p.schedules.iter().find(|s| s.schedule == "bad").unwrap();
    let good = p.schedules.iter().find(|s| s.schedule == "good").unwrap();
    assert!(bad.actions.is_empty());
    assert_eq!(good.actions.len(), 1);
    assert!(
        matches!(&bad.notices[..], [Notice::Errors { lines }] if lines[0].contains("DaysActive") && lines[0].contains("funday"))
    );
    let states = stored_states(&p);
    let p = plan(
        now + Duration::minutes(5),
        &cfg,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert!(
        p.schedules.iter().all(|s| s.notices.is_empty()),
        "not repeated"
    );
    // Fixed: said once.
    let fixed = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item("bad", "all", "09:00", "22:00", &[])],
            ..Default::default()
        },
        &Defaults::default(),
    );
    let p = plan(
        now + Duration::minutes(10),
        &fixed,
        &fleet,
        &states,
        &Settings::default(),
    );
    assert_eq!(
        p.schedules
            .iter()
            .find(|s| s.schedule == "bad")
            .unwrap()
            .notices,
        vec![Notice::Fixed]
    );
}

#[test]
fn cycles_and_unknown_groups_disable_only_their_schedule() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![
                schedule_item("a", "all", "09:00", "22:00", &[]),
                schedule_item("b", "all", "09:00", "22:00", &[]),
                schedule_item("c", "all", "09:00", "22:00", &[]),
            ],
            groups: vec![
                group_item("a", "x", "EC2", &["y"]),
                group_item("a", "y", "EC2", &["x"]),
                group_item("b", "p", "EC2", &["nowhere"]),
                group_item("c", "q", "EC2", &["x"]),
            ],
            exceptions: vec![],
        },
        &Defaults::default(),
    );
    let text: Vec<String> = cfg.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        text.iter()
            .any(|t| t.contains("dependency cycle x -> y -> x")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|t| t.contains("unknown group \"nowhere\"")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("group \"x\" of another schedule (a)")),
        "{text:?}"
    );
    assert!(cfg.schedules.is_empty());
}

#[test]
fn auto_scaling_members_are_reported_not_commanded() {
    let cfg = Config::parse(
        &RawConfig {
            schedules: vec![schedule_item("dev", "all", "09:00", "22:00", &[])],
            ..Default::default()
        },
        &Defaults::default(),
    );
    let mut asg = inst("i-asg", InstanceKind::Ec2, "stopped", "dev", None);
    asg.unmanageable = Some("belongs to Auto Scaling group web".into());
    let fleet = vec![asg, inst("i-1", InstanceKind::Ec2, "stopped", "dev", None)];
    let p = plan(
        utc("2026-11-30T00:00:00Z"),
        &cfg,
        &fleet,
        &BTreeMap::new(),
        &Settings::default(),
    );
    let sp = &p.schedules[0];
    assert_eq!(sp.actions[0].instances.len(), 1);
    assert!(sp.errors[0].contains("Auto Scaling"), "{:?}", sp.errors);
}

// ---- invariants ----

fn arb_state(kind: InstanceKind) -> impl Strategy<Value = String> {
    let states: &'static [&'static str] = match kind {
        InstanceKind::Ec2 => &["running", "stopped", "pending", "stopping"],
        _ => &["available", "stopped", "starting", "stopping", "backing-up"],
    };
    proptest::sample::select(states).prop_map(str::to_string)
}

/// Random DAG of up to 6 groups (edges only to lower indexes), 1-3 instances each.
fn arb_dag() -> impl Strategy<Value = (Config, Vec<Instance>)> {
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
                groups.push(group_item("dev", &format!("g{i}"), kinds[i].label(), &refs));
                for k in 0..sizes[i] {
                    slots.push((format!("g{i}-{k}"), kinds[i], format!("g{i}")));
                }
            }
            let cfg = Config::parse(
                &RawConfig {
                    schedules: vec![schedule_item("dev", "all", "09:00", "22:00", &[])],
                    groups,
                    exceptions: vec![],
                },
                &Defaults::default(),
            );
            let states: Vec<_> = slots.iter().map(|(_, k, _)| arb_state(*k)).collect();
            (Just(cfg), Just(slots), states)
        })
        .prop_map(|(cfg, slots, states)| {
            let fleet = slots
                .into_iter()
                .zip(states)
                .map(|((id, kind, g), st)| inst(&id, kind, &st, "dev", Some(&g)))
                .collect();
            (cfg, fleet)
        })
}

fn deps_of(cfg: &Config, group: &str) -> Vec<String> {
    cfg.schedules["dev"]
        .group(group)
        .unwrap()
        .1
        .dependency
        .to_vec()
}

fn group_power(fleet: &[Instance], group: &str, p: Power) -> bool {
    fleet
        .iter()
        .filter(|i| i.group_tag.as_deref() == Some(group))
        .all(|i| i.power() == p)
}

proptest! {
    #[test]
    fn no_group_starts_before_its_dependencies_are_up((cfg, fleet) in arb_dag(), minute in 0i64..(24 * 60)) {
        let now = utc("2026-11-30T00:00:00Z") + Duration::minutes(minute);
        let p = plan(now, &cfg, &fleet, &BTreeMap::new(), &Settings::default());
        for (_, a) in p.actions() {
            match a.direction {
                Direction::Start => for d in deps_of(&cfg, &a.group) {
                    prop_assert!(group_power(&fleet, &d, Power::Up), "{} started before {d} was up", a.group);
                },
                Direction::Stop => for g in cfg.schedules["dev"].groups() {
                    if g.dependency.contains(&a.group) {
                        prop_assert!(group_power(&fleet, &g.name, Power::Down), "{} stopped before {} was down", a.group, g.name);
                    }
                },
            }
        }
    }

    #[test]
    fn stop_order_is_the_exact_reverse_of_start_order((cfg, fleet) in arb_dag()) {
        let mut up: Vec<Instance> = fleet.iter().cloned().map(|mut i| { i.state = "stopped".into(); i }).collect();
        let mut states = BTreeMap::new();
        let starts = settle(utc("2026-11-30T00:00:00Z"), &cfg, &mut up, &mut states);
        let stops = settle(utc("2026-11-30T13:00:00Z"), &cfg, &mut up, &mut states);
        let group_of = |id: &String| id.split('-').next().unwrap().to_string();
        let waves = |rounds: &Vec<Vec<String>>| -> Vec<std::collections::BTreeSet<String>> {
            rounds.iter().map(|r| r.iter().map(group_of).collect()).collect()
        };
        let mut reversed = waves(&starts);
        reversed.reverse();
        prop_assert_eq!(waves(&stops), reversed);
    }

    #[test]
    fn planning_again_with_its_own_state_does_nothing((cfg, fleet) in arb_dag(), minute in 0i64..(24 * 60)) {
        let now = utc("2026-11-30T00:00:00Z") + Duration::minutes(minute);
        let p = plan(now, &cfg, &fleet, &BTreeMap::new(), &Settings::default());
        let states = stored_states(&p);
        let again = plan(now, &cfg, &fleet, &states, &Settings::default());
        prop_assert_eq!(again.actions().count(), 0);
        prop_assert!(again.schedules.iter().all(|s| s.warning.is_none() && s.notices.is_empty()));
    }

    #[test]
    fn arbitrary_items_never_panic(items in proptest::collection::vec(arb_item(), 0..6), minute in 0i64..(24 * 60)) {
        let raw = RawConfig { schedules: items.clone(), groups: items.clone(), exceptions: items };
        let cfg = Config::parse(&raw, &Defaults::default());
        let _ = plan(utc("2026-11-30T00:00:00Z") + Duration::minutes(minute), &cfg, &[], &BTreeMap::new(), &Settings::default());
    }
}

fn arb_av() -> impl Strategy<Value = Av> {
    let leaf = prop_oneof![
        "[a-zA-Z0-9:, /_-]{0,12}".prop_map(Av::S),
        proptest::sample::select(vec![
            "09:00",
            "25:00",
            "None",
            "all",
            "mon,fri",
            "EC2",
            "Aurora",
            "2026-12-05",
            "start",
            "stop",
            "Asia/Seoul"
        ])
        .prop_map(|s| Av::S(s.to_string())),
        any::<bool>().prop_map(Av::Bool),
        any::<i64>().prop_map(|n| Av::N(n.to_string())),
        Just(Av::Null(true)),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Av::L),
            proptest::collection::hash_map("[A-Za-z]{1,6}", inner, 0..3).prop_map(Av::M),
        ]
    })
}

fn arb_item() -> impl Strategy<Value = Item> {
    let names = proptest::sample::select(vec![
        "ScheduleName",
        "TagValue",
        "DaysActive",
        "Enabled",
        "StartTime",
        "StopTime",
        "ForceStart",
        "TimeZone",
        "Enforced",
        "GroupName",
        "InstanceType",
        "Dependency",
        "ExceptionUuid",
        "ExceptionDate",
        "ExceptionType",
        "ExceptionValue",
    ]);
    proptest::collection::hash_map(names.prop_map(str::to_string), arb_av(), 0..14).prop_map(Item)
}
