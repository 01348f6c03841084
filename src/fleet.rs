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

/// One EC2 instance, RDS DB instance or Aurora DB cluster. The texts a plan
/// repeats are shared, so plans of large fleets copy no strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    /// Instance id, DB instance identifier or DB cluster identifier.
    pub id: Arc<str>,
    pub kind: InstanceKind,
    /// The Name tag, or the id.
    pub name: Arc<str>,
    /// The state as AWS names it (`running`, `available`, `backing-up`...).
    pub state: Arc<str>,
    /// What it is: the EC2 instance type, the DB engine and class.
    pub spec: Option<Arc<str>>,
    /// Its ARN where tagging needs it (RDS and Aurora).
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

    pub fn power(&self) -> Power {
        let s = &*self.state;
        match self.kind {
            InstanceKind::Ec2 => match s {
                "running" => Power::Up,
                "stopped" => Power::Down,
                "pending" => Power::Starting,
                "stopping" => Power::Stopping,
                "terminated" | "shutting-down" => Power::Gone,
                _ => Power::Busy,
            },
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
}
