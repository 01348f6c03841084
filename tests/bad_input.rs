//! Bad items never panic and never stop other schedules: each kind gives an
//! error naming table, key and attribute, and the good schedule still acts.

mod support;

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use scheduler::fleet::Instance;
use scheduler::model::{Config, Effect, InstanceKind, Item, RawConfig, Table};
use scheduler::plan::{plan, Orders, Timing};
use support::{at, exception_item, group_item, instance, s, schedule_item};

type Attrs = Item;

/// The item with `key` set to `value`, or removed.
fn with(mut item: Attrs, key: &str, value: Option<Av>) -> Attrs {
    match value {
        Some(v) => item.0.insert(key.to_string(), v),
        None => item.0.remove(key),
    };
    item
}

fn bad_schedule() -> Attrs {
    schedule_item("bad", "all", "09:00", "22:00")
}

struct Case {
    name: &'static str,
    schedules: Vec<Attrs>,
    groups: Vec<Attrs>,
    exceptions: Vec<Attrs>,
    table: Table,
    attribute: &'static str,
    problem: &'static str,
}

fn schedule_case(
    name: &'static str,
    item: Attrs,
    attribute: &'static str,
    problem: &'static str,
) -> Case {
    Case {
        name,
        schedules: vec![item],
        groups: vec![],
        exceptions: vec![],
        table: Table::Schedule,
        attribute,
        problem,
    }
}

fn group_case(
    name: &'static str,
    groups: Vec<Attrs>,
    attribute: &'static str,
    problem: &'static str,
) -> Case {
    Case {
        name,
        schedules: vec![bad_schedule()],
        groups,
        exceptions: vec![],
        table: Table::ServerGroup,
        attribute,
        problem,
    }
}

fn exception_case(
    name: &'static str,
    exceptions: Vec<Attrs>,
    attribute: &'static str,
    problem: &'static str,
) -> Case {
    Case {
        name,
        schedules: vec![bad_schedule()],
        groups: vec![],
        exceptions,
        table: Table::Exception,
        attribute,
        problem,
    }
}

