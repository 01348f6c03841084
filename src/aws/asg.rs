//! Auto Scaling groups: one paginated DescribeAutoScalingGroups filtered on
//! the schedule tag (the tags come with each group), and one
//! UpdateAutoScalingGroup per group to size it, ten at a time.

use aws_sdk_autoscaling::types::{AutoScalingGroup, Filter, LifecycleState, Tag, TagDescription};
use aws_sdk_autoscaling::Client;

use super::{aws_error, each};
use crate::fleet::{Instance, Size, GROUP_TAG, KEEP_TAG, SCHEDULE_TAG, SIZE_TAG};
use crate::model::InstanceKind;
use crate::ports::{CallError, Tagged};

/// DescribeAutoScalingGroups' largest page.
const PAGE_SIZE: i32 = 100;

#[derive(Debug, Clone)]
pub struct Asg {
    client: Client,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`).
    pub(super) schedule_tag: String,
}

fn tag<'a>(tags: &'a [TagDescription], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

impl Asg {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            schedule_tag: SCHEDULE_TAG.to_string(),
        }
    }

    pub async fn describe(&self) -> Result<Vec<Instance>, CallError> {
        let mut pages = self
            .client
            .describe_auto_scaling_groups()
            .filters(
                Filter::builder()
                    .name("tag-key")
                    .values(&self.schedule_tag)
                    .build(),
            )
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws_error("autoscaling:DescribeAutoScalingGroups", e))?;
            out.extend(
                page.auto_scaling_groups()
                    .iter()
                    .filter_map(|g| self.server(g)),
            );
        }
        Ok(out)
    }

    fn server(&self, g: &AutoScalingGroup) -> Option<Instance> {
        let name = g.auto_scaling_group_name()?;
        let tags = g.tags();
        let size = Size {
            min: g.min_size().unwrap_or(0),
            desired: g.desired_capacity().unwrap_or(0),
            max: g.max_size().unwrap_or(0),
        };
        Some(Instance {
            id: name.into(),
            kind: InstanceKind::Asg,
            name: tag(tags, "Name").unwrap_or(name).into(),
            state: state(g, size).into(),
            spec: None,
            arn: g.auto_scaling_group_arn().map(Into::into),
            schedule_tag: tag(tags, &self.schedule_tag).map(str::to_string),
            group_tag: tag(tags, GROUP_TAG).map(str::to_string),
            unmanageable: None,
            keep_until: tag(tags, KEEP_TAG).map(str::to_string),
            size: Some(size),
            size_tag: tag(tags, SIZE_TAG).map(str::to_string),
            scaling_group: None,
        })
    }

    /// Sets each group's min, desired and max; returns the groups that
    /// failed with their errors.
    pub async fn resize(&self, sizes: &[(String, Size)]) -> Vec<(String, CallError)> {
        let sizes = sizes.iter().map(|(name, size)| (name.as_str(), *size));
        each(sizes, |name, size| self.resize_one(name, size)).await
    }

    async fn resize_one(&self, name: &str, size: Size) -> Result<(), CallError> {
        self.client
            .update_auto_scaling_group()
            .auto_scaling_group_name(name)
            .min_size(size.min)
            .desired_capacity(size.desired)
            .max_size(size.max)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error("autoscaling:UpdateAutoScalingGroup", e))
    }

    /// Sets and removes tags on the groups, without propagating them to
    /// their instances.
    pub async fn tag(
        &self,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) -> Result<(), CallError> {
        let tag = |id: &str, key: &str, value: Option<&String>| {
            Tag::builder()
                .resource_id(id)
                .resource_type("auto-scaling-group")
                .key(key)
                .set_value(value.cloned())
                .propagate_at_launch(false)
                .build()
        };
        if !set.is_empty() {
            self.client
                .create_or_update_tags()
                .set_tags(Some(
                    targets
                        .iter()
                        .flat_map(|t| set.iter().map(|(k, v)| tag(&t.id, k, Some(v))))
                        .collect(),
                ))
                .send()
                .await
                .map_err(|e| aws_error("autoscaling:CreateOrUpdateTags", e))?;
        }
        if !remove.is_empty() {
            self.client
                .delete_tags()
                .set_tags(Some(
                    targets
                        .iter()
                        .flat_map(|t| remove.iter().map(|k| tag(&t.id, k, None)))
                        .collect(),
                ))
                .send()
                .await
                .map_err(|e| aws_error("autoscaling:DeleteTags", e))?;
        }
        Ok(())
    }
}

/// The group's state as EC2 would name one instance's: `running` when its
/// InService instances reach the desired capacity, `stopped` when it is
/// sized to zero with nothing left, `pending` and `stopping` on the way.
fn state(g: &AutoScalingGroup, size: Size) -> &'static str {
    if g.status().is_some_and(|s| s.starts_with("Delete")) {
        return "terminated";
    }
    let live = g
        .instances()
        .iter()
        .filter(|i| {
            !matches!(
                i.lifecycle_state(),
                Some(LifecycleState::Terminated | LifecycleState::TerminatingProceed)
            )
        })
        .count();
    let in_service = g
        .instances()
        .iter()
        .filter(|i| i.lifecycle_state() == Some(&LifecycleState::InService))
        .count();
    match (size.desired > 0, live) {
        (true, _) if in_service >= size.desired as usize => "running",
        (true, _) => "pending",
        (false, 0) => "stopped",
        (false, _) => "stopping",
    }
}
