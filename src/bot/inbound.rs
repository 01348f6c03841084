//! Who asked, from where, and what: the three chat products' requests read
//! and authenticated, each into one [`Invocation`].

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::auth::{self, BotSecrets};
use super::http::{HttpRequest, HttpResponse, Route};
use crate::notify::slack;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chat {
    Slack,
    Mattermost,
    Jandi,
}

impl Chat {
    pub fn as_str(self) -> &'static str {
        match self {
            Chat::Slack => "Slack",
            Chat::Mattermost => "Mattermost",
            Chat::Jandi => "JANDI",
        }
    }
}

/// One authenticated request.
pub(super) struct Invocation {
    pub chat: Chat,
    /// The id the allow-list names (Slack/Mattermost user id, JANDI e-mail).
    pub user: String,
    pub name: String,
    /// The channel or room.
    pub place: String,
    /// The command words, the chat's trigger already removed.
    pub text: String,
    /// A click on the warning's postpone button (its value), not typed text.
    pub postpone: Option<String>,
}

impl Invocation {
    /// `CreatedBy` of the items this request writes.
    pub fn created_by(&self) -> String {
        format!("{} ({} {})", self.name, self.chat.as_str(), self.place)
    }
}

/// Reads and authenticates a request of `route`.
pub(super) fn read(
    route: Route,
    req: &HttpRequest,
    secrets: &BotSecrets,
    now: DateTime<Utc>,
) -> Result<Invocation, HttpResponse> {
    match route {
        Route::SlackCommands => slash_command(req, secrets, now),
        Route::SlackActions => slack_action(req, secrets, now),
        Route::Jandi => jandi(req, secrets),
        Route::Plan => Err(HttpResponse::status(405, "GET only")),
    }
}

#[derive(Deserialize)]
struct SlashForm {
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

/// A Slack slash command (signed), or a Mattermost one (its token) on the
/// same route.
fn slash_command(
    req: &HttpRequest,
    s: &BotSecrets,
    now: DateTime<Utc>,
) -> Result<Invocation, HttpResponse> {
    let form: SlashForm = serde_urlencoded::from_bytes(&req.body)
        .map_err(|_| HttpResponse::status(400, "body is not a form"))?;
    let signed = req.header("x-slack-signature").is_some();
    let chat = match (&s.slack_signing_secret, &s.mattermost_token) {
        (Some(secret), mm) if signed || mm.is_none() => {
            if !slack_signed(secret, req, now) {
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

fn slack_signed(secret: &str, req: &HttpRequest, now: DateTime<Utc>) -> bool {
    auth::slack_signature_ok(
        secret,
        req.header("x-slack-request-timestamp"),
        req.header("x-slack-signature"),
        &req.body,
        now.timestamp(),
    )
}

/// A click on the warning's "Postpone 1 hour" button.
fn slack_action(
    req: &HttpRequest,
    s: &BotSecrets,
    now: DateTime<Utc>,
) -> Result<Invocation, HttpResponse> {
    let secret = s.slack_signing_secret.as_deref().unwrap_or_default();
    if !slack_signed(secret, req, now) {
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
}

/// A JANDI outgoing webhook: JSON with its token. As the original bot
/// did, the first word of `text` is the trigger (JANDI sends `keyword`
/// without the slash and `text` with it) and the rest is the command.
fn jandi(req: &HttpRequest, s: &BotSecrets) -> Result<Invocation, HttpResponse> {
    let body: JandiBody = serde_json::from_slice(&req.body)
        .map_err(|_| HttpResponse::status(400, "body is not JANDI JSON"))?;
    let token = s.jandi_token.as_deref().unwrap_or_default();
    if !auth::token_ok(token, body.token.as_deref()) {
        return Err(HttpResponse::status(401, "bad token"));
    }
    let text: Vec<&str> = body.text.split_whitespace().skip(1).collect();
    Ok(Invocation {
        chat: Chat::Jandi,
        user: body.writer_email,
        name: body.writer_name,
        place: body.room_name,
        text: text.join(" "),
        postpone: None,
    })
}
