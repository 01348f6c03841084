//! The servers as observed by one describe: what each is, which schedule
//! and group its tags put it in, and whether it is up, down or moving.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::InstanceKind;

/// Tag that selects an instance for a schedule (value: the schedule's TagValue)
/// unless `SCHEDULE_TAG_KEY` names another key.
pub const SCHEDULE_TAG: &str = "ScheduleName";
/// Tag that puts an instance in a server group (value: the GroupName).
pub const GROUP_TAG: &str = "ScheduleGroupName";
/// Tag that holds a server up against stops until a local time
/// (`YYYY-MM-DD HH:MM`, or `HH:MM` for today, in the schedule's zone).
pub const KEEP_TAG: &str = "ScheduleKeepUntil";
/// Tag that gives a scaled server's size to start at when the scheduler
/// has none remembered (`MIN/DESIRED/MAX`).
pub const SIZE_TAG: &str = "ScheduleSize";

/// A scaled server's size: an Auto Scaling group's or a node group's
/// minimum, desired and maximum; an ECS service's desired count between
/// its scalable target's minimum and maximum (without a target, 0 and the
/// desired count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Size {
    pub min: i32,
    pub desired: i32,
    pub max: i32,
}

impl Size {
    /// `MIN/DESIRED/MAX`, as the [`SIZE_TAG`] writes it: whole numbers,
    /// `MIN <= DESIRED <= MAX`, and something to run (a start to zero
    /// would never be up).
    pub fn parse(text: &str) -> Result<Size, String> {
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        let numbers: Option<Vec<i32>> = parts.iter().map(|p| p.parse().ok()).collect();
        let bad = || format!("{text:?} is not MIN/DESIRED/MAX (e.g. 1/2/4)");
        let [min, desired, max] = numbers.ok_or_else(bad)?[..] else {
            return Err(bad());
        };
        if min < 0 || min > desired || desired > max || desired == 0 {
            return Err(format!(
                "{text:?} needs 0 <= MIN <= DESIRED <= MAX, DESIRED above 0"
            ));
        }
        Ok(Size { min, desired, max })
    }

    /// Sized to run nothing, its maximum kept.
    pub fn zero(self) -> Size {
        Size {
            min: 0,
            desired: 0,
            max: self.max,
        }
    }

    /// Whether it runs anything: a size worth remembering.
    pub fn runs(self) -> bool {
        self.desired > 0 || self.min > 0
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.min, self.desired, self.max)
    }
}

/// One EC2 instance, RDS DB instance, Aurora DB cluster, Auto Scaling
/// group, ECS service or EKS node group. The texts a plan repeats are
/// shared, so plans of large fleets copy no strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Instance id, DB instance or cluster identifier, Auto Scaling group
    /// name, `CLUSTER/SERVICE` or `CLUSTER/NODEGROUP`.
    pub id: Arc<str>,
    pub kind: InstanceKind,
    /// The Name tag, or the id.
    pub name: Arc<str>,
    /// The state as AWS names it (`running`, `available`, `backing-up`...).
    pub state: Arc<str>,
    /// What it is: the EC2 instance type, the DB engine and class.
    pub spec: Option<Arc<str>>,
    /// Its ARN where tagging needs it (RDS, Aurora, ECS, EKS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<Arc<str>>,
    pub schedule_tag: Option<String>,
    pub group_tag: Option<String>,
    /// Why the scheduler must not start or stop it one by one (Auto Scaling
    /// member, read replica, Aurora member), reported as a configuration error.
    pub unmanageable: Option<String>,
    /// Its [`KEEP_TAG`], as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_until: Option<String>,
    /// A scaled server's size now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// Its [`SIZE_TAG`], as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_tag: Option<String>,
    /// The Auto Scaling group an EC2 instance belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_group: Option<String>,
}

/// The fleet less the EC2 members of the Auto Scaling groups in it: the
/// group is scheduled whole, and its tags reach its members.
pub fn without_scheduled_members(instances: Vec<Instance>) -> Vec<Instance> {
    let groups: std::collections::BTreeSet<Arc<str>> = instances
        .iter()
        .filter(|i| i.kind == InstanceKind::Asg)
        .map(|i| i.id.clone())
        .collect();
    if groups.is_empty() {
        return instances;
    }
    instances
        .into_iter()
        .filter(|i| {
            !i.scaling_group
                .as_deref()
                .is_some_and(|g| groups.contains(g))
        })
        .collect()
}

/// The state classes the planner reasons with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Power {
    Up,
    Down,
    Starting,
    Stopping,
    /// Any other transitional state (modifying, backing-up...): wait.
    Busy,
    /// Terminated or being deleted: ignored.
    Gone,
}

