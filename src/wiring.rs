//! The production wiring: DynamoDB, EC2 and RDS clients from one
//! `aws-config` load, the notifier the environment selects, and the pass
//! and the bot over them; for a hub, the same per target, the fleet seen
//! through the target's assumed role. The binaries and `schedctl` only call
//! these.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_dynamodb::error::DisplayErrorContext;
use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use crate::aws::dynamodb::Dynamo;
use crate::aws::events::EventBridge;
use crate::aws::pricing::PriceListApi;
use crate::aws::role::AssumedRole;
use crate::aws::trigger::LambdaTrigger;
use crate::aws::{sdk_config, AwsFleet};
use crate::bot::Bot;
use crate::env::Env;
use crate::notify::{ChatNotifier, LogNotifier, WebhookNotifier};
use crate::pass::{self, Deps, LocalTrigger, PassError, PassReport};
use crate::plan::Orders;
use crate::ports::{CallError, EventSink};
use crate::target::Target;

pub type AwsDeps = Deps<Dynamo, Dynamo, AwsFleet, ChatNotifier>;
/// The bot Lambda's: it asks the scheduler function for passes.
pub type LambdaBot = Bot<Dynamo, Dynamo, AwsFleet, ChatNotifier, LambdaTrigger>;
/// `schedctl bot`'s: it runs asked-for passes itself.
pub type LocalBot = Bot<
    Dynamo,
    Dynamo,
    AwsFleet,
    ChatNotifier,
    LocalTrigger<Dynamo, Dynamo, AwsFleet, ChatNotifier>,
>;

/// Loads the AWS configuration once and wires the pass.
pub async fn aws_deps(env: &Env) -> AwsDeps {
    deps_from(env, &sdk_config().await)
}

/// The wiring over an already loaded AWS configuration.
pub fn deps_from(env: &Env, sdk: &SdkConfig) -> AwsDeps {
    let dynamo = Dynamo::new(aws_sdk_dynamodb::Client::new(sdk), env.tables.clone());
    let mut deps = Deps {
        config: dynamo.clone(),
        state: dynamo,
        fleet: AwsFleet::new(sdk).with_schedule_tag(&env.tuning.timing.schedule_tag),
        notifier: notifier(env),
        tuning: env.tuning.clone(),
        told: Default::default(),
        feeds: Box::new(crate::http::Feeds::new(env.allow_private_feeds)),
        events: env
            .emit_events
            .then(|| Box::new(EventBridge::new(sdk)) as Box<dyn EventSink>),
        prices: Some(Box::new(PriceListApi::new(sdk))),
        probe: Box::new(crate::aws::ready::AwsProbe::new(sdk)),
    };
    deps.tuning.region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
    deps
}

/// A hub's wiring per target, built on first use and kept for the next
/// invocations of a warm function (the assumed role's credentials with it).
pub struct Hub {
    env: Env,
    sdk: SdkConfig,
    targets: Mutex<HashMap<Target, Arc<TargetDeps>>>,
}

/// One target's pass wiring: the hub's tables (this target's partition of
/// the state), the target's fleet, messages naming the target.
pub struct TargetDeps {
    pub deps: AwsDeps,
    role: Option<SharedCredentialsProvider>,
}

impl Hub {
    pub fn new(env: Env, sdk: SdkConfig) -> Hub {
        Hub {
            env,
            sdk,
            targets: Mutex::default(),
        }
    }

    /// The targets of `TARGETS`.
    pub fn targets(&self) -> &[Target] {
        &self.env.targets
    }

    pub async fn target(&self, target: &Target) -> Arc<TargetDeps> {
        let mut known = self.targets.lock().await;
        if let Some(t) = known.get(target) {
            return t.clone();
        }
        let built = Arc::new(self.build(target).await);
        known.insert(target.clone(), built.clone());
        built
    }

