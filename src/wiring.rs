//! The production wiring: DynamoDB, EC2 and RDS clients from one
//! `aws-config` load, the notifier the environment selects, and the pass
//! and the bot over them. The binaries and `schedctl` only call these.

use crate::aws::dynamodb::Dynamo;
use crate::aws::{sdk_config, AwsFleet};
use crate::bot::Bot;
use crate::env::Env;
use crate::notify::{ChatNotifier, LogNotifier, WebhookNotifier};
use crate::pass::Deps;

pub type AwsDeps = Deps<Dynamo, Dynamo, AwsFleet, ChatNotifier>;
pub type AwsBot = Bot<Dynamo, AwsFleet, ChatNotifier>;

/// Loads the AWS configuration once and wires the pass.
pub async fn aws_deps(env: &Env) -> AwsDeps {
    deps_from(env, &sdk_config().await)
}

/// The wiring over an already loaded AWS configuration.
pub fn deps_from(env: &Env, sdk: &aws_config::SdkConfig) -> AwsDeps {
    let dynamo = Dynamo::new(aws_sdk_dynamodb::Client::new(sdk), env.tables.clone());
    Deps {
        config: dynamo.clone(),
        state: dynamo,
        fleet: AwsFleet::new(sdk),
        notifier: notifier(env),
        tuning: env.tuning.clone(),
    }
}

/// The webhook when `WEBHOOK_URL` is set, the logs otherwise.
pub fn notifier(env: &Env) -> ChatNotifier {
    match &env.webhook {
        Some(url) => ChatNotifier::Webhook(WebhookNotifier::new(url.clone(), env.format)),
        None => ChatNotifier::Log(LogNotifier),
    }
}

/// The bot over the pass's wiring: the one constructor both front ends use.
pub fn bot(env: &Env, deps: AwsDeps) -> AwsBot {
    Bot {
        store: deps.config,
        fleet: deps.fleet,
        notifier: deps.notifier,
        secrets: env.bot.clone(),
        zone: env.tuning.zone,
    }
}
