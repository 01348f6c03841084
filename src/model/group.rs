use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::item::{key_part, key_text, string_attr, ItemReader};
use super::{
    quoted, ConfigError, Item, Readiness, ReadyCheck, Table, DEFAULT_READY_TIMEOUT_MINUTES,
};
use crate::graph;

/// What kind of AWS resource a group holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum InstanceKind {
    #[serde(rename = "EC2")]
    Ec2,
    /// RDS DB instances (not Aurora members: those go through their cluster).
    #[serde(rename = "RDS")]
    Rds,
    /// Aurora DB clusters.
    Aurora,
    /// Auto Scaling groups, stopped by sizing them to zero.
    #[serde(rename = "ASG")]
    Asg,
    /// ECS services, stopped by a desired count of zero.
    #[serde(rename = "ECS")]
    Ecs,
    /// EKS managed node groups, stopped by scaling them to zero.
    #[serde(rename = "EKS")]
    Eks,
}

impl InstanceKind {
    pub fn parse(text: &str) -> Option<InstanceKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ec2" => Some(InstanceKind::Ec2),
            "rds" => Some(InstanceKind::Rds),
            "aurora" => Some(InstanceKind::Aurora),
            "asg" => Some(InstanceKind::Asg),
            "ecs" => Some(InstanceKind::Ecs),
            "eks" => Some(InstanceKind::Eks),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            InstanceKind::Ec2 => "EC2",
            InstanceKind::Rds => "RDS",
            InstanceKind::Aurora => "Aurora",
            InstanceKind::Asg => "ASG",
            InstanceKind::Ecs => "ECS",
            InstanceKind::Eks => "EKS",
        }
    }

    /// Started and stopped by setting its size, which the scheduler
    /// remembers, rather than by a start or stop call.
    pub fn scaled(self) -> bool {
        matches!(
            self,
            InstanceKind::Asg | InstanceKind::Ecs | InstanceKind::Eks
        )
    }
}

/// One row of the ScheduleServerGroup table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerGroup {
    pub schedule: String,
    pub name: String,
    pub kind: InstanceKind,
    /// Shared with every plan that shows it.
    pub dependency: Arc<[String]>,
    /// What must answer before the next wave starts (`ReadyCheck`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<Readiness>,
}

impl ServerGroup {
    pub fn from_item(item: &Item) -> Result<ServerGroup, ConfigError> {
        let mut r = ItemReader::new(
            item,
            Table::ServerGroup,
            key_text(item, &["ScheduleName", "GroupName"]),
        );
        r.schedule = string_attr(item, "ScheduleName");
        let schedule = r.required_text("ScheduleName")?;
        let name = r.required_text("GroupName")?;
        let kind_text: String = r.required(
            "InstanceType",
            "a string (S): EC2, RDS, Aurora, ASG, ECS or EKS",
        )?;
        let kind = InstanceKind::parse(&kind_text).ok_or_else(|| {
            r.error(
                "InstanceType",
                format!(
                    "{} is not EC2, RDS, Aurora, ASG, ECS or EKS",
                    quoted(&kind_text)
                ),
            )
        })?;
        let dependency: Vec<String> = r
            .optional("Dependency", "a list (L) of group names (S)")?
            .unwrap_or_default();
        if dependency.iter().any(|d| d.trim().is_empty()) {
            return Err(r.error("Dependency", "contains an empty group name"));
        }
        let ready = readiness(&r, kind)?;
        Ok(ServerGroup {
            schedule,
            name,
            kind,
            dependency: dependency.into(),
            ready,
        })
    }

    pub fn key(&self) -> String {
        format!(
            "[ScheduleName={}, GroupName={}]",
            key_part(&self.schedule),
            key_part(&self.name)
        )
    }

    fn error(&self, attribute: &str, problem: String) -> ConfigError {
        ConfigError::new(
            Table::ServerGroup,
            self.key(),
            Some(attribute),
            problem,
            Some(self.schedule.clone()),
        )
    }
}

