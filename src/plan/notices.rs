//! Configuration errors told once: new lines when they appear, one "fixed"
//! when they are all gone, nothing while they stay the same.

use std::collections::BTreeSet;

use super::Notice;
use crate::state::ScheduleState;

/// The notice of the servers that form the implicit group [`UNGROUPED`],
/// told once while the list stays the same. The state remembers the list
/// by its digest: a list of every server would grow with the fleet.
///
/// [`UNGROUPED`]: super::UNGROUPED
pub(super) fn ungrouped(
    state: &mut ScheduleState,
    key: &str,
    tag: &str,
    servers: Vec<String>,
) -> Vec<Notice> {
    if servers.is_empty() {
        state.noticed.clear();
        return vec![];
    }
    let told = list_key("ungrouped", &servers);
    let new = !state.noticed.contains(&told);
    state.noticed = [told].into();
    if new {
        vec![Notice::Ungrouped {
            key: key.to_string(),
            tag: tag.to_string(),
            servers,
        }]
    } else {
        vec![]
    }
}

/// `what: N #digest`, the same for the same list.
fn list_key(what: &str, items: &[String]) -> String {
    use sha2::Digest;
    let mut digest = sha2::Sha256::new();
    for item in items {
        digest.update(item.as_bytes());
        digest.update([0]);
    }
    let digest = digest.finalize();
    format!("{what}: {} #{}", items.len(), hex::encode(&digest[..8]))
}

/// The notices `lines` (this pass's errors) owe the chat, given what
/// `state` says was reported before; `state` then remembers `lines`.
pub(super) fn errors(state: &mut ScheduleState, lines: &[String]) -> Vec<Notice> {
    let current: BTreeSet<String> = lines.iter().cloned().collect();
    let new: Vec<String> = current.difference(&state.reported).cloned().collect();
    let mut notices = Vec::new();
    if !new.is_empty() {
        notices.push(Notice::Errors { lines: new });
    } else if current.is_empty() && !state.reported.is_empty() {
        notices.push(Notice::Fixed);
    }
    state.reported = current;
    notices
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::testing::*;
    use super::super::Notice;
    use crate::model::{Config, InstanceKind, Item, RawConfig};
    use crate::testing::{config, group_item, instance, schedule_item, SEOUL};

    #[test]
    fn bad_schedule_is_reported_once_and_others_run() {
        let cfg = config(
            vec![
                schedule_item("bad", "funday", "09:00", "22:00"),
                schedule_item("good", "all", "09:00", "22:00"),
            ],
            vec![],
            vec![],
        );
        let fleet = vec![
            instance("i-bad", InstanceKind::Ec2, "stopped", "bad", None),
            instance("i-good", InstanceKind::Ec2, "stopped", "good", None),
        ];
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        let bad = p.schedules.iter().find(|s| s.schedule == "bad").unwrap();
        let good = p.schedules.iter().find(|s| s.schedule == "good").unwrap();
        assert!(bad.actions.is_empty());
        assert_eq!(good.actions.len(), 1);
        assert!(
            matches!(&bad.notices[..], [Notice::Errors { lines }] if lines[0].contains("DaysActive") && lines[0].contains("funday"))
        );
        let states = stored_states(&p);
        let p = plan_at("2026-11-30T09:05:00+09:00", &cfg, &fleet, &states);
        assert!(
            p.schedules.iter().all(|s| s.notices.is_empty()),
            "not repeated"
        );
        // Fixed: said once.
        let fixed = config(
            vec![schedule_item("bad", "all", "09:00", "22:00")],
            vec![],
            vec![],
        );
        let p = plan_at("2026-11-30T09:10:00+09:00", &fixed, &fleet, &states);
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
        let cfg = config(
            vec![
                schedule_item("a", "all", "09:00", "22:00"),
                schedule_item("b", "all", "09:00", "22:00"),
                schedule_item("c", "all", "09:00", "22:00"),
                schedule_item("d", "all", "09:00", "22:00"),
            ],
            vec![
                group_item("a", "x", "EC2", &["y"]),
                group_item("a", "y", "EC2", &["x"]),
                group_item("b", "p", "EC2", &["nowhere"]),
                group_item("c", "q", "EC2", &["x"]),
            ],
            vec![],
        );
        let text: Vec<String> = cfg.errors.iter().map(|e| e.to_string()).collect();
        for want in [
            "dependency cycle x -> y -> x",
            "unknown group \"nowhere\"",
            "group \"x\" of another schedule (a)",
        ] {
            assert!(text.iter().any(|t| t.contains(want)), "{want}: {text:?}");
        }
        let usable: Vec<&String> = cfg.schedules.keys().collect();
        assert_eq!(usable, ["d"]);
    }

    fn arb_av() -> impl Strategy<Value = aws_sdk_dynamodb::types::AttributeValue> {
        use aws_sdk_dynamodb::types::AttributeValue as Av;
        let leaf = prop_oneof![
            "[a-zA-Z0-9:, /_#-]{0,12}".prop_map(Av::S),
            proptest::sample::select(vec![
                "09:00",
                "9:5",
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
        proptest::collection::hash_map(names.prop_map(str::to_string), arb_av(), 0..14)
            .prop_map(Item)
    }

    proptest! {
        #[test]
        fn arbitrary_items_never_panic(items in proptest::collection::vec(arb_item(), 0..6), minute in 0i64..(24 * 60)) {
            let raw = RawConfig { schedules: items.clone(), groups: items.clone(), exceptions: items };
            let cfg = Config::parse(&raw, SEOUL, crate::testing::utc(MONDAY_0900));
            let _ = plan_at(&minute_of_monday(minute), &cfg, &[], &States::new());
        }
    }
}

#[cfg(test)]
mod quiet {
    use super::super::testing::*;
    use crate::model::{Direction, InstanceKind};
    use crate::testing::{config, exception_item, instance, schedule_item};
    use crate::time::Reason;

    #[test]
    fn a_pass_quiet_because_of_an_exception_says_which() {
        let cfg = config(
            vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
            vec![],
            vec![exception_item(
                "holiday-1",
                "dev",
                "2026-11-30",
                "start",
                "None",
            )],
        );
        let fleet = vec![instance("i-1", InstanceKind::Ec2, "stopped", "dev", None)];
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        let sp = &p.schedules[0];
        assert!(sp.actions.is_empty());
        assert_eq!(sp.skipped.len(), 1);
        assert_eq!(sp.skipped[0].kind, Direction::Start);
        assert!(matches!(&sp.skipped[0].why, Reason::Exception { id, .. } if id == "holiday-1"));
    }
}

#[cfg(test)]
mod bounded {
    use super::super::testing::*;
    use super::super::Notice;
    use crate::testing::{config, exception_item, schedule_item};

    #[test]
    fn a_schedule_reports_at_most_fifty_error_lines_and_counts_the_rest() {
        let exceptions = (0..120)
            .map(|i| exception_item(&format!("x{i:03}"), "dev", "2026-12-01", "pause", "23:00"))
            .collect();
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            vec![],
            exceptions,
        );
        let p = plan_at(MONDAY_0900, &cfg, &[], &States::new());
        let Notice::Errors { lines } = &p.schedules[0].notices[0] else {
            panic!("{:?}", p.schedules[0].notices)
        };
        assert_eq!(lines.len(), 51);
        assert!(lines
            .iter()
            .any(|l| l == "and 70 more errors (schedctl validate lists them all)"));
        assert!(serde_json::to_string(&p.schedules[0].state).unwrap().len() < 16 * 1024);
    }
}