impl Instance {
    /// An untagged instance named after its id.
    pub fn new(id: &str, kind: InstanceKind, state: &str) -> Instance {
        Instance {
            id: id.into(),
            kind,
            name: id.into(),
            state: state.into(),
            spec: None,
            arn: None,
            schedule_tag: None,
            group_tag: None,
            unmanageable: None,
            keep_until: None,
            size: None,
            size_tag: None,
            scaling_group: None,
        }
    }

    /// The same instance held by a [`KEEP_TAG`] of `value`.
    pub fn kept_until(mut self, value: &str) -> Instance {
        self.keep_until = Some(value.to_string());
        self
    }

    /// The same instance with the schedule tag and, optionally, the group tag.
    pub fn tagged(mut self, schedule: &str, group: Option<&str>) -> Instance {
        self.schedule_tag = Some(schedule.to_string());
        self.group_tag = group.map(str::to_string);
        self
    }

    /// The same instance with a Name tag.
    pub fn named(mut self, name: &str) -> Instance {
        self.name = name.into();
        self
    }

    /// Its schedule tag's value. The planner reads the tags of every
    /// instance in every round: inlined, where a size-optimised build
    /// would call through `as_deref` and `Deref` for each.
    #[inline(always)]
    pub fn schedule_tag(&self) -> Option<&str> {
        match &self.schedule_tag {
            Some(t) => Some(t.as_str()),
            None => None,
        }
    }

    /// Its group tag's value (inlined, as [`Self::schedule_tag`]).
    #[inline(always)]
    pub fn group_tag(&self) -> Option<&str> {
        match &self.group_tag {
            Some(t) => Some(t.as_str()),
            None => None,
        }
    }

    pub fn power(&self) -> Power {
        let s = &*self.state;
        match self.kind {
            // A scaled server's state is named as EC2 names one's.
            InstanceKind::Ec2 | InstanceKind::Asg | InstanceKind::Ecs | InstanceKind::Eks => {
                match s {
                    "running" => Power::Up,
                    "stopped" => Power::Down,
                    "pending" => Power::Starting,
                    "stopping" => Power::Stopping,
                    "terminated" | "shutting-down" => Power::Gone,
                    _ => Power::Busy,
                }
            }
            InstanceKind::Rds | InstanceKind::Aurora => match s {
                "available" => Power::Up,
                "stopped" => Power::Down,
                "starting" => Power::Starting,
                "stopping" => Power::Stopping,
                "deleting" | "deleted" => Power::Gone,
                _ => Power::Busy,
            },
        }
    }
}

/// Whether two tag values are equal: the planner compares the tags of
/// consecutive instances, and a size-optimised build calls three functions
/// deep for each comparison `==` makes.
#[inline(always)]
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes() == b.as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(kind: InstanceKind, state: &str) -> Instance {
        Instance::new("i", kind, state)
    }

    #[test]
    fn transitional_states_are_not_steady() {
        assert_eq!(inst(InstanceKind::Ec2, "pending").power(), Power::Starting);
        assert_eq!(inst(InstanceKind::Ec2, "terminated").power(), Power::Gone);
        assert_eq!(inst(InstanceKind::Rds, "backing-up").power(), Power::Busy);
        assert_eq!(inst(InstanceKind::Aurora, "available").power(), Power::Up);
        assert_eq!(inst(InstanceKind::Rds, "stopping").power(), Power::Stopping);
    }

    #[test]
    fn a_size_tag_is_min_desired_max_in_order() {
        assert_eq!(
            Size::parse(" 1 / 2 / 4 "),
            Ok(Size {
                min: 1,
                desired: 2,
                max: 4
            })
        );
        for bad in [
            "", "2", "1/2", "1/2/3/4", "a/b/c", "3/2/4", "1/5/4", "0/0/3", "-1/0/2",
        ] {
            assert!(Size::parse(bad).is_err(), "{bad}");
        }
        let s = Size::parse("1/2/4").unwrap();
        assert_eq!(s.zero().to_string(), "0/0/4");
        assert!(s.runs() && !s.zero().runs());
    }

    #[test]
    fn members_of_a_described_scaling_group_are_left_to_it() {
        let member = |id: &str, group: &str| {
            Instance {
                scaling_group: Some(group.into()),
                ..inst(InstanceKind::Ec2, "running")
            }
            .named(id)
        };
        let fleet = vec![
            Instance::new("workers", InstanceKind::Asg, "running"),
            member("i-1", "workers"),
            member("i-2", "loose"),
        ];
        let kept = without_scheduled_members(fleet);
        let names: Vec<&str> = kept.iter().map(|i| &*i.name).collect();
        assert_eq!(names, ["workers", "i-2"]);
    }
}
