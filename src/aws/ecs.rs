//! ECS services, any cluster: ListClusters, ListServices per cluster and
//! DescribeServices ten at a time with their tags; the Application Auto
//! Scaling minimum and maximum of the services that have a scalable
//! target, from one paginated DescribeScalableTargets. A service is sized
//! by UpdateService's desiredCount, and its scalable target's minimum is
//! set with it, so Application Auto Scaling never starts what was stopped.

use std::collections::BTreeMap;

use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_ecs::types::{Service, ServiceField, Tag};

use super::{aws_error, each};
use crate::fleet::{Instance, Size, GROUP_TAG, KEEP_TAG, SCHEDULE_TAG, SIZE_TAG};
use crate::model::InstanceKind;
use crate::ports::{CallError, Tagged};

/// DescribeServices takes at most ten services.
const DESCRIBE_CHUNK: usize = 10;
/// DescribeScalableTargets takes at most 50 resource ids.
const TARGETS_CHUNK: usize = 50;

#[derive(Debug, Clone)]
pub struct Ecs {
    client: aws_sdk_ecs::Client,
    scaling: aws_sdk_applicationautoscaling::Client,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`).
    pub(super) schedule_tag: String,
}

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// `service/CLUSTER/SERVICE`: the service's Application Auto Scaling id,
/// from our id `CLUSTER/SERVICE`.
fn resource_id(id: &str) -> String {
    format!("service/{id}")
}

impl Ecs {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self {
            client: aws_sdk_ecs::Client::new(config),
            scaling: aws_sdk_applicationautoscaling::Client::new(config),
            schedule_tag: SCHEDULE_TAG.to_string(),
        }
    }

    /// Every service carrying the schedule tag, in every cluster.
    pub async fn describe(&self) -> Result<Vec<Instance>, CallError> {
        let clusters: Vec<String> = self
            .client
            .list_clusters()
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| aws_error("ecs:ListClusters", e))?;
        let mut services = Vec::new();
        for cluster in &clusters {
            services.extend(self.tagged_services(cluster).await?);
        }
        if services.is_empty() {
            return Ok(vec![]);
        }
        let bounds = self.scalable_bounds().await?;
        Ok(services
            .iter()
            .filter_map(|s| self.server(s, &bounds))
            .collect())
    }

    async fn tagged_services(&self, cluster: &str) -> Result<Vec<Service>, CallError> {
        let arns: Vec<String> = self
            .client
            .list_services()
            .cluster(cluster)
            .max_results(100)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| aws_error("ecs:ListServices", e))?;
        let mut out = Vec::new();
        for chunk in arns.chunks(DESCRIBE_CHUNK) {
            let page = self
                .client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await
                .map_err(|e| aws_error("ecs:DescribeServices", e))?;
            out.extend(
                page.services()
                    .iter()
                    .filter(|s| tag(s.tags(), &self.schedule_tag).is_some())
                    .cloned(),
            );
        }
        Ok(out)
    }

    /// Each scaled service's (minimum, maximum), by resource id.
    async fn scalable_bounds(&self) -> Result<BTreeMap<String, (i32, i32)>, CallError> {
        let targets: Vec<_> = self
            .scaling
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<_, _>>()
            .await
            .map_err(|e| aws_error("application-autoscaling:DescribeScalableTargets", e))?;
        Ok(targets
            .iter()
            .map(|t| {
                (
                    t.resource_id().to_string(),
                    (t.min_capacity(), t.max_capacity()),
                )
            })
            .collect())
    }

    fn server(&self, s: &Service, bounds: &BTreeMap<String, (i32, i32)>) -> Option<Instance> {
        let name = s.service_name()?;
        let cluster = s.cluster_arn()?.rsplit('/').next()?;
        let id = format!("{cluster}/{name}");
        let tags = s.tags();
        let desired = s.desired_count();
        let (min, max) = bounds
            .get(&resource_id(&id))
            .copied()
            .unwrap_or((0, desired));
        Some(Instance {
            name: tag(tags, "Name").unwrap_or(name).into(),
            kind: InstanceKind::Ecs,
            state: state(s).into(),
            spec: None,
            arn: s.service_arn().map(Into::into),
            schedule_tag: tag(tags, &self.schedule_tag).map(str::to_string),
            group_tag: tag(tags, GROUP_TAG).map(str::to_string),
            unmanageable: None,
            keep_until: tag(tags, KEEP_TAG).map(str::to_string),
            size: Some(Size { min, desired, max }),
            size_tag: tag(tags, SIZE_TAG).map(str::to_string),
            scaling_group: None,
            id: id.into(),
        })
    }

    /// Sizes each service: its scalable target's bounds, where it has one,
    /// before a stop's desired count and after a start's.
    pub async fn resize(&self, sizes: &[(String, Size)]) -> Vec<(String, CallError)> {
        let scaled = match self.scaled(sizes).await {
            Ok(scaled) => scaled,
            Err(e) => {
                return sizes
                    .iter()
                    .map(|(id, _)| (id.clone(), e.clone()))
                    .collect()
            }
        };
        let sizes = sizes.iter().map(|(id, size)| (id.as_str(), *size));
        each(sizes, |id, size| {
            let has_target = scaled.contains(&resource_id(id));
            self.resize_one(id, size, has_target)
        })
        .await
    }

    /// The resource ids among `sizes` that have a scalable target.
    async fn scaled(&self, sizes: &[(String, Size)]) -> Result<Vec<String>, CallError> {
        let ids: Vec<String> = sizes.iter().map(|(id, _)| resource_id(id)).collect();
        let mut out = Vec::new();
        for chunk in ids.chunks(TARGETS_CHUNK) {
            let page = self
                .scaling
                .describe_scalable_targets()
                .service_namespace(ServiceNamespace::Ecs)
                .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
                .set_resource_ids(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| aws_error("application-autoscaling:DescribeScalableTargets", e))?;
            out.extend(
                page.scalable_targets()
                    .iter()
                    .map(|t| t.resource_id().to_string()),
            );
        }
        Ok(out)
    }

    async fn resize_one(&self, id: &str, size: Size, scaled: bool) -> Result<(), CallError> {
        // Our id is always CLUSTER/SERVICE (see `server`).
        let (cluster, service) = id.split_once('/').unwrap_or_default();
        let stopping = size.desired == 0;
        if scaled && stopping {
            self.bound(id, size).await?;
        }
        self.client
            .update_service()
            .cluster(cluster)
            .service(service)
            .desired_count(size.desired)
            .send()
            .await
            .map_err(|e| aws_error("ecs:UpdateService", e))?;
        if scaled && !stopping {
            self.bound(id, size).await?;
        }
        Ok(())
    }

    async fn bound(&self, id: &str, size: Size) -> Result<(), CallError> {
        self.scaling
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Ecs)
            .scalable_dimension(ScalableDimension::EcsServiceDesiredCount)
            .resource_id(resource_id(id))
            .min_capacity(size.min)
            .max_capacity(size.max)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| aws_error("application-autoscaling:RegisterScalableTarget", e))
    }

    /// Sets and removes tags, one call per service (the API takes one ARN).
    pub async fn tag(
        &self,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) -> Result<(), CallError> {
        for arn in targets.iter().filter_map(|t| t.arn.as_deref()) {
            if !set.is_empty() {
                let tags = set
                    .iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build());
                self.client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(tags.collect()))
                    .send()
                    .await
                    .map_err(|e| aws_error("ecs:TagResource", e))?;
            }
            if !remove.is_empty() {
                self.client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(remove.to_vec()))
                    .send()
                    .await
                    .map_err(|e| aws_error("ecs:UntagResource", e))?;
            }
        }
        Ok(())
    }
}

/// The service's state as EC2 would name one instance's: `running` when
/// its running tasks reach the desired count with one deployment (the
/// rollout done), `stopped` when it runs nothing and wants nothing.
fn state(s: &Service) -> &'static str {
    if s.status().is_some_and(|st| st != "ACTIVE") {
        return "terminated";
    }
    let (desired, running) = (s.desired_count(), s.running_count());
    // One deployment: the rollout is done (a deployment controller other
    // than ECS lists none).
    match (desired > 0, running) {
        (true, r) if r == desired && s.deployments().len() <= 1 => "running",
        (true, _) => "pending",
        (false, 0) => "stopped",
        (false, _) => "stopping",
    }
}