fn cases() -> Vec<Case> {
    let x = |v: &str| exception_item("x-1", "bad", "2026-11-30", "stop", v);
    vec![
        schedule_case(
            "missing ScheduleName",
            with(bad_schedule(), "ScheduleName", None),
            "ScheduleName",
            "missing",
        ),
        schedule_case(
            "ScheduleName not a string",
            with(bad_schedule(), "ScheduleName", Some(Av::N("7".into()))),
            "ScheduleName",
            "found a number (N)",
        ),
        schedule_case(
            "empty TagValue",
            with(bad_schedule(), "TagValue", Some(s(""))),
            "TagValue",
            "is empty",
        ),
        schedule_case(
            "missing TagValue",
            with(bad_schedule(), "TagValue", None),
            "TagValue",
            "missing",
        ),
        schedule_case(
            "unknown day",
            with(bad_schedule(), "DaysActive", Some(s("mon,funday"))),
            "DaysActive",
            "\"funday\" is not a day",
        ),
        schedule_case(
            "DaysActive a list",
            with(bad_schedule(), "DaysActive", Some(Av::L(vec![s("mon")]))),
            "DaysActive",
            "found a list (L)",
        ),
        schedule_case(
            "Enabled a string",
            with(bad_schedule(), "Enabled", Some(s("true"))),
            "Enabled",
            "must be a boolean (BOOL)",
        ),
        schedule_case(
            "missing Enabled",
            with(bad_schedule(), "Enabled", None),
            "Enabled",
            "missing",
        ),
        schedule_case(
            "25:00",
            with(bad_schedule(), "StartTime", Some(s("25:00"))),
            "StartTime",
            "\"25:00\" is not a time",
        ),
        schedule_case(
            "9:7x",
            with(bad_schedule(), "StopTime", Some(s("9:7x"))),
            "StopTime",
            "\"9:7x\" is not a time",
        ),
        schedule_case(
            "StartTime a number",
            with(bad_schedule(), "StartTime", Some(Av::N("900".into()))),
            "StartTime",
            "found a number (N)",
        ),
        schedule_case(
            "unknown time zone",
            with(bad_schedule(), "TimeZone", Some(s("Mars/Olympus"))),
            "TimeZone",
            "not an IANA time zone",
        ),
        schedule_case(
            "Enforced a string",
            with(bad_schedule(), "Enforced", Some(s("yes"))),
            "Enforced",
            "must be a boolean",
        ),
        schedule_case(
            "ForceStart NULL",
            with(bad_schedule(), "ForceStart", Some(Av::Null(true))),
            "ForceStart",
            "found NULL",
        ),
        Case {
            name: "duplicate schedule",
            schedules: vec![bad_schedule(), bad_schedule()],
            groups: vec![],
            exceptions: vec![],
            table: Table::Schedule,
            attribute: "ScheduleName",
            problem: "duplicate schedule name",
        },
        group_case(
            "unknown InstanceType",
            vec![group_item("bad", "web", "Lambda", &[])],
            "InstanceType",
            "\"Lambda\" is not EC2, RDS, Aurora, ASG, ECS or EKS",
        ),
        group_case(
            "Dependency not a list",
            vec![with(
                group_item("bad", "web", "EC2", &[]),
                "Dependency",
                Some(s("db")),
            )],
            "Dependency",
            "must be a list (L)",
        ),
        group_case(
            "self-dependency",
            vec![group_item("bad", "web", "EC2", &["web"])],
            "Dependency",
            "dependency cycle web -> web",
        ),
        group_case(
            "cycle",
            vec![
                group_item("bad", "a", "EC2", &["b"]),
                group_item("bad", "b", "EC2", &["a"]),
            ],
            "Dependency",
            "dependency cycle a -> b -> a",
        ),
        group_case(
            "duplicate group",
            vec![
                group_item("bad", "web", "EC2", &[]),
                group_item("bad", "web", "RDS", &[]),
            ],
            "GroupName",
            "duplicate group \"web\"",
        ),
        group_case(
            "unknown dependency",
            vec![group_item("bad", "web", "EC2", &["db"])],
            "Dependency",
            "unknown group \"db\"",
        ),
        Case {
            name: "foreign dependency",
            schedules: vec![
                bad_schedule(),
                schedule_item("other", "all", "09:00", "22:00"),
            ],
            groups: vec![
                group_item("bad", "web", "EC2", &["gweb"]),
                group_item("other", "gweb", "EC2", &[]),
            ],
            exceptions: vec![],
            table: Table::ServerGroup,
            attribute: "Dependency",
            problem: "group \"gweb\" of another schedule (other)",
        },
        group_case(
            "missing GroupName",
            vec![with(
                group_item("bad", "web", "EC2", &[]),
                "GroupName",
                None,
            )],
            "GroupName",
            "missing",
        ),
        exception_case(
            "impossible date",
            vec![exception_item("x-1", "bad", "2026-02-30", "stop", "23:00")],
            "ExceptionDate",
            "is not a date",
        ),
        exception_case(
            "unknown ExceptionType",
            vec![exception_item("x-1", "bad", "2026-11-30", "pause", "23:00")],
            "ExceptionType",
            "\"pause\" is not start or stop",
        ),
        exception_case(
            "bad ExceptionValue",
            vec![x("25:00")],
            "ExceptionValue",
            "\"25:00\" is not a time",
        ),
        exception_case(
            "missing ExceptionUuid",
            vec![with(x("23:00"), "ExceptionUuid", None)],
            "ExceptionUuid",
            "missing",
        ),
        exception_case(
            "contradicting exceptions",
            vec![
                x("23:00"),
                exception_item("x-2", "bad", "2026-11-30", "stop", "21:00"),
            ],
            "ExceptionValue",
            "contradicts exception",
        ),
    ]
}

fn fleet() -> Vec<Instance> {
    ["good", "bad"]
        .iter()
        .map(|s| instance(&format!("i-{s}"), InstanceKind::Ec2, "stopped", s, None))
        .collect()
}

