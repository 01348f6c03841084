//! A schedule's server groups with the instances their tags put in them,
//! in start order; and the tagged instances that cannot be scheduled.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{hold, GroupView, Server, Wave};
use crate::fleet::{Instance, Power, GROUP_TAG};
use crate::model::{Direction, ScheduleConfig, ServerGroup};

pub use crate::model::ALL_GROUP;
/// Name of the implicit group, in a schedule that has groups, of its tagged
/// instances that name no group of it: it depends on every other group, so
/// it starts last and stops first.
pub const UNGROUPED: &str = "ungrouped";

/// An instance with its power class worked out once per plan.
#[derive(Clone, Copy)]
pub(super) struct Member<'a> {
    pub instance: &'a Instance,
    pub power: Power,
    /// Until when its `ScheduleKeepUntil` holds it up (a hold in the past
    /// holds nothing).
    pub held: Option<DateTime<Utc>>,
}

impl Member<'_> {
    /// Whether the instance is somewhere between up and down.
    pub fn moving(&self) -> bool {
        matches!(self.power, Power::Starting | Power::Stopping | Power::Busy)
    }
}

/// One server group of a schedule (`None`: an implicit one, [`ALL_GROUP`]
/// or [`UNGROUPED`]) with the instances its tags put in it.
pub(super) struct Slot<'a> {
    pub group: Option<&'a ServerGroup>,
    pub name: &'a str,
    pub members: Vec<Member<'a>>,
}

impl<'a> Slot<'a> {
    pub fn name(&self) -> &'a str {
        self.name
    }

    /// Every member is where `dir` takes it (an empty group always is).
    pub fn settled(&self, dir: Direction) -> bool {
        self.members.iter().all(|m| m.power == target_power(dir))
    }
}

/// The power an instance has once `dir` is done.
pub(super) fn target_power(dir: Direction) -> Power {
    match dir {
        Direction::Start => Power::Up,
        Direction::Stop => Power::Down,
    }
}

/// The power an instance has before `dir` moves it.
pub(super) fn source_power(dir: Direction) -> Power {
    target_power(dir.opposite())
}

pub(super) fn server(i: &Instance) -> Server {
    Server {
        id: i.id.clone(),
        name: i.name.clone(),
        kind: i.kind,
        state: i.state.clone(),
        spec: i.spec.clone(),
        held_until: None,
        arn: i.arn.clone(),
        size: i.size,
        size_tag: i.size_tag.clone(),
    }
}

/// A schedule's groups with their instances, in start order.
pub(super) struct Roster<'a> {
    /// Indexes into `slots`, wave by wave.
    pub waves: Cow<'a, [Vec<usize>]>,
    pub slots: Vec<Slot<'a>>,
    /// Configuration errors of tagged instances.
    pub problems: Vec<String>,
    /// Lines for the logs only.
    pub notes: Vec<String>,
    /// The schedule's zone, in which holds are told.
    pub zone: Tz,
}

impl<'a> Roster<'a> {
    /// `key`: the tag key that selects servers, named in problems; `now`
    /// says which holds still hold.
    pub fn new(
        cfg: &'a ScheduleConfig,
        tagged: &[Member<'a>],
        key: &str,
        now: DateTime<Utc>,
    ) -> Roster<'a> {
        let zone = cfg.schedule.time_zone;
        let mut problems = Vec::new();
        let mut manageable = Vec::with_capacity(tagged.len());
        for m in tagged {
            match &m.instance.unmanageable {
                Some(why) => problems.push(format!(
                    "{} tagged {key}={}: {why}",
                    describe(m.instance),
                    cfg.schedule.tag_value
                )),
                None => manageable.push(Member {
                    held: held(m.instance, zone, now, &mut problems),
                    ..*m
                }),
            }
        }
        if cfg.groups().is_empty() {
            return Roster {
                waves: Cow::Owned(vec![vec![0]]),
                slots: vec![Slot {
                    group: None,
                    name: ALL_GROUP,
                    members: manageable,
                }],
                problems,
                notes: vec![],
                zone,
            };
        }
        let (mut slots, ungrouped) = grouped(cfg, manageable, &mut problems);
        let mut waves = Cow::Borrowed(cfg.waves());
        if !ungrouped.is_empty() {
            waves.to_mut().push(vec![slots.len()]);
            slots.push(Slot {
                group: None,
                name: UNGROUPED,
                members: ungrouped,
            });
        }
        let notes = slots
            .iter()
            .filter(|s| s.members.is_empty())
            .map(|s| {
                format!(
                    "group {} of schedule {} has no instances; it counts as up and as stopped",
                    s.name(),
                    cfg.schedule.name
                )
            })
            .collect();
        Roster {
            waves,
            slots,
            problems,
            notes,
            zone,
        }
    }

    /// `name (id)` of each server in the implicit group [`UNGROUPED`].
    pub fn ungrouped(&self) -> Vec<String> {
        self.slots
            .iter()
            .filter(|s| s.group.is_none() && s.name == UNGROUPED)
            .flat_map(|s| &s.members)
            .map(|m| format!("{} ({})", m.instance.name, m.instance.id))
            .collect()
    }