    async fn build(&self, target: &Target) -> TargetDeps {
        let region = Region::new(target.region.clone());
        let role = match &target.role {
            None => None,
            Some(arn) => {
                let mut b = AssumeRoleProvider::builder(arn)
                    .session_name("instance-scheduler")
                    .region(region.clone())
                    .configure(&self.sdk);
                if let Some(id) = &self.env.target_external_id {
                    b = b.external_id(id);
                }
                Some(SharedCredentialsProvider::new(AssumedRole::new(
                    b.build().await,
                )))
            }
        };
        let mut seen = self.sdk.to_builder().region(region);
        if let Some(role) = &role {
            seen = seen.credentials_provider(role.clone());
        }
        let mut deps = deps_from(&self.env, &self.sdk);
        deps.fleet =
            AwsFleet::new(&seen.build()).with_schedule_tag(&self.env.tuning.timing.schedule_tag);
        deps.state = deps.state.partitioned(target.partition());
        deps.tuning.target = Some(target.clone());
        deps.tuning.region = target.region.clone();
        deps.tuning.voice.place = Some(target.label());
        TargetDeps { deps, role }
    }
}

impl Hub {
    /// The passes of `targets` at `now`, carrying out `orders`, all at
    /// once: a slow or unreachable target delays or drops no other (a
    /// target out of reach is told once, as any failing pass). Results in
    /// the order of `targets`.
    pub async fn passes(
        &self,
        targets: &[Target],
        now: DateTime<Utc>,
        orders: &Orders,
    ) -> Vec<Result<PassReport, PassError>> {
        futures::future::join_all(targets.iter().map(|target| async move {
            let t = self.target(target).await;
            match t.reach().await {
                Ok(()) => pass::run_ordered(&t.deps, now, orders).await,
                Err(e) => Err(pass::unreachable(&t.deps, e).await),
            }
        }))
        .await
    }
}

impl TargetDeps {
    /// Whether the target's role can be assumed (the credentials are kept
    /// until they expire); `self` always can.
    pub async fn reach(&self) -> Result<(), CallError> {
        let Some(role) = &self.role else {
            return Ok(());
        };
        role.provide_credentials().await.map(drop).map_err(|e| {
            let message: String = DisplayErrorContext(&e)
                .to_string()
                .chars()
                .take(300)
                .collect();
            CallError::new("sts:AssumeRole", "AssumeRoleFailed", message)
        })
    }
}

/// The webhook when `WEBHOOK_URL` is set, the logs otherwise.
pub fn notifier(env: &Env) -> ChatNotifier {
    match &env.webhook {
        Some(url) => ChatNotifier::Webhook(WebhookNotifier::new(url.clone(), env.format)),
        None => ChatNotifier::Log(LogNotifier),
    }
}

/// The bot Lambda's bot; without `SCHEDULER_FUNCTION` its `start` and
/// `stop` fall back to the next pass and say so.
pub fn lambda_bot(env: &Env, sdk: &SdkConfig) -> LambdaBot {
    let function = env.scheduler_function.clone().unwrap_or_default();
    bot(
        env,
        deps_from(env, sdk),
        LambdaTrigger::new(sdk, function, env.targets.clone()),
    )
}

/// `schedctl bot`'s bot, with a pass of its own for `start` and `stop`.
pub fn local_bot(env: &Env, sdk: &SdkConfig) -> LocalBot {
    let trigger = LocalTrigger {
        deps: Arc::new(deps_from(env, sdk)),
    };
    bot(env, deps_from(env, sdk), trigger)
}

/// The one constructor of the bot, over the pass's wiring.
fn bot<T>(env: &Env, deps: AwsDeps, trigger: T) -> Bot<Dynamo, Dynamo, AwsFleet, ChatNotifier, T> {
    Bot {
        store: deps.config,
        state: deps.state,
        fleet: deps.fleet,
        targets: env.targets.clone(),
        notifier: deps.notifier,
        trigger,
        secrets: env.bot.clone(),
        zone: env.tuning.zone,
        lang: env.tuning.voice.lang,
        // Without BOT_URL (the deployed bot), links follow the request's host.
        links: env
            .tuning
            .voice
            .links
            .clone()
            .or_else(|| env.plan_links("")),
    }
}