/// The group's `ReadyCheck` and `ReadyTimeoutMinutes` (1 to 60, default
/// 20: within a start's own 60-minute timeout), read together: a timeout
/// without a check is an error too.
fn readiness(r: &ItemReader, kind: InstanceKind) -> Result<Option<Readiness>, ConfigError> {
    let check: Option<String> = r.optional(
        "ReadyCheck",
        "a string (S): status-ok, target-group:NAME_OR_ARN or an http(s):// URL",
    )?;
    let minutes: Option<i64> = r.optional("ReadyTimeoutMinutes", "a number (N) of minutes")?;
    let Some(check) = check else {
        return match minutes {
            Some(_) => Err(r.error("ReadyTimeoutMinutes", "is set without a ReadyCheck")),
            None => Ok(None),
        };
    };
    let check = ReadyCheck::parse(&check).map_err(|e| r.error("ReadyCheck", e))?;
    let per_instance = matches!(check, ReadyCheck::StatusOk | ReadyCheck::TargetGroup(_));
    if per_instance && kind != InstanceKind::Ec2 {
        return Err(r.error(
            "ReadyCheck",
            format!(
                "{} checks EC2 instances; this group is {}",
                check.text(),
                kind.as_str()
            ),
        ));
    }
    let minutes = minutes.unwrap_or(DEFAULT_READY_TIMEOUT_MINUTES);
    if !(1..=60).contains(&minutes) {
        return Err(r.error(
            "ReadyTimeoutMinutes",
            format!("{minutes} is not between 1 and 60"),
        ));
    }
    Ok(Some(Readiness {
        check,
        timeout: chrono::Duration::minutes(minutes),
    }))
}

/// Checks each schedule's groups as a graph: duplicate names, dependencies
/// on unknown groups or on another schedule's groups, and cycles.
pub(super) fn check_dependencies(groups: &BTreeMap<String, Vec<ServerGroup>>) -> Vec<ConfigError> {
    let mut errors = Vec::new();
    for gs in groups.values() {
        let mut seen = BTreeSet::new();
        for g in gs {
            if !seen.insert(g.name.as_str()) {
                errors.push(g.error(
                    "GroupName",
                    format!("duplicate group {} in this schedule", quoted(&g.name)),
                ));
            }
        }
        for g in gs {
            for dep in g.dependency.iter() {
                if seen.contains(dep.as_str()) {
                    continue;
                }
                let owner = groups
                    .iter()
                    .find(|(_, other)| other.iter().any(|o| &o.name == dep))
                    .map(|(s, _)| s);
                let problem = match owner {
                    Some(s) => {
                        format!("depends on group {} of another schedule ({s})", quoted(dep))
                    }
                    None => format!("depends on unknown group {}", quoted(dep)),
                };
                errors.push(g.error("Dependency", problem));
            }
        }
        let edges: Vec<(&str, Vec<&str>)> = gs
            .iter()
            .map(|g| {
                (
                    g.name.as_str(),
                    g.dependency.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        if let Some(cycle) = graph::find_cycle(&edges) {
            let first = gs
                .iter()
                .find(|g| g.name == cycle[0])
                .expect("cycle names a group");
            errors.push(first.error(
                "Dependency",
                format!("dependency cycle {}", cycle.join(" -> ")),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{group_item, s};
    use aws_sdk_dynamodb::types::AttributeValue as Av;

    fn problem(item: Item) -> String {
        ServerGroup::from_item(&item).unwrap_err().to_string()
    }

    #[test]
    fn a_bad_ready_check_names_the_table_key_and_attribute() {
        let bad = problem(group_item("dev", "db", "RDS", &[]).with("ReadyCheck", s("ping")));
        assert!(
            bad.contains("ScheduleServerGroup")
                && bad.contains("GroupName=db")
                && bad.contains("ReadyCheck"),
            "{bad}"
        );
        let wrong_kind =
            problem(group_item("dev", "db", "RDS", &[]).with("ReadyCheck", s("status-ok")));
        assert!(
            wrong_kind.contains("status-ok checks EC2 instances; this group is RDS"),
            "{wrong_kind}"
        );
        let alone = problem(
            group_item("dev", "db", "RDS", &[]).with("ReadyTimeoutMinutes", Av::N("5".into())),
        );
        assert!(
            alone.contains("ReadyTimeoutMinutes") && alone.contains("without a ReadyCheck"),
            "{alone}"
        );
        let long = problem(
            group_item("dev", "app", "EC2", &[])
                .with("ReadyCheck", s("status-ok"))
                .with("ReadyTimeoutMinutes", Av::N("600".into())),
        );
        assert!(long.contains("600 is not between 1 and 60"), "{long}");
        let good = ServerGroup::from_item(
            &group_item("dev", "app", "EC2", &[]).with("ReadyCheck", s("target-group:app-tg")),
        )
        .unwrap();
        assert_eq!(
            good.ready.map(|r| (r.check, r.timeout.num_minutes())),
            Some((ReadyCheck::TargetGroup("app-tg".into()), 20))
        );
    }
}
