//! Readiness checks against AWS and the team's own service: the EC2
//! instance and system status checks (one DescribeInstanceStatus per 100
//! instances), an ELBv2 target group's health (DescribeTargetHealth; a
//! name resolved with DescribeTargetGroups), or a URL (`crate::http::ready`).

use aws_sdk_ec2::types::SummaryStatus;
use aws_sdk_elasticloadbalancingv2::types::TargetHealthStateEnum;
use futures::future::BoxFuture;

use super::aws_error;
use crate::model::ReadyCheck;
use crate::plan::{Answer, WantedCheck};
use crate::ports::ReadyProbe;

/// DescribeInstanceStatus takes at most 100 instance ids.
const STATUS_CHUNK: usize = 100;
/// Instances named in an answer, at most.
const SHOWN: usize = 5;

#[derive(Debug, Clone)]
pub struct AwsProbe {
    ec2: aws_sdk_ec2::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    http: reqwest::Client,
}

impl AwsProbe {
    pub fn new(sdk: &aws_config::SdkConfig) -> AwsProbe {
        AwsProbe {
            ec2: aws_sdk_ec2::Client::new(sdk),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(sdk),
            http: crate::http::ready::client(),
        }
    }

    async fn status_ok(&self, ids: &[String]) -> Answer {
        let mut failing = Vec::new();
        for chunk in ids.chunks(STATUS_CHUNK) {
            let out = self
                .ec2
                .describe_instance_status()
                .set_instance_ids(Some(chunk.to_vec()))
                .send()
                .await;
            let out = match out {
                Ok(out) => out,
                Err(e) => return unanswered(aws_error("ec2:DescribeInstanceStatus", e)),
            };
            for id in chunk {
                let status = out
                    .instance_statuses()
                    .iter()
                    .find(|s| s.instance_id() == Some(id.as_str()));
                let summary = |s: Option<&aws_sdk_ec2::types::InstanceStatusSummary>| {
                    s.and_then(|s| s.status())
                        .map_or("unknown", |s| s.as_str())
                        .to_string()
                };
                match status {
                    None => failing.push(format!("{id}: no status yet")),
                    Some(s) => {
                        let (instance, system) =
                            (summary(s.instance_status()), summary(s.system_status()));
                        let ok = SummaryStatus::Ok.as_str();
                        if instance != ok || system != ok {
                            failing.push(format!("{id}: instance {instance}, system {system}"));
                        }
                    }
                }
            }
        }
        verdict(failing, "status checks ok")
    }

    async fn target_group(&self, name: &str, ids: &[String]) -> Answer {
        let arn = match self.target_group_arn(name).await {
            Ok(arn) => arn,
            Err(answer) => return answer,
        };
        let out = self
            .elb
            .describe_target_health()
            .target_group_arn(&arn)
            .send()
            .await;
        let out = match out {
            Ok(out) => out,
            Err(e) => return unanswered(aws_error("elasticloadbalancing:DescribeTargetHealth", e)),
        };
        let failing = ids
            .iter()
            .filter_map(|id| {
                let d = out
                    .target_health_descriptions()
                    .iter()
                    .find(|d| d.target().and_then(|t| t.id()) == Some(id.as_str()));
                let Some(health) = d.and_then(|d| d.target_health()) else {
                    return Some(format!("{id}: not registered"));
                };
                match health.state() {
                    Some(TargetHealthStateEnum::Healthy) => None,
                    state => Some(format!("{id}: {}", state.map_or("unknown", |s| s.as_str()))),
                }
            })
            .collect();
        verdict(failing, "all targets healthy")
    }

    /// `name` itself when it is an ARN, else the ARN DescribeTargetGroups
    /// gives it.
    async fn target_group_arn(&self, name: &str) -> Result<String, Answer> {
        if name.starts_with("arn:") {
            return Ok(name.to_string());
        }
        let out = self
            .elb
            .describe_target_groups()
            .names(name)
            .send()
            .await
            .map_err(|e| unanswered(aws_error("elasticloadbalancing:DescribeTargetGroups", e)))?;
        out.target_groups()
            .first()
            .and_then(|g| g.target_group_arn())
            .map(str::to_string)
            .ok_or_else(|| Answer {
                ready: false,
                said: format!("no target group named {name}"),
            })
    }
}

impl ReadyProbe for AwsProbe {
    fn check<'a>(&'a self, c: &'a WantedCheck) -> BoxFuture<'a, Answer> {
        Box::pin(async move {
            match &c.check {
                ReadyCheck::StatusOk => self.status_ok(&c.servers).await,
                ReadyCheck::TargetGroup(name) => self.target_group(name, &c.servers).await,
                ReadyCheck::Url(url) => crate::http::ready::get(&self.http, url).await,
            }
        })
    }
}

/// Ready when nothing fails; else the first few failures, counted.
fn verdict(failing: Vec<String>, ok: &str) -> Answer {
    if failing.is_empty() {
        return Answer {
            ready: true,
            said: ok.to_string(),
        };
    }
    let mut said = failing
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if failing.len() > SHOWN {
        said.push_str(&format!("; and {} more", failing.len() - SHOWN));
    }
    Answer { ready: false, said }
}

/// A check that could not run: not ready, and why.
fn unanswered(e: crate::ports::CallError) -> Answer {
    Answer {
        ready: false,
        said: format!("{}: {}", e.operation, e.code),
    }
}
