//! Chat commands from the team topic: one request handler for Slack slash
//! commands and buttons, Mattermost slash commands and JANDI outgoing
//! webhooks, behind two thin front ends (`schedctl bot --listen` and the
//! bot Lambda behind a Function URL). It writes the same items as
//! `schedctl`, and changes no scheduling rule.

pub mod auth;
pub mod command;
pub mod serve;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::edit;
use crate::fleet::Power;
use crate::model::{Config, Defaults, ExceptionKind, ScheduleConfig, ScheduleException};
use crate::notify::{slack, Level, Message};
use crate::ports::{AwsError, ConfigStore, Fleet, Notifier, ScheduleEditor};
use crate::time::{self, Direction};
use command::{Command, USAGE};

/// Largest body the bot reads (spec: 64 KiB; larger gets 413).
pub const MAX_BODY: usize = 64 * 1024;

/// Secrets and the allow-list, from `SLACK_SIGNING_SECRET`,
/// `JANDI_OUTGOING_TOKEN`, `MATTERMOST_TOKEN` and `BOT_ALLOWED_USERS`.
/// Never logged: Debug shows only which are set.
#[derive(Clone, Default)]
pub struct BotSecrets {
    pub slack_signing_secret: Option<String>,
    pub jandi_token: Option<String>,
    pub mattermost_token: Option<String>,
    /// Slack user ids, Mattermost user ids and JANDI e-mails; `None`: anyone.
    pub allowed_users: Option<BTreeSet<String>>,
}

impl std::fmt::Debug for BotSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotSecrets")
            .field("slack", &self.slack_signing_secret.is_some())
            .field("jandi", &self.jandi_token.is_some())
            .field("mattermost", &self.mattermost_token.is_some())
            .field("allowed_users", &self.allowed_users)
            .finish()
    }
}

impl BotSecrets {
    pub fn from_env() -> BotSecrets {
        let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
        BotSecrets {
            slack_signing_secret: var("SLACK_SIGNING_SECRET"),
            jandi_token: var("JANDI_OUTGOING_TOKEN"),
            mattermost_token: var("MATTERMOST_TOKEN"),
            allowed_users: var("BOT_ALLOWED_USERS").map(|v| {
                v.split(',')
                    .map(|u| u.trim().to_string())
                    .filter(|u| !u.is_empty())
                    .collect()
            }),
        }
    }
}

/// An HTTP request as both front ends hand it over.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// From the `http` types both front ends hold (axum and lambda_http
    /// share the same `http` crate).
    pub fn from_http(
        method: &axum::http::Method,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        body: &[u8],
    ) -> HttpRequest {
        HttpRequest {
            method: method.to_string(),
            path: uri.path().to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        v.to_str().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
}

impl HttpResponse {
    fn status(status: u16, text: &str) -> Self {
        Self {
            status,
            body: json!({ "error": text }).to_string(),
        }
    }
}

/// What the bot works with.
pub struct Bot<E, F, N> {
    pub store: E,
    pub fleet: F,
    pub notifier: N,
    pub secrets: BotSecrets,
    pub defaults: Defaults,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chat {
    Slack,
    Mattermost,
    Jandi,
}

impl Chat {
    fn label(self) -> &'static str {
        match self {
            Chat::Slack => "Slack",
            Chat::Mattermost => "Mattermost",
            Chat::Jandi => "JANDI",
        }
    }
}

/// Who asked, from where, and what.
struct Invocation {
    chat: Chat,
    user: String,
    name: String,
    place: String,
    text: String,
    /// A button click rather than typed text.
    postpone: Option<String>,
}

impl Invocation {
    fn created_by(&self) -> String {
        format!("{} ({} {})", self.name, self.chat.label(), self.place)
    }
}

#[derive(Deserialize)]
struct SlackForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    user_name: String,
    #[serde(default)]
    channel_name: String,
    #[serde(default)]
    token: Option<String>,
}

