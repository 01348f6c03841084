//! EC2: one paginated DescribeInstances filtered on the schedule tag for all
//! schedules, and batched Start/StopInstances that isolate a bad instance.

use aws_sdk_ec2::types::{Filter, Tag};
use aws_sdk_ec2::Client;

use super::aws_error;
use crate::fleet::{Instance, GROUP_TAG, KEEP_TAG, SCHEDULE_TAG};
use crate::model::Direction;
use crate::model::InstanceKind;
use crate::ports::{CallError, Tagged};

/// Instances per Start/StopInstances call (and per tagging call). The API
/// documents no maximum; 1,000 ids make a request of about 30 KB, a
/// 2,000-instance wave two calls, and a bisected failure 10 extra calls.
pub const COMMAND_CHUNK: usize = 1000;

/// DescribeInstances' largest page.
const PAGE_SIZE: i32 = 1000;

pub(super) const ASG_TAG: &str = "aws:autoscaling:groupName";

#[derive(Debug, Clone)]
pub struct Ec2 {
    client: Client,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`).
    pub(super) schedule_tag: String,
}

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

impl Ec2 {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            schedule_tag: SCHEDULE_TAG.to_string(),
        }
    }

    pub async fn describe(&self) -> Result<Vec<Instance>, CallError> {
        let mut pages = self
            .client
            .describe_instances()
            .filters(
                Filter::builder()
                    .name("tag-key")
                    .values(&self.schedule_tag)
                    .build(),
            )
            .max_results(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws_error("ec2:DescribeInstances", e))?;
            for i in page.reservations().iter().flat_map(|r| r.instances()) {
                let Some(id) = i.instance_id() else { continue };
                let tags = i.tags();
                out.push(Instance {
                    id: id.into(),
                    kind: InstanceKind::Ec2,
                    name: tag(tags, "Name").unwrap_or(id).into(),
                    state: i
                        .state()
                        .and_then(|s| s.name())
                        .map_or("".into(), |n| n.as_str().into()),
                    spec: i.instance_type().map(|t| t.as_str().into()),
                    arn: None,
                    schedule_tag: tag(tags, &self.schedule_tag).map(str::to_string),
                    group_tag: tag(tags, GROUP_TAG).map(str::to_string),
                    unmanageable: tag(tags, ASG_TAG).map(|g| {
                        format!("belongs to Auto Scaling group {g}; the group would replace it, so schedule the group instead")
                    }),
                    keep_until: tag(tags, KEEP_TAG).map(str::to_string),
                    size: None,
                    size_tag: None,
                    scaling_group: tag(tags, ASG_TAG).map(str::to_string),
                });
            }
        }
        Ok(out)
    }

    /// Sends the ids in chunks. A chunk that fails with a code that blames
    /// one instance is halved until that instance stands alone, so the
    /// others still act; any other failure (throttling past the SDK's
    /// retries, a 5xx, expired credentials) fails the chunk once.
    pub async fn command(&self, direction: Direction, ids: &[String]) -> Vec<(String, CallError)> {
        let mut pending: Vec<Vec<String>> = ids
            .chunks(COMMAND_CHUNK)
            .rev()
            .map(<[String]>::to_vec)
            .collect();
        let mut failures = Vec::new();
        while let Some(chunk) = pending.pop() {
            let result = match direction {
                Direction::Start => self
                    .client
                    .start_instances()
                    .set_instance_ids(Some(chunk.clone()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws_error("ec2:StartInstances", e)),
                Direction::Stop => self
                    .client
                    .stop_instances()
                    .set_instance_ids(Some(chunk.clone()))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| aws_error("ec2:StopInstances", e)),
            };
            match result {
                Ok(()) => {}
                Err(error) if chunk.len() == 1 || !error.names_one_instance() => {
                    failures.extend(chunk.into_iter().map(|id| (id, error.clone())))
                }
                Err(error) => {
                    tracing::warn!(count = chunk.len(), code = %error.code, "batch failed; bisecting");
                    let (a, b) = chunk.split_at(chunk.len() / 2);
                    pending.push(b.to_vec());
                    pending.push(a.to_vec());
                }
            }
        }
        failures
    }

    /// Sets and removes tags on the instances, in chunks of
    /// [`COMMAND_CHUNK`].
    pub async fn tag(
        &self,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) -> Result<(), CallError> {
        let ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
        for chunk in ids.chunks(COMMAND_CHUNK) {
            if !set.is_empty() {
                let tags = set
                    .iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build());
                self.client
                    .create_tags()
                    .set_resources(Some(chunk.to_vec()))
                    .set_tags(Some(tags.collect()))
                    .send()
                    .await
                    .map_err(|e| aws_error("ec2:CreateTags", e))?;
            }
            if !remove.is_empty() {
                let tags = remove.iter().map(|k| Tag::builder().key(k).build());
                self.client
                    .delete_tags()
                    .set_resources(Some(chunk.to_vec()))
                    .set_tags(Some(tags.collect()))
                    .send()
                    .await
                    .map_err(|e| aws_error("ec2:DeleteTags", e))?;
            }
        }
        Ok(())
    }
}
