//! Configuration from the environment, shared by the Lambda, the bot and
//! `schedctl`: table names, the pass's tuning, the webhook and the bot's
//! secrets. It only reads; `wiring` builds the adapters from it.

use std::time::Duration as StdDuration;

use chrono::Duration;

use crate::aws::dynamodb::Tables;
use crate::bot::BotSecrets;
use crate::fleet::SCHEDULE_TAG;
use crate::i18n::Language;
use crate::links::PlanLinks;
use crate::notify::Format;
use crate::pass::Tuning;
use crate::plan::Timing;
use crate::say::Voice;
use crate::target::Target;

/// Longest warning lead: a day.
const MAX_WARNING_MINUTES: f64 = 24.0 * 60.0;
/// Longest budget or poll: Lambda's own 15-minute limit.
const MAX_LAMBDA_SECONDS: f64 = 900.0;

/// A variable that is set but unusable; the message names it.
#[derive(Debug, thiserror::Error)]
#[error("environment variable {name}: {problem}")]
pub struct EnvError {
    pub name: &'static str,
    pub problem: String,
}

/// Everything the environment decides. Debug hides the secrets.
#[derive(Clone)]
pub struct Env {
    pub tables: Tables,
    pub tuning: Tuning,
    /// `WEBHOOK_URL`: a secret (the URL is the credential), never printed.
    pub webhook: Option<String>,
    pub format: Format,
    pub bot: BotSecrets,
    /// `SCHEDULER_FUNCTION`: the function the bot asks for a pass now.
    pub scheduler_function: Option<String>,
    /// What the page's links are keyed by (a secret).
    link_secret: Option<String>,
    /// `EMIT_EVENTS`: put scheduling events on the default EventBridge bus.
    pub emit_events: bool,
    /// `TARGETS`: a hub's account-regions; empty: a single deployment.
    pub targets: Vec<Target>,
    /// `TARGET_EXTERNAL_ID`: the external id the spoke roles ask for.
    pub target_external_id: Option<String>,
    /// `ALLOW_PRIVATE_FEEDS`: holiday feeds may be on private, loopback
    /// and link-local addresses (a feed inside the VPC; tests).
    pub allow_private_feeds: bool,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("tables", &self.tables)
            .field("tuning", &self.tuning)
            .field("webhook", &self.webhook.as_ref().map(|_| "<secret>"))
            .field("format", &self.format)
            .field("bot", &self.bot)
            .field("scheduler_function", &self.scheduler_function)
            .field(
                "link_secret",
                &self.link_secret.as_ref().map(|_| "<secret>"),
            )
            .field("emit_events", &self.emit_events)
            .field("targets", &self.targets)
            .field(
                "target_external_id",
                &self.target_external_id.as_ref().map(|_| "<set>"),
            )
            .field("allow_private_feeds", &self.allow_private_feeds)
            .finish()
    }
}

impl Env {
    /// Links to the week's page under `base`, when a secret can key them.
    pub fn plan_links(&self, base: &str) -> Option<PlanLinks> {
        self.link_secret.as_deref().map(|s| PlanLinks::new(base, s))
    }

    /// From the process environment.
    pub fn from_env() -> Result<Env, EnvError> {
        Env::read(|name| std::env::var(name).ok())
    }