    pub fn members(&self) -> impl Iterator<Item = &Member<'a>> + '_ {
        self.slots.iter().flat_map(|s| &s.members)
    }

    /// Every member with the name of its group.
    pub fn grouped_members(&self) -> impl Iterator<Item = (&'a str, &Member<'a>)> + '_ {
        self.slots
            .iter()
            .flat_map(|s| s.members.iter().map(move |m| (s.name, m)))
    }

    /// A member as plans show it, with its hold.
    pub fn server(&self, m: &Member) -> Server {
        Server {
            held_until: m.held.map(|at| self.local(at)),
            ..server(m.instance)
        }
    }

    /// `2026-11-30 23:30`, in the schedule's zone.
    pub fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The groups wave by wave, as plans show them.
    pub fn views(&self) -> Vec<Wave> {
        self.waves
            .iter()
            .enumerate()
            .map(|(index, groups)| Wave {
                index,
                groups: groups.iter().map(|&g| self.view(&self.slots[g])).collect(),
            })
            .collect()
    }

    fn view(&self, slot: &Slot) -> GroupView {
        let depends_on = match slot.group {
            Some(g) => g.dependency.clone(),
            None if slot.name == UNGROUPED => self
                .slots
                .iter()
                .filter_map(|s| s.group.map(|g| g.name.clone()))
                .collect(),
            None => Arc::new([]),
        };
        GroupView {
            group: slot.name().to_string(),
            kind: slot.group.map(|g| g.kind),
            depends_on,
            instances: slot.members.iter().map(|m| self.server(m)).collect(),
        }
    }
}

/// Until when `i`'s hold holds it up, if it still does; an unreadable one
/// is a problem, and holds nothing.
fn held(
    i: &Instance,
    zone: Tz,
    now: DateTime<Utc>,
    problems: &mut Vec<String>,
) -> Option<DateTime<Utc>> {
    // Read for every member of every plan; most have none.
    let Some(value) = &i.keep_until else {
        return None;
    };
    match hold::until(value, zone, now) {
        Ok(at) => (at > now).then_some(at),
        Err(why) => {
            problems.push(format!(
                "{} tag {}={}: {why}; ignored",
                describe(i),
                crate::fleet::KEEP_TAG,
                crate::model::quoted(value)
            ));
            None
        }
    }
}

/// `EC2 i-1 (web-1)`: an instance as a configuration error names it.
fn describe(i: &Instance) -> String {
    format!("{} {} ({})", i.kind.as_str(), i.id, i.name)
}

/// One slot per server group with the instances whose group tag names it,
/// and the instances that name no group of the schedule; an instance whose
/// group holds another kind is a problem.
fn grouped<'a>(
    cfg: &'a ScheduleConfig,
    manageable: Vec<Member<'a>>,
    problems: &mut Vec<String>,
) -> (Vec<Slot<'a>>, Vec<Member<'a>>) {
    let mut slots: Vec<Slot> = cfg
        .groups()
        .iter()
        .map(|g| Slot {
            group: Some(g),
            name: g.name.as_str(),
            members: vec![],
        })
        .collect();
    // One list per slot, and the last for the ungrouped.
    let ungrouped = slots.len();
    let mut sizes = vec![0; ungrouped + 1];
    // Instances of one group often come together: one lookup per run.
    let mut last: Option<(&str, Option<(usize, &ServerGroup)>)> = None;
    let homes: Vec<usize> = manageable
        .iter()
        .map(|m| {
            let i = m.instance;
            let found = match (i.group_tag(), last) {
                (None, _) => None,
                (Some(tag), Some((t, found))) if crate::fleet::same(t, tag) => found,
                (Some(tag), _) => {
                    let found = cfg.group(tag);
                    last = Some((tag, found));
                    found
                }
            };
            let home = match found {
                Some((index, g)) if g.kind == i.kind => index,
                Some((_, g)) => {
                    problems.push(format!(
                        "{} tagged {GROUP_TAG}={}: the group's InstanceType is {}",
                        describe(i),
                        g.name,
                        g.kind.as_str()
                    ));
                    return NOWHERE;
                }
                None => ungrouped,
            };
            sizes[home] += 1;
            home
        })
        .collect();
    let mut lists = buckets(sizes, homes.into_iter().zip(manageable));
    let ungrouped = lists.pop().unwrap_or_default();
    for (slot, members) in slots.iter_mut().zip(lists) {
        slot.members = members;
    }
    (slots, ungrouped)
}

/// The index of no list, for [`buckets`].
pub(super) const NOWHERE: usize = usize::MAX;