#[test]
fn each_kind_of_bad_item_is_named_and_the_good_schedule_still_acts() {
    let cases = cases();
    assert!(cases.len() >= 20);
    for c in cases {
        let mut schedules = vec![schedule_item("good", "all", "09:00", "22:00")];
        schedules.extend(c.schedules);
        let raw = RawConfig {
            schedules,
            groups: c.groups,
            exceptions: c.exceptions,
        };
        let config = Config::parse(&raw, support::SEOUL, at("2026-11-01T00:00:00Z"));
        let e = config
            .errors
            .iter()
            .find(|e| e.table == c.table && e.attribute.as_deref() == Some(c.attribute))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no {} error in {:?}",
                    c.name, c.attribute, config.errors
                )
            });
        assert!(e.problem.contains(c.problem), "{}: {e}", c.name);
        assert!(
            e.to_string().starts_with(c.table.as_str()),
            "{}: {e}",
            c.name
        );
        assert!(
            config.schedules.contains_key("good"),
            "{}: good schedule disabled",
            c.name
        );
        // A bad Schedule or ServerGroup item disables its schedule; a bad
        // exception item only its date (or nothing, when the date is
        // unreadable), as the original tool read only today's exceptions.
        let bad_acts = match (c.table, e.effect) {
            (Table::Exception, Effect::Ignored) => true,
            (Table::Exception, Effect::DisablesDate(d)) => {
                assert_eq!(d.to_string(), "2026-11-30", "{}", c.name);
                false
            }
            (Table::Exception, Effect::DisablesSchedule) => panic!("{}: {e}", c.name),
            _ => false,
        };
        assert_eq!(
            config.schedules.contains_key("bad"),
            c.table == Table::Exception,
            "{}: bad schedule usable",
            c.name
        );
        let p = plan(
            at("2026-11-30T09:00:00+09:00"),
            &config,
            &fleet(),
            &BTreeMap::new(),
            &Timing::default(),
            &Orders::default(),
            &Default::default(),
        );
        let good = p.schedules.iter().find(|s| s.schedule == "good").unwrap();
        assert_eq!(good.actions.len(), 1, "{}", c.name);
        assert_eq!(
            p.actions().any(|(s, _)| s.schedule == "bad"),
            bad_acts,
            "{}",
            c.name
        );
    }
}

#[test]
fn a_schedule_with_no_instances_is_not_an_error() {
    let raw = RawConfig {
        schedules: vec![schedule_item("empty", "all", "09:00", "22:00")],
        groups: vec![group_item("empty", "db", "RDS", &[])],
        exceptions: vec![],
    };
    let config = Config::parse(&raw, support::SEOUL, at("2026-11-01T00:00:00Z"));
    assert!(config.errors.is_empty());
    let p = plan(
        at("2026-11-30T09:00:00+09:00"),
        &config,
        &[],
        &BTreeMap::new(),
        &Timing::default(),
        &Orders::default(),
        &Default::default(),
    );
    assert!(p.schedules[0].actions.is_empty() && p.schedules[0].errors.is_empty());
    assert_eq!(
        p.schedules[0].notes,
        ["group db of schedule empty has no instances; it counts as up and as stopped"]
    );
}

/// The README's sample items (events/items/, the original tool's JSON) parse
/// cleanly and order GROUP1, GROUP2 before GROUP3.
#[test]
fn sample_items_in_events_are_valid() {
    let read = |name: &str| -> serde_json::Value {
        let path = format!("{}/events/items/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let to_item = |v: serde_json::Value| Item(serde_dynamo::to_item(v).unwrap());
    let groups = match read("server-groups.json") {
        serde_json::Value::Array(items) => items.into_iter().map(to_item).collect(),
        other => panic!("{other}"),
    };
    let raw = RawConfig {
        schedules: vec![to_item(read("schedule.json"))],
        groups,
        exceptions: vec![to_item(read("exception.json"))],
    };
    let config = Config::parse(&raw, support::SEOUL, at("2026-11-01T00:00:00Z"));
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    let sample = &config.schedules["SampleSchedule"];
    let names = |w: &Vec<usize>| -> Vec<&str> {
        w.iter()
            .map(|g| sample.groups()[*g].name.as_str())
            .collect()
    };
    let waves: Vec<Vec<&str>> = sample.waves().iter().map(names).collect();
    assert_eq!(waves, vec![vec!["GROUP1", "GROUP2"], vec!["GROUP3"]]);
}

#[test]
fn a_bad_exception_item_dated_before_today_is_ignored_without_a_word() {
    let raw = RawConfig {
        schedules: vec![schedule_item("dev", "all", "09:00", "22:00")],
        groups: vec![],
        exceptions: vec![
            exception_item("old-1", "dev", "2019-03-04", "pause", "23:00"),
            exception_item("old-2", "dev", "2019-03-04", "stop", "25:00"),
        ],
    };
    let config = Config::parse(&raw, support::SEOUL, at("2026-11-30T09:00:00+09:00"));
    assert!(config.errors.is_empty(), "{:?}", config.errors);
    assert!(config.schedules.contains_key("dev"));
    // The same items dated today or later take out only that date, once.
    let config = Config::parse(&raw, support::SEOUL, at("2019-03-01T09:00:00+09:00"));
    assert_eq!(config.errors.len(), 2, "{:?}", config.errors);
    assert!(config.schedules.contains_key("dev"));
}