    /// From any lookup of variables by name (tests give a map).
    pub fn read(lookup: impl Fn(&str) -> Option<String>) -> Result<Env, EnvError> {
        let vars = Vars(&lookup);
        let format_text = vars.get("WEBHOOK_FORMAT").unwrap_or_default();
        let format = Format::parse(&format_text).ok_or(EnvError {
            name: "WEBHOOK_FORMAT",
            problem: format!("{format_text:?} is not jandi, slack or teams"),
        })?;
        let mut tuning = vars.tuning()?;
        let bot = vars.bot_secrets();
        // The page's links: under BOT_URL, keyed by PLAN_LINK_SECRET or the
        // first bot secret set (the bot, without BOT_URL, keys them the same
        // under the host it is called at: see `wiring::lambda_bot`).
        let link_secret = vars
            .get("PLAN_LINK_SECRET")
            .or_else(|| bot.slack_signing_secret.clone())
            .or_else(|| bot.jandi_token.clone())
            .or_else(|| bot.mattermost_token.clone());
        tuning.voice.links = match (vars.get("BOT_URL"), &link_secret) {
            (Some(base), Some(secret)) => Some(PlanLinks::new(&base, secret)),
            _ => None,
        };
        let targets =
            Target::parse_list(&vars.get("TARGETS").unwrap_or_default()).map_err(|problem| {
                EnvError {
                    name: "TARGETS",
                    problem,
                }
            })?;
        tuning.hub = targets.clone();
        Ok(Env {
            tables: vars.tables(),
            tuning,
            webhook: vars.get("WEBHOOK_URL"),
            format,
            bot,
            scheduler_function: vars.get("SCHEDULER_FUNCTION"),
            link_secret,
            emit_events: vars.flag("EMIT_EVENTS")?,
            targets,
            target_external_id: vars.get("TARGET_EXTERNAL_ID"),
            allow_private_feeds: vars.flag("ALLOW_PRIVATE_FEEDS")?,
        })
    }
}

impl<L: Fn(&str) -> Option<String>> Vars<'_, L> {
    fn tables(&self) -> Tables {
        let defaults = Tables::default();
        Tables {
            schedule: self.get("SCHEDULE_TABLE").unwrap_or(defaults.schedule),
            group: self.get("SERVER_GROUP_TABLE").unwrap_or(defaults.group),
            exception: self.get("EXCEPTION_TABLE").unwrap_or(defaults.exception),
            state: self.get("STATE_TABLE").unwrap_or(defaults.state),
            usage: self.get("USAGE_TABLE").unwrap_or(defaults.usage),
        }
    }

    /// The pass's settings (without the page's links, read with the secrets).
    fn tuning(&self) -> Result<Tuning, EnvError> {
        let zone = match self.get("TIMEZONE") {
            None => chrono_tz::Asia::Seoul,
            Some(z) => z.trim().parse().map_err(|_| EnvError {
                name: "TIMEZONE",
                problem: format!("{z:?} is not an IANA time zone"),
            })?,
        };
        let warning_minutes = match self.get("WARNING_MINUTES") {
            Some(_) => self.number("WARNING_MINUTES", 10.0, MAX_WARNING_MINUTES)?,
            None => self.number("STOP_ALERT_BEFORE_TIME_MINUTE", 10.0, MAX_WARNING_MINUTES)?,
        };
        let language_text = self.get("MESSAGE_LANGUAGE").unwrap_or_default();
        let lang = Language::parse(&language_text).ok_or(EnvError {
            name: "MESSAGE_LANGUAGE",
            problem: format!("{language_text:?} is not en or ko"),
        })?;
        let keyword = self.get("BOT_KEYWORD").map(|k| {
            let k = k.trim();
            if k.starts_with('/') {
                k.to_string()
            } else {
                format!("/{k}")
            }
        });
        Ok(Tuning {
            zone,
            timing: Timing {
                warning: Duration::seconds((warning_minutes * 60.0) as i64),
                schedule_tag: self.schedule_tag()?,
                ..Timing::default()
            },
            budget: StdDuration::from_secs_f64(self.number(
                "TIME_BUDGET_SECONDS",
                120.0,
                MAX_LAMBDA_SECONDS,
            )?),
            poll: StdDuration::from_secs_f64(self.number(
                "POLL_SECONDS",
                10.0,
                MAX_LAMBDA_SECONDS,
            )?),
            voice: Voice {
                lang,
                keyword,
                links: None,
                place: None,
            },
            tag_instances: self.flag("TAG_INSTANCES")?,
            target: None,
            hub: Vec::new(),
            region: String::new(),
            weekly_report: self.flag("WEEKLY_REPORT")?,
            show_servers: true,
        })
    }

    /// `SCHEDULE_TAG_KEY` [`ScheduleName`], so a fleet tagged for another
    /// scheduler (`Schedule=...`) needs no retagging: a key EC2 and RDS accept
    /// (1-128 characters, not the reserved `aws:` prefix).
    fn schedule_tag(&self) -> Result<String, EnvError> {
        let Some(key) = self.get("SCHEDULE_TAG_KEY") else {
            return Ok(SCHEDULE_TAG.to_string());
        };
        let key = key.trim();
        if key.chars().count() > 128 || key.to_ascii_lowercase().starts_with("aws:") {
            return Err(EnvError {
                name: "SCHEDULE_TAG_KEY",
                problem: format!("{key:?} is not a tag key (at most 128 characters, not aws:...)"),
            });
        }
        Ok(key.to_string())
    }

    fn bot_secrets(&self) -> BotSecrets {
        BotSecrets {
            slack_signing_secret: self.get("SLACK_SIGNING_SECRET"),
            jandi_token: self
                .get("JANDI_OUTGOING_TOKEN")
                .or_else(|| self.get("OUTGOING_WEBHOOK_TOKEN")),
            mattermost_token: self.get("MATTERMOST_TOKEN"),
            allowed_users: self.get("BOT_ALLOWED_USERS").map(|v| {
                v.split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect()
            }),
        }
    }
}