#[derive(Deserialize)]
struct JandiBody {
    token: Option<String>,
    #[serde(rename = "roomName", default)]
    room_name: String,
    #[serde(rename = "writerName", default)]
    writer_name: String,
    #[serde(rename = "writerEmail", default)]
    writer_email: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    keyword: String,
}

/// A refusal or an error: answered as text, nothing written.
type Answer = Result<(String, Option<Message>), String>;

impl<E, F, N> Bot<E, F, N>
where
    E: ConfigStore + ScheduleEditor,
    F: Fleet,
    N: Notifier,
{
    /// Answers one request. Never panics; every path has an answer.
    pub async fn handle(&self, req: &HttpRequest, now: DateTime<Utc>) -> HttpResponse {
        let route = req.path.trim_end_matches('/');
        let chat = match route {
            "/slack/commands" | "/slack/actions" => Chat::Slack,
            "/jandi" => Chat::Jandi,
            _ => return HttpResponse::status(404, "no such route"),
        };
        let s = &self.secrets;
        let configured = match route {
            "/slack/commands" => s.slack_signing_secret.is_some() || s.mattermost_token.is_some(),
            "/slack/actions" => s.slack_signing_secret.is_some(),
            _ => s.jandi_token.is_some(),
        };
        if !configured {
            return HttpResponse::status(404, "this route is not configured");
        }
        if !req.method.eq_ignore_ascii_case("POST") {
            return HttpResponse::status(405, "POST only");
        }
        if req.body.len() > MAX_BODY {
            return HttpResponse::status(413, "body over 64 KiB");
        }
        let invocation = match route {
            "/slack/commands" => self.slack_command(req, now),
            "/slack/actions" => self.slack_action(req, now),
            _ => self.jandi(req),
        };
        let inv = match invocation {
            Ok(inv) => inv,
            Err(resp) => return resp,
        };
        let chat = if chat == Chat::Slack { inv.chat } else { chat };
        if let Some(allowed) = &s.allowed_users {
            if !allowed.contains(&inv.user) {
                tracing::warn!(user = %inv.user, "bot user not allowed");
                return reply(
                    chat,
                    false,
                    "Sorry, you are not allowed to change schedules from chat.",
                );
            }
        }
        let answer = match &inv.postpone {
            Some(value) => self.postpone(value, &inv, now).await,
            None => match command::parse(&inv.text) {
                Ok(cmd) => self.execute(cmd, &inv, now).await,
                Err(refusal) => Err(refusal),
            },
        };
        match answer {
            Ok((text, announcement)) => {
                if let Some(m) = announcement {
                    self.notifier.send(&m).await;
                }
                reply(chat, true, &text)
            }
            Err(refusal) => reply(chat, false, &refusal),
        }
    }

    fn slack_command(
        &self,
        req: &HttpRequest,
        now: DateTime<Utc>,
    ) -> Result<Invocation, HttpResponse> {
        let form: SlackForm = serde_urlencoded::from_bytes(&req.body)
            .map_err(|_| HttpResponse::status(400, "body is not a form"))?;
        let s = &self.secrets;
        let signed = req.header("x-slack-signature").is_some();
        let chat = match (&s.slack_signing_secret, &s.mattermost_token) {
            (Some(secret), mm) if signed || mm.is_none() => {
                if !self.slack_ok(secret, req, now) {
                    return Err(HttpResponse::status(401, "bad signature"));
                }
                Chat::Slack
            }
            (_, Some(token)) => {
                if !auth::token_ok(token, form.token.as_deref()) {
                    return Err(HttpResponse::status(401, "bad token"));
                }
                Chat::Mattermost
            }
            _ => return Err(HttpResponse::status(401, "bad signature")),
        };
        Ok(Invocation {
            chat,
            user: form.user_id,
            name: form.user_name,
            place: format!("#{}", form.channel_name),
            text: form.text,
            postpone: None,
        })
    }

    fn slack_ok(&self, secret: &str, req: &HttpRequest, now: DateTime<Utc>) -> bool {
        auth::slack_signature_ok(
            secret,
            req.header("x-slack-request-timestamp"),
            req.header("x-slack-signature"),
            &req.body,
            now.timestamp(),
        )
    }

    fn slack_action(
        &self,
        req: &HttpRequest,
        now: DateTime<Utc>,
    ) -> Result<Invocation, HttpResponse> {
        let secret = self
            .secrets
            .slack_signing_secret
            .as_deref()
            .unwrap_or_default();
        if !self.slack_ok(secret, req, now) {
            return Err(HttpResponse::status(401, "bad signature"));
        }
        #[derive(Deserialize)]
        struct Form {
            payload: String,
        }
        let form: Form = serde_urlencoded::from_bytes(&req.body)
            .map_err(|_| HttpResponse::status(400, "body is not a form with payload"))?;
        let payload: Value = serde_json::from_str(&form.payload)
            .map_err(|_| HttpResponse::status(400, "payload is not JSON"))?;
        let action = payload["actions"]
            .as_array()
            .and_then(|a| a.iter().find(|a| a["action_id"] == slack::POSTPONE_ACTION))
            .ok_or_else(|| HttpResponse::status(400, "no postpone action in the payload"))?;
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        Ok(Invocation {
            chat: Chat::Slack,
            user: text(&payload["user"]["id"]),
            name: text(&payload["user"]["username"]),
            place: format!("#{}", text(&payload["channel"]["name"])),
            text: String::new(),
            postpone: Some(text(&action["value"])),
        })
    }

    fn jandi(&self, req: &HttpRequest) -> Result<Invocation, HttpResponse> {
        let body: JandiBody = serde_json::from_slice(&req.body)
            .map_err(|_| HttpResponse::status(400, "body is not JANDI JSON"))?;
        let token = self.secrets.jandi_token.as_deref().unwrap_or_default();
        if !auth::token_ok(token, body.token.as_deref()) {
            return Err(HttpResponse::status(401, "bad token"));
        }
        let text = body.text.trim();
        let text = if !body.keyword.is_empty()
            && text
                .to_lowercase()
                .starts_with(&body.keyword.to_lowercase())
        {
            text[body.keyword.len()..].trim().to_string()
        } else {
            text.to_string()
        };
        Ok(Invocation {
            chat: Chat::Jandi,
            user: body.writer_email,
            name: body.writer_name,
            place: body.room_name,
            text,
            postpone: None,
        })
    }

    async fn config(&self) -> Result<Config, String> {
        let raw = ConfigStore::load(&self.store).await.map_err(store_error)?;
        Ok(Config::parse(&raw, &self.defaults))
    }

    fn schedule<'c>(config: &'c Config, name: &str) -> Result<&'c ScheduleConfig, String> {
        config.schedules.get(name).ok_or_else(|| {
            if config.errors.iter().any(|e| e.disables(name)) {
                format!(
                    "Schedule {name} is disabled by configuration errors (see schedctl validate)."
                )
            } else {
                format!("There is no schedule named {name}.")
            }
        })
    }

    async fn execute(&self, cmd: Command, inv: &Invocation, now: DateTime<Utc>) -> Answer {
        if matches!(cmd, Command::Help) {
            return Ok((USAGE.to_string(), None));
        }
        let config = self.config().await?;
        let who = inv.created_by();
        let announce = |text: String| Some(Message::new(Level::Ok, text));
        let today = |cfg: &ScheduleConfig| time::local_date(cfg.schedule.time_zone, now);
        match cmd {
            Command::Help => unreachable!("answered above"),
            Command::Status(name) => self.status(&config, name.as_deref(), now).await,
            Command::Extend(name, until) => {
                let cfg = Self::schedule(&config, &name)?;
                let (day, at) = edit::extend_target(cfg, now, until)?;
                self.write(&name, day, ExceptionKind::Stop, Some(until), &who, now)
                    .await?;
                let text = format!("[{name}] Stop moved to {} by {who}", local_text(cfg, at));
                Ok((text.clone(), announce(text)))
            }
            Command::Skip(name, date) => {
                let cfg = Self::schedule(&config, &name)?;
                let day = date.unwrap_or_else(|| today(cfg));
                not_past(cfg, day, now)?;
                self.write(&name, day, ExceptionKind::Start, None, &who, now)
                    .await?;
                let text = format!("[{name}] No start on {day}, by {who}");
                Ok((text.clone(), announce(text)))
            }
            Command::Start(name) => {
                Self::schedule(&config, &name)?;
                self.store
                    .set_force_start(&name, true)
                    .await
                    .map_err(store_error)?;
                let text = format!(
                    "[{name}] Start requested by {who}: the next pass starts its servers in order"
                );
                Ok((text.clone(), announce(text)))
            }
            Command::Stop(name) => {
                let cfg = Self::schedule(&config, &name)?;
                let (day, at) = edit::stop_now_target(cfg, now);
                self.write(&name, day, ExceptionKind::Stop, Some(at), &who, now)
                    .await?;
                let text = format!("[{name}] Stop requested by {who}: the next pass stops its servers in reverse order");
                Ok((text.clone(), announce(text)))
            }
            Command::Exceptions(name, date) => {
                let cfg = Self::schedule(&config, &name)?;
                let items = self.store.exceptions().await.map_err(store_error)?;
                let mut rows: Vec<ScheduleException> = items
                    .iter()
                    .filter_map(|i| ScheduleException::from_item(i).ok())
                    .filter(|x| x.schedule == name && date.is_none_or(|d| d == x.date))
                    .collect();
                rows.sort_by_key(|x| (x.date, x.kind));
                let (start, stop) = time::day_times(cfg, date.unwrap_or_else(|| today(cfg)));
                let mut text = format!(
                    "[{name}] {}: start {}, stop {} ({})",
                    date.unwrap_or_else(|| today(cfg)),
                    edit::clock_text(start),
                    edit::clock_text(stop),
                    cfg.schedule.time_zone.name()
                );
                if rows.is_empty() {
                    text.push_str("\nNo exceptions.");
                }
                for x in rows {
                    text.push_str(&format!(
                        "\n{} {} {}",
                        x.date,
                        x.kind.as_str(),
                        edit::clock_text(x.value)
                    ));
                }
                Ok((text, None))
            }
            Command::Cancel(name, date, kind) => {
                let cfg = Self::schedule(&config, &name)?;
                let day = date.unwrap_or_else(|| today(cfg));
                let n = edit::cancel_exceptions(&self.store, &name, day, kind)
                    .await
                    .map_err(store_error)?;
                if n == 0 {
                    return Err(format!("[{name}] There is no such exception on {day}."));
                }
                let what = kind.map(|k| k.as_str()).unwrap_or("all");
                let text = format!("[{name}] {what} exception on {day} removed by {who}");
                Ok((text.clone(), announce(text)))
            }
            Command::SetException(name, day, kind, value) => {
                let cfg = Self::schedule(&config, &name)?;
                not_past(cfg, day, now)?;
                self.write(&name, day, kind, value, &who, now).await?;
                let text = format!(
                    "[{name}] {} on {day} set to {} by {who}",
                    kind.as_str(),
                    edit::clock_text(value)
                );
                Ok((text.clone(), announce(text)))
            }
        }
    }

    async fn write(
        &self,
        schedule: &str,
        day: NaiveDate,
        kind: ExceptionKind,
        value: Option<chrono::NaiveTime>,
        who: &str,
        now: DateTime<Utc>,
    ) -> Result<String, String> {
        edit::replace_exception(&self.store, schedule, day, kind, value, who, now)
            .await
            .map_err(store_error)
    }

    /// The warning's button: that day's stop, 60 minutes later than it is now.
    async fn postpone(&self, value: &str, inv: &Invocation, now: DateTime<Utc>) -> Answer {
        let mut parts = value.split('|');
        let (Some(name), Some(date)) = (parts.next(), parts.next()) else {
            return Err("The button's value is not SCHEDULE|DATE|TIME.".into());
        };
        let day = crate::model::parse_date_text(date)?;
        let config = self.config().await?;
        let cfg = Self::schedule(&config, name)?;
        let stop = time::day_stop(cfg, day)
            .ok_or_else(|| format!("[{name}] has no stop on {day} to postpone."))?;
        let until = (stop.local + Duration::hours(1)).time();
        let (target_day, at) = edit::extend_target(cfg, now, until)?;
        let who = inv.created_by();
        self.write(
            name,
            target_day,
            ExceptionKind::Stop,
            Some(until),
            &who,
            now,
        )
        .await?;
        let text = format!(
            "[{name}] Stop postponed to {} by {who}",
            local_text(cfg, at)
        );
        Ok((text.clone(), Some(Message::new(Level::Ok, text))))
    }

    async fn status(&self, config: &Config, name: Option<&str>, now: DateTime<Utc>) -> Answer {
        if let Some(n) = name {
            Self::schedule(config, n)?;
        }
        let fleet = self.fleet.describe().await.map_err(store_error)?;
        let mut lines = Vec::new();
        for cfg in config
            .schedules
            .values()
            .filter(|c| name.is_none_or(|n| n == c.schedule.name))
        {
            let mine: Vec<_> = fleet
                .iter()
                .filter(|i| i.schedule_tag.as_deref() == Some(cfg.schedule.tag_value.as_str()))
                .collect();
            let running = mine
                .iter()
                .filter(|i| matches!(i.power(), Power::Up | Power::Starting))
                .count();
            let stopped = mine
                .iter()
                .filter(|i| matches!(i.power(), Power::Down | Power::Stopping))
                .count();
            let next = |k| {
                time::next_event(cfg, now, k)
                    .map(|e| e.local.format("%a %m-%d %H:%M").to_string())
                    .unwrap_or_else(|| "none".into())
            };
            lines.push(format!(
                "[{}] {running} running, {stopped} stopped; next start {}, next stop {} ({}){}",
                cfg.schedule.name,
                next(Direction::Start),
                next(Direction::Stop),
                cfg.schedule.time_zone.name(),
                if cfg.schedule.enabled {
                    ""
                } else {
                    "; disabled"
                }
            ));
        }
        if lines.is_empty() {
            lines.push("No schedules.".into());
        }
        Ok((lines.join("\n"), None))
    }
}

fn store_error(e: AwsError) -> String {
    tracing::error!(error = %e, "bot could not reach the tables");
    format!(
        "Could not reach the schedule tables ({}); nothing was changed.",
        e.code
    )
}

fn local_text(cfg: &ScheduleConfig, at: DateTime<Utc>) -> String {
    let tz = cfg.schedule.time_zone;
    format!(
        "{} {}",
        at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz.name()
    )
}

fn not_past(cfg: &ScheduleConfig, day: NaiveDate, now: DateTime<Utc>) -> Result<(), String> {
    if day < time::local_date(cfg.schedule.time_zone, now) {
        return Err(format!("{day} is in the past."));
    }
    Ok(())
}

/// The answer in the route's own format.
fn reply(chat: Chat, ok: bool, text: &str) -> HttpResponse {
    let body = match chat {
        Chat::Slack | Chat::Mattermost => json!({"response_type": "in_channel", "text": text}),
        Chat::Jandi => json!({
            "body": text,
            "connectColor": if ok { Level::Ok.color() } else { Level::Error.color() },
            "connectInfo": []
        }),
    };
    HttpResponse {
        status: 200,
        body: body.to_string(),
    }
}