/// `items` in lists of `sizes` by their index, in their order (an item
/// whose index is [`NOWHERE`] left out): each list allocated once, at
/// its final size (a growing list of a large fleet is copied over and
/// over). The sizes are counted as the indexes are worked out, so that
/// the items are not first gathered with their indexes.
pub(super) fn buckets<T>(
    sizes: Vec<usize>,
    items: impl IntoIterator<Item = (usize, T)>,
) -> Vec<Vec<T>> {
    let mut lists: Vec<Vec<T>> = sizes.into_iter().map(Vec::with_capacity).collect();
    for (index, item) in items {
        debug_assert!(index == NOWHERE || index < lists.len(), "no list {index}");
        if let Some(list) = lists.get_mut(index) {
            list.push(item);
        }
    }
    lists
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::InstanceKind;
    use crate::testing::{config, instance, schedule_item};

    #[test]
    fn auto_scaling_members_are_reported_not_commanded() {
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            vec![],
            vec![],
        );
        let mut asg = instance("i-asg", InstanceKind::Ec2, "stopped", "dev", None);
        asg.unmanageable = Some("belongs to Auto Scaling group web".into());
        let fleet = vec![
            asg,
            instance("i-1", InstanceKind::Ec2, "stopped", "dev", None),
        ];
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        let commanded: Vec<&str> = p
            .actions()
            .flat_map(|(_, a)| a.instances.iter().map(|t| &*t.id))
            .collect();
        assert_eq!(commanded, ["i-1"]);
        let sp = &p.schedules[0];
        assert!(
            sp.errors.len() == 1
                && sp.errors[0].contains("EC2 i-asg")
                && sp.errors[0].contains("Auto Scaling"),
            "{:?}",
            sp.errors
        );
    }

    #[test]
    fn problems_and_notices_name_the_tag_key_that_selects_servers() {
        let cfg = config(
            vec![schedule_item("dev", "all", "09:00", "22:00")],
            vec![crate::testing::group_item("dev", "web", "EC2", &[])],
            vec![],
        );
        let mut asg = instance("i-asg", InstanceKind::Ec2, "stopped", "dev", Some("web"));
        asg.unmanageable = Some("belongs to Auto Scaling group web".into());
        let loose = instance("i-loose", InstanceKind::Ec2, "stopped", "dev", None);
        let timing = super::super::Timing {
            schedule_tag: "Schedule".into(),
            ..Default::default()
        };
        let p = super::super::plan(
            crate::testing::utc(MONDAY_0900),
            &cfg,
            &[asg, loose],
            &States::new(),
            &timing,
            &Default::default(),
            &Default::default(),
        );
        let sp = &p.schedules[0];
        assert!(
            sp.errors[0].contains("tagged Schedule=dev"),
            "{:?}",
            sp.errors
        );
        assert!(
            sp.notices.iter().any(
                |n| matches!(n, super::super::Notice::Ungrouped { key, .. } if key == "Schedule")
            ),
            "{:?}",
            sp.notices
        );
    }

    #[test]
    fn an_empty_group_counts_as_up_and_is_noted() {
        let cfg = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        fleet.retain(|i| &*i.id != "i-mw");
        let mut states = States::new();
        let rounds = settle(MONDAY_0900, &cfg, &mut fleet, &mut states);
        assert_eq!(
            rounds,
            vec![vec!["db-1"], vec!["i-api1", "i-api2"], vec!["i-batch"]]
        );
        let p = plan_at(MONDAY_0900, &cfg, &fleet, &States::new());
        assert!(p.schedules[0].notes[0].contains("group mw of schedule dev has no instances"));
    }
}

#[cfg(test)]
mod ungrouped {
    use super::super::testing::*;
    use super::super::Notice;
    use crate::model::InstanceKind;
    use crate::testing::instance;

    #[test]
    fn tagged_instances_without_a_group_start_last_stop_first_and_are_named_once() {
        let cfg = chain();
        let mut fleet = chain_fleet("stopped", "stopped");
        fleet.push(instance(
            "i-loose",
            InstanceKind::Ec2,
            "stopped",
            "dev",
            None,
        ));
        fleet.push(instance(
            "i-typo",
            InstanceKind::Ec2,
            "stopped",
            "dev",
            Some("ap1"),
        ));
        let mut states = States::new();
        let first = plan_at(MONDAY_0900, &cfg, &fleet, &states);
        let sp = &first.schedules[0];
        assert!(sp.errors.is_empty(), "not an error: {:?}", sp.errors);
        assert!(
            matches!(&sp.notices[..], [Notice::Ungrouped { servers, .. }] if servers == &["i-loose (i-loose)", "i-typo (i-typo)"]),
            "{:?}",
            sp.notices
        );
        let last = sp.waves.last().unwrap();
        assert_eq!(last.groups[0].group, "ungrouped");
        assert_eq!(last.groups[0].depends_on.len(), 4);
        let starts = settle(MONDAY_0900, &cfg, &mut fleet, &mut states);
        assert_eq!(starts.last().unwrap(), &vec!["i-loose", "i-typo"]);
        let stops = settle(MONDAY_2200, &cfg, &mut fleet, &mut states);
        assert_eq!(stops.first().unwrap(), &vec!["i-loose", "i-typo"]);
        assert!(
            plan_at(MONDAY_2200, &cfg, &fleet, &states).schedules[0]
                .notices
                .is_empty(),
            "named once"
        );
    }
}