/// The lookup, with blank values counted as unset.
struct Vars<'a, L>(&'a L);

impl<L: Fn(&str) -> Option<String>> Vars<'_, L> {
    fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.trim().is_empty())
    }

    /// `true` or `false` (any case; unset is false).
    fn flag(&self, name: &'static str) -> Result<bool, EnvError> {
        match self.get(name).map(|v| v.trim().to_ascii_lowercase()) {
            None => Ok(false),
            Some(v) if v == "true" || v == "1" || v == "yes" => Ok(true),
            Some(v) if v == "false" || v == "0" || v == "no" => Ok(false),
            Some(v) => Err(EnvError {
                name,
                problem: format!("{v:?} is not true or false"),
            }),
        }
    }

    /// A number from 0 to `max`: larger values would overflow the time
    /// arithmetic (and mean nothing for a five-minute tick).
    fn number(&self, name: &'static str, default: f64, max: f64) -> Result<f64, EnvError> {
        match self.get(name) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && (0.0..=max).contains(n))
                .ok_or(EnvError {
                    name,
                    problem: format!("{v:?} is not a number from 0 to {max}"),
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Env, EnvError> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Env::read(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let e = env(&[]).unwrap();
        assert_eq!(e.tables, Tables::default());
        assert_eq!(e.tuning.zone, chrono_tz::Asia::Seoul);
        assert_eq!(e.tuning.timing.warning, Duration::minutes(10));
        assert_eq!(e.format, Format::Jandi);
        assert!(e.webhook.is_none() && e.bot.allowed_users.is_none());
        assert_eq!(e.tuning.timing.schedule_tag, "ScheduleName");
    }

    #[test]
    fn the_schedule_tag_key_can_be_another_schedulers() {
        let e = env(&[("SCHEDULE_TAG_KEY", " Schedule ")]).unwrap();
        assert_eq!(e.tuning.timing.schedule_tag, "Schedule");
    }

    #[test]
    fn unusable_values_are_refused_by_name() {
        for (name, value) in [
            ("TIMEZONE", "Mars/Olympus"),
            ("WEBHOOK_FORMAT", "discord"),
            ("WARNING_MINUTES", "-5"),
            ("TIME_BUDGET_SECONDS", "soon"),
            ("POLL_SECONDS", "NaN"),
            ("STOP_ALERT_BEFORE_TIME_MINUTE", "ten"),
            ("MESSAGE_LANGUAGE", "klingon"),
            ("TARGETS", "account-2@eu-west-1"),
            ("SCHEDULE_TAG_KEY", "aws:cloudformation:stack-name"),
        ] {
            let e = env(&[(name, value)]).unwrap_err();
            assert_eq!(e.name, name);
            assert!(e.to_string().contains(value), "{e}");
        }
    }

    #[test]
    fn huge_numbers_are_refused_not_a_panic() {
        for name in [
            "WARNING_MINUTES",
            "STOP_ALERT_BEFORE_TIME_MINUTE",
            "TIME_BUDGET_SECONDS",
            "POLL_SECONDS",
        ] {
            for value in ["1e300", "99999999999999999999", "153722867280912931"] {
                let e = env(&[(name, value)]).unwrap_err();
                assert_eq!(e.name, name);
            }
        }
        assert!(env(&[("WARNING_MINUTES", "1440"), ("TIME_BUDGET_SECONDS", "900")]).is_ok());
    }

    proptest::proptest! {
        /// Whatever text any variable holds, reading the environment
        /// answers (an error naming the variable, or a configuration).
        #[test]
        fn any_environment_reads_without_a_panic(
            values in proptest::collection::vec(proptest::string::string_regex("[ -~]{0,24}").unwrap(), 12)
        ) {
            let names = [
                "WARNING_MINUTES", "STOP_ALERT_BEFORE_TIME_MINUTE", "TIME_BUDGET_SECONDS",
                "POLL_SECONDS", "TIMEZONE", "WEBHOOK_FORMAT", "MESSAGE_LANGUAGE", "TARGETS",
                "EMIT_EVENTS", "TAG_INSTANCES", "BOT_URL", "BOT_KEYWORD",
            ];
            let pairs: Vec<(&str, &str)> =
                names.iter().copied().zip(values.iter().map(String::as_str)).collect();
            let _ = env(&pairs);
        }
    }

    #[test]
    fn the_original_tools_names_keep_working() {
        let e = env(&[
            ("OUTGOING_WEBHOOK_TOKEN", "jandi-token"),
            ("STOP_ALERT_BEFORE_TIME_MINUTE", "15"),
        ])
        .unwrap();
        assert_eq!(e.bot.jandi_token.as_deref(), Some("jandi-token"));
        assert_eq!(e.tuning.timing.warning, Duration::minutes(15));
        let ours = env(&[
            ("JANDI_OUTGOING_TOKEN", "new"),
            ("OUTGOING_WEBHOOK_TOKEN", "old"),
            ("WARNING_MINUTES", "5"),
            ("STOP_ALERT_BEFORE_TIME_MINUTE", "15"),
        ])
        .unwrap();
        assert_eq!(ours.bot.jandi_token.as_deref(), Some("new"));
        assert_eq!(ours.tuning.timing.warning, Duration::minutes(5));
    }

    #[test]
    fn language_and_keyword() {
        let e = env(&[("MESSAGE_LANGUAGE", "ko"), ("BOT_KEYWORD", "서버")]).unwrap();
        assert_eq!(e.tuning.voice.lang, Language::Ko);
        assert_eq!(e.tuning.voice.keyword.as_deref(), Some("/서버"));
        assert_eq!(env(&[]).unwrap().tuning.voice, Voice::default());
    }

    #[test]
    fn blank_values_count_as_unset_and_lists_are_trimmed() {
        let e = env(&[("WEBHOOK_URL", "  "), ("BOT_ALLOWED_USERS", " U1, ,a@b.c ")]).unwrap();
        assert!(e.webhook.is_none());
        let users: Vec<&String> = e.bot.allowed_users.as_ref().unwrap().iter().collect();
        assert_eq!(users, ["U1", "a@b.c"]);
    }

    #[test]
    fn debug_hides_the_webhook_url_and_secrets() {
        let e = env(&[
            ("WEBHOOK_URL", "https://hooks.example/secret-path"),
            ("SLACK_SIGNING_SECRET", "s3cr3t"),
        ])
        .unwrap();
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("secret-path") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }
}
