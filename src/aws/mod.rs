//! Adapters from the ports to AWS, each through its SDK crate: DynamoDB
//! tables (the configuration, the state, the usage history), EC2, RDS and
//! Aurora, Auto Scaling groups, ECS services, EKS node groups, EventBridge
//! events, the Price List, the bot's Lambda Invoke
//! (`trigger.rs`); an assumed role kept between invocations. They read,
//! write and command; they never decide.

pub mod asg;
mod claim;
pub mod dynamodb;
pub mod ec2;
pub mod ecs;
pub mod eks;
pub mod events;
pub mod pricing;
pub mod rds;
pub mod ready;
pub mod role;
pub mod state;
pub mod trigger;
pub mod usage;

use std::fmt::Debug;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

use crate::fleet::{without_scheduled_members, Instance, Size};
use crate::model::Direction;
use crate::model::InstanceKind;
use crate::ports::{CallError, Described, Fleet, Tagged};

/// Loads the standard AWS configuration (region, credentials,
/// `AWS_ENDPOINT_URL`) once per process, with one rustls+ring HTTPS client
/// and the SDK's standard retry mode: Throttling and RequestLimitExceeded
/// are retried with exponential backoff and jitter, 5 attempts in all.
pub async fn sdk_config() -> SdkConfig {
    loader().load().await
}

/// The loader behind [`sdk_config`], for callers (tests) that set more.
pub fn loader() -> ConfigLoader {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(RetryConfig::standard().with_max_attempts(5))
}

/// At most `seconds` for a whole operation, retries included: what a call
/// off the scheduler's path (events, prices) may cost a pass.
pub fn bounded(seconds: u64) -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .operation_timeout(std::time::Duration::from_secs(seconds))
        .build()
}

/// Calls in flight at once for the APIs that take one server per call:
/// enough to start 200 databases in a few seconds, few enough to stay
/// under the APIs' rates.
const CONCURRENCY: usize = 10;

/// Runs `call` for each id with its value, ten at a time; returns each id
/// whose call failed, with its error, so one server's failure leaves the
/// others alone.
pub(crate) async fn each<'a, T: Copy, F, Fut>(
    items: impl IntoIterator<Item = (&'a str, T)>,
    call: F,
) -> Vec<(String, CallError)>
where
    F: Fn(&'a str, T) -> Fut,
    Fut: std::future::Future<Output = Result<(), CallError>>,
{
    let items: Vec<(&str, T)> = items.into_iter().collect();
    let mut failures = Vec::new();
    for chunk in items.chunks(CONCURRENCY) {
        let results = futures::future::join_all(chunk.iter().map(|(id, v)| call(id, *v))).await;
        for ((id, _), r) in chunk.iter().zip(results) {
            if let Err(error) = r {
                failures.push((id.to_string(), error));
            }
        }
    }
    failures
}

/// How much of an error's context a message keeps when the service gave
/// no message of its own.
const MAX_CONTEXT_CHARS: usize = 160;

/// Turns an SDK error into the code and message a chat message shows.
pub(crate) fn aws_error<E, R>(operation: &str, e: SdkError<E, R>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: Debug,
{
    let code = e.code().map(str::to_string).unwrap_or_else(|| {
        match &e {
            SdkError::DispatchFailure(_) => "DispatchFailure",
            SdkError::TimeoutError(_) => "Timeout",
            SdkError::ResponseError(_) => "ResponseError",
            SdkError::ConstructionFailure(_) => "ConstructionFailure",
            _ => "Unknown",
        }
        .to_string()
    });
    let message = e.message().map(str::to_string).unwrap_or_else(|| {
        // Without a service message the context is the whole raw response
        // (headers and body): its start says enough.
        let context = DisplayErrorContext(&e).to_string();
        match context.char_indices().nth(MAX_CONTEXT_CHARS) {
            Some((cut, _)) => format!("{}…", &context[..cut]),
            None => context,
        }
    });
    CallError::new(operation, code, message)
}

/// Every kind of server together, behind the one [`Fleet`] port.
#[derive(Debug, Clone)]
pub struct AwsFleet {
    pub ec2: ec2::Ec2,
    pub rds: rds::Rds,
    pub asg: asg::Asg,
    pub ecs: ecs::Ecs,
    pub eks: eks::Eks,
}

impl AwsFleet {
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            ec2: ec2::Ec2::new(aws_sdk_ec2::Client::new(config)),
            rds: rds::Rds::new(aws_sdk_rds::Client::new(config)),
            asg: asg::Asg::new(aws_sdk_autoscaling::Client::new(config)),
            ecs: ecs::Ecs::new(config),
            eks: eks::Eks::new(aws_sdk_eks::Client::new(config)),
        }
    }

    /// The same fleet selected by another tag key (`SCHEDULE_TAG_KEY`).
    pub fn with_schedule_tag(mut self, key: &str) -> Self {
        self.ec2.schedule_tag = key.to_string();
        self.rds.schedule_tag = key.to_string();
        self.asg.schedule_tag = key.to_string();
        self.ecs.schedule_tag = key.to_string();
        self.eks.schedule_tag = key.to_string();
        self
    }
}

