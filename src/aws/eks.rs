//! EKS managed node groups, any cluster: ListClusters, ListNodegroups per
//! cluster and DescribeNodegroup per node group (the API has no batch
//! describe), which carries the tags. A node group is sized by
//! UpdateNodegroupConfig's scaling config.

use std::collections::HashMap;

use aws_sdk_eks::types::{Nodegroup, NodegroupScalingConfig, NodegroupStatus};
use futures::future::join_all;

use super::{aws_error, each};
use crate::fleet::{Instance, Size, GROUP_TAG, KEEP_TAG, SCHEDULE_TAG, SIZE_TAG};
use crate::model::InstanceKind;
use crate::ports::{CallError, Tagged};

/// Calls in flight at once.
const CONCURRENCY: usize = 10;

#[derive(Debug, Clone)]
pub struct Eks {
    client: aws_sdk_eks::Client,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`).
    pub(super) schedule_tag: String,
}

impl Eks {
    pub fn new(client: aws_sdk_eks::Client) -> Self {
        Self {
            client,
            schedule_tag: SCHEDULE_TAG.to_string(),
        }
    }

    /// Every node group carrying the schedule tag, in every cluster.
    pub async fn describe(&self) -> Result<Vec<Instance>, CallError> {
        let clusters: Vec<String> = self
            .client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| aws_error("eks:ListClusters", e))?;
        let mut named = Vec::new();
        for cluster in clusters {
            let groups: Vec<String> = self
                .client
                .list_nodegroups()
                .cluster_name(&cluster)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<_, _>>()
                .await
                .map_err(|e| aws_error("eks:ListNodegroups", e))?;
            named.extend(groups.into_iter().map(|g| (cluster.clone(), g)));
        }
        let mut out = Vec::new();
        for chunk in named.chunks(CONCURRENCY) {
            let described = join_all(chunk.iter().map(|(c, g)| self.describe_one(c, g))).await;
            for d in described {
                out.extend(d?.and_then(|g| self.server(&g)));
            }
        }
        Ok(out)
    }

    async fn describe_one(
        &self,
        cluster: &str,
        group: &str,
    ) -> Result<Option<Nodegroup>, CallError> {
        self.client
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(group)
            .send()
            .await
            .map(|out| out.nodegroup)
            .map_err(|e| aws_error("eks:DescribeNodegroup", e))
    }

    fn server(&self, g: &Nodegroup) -> Option<Instance> {
        let empty = HashMap::new();
        let tags = g.tags().unwrap_or(&empty);
        let tag = |key: &str| tags.get(key).cloned();
        let schedule_tag = tag(&self.schedule_tag)?;
        let name = g.nodegroup_name()?;
        let id = format!("{}/{name}", g.cluster_name()?);
        let scaling = g.scaling_config();
        let size = Size {
            min: scaling.and_then(|s| s.min_size()).unwrap_or(0),
            desired: scaling.and_then(|s| s.desired_size()).unwrap_or(0),
            max: scaling.and_then(|s| s.max_size()).unwrap_or(1),
        };
        Some(Instance {
            name: tag("Name").unwrap_or_else(|| name.to_string()).into(),
            kind: InstanceKind::Eks,
            state: state(g.status(), size).into(),
            spec: None,
            arn: g.nodegroup_arn().map(Into::into),
            schedule_tag: Some(schedule_tag),
            group_tag: tag(GROUP_TAG),
            unmanageable: None,
            keep_until: tag(KEEP_TAG),
            size: Some(size),
            size_tag: tag(SIZE_TAG),
            scaling_group: None,
            id: id.into(),
        })
    }

    /// Sets each node group's scaling config; returns those that failed
    /// with their errors.
    pub async fn resize(&self, sizes: &[(String, Size)]) -> Vec<(String, CallError)> {
        let sizes = sizes.iter().map(|(id, size)| (id.as_str(), *size));
        each(sizes, |id, size| self.resize_one(id, size)).await
    }

    async fn resize_one(&self, id: &str, size: Size) -> Result<(), CallError> {
        // Our id is always CLUSTER/NODEGROUP (see `server`).
        let (cluster, group) = id.split_once('/').unwrap_or_default();
        self.client
            .update_nodegroup_config()
            .cluster_name(cluster)
            .nodegroup_name(group)
            .scaling_config(
                NodegroupScalingConfig::builder()
                    .min_size(size.min)
                    .desired_size(size.desired)
                    // EKS wants a maximum of at least one.
                    .max_size(size.max.max(1))
                    .build(),
            )
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error("eks:UpdateNodegroupConfig", e))
    }

    /// Sets and removes tags, one call per node group (the API takes one
    /// ARN).
    pub async fn tag(
        &self,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) -> Result<(), CallError> {
        for arn in targets.iter().filter_map(|t| t.arn.as_deref()) {
            if !set.is_empty() {
                self.client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(set.iter().cloned().collect()))
                    .send()
                    .await
                    .map_err(|e| aws_error("eks:TagResource", e))?;
            }
            if !remove.is_empty() {
                self.client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(remove.to_vec()))
                    .send()
                    .await
                    .map_err(|e| aws_error("eks:UntagResource", e))?;
            }
        }
        Ok(())
    }
}

/// The node group's state as EC2 would name one instance's: `running` when
/// it is ACTIVE at a desired size above zero, `stopped` when ACTIVE at
/// zero, `pending` or `stopping` while it updates towards either.
fn state(status: Option<&NodegroupStatus>, size: Size) -> &'static str {
    match (status, size.desired > 0) {
        (Some(NodegroupStatus::Active), true) => "running",
        (Some(NodegroupStatus::Active), false) => "stopped",
        (Some(NodegroupStatus::Deleting | NodegroupStatus::DeleteFailed), _) => "terminated",
        (_, true) => "pending",
        (_, false) => "stopping",
    }
}
