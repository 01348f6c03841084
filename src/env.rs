//! Configuration from the environment, shared by the Lambda and `schedctl`,
//! and the wiring of the AWS adapters it selects.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::aws::dynamodb::{Dynamo, Tables};
use crate::aws::{sdk_config, AwsFleet};
use crate::model::Defaults;
use crate::notify::{Format, LogNotifier, Message, WebhookNotifier};
use crate::pass::{Deps, PassSettings};
use crate::plan::Settings;
use crate::ports::Notifier;

/// A variable that is set but unusable; the message names it.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: {problem}")]
pub struct EnvError {
    pub name: &'static str,
    pub problem: String,
}

/// Everything the environment decides.
#[derive(Debug, Clone)]
pub struct Env {
    pub tables: Tables,
    pub pass: PassSettings,
    /// `WEBHOOK_URL` (a secret: never printed) and `WEBHOOK_FORMAT`.
    pub webhook: Option<String>,
    pub format: Format,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn number(name: &'static str, default: f64) -> Result<f64, EnvError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .ok_or(EnvError {
                name,
                problem: format!("{v:?} is not a non-negative number"),
            }),
    }
}

impl Env {
    pub fn from_env() -> Result<Env, EnvError> {
        let defaults = Tables::default();
        let tables = Tables {
            schedule: var("SCHEDULE_TABLE").unwrap_or(defaults.schedule),
            group: var("SERVER_GROUP_TABLE").unwrap_or(defaults.group),
            exception: var("EXCEPTION_TABLE").unwrap_or(defaults.exception),
            state: var("STATE_TABLE").unwrap_or(defaults.state),
        };
        let time_zone = match var("TIMEZONE") {
            None => chrono_tz::Asia::Seoul,
            Some(z) => z.trim().parse().map_err(|_| EnvError {
                name: "TIMEZONE",
                problem: format!("{z:?} is not an IANA time zone"),
            })?,
        };
        let format_text = var("WEBHOOK_FORMAT").unwrap_or_default();
        let format = Format::parse(&format_text).ok_or(EnvError {
            name: "WEBHOOK_FORMAT",
            problem: format!("{format_text:?} is not jandi, slack or teams"),
        })?;
        let warning_minutes = number("WARNING_MINUTES", 10.0)?;
        let pass = PassSettings {
            defaults: Defaults { time_zone },
            plan: Settings {
                warning: Duration::seconds((warning_minutes * 60.0) as i64),
                ..Settings::default()
            },
            budget: StdDuration::from_secs_f64(number("TIME_BUDGET_SECONDS", 120.0)?),
            poll: StdDuration::from_secs_f64(number("POLL_SECONDS", 10.0)?),
        };
        Ok(Env {
            tables,
            pass,
            webhook: var("WEBHOOK_URL"),
            format,
        })
    }
}

/// The webhook when `WEBHOOK_URL` is set, the logs otherwise.
#[derive(Debug)]
pub enum ChatNotifier {
    Webhook(WebhookNotifier),
    Log(LogNotifier),
}

impl Notifier for ChatNotifier {
    async fn send(&self, message: &Message) {
        match self {
            ChatNotifier::Webhook(w) => w.send(message).await,
            ChatNotifier::Log(l) => l.send(message).await,
        }
    }
}

/// The production wiring: DynamoDB, EC2 and RDS clients from one
/// `aws-config` load, and the notifier the environment selects.
pub type AwsDeps = Deps<Dynamo, Dynamo, AwsFleet, ChatNotifier>;

pub async fn aws_deps(env: &Env) -> AwsDeps {
    deps_from(env, &sdk_config().await)
}

/// The wiring over an already loaded AWS configuration.
pub fn deps_from(env: &Env, sdk: &aws_config::SdkConfig) -> AwsDeps {
    let dynamo = Dynamo::new(aws_sdk_dynamodb::Client::new(sdk), env.tables.clone());
    let notifier = match &env.webhook {
        Some(url) => ChatNotifier::Webhook(WebhookNotifier::new(url.clone(), env.format)),
        None => ChatNotifier::Log(LogNotifier),
    };
    Deps {
        config: dynamo.clone(),
        state: dynamo,
        fleet: AwsFleet::new(sdk),
        notifier,
        settings: env.pass.clone(),
    }
}
