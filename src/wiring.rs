//! The production wiring: DynamoDB, EC2 and RDS clients from one
//! `aws-config` load, the notifier the environment selects, and the pass
//! and the bot over them. The binaries and `schedctl` only call these.

use std::sync::Arc;

use aws_config::SdkConfig;

use crate::aws::dynamodb::Dynamo;
use crate::aws::signed::SignedClient;
use crate::aws::trigger::LambdaTrigger;
use crate::aws::{sdk_config, AwsFleet};
use crate::bot::Bot;
use crate::env::Env;
use crate::notify::{ChatNotifier, LogNotifier, WebhookNotifier};
use crate::pass::{Deps, LocalTrigger};
use crate::signals::Signals;

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
    Deps {
        config: dynamo.clone(),
        state: dynamo,
        fleet: AwsFleet::new(sdk),
        notifier: notifier(env),
        tuning: env.tuning.clone(),
        told: Default::default(),
        feeds: Default::default(),
        signals: if env.emit_events {
            Signals::EventBridge(SignedClient::new(sdk, "events", "EVENTBRIDGE"))
        } else {
            Signals::Off
        },
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
    bot(env, deps_from(env, sdk), LambdaTrigger::new(sdk, function))
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
        notifier: deps.notifier,
        trigger,
        secrets: env.bot.clone(),
        zone: env.tuning.zone,
        lang: env.tuning.voice.lang,
        links: env.tuning.voice.links.clone(),
    }
}