impl AwsFleet {
    async fn describe_scaled(&self, kind: InstanceKind) -> Result<Vec<Instance>, CallError> {
        match kind {
            InstanceKind::Asg => self.asg.describe().await,
            InstanceKind::Ecs => self.ecs.describe().await,
            InstanceKind::Eks => self.eks.describe().await,
            InstanceKind::Ec2 | InstanceKind::Rds | InstanceKind::Aurora => Ok(vec![]),
        }
    }
}

impl Fleet for AwsFleet {
    async fn describe(&self, kinds: &[InstanceKind]) -> Result<Described, CallError> {
        let scaled = futures::future::join_all(kinds.iter().map(|k| self.describe_scaled(*k)));
        let (ec2, rds, scaled) = tokio::join!(self.ec2.describe(), self.rds.describe(), scaled);
        let mut all = ec2?;
        all.extend(rds?);
        let mut unavailable = Vec::new();
        for (kind, result) in kinds.iter().zip(scaled) {
            match result {
                Ok(servers) => all.extend(servers),
                Err(e) => {
                    tracing::warn!(kind = kind.as_str(), error = %e, "not described; its schedules wait");
                    unavailable.push((*kind, format!("{}: {}", e.operation, e.code)));
                }
            }
        }
        Ok(Described {
            servers: without_scheduled_members(all),
            unavailable,
        })
    }

    async fn command(
        &self,
        direction: Direction,
        kind: InstanceKind,
        ids: &[String],
    ) -> Vec<(String, CallError)> {
        match kind {
            InstanceKind::Ec2 => self.ec2.command(direction, ids).await,
            InstanceKind::Rds | InstanceKind::Aurora => {
                self.rds.command(direction, kind, ids).await
            }
            InstanceKind::Asg | InstanceKind::Ecs | InstanceKind::Eks => not_commanded(kind, ids),
        }
    }

    async fn resize(
        &self,
        kind: InstanceKind,
        sizes: &[(String, Size)],
    ) -> Vec<(String, CallError)> {
        match kind {
            InstanceKind::Asg => self.asg.resize(sizes).await,
            InstanceKind::Ecs => self.ecs.resize(sizes).await,
            InstanceKind::Eks => self.eks.resize(sizes).await,
            _ => not_commanded(
                kind,
                &sizes.iter().map(|(id, _)| id.clone()).collect::<Vec<_>>(),
            ),
        }
    }

    async fn tag(
        &self,
        kind: InstanceKind,
        targets: &[Tagged],
        set: &[(String, String)],
        remove: &[String],
    ) {
        let result = match kind {
            InstanceKind::Ec2 => self.ec2.tag(targets, set, remove).await,
            InstanceKind::Rds | InstanceKind::Aurora => self.rds.tag(targets, set, remove).await,
            InstanceKind::Asg => self.asg.tag(targets, set, remove).await,
            InstanceKind::Ecs => self.ecs.tag(targets, set, remove).await,
            InstanceKind::Eks => self.eks.tag(targets, set, remove).await,
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "servers not tagged");
        }
    }
}

/// The answer to a command the kind has no call for (a scaled server is
/// resized, the others started and stopped): each id failed, permanently.
fn not_commanded(kind: InstanceKind, ids: &[String]) -> Vec<(String, CallError)> {
    let error = CallError::new(
        format!("command {}", kind.as_str()),
        "UnsupportedOperation",
        "not a command for this kind of server",
    );
    ids.iter().map(|id| (id.clone(), error.clone())).collect()
}
