//! RDS and Aurora: paginated DescribeDBInstances and DescribeDBClusters with
//! tags from their TagList (no ListTagsForResource per instance), and one
//! start/stop call per DB instance or cluster, as the API requires.

use aws_sdk_rds::types::Tag;
use aws_sdk_rds::Client;

use super::{aws_error, each};
use crate::fleet::{Instance, GROUP_TAG, KEEP_TAG, SCHEDULE_TAG};
use crate::model::Direction;
use crate::model::InstanceKind;
use crate::ports::{CallError, Tagged};

/// DescribeDBInstances' and DescribeDBClusters' largest page.
const PAGE_SIZE: i32 = 100;

#[derive(Debug, Clone)]
pub struct Rds {
    client: Client,
    /// The tag key that selects servers (`SCHEDULE_TAG_KEY`).
    pub(super) schedule_tag: String,
}

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

impl Rds {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            schedule_tag: SCHEDULE_TAG.to_string(),
        }
    }

    pub async fn describe(&self) -> Result<Vec<Instance>, CallError> {
        let (instances, clusters) =
            tokio::try_join!(self.describe_instances(), self.describe_clusters())?;
        Ok(instances.into_iter().chain(clusters).collect())
    }

    async fn describe_instances(&self) -> Result<Vec<Instance>, CallError> {
        let mut pages = self
            .client
            .describe_db_instances()
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws_error("rds:DescribeDBInstances", e))?;
            for db in page.db_instances() {
                let tags = db.tag_list();
                let (Some(id), Some(schedule)) =
                    (db.db_instance_identifier(), tag(tags, &self.schedule_tag))
                else {
                    continue;
                };
                let unmanageable = if let Some(cluster) = db.db_cluster_identifier() {
                    Some(format!(
                        "is a member of DB cluster {cluster}; tag the cluster and use an Aurora group"
                    ))
                } else {
                    db.read_replica_source_db_instance_identifier().map(|src| {
                        format!("is a read replica of {src}; RDS cannot stop read replicas")
                    })
                };
                out.push(Instance {
                    id: id.into(),
                    kind: InstanceKind::Rds,
                    name: tag(tags, "Name").unwrap_or(id).into(),
                    state: db.db_instance_status().unwrap_or_default().into(),
                    spec: Some(
                        [db.engine(), db.db_instance_class()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .into(),
                    ),
                    arn: db.db_instance_arn().map(Into::into),
                    schedule_tag: Some(schedule.to_string()),
                    group_tag: tag(tags, GROUP_TAG).map(str::to_string),
                    unmanageable,
                    keep_until: tag(tags, KEEP_TAG).map(str::to_string),
                    size: None,
                    size_tag: None,
                    scaling_group: None,
                });
            }
        }
        Ok(out)
    }

    async fn describe_clusters(&self) -> Result<Vec<Instance>, CallError> {
        let mut pages = self
            .client
            .describe_db_clusters()
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| aws_error("rds:DescribeDBClusters", e))?;
            for c in page.db_clusters() {
                let tags = c.tag_list();
                let (Some(id), Some(schedule)) =
                    (c.db_cluster_identifier(), tag(tags, &self.schedule_tag))
                else {
                    continue;
                };
                out.push(Instance {
                    id: id.into(),
                    kind: InstanceKind::Aurora,
                    name: tag(tags, "Name").unwrap_or(id).into(),
                    state: c.status().unwrap_or_default().into(),
                    spec: c.engine().map(Into::into),
                    arn: c.db_cluster_arn().map(Into::into),
                    schedule_tag: Some(schedule.to_string()),
                    group_tag: tag(tags, GROUP_TAG).map(str::to_string),
                    unmanageable: None,
                    keep_until: tag(tags, KEEP_TAG).map(str::to_string),
                    size: None,
                    size_tag: None,
                    scaling_group: None,
                });
            }
        }
        Ok(out)
    }

    pub async fn command(
        &self,
        direction: Direction,
        kind: InstanceKind,
        ids: &[String],
    ) -> Vec<(String, CallError)> {
        let ids = ids.iter().map(|id| (id.as_str(), ()));
        each(ids, |id, ()| self.command_one(direction, kind, id)).await
    }

    async fn command_one(
        &self,
        direction: Direction,
        kind: InstanceKind,
        id: &str,
    ) -> Result<(), CallError> {
        let c = &self.client;
        match (direction, kind) {
            (Direction::Start, InstanceKind::Aurora) => c
                .start_db_cluster()
                .db_cluster_identifier(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error("rds:StartDBCluster", e)),
            (Direction::Stop, InstanceKind::Aurora) => c
                .stop_db_cluster()
                .db_cluster_identifier(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error("rds:StopDBCluster", e)),
            (Direction::Start, _) => c
                .start_db_instance()
                .db_instance_identifier(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error("rds:StartDBInstance", e)),
            (Direction::Stop, _) => c
                .stop_db_instance()
                .db_instance_identifier(id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| aws_error("rds:StopDBInstance", e)),
        }
    }

    /// Sets and removes tags, one call per database (the API takes one ARN).
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
                    .add_tags_to_resource()
                    .resource_name(arn)
                    .set_tags(Some(tags.collect()))
                    .send()
                    .await
                    .map_err(|e| aws_error("rds:AddTagsToResource", e))?;
            }
            if !remove.is_empty() {
                self.client
                    .remove_tags_from_resource()
                    .resource_name(arn)
                    .set_tag_keys(Some(remove.to_vec()))
                    .send()
                    .await
                    .map_err(|e| aws_error("rds:RemoveTagsFromResource", e))?;
            }
        }
        Ok(())
    }
}
