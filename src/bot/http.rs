//! HTTP as both front ends hand it over (axum locally, the Function URL in
//! Lambda), and the bot's routes.

use serde_json::json;

use super::auth::BotSecrets;

/// An HTTP request as both front ends hand it over.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
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
            query: uri.query().unwrap_or_default().to_string(),
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

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl HttpResponse {
    /// The headers both front ends send: every answer is about now (the
    /// week's page behind a signed link included), so none is cached.
    pub fn headers(&self) -> [(&'static str, &'static str); 2] {
        [
            ("content-type", self.content_type),
            ("cache-control", "no-store"),
        ]
    }
}

impl HttpResponse {
    /// A status with a short JSON error body.
    pub(super) fn status(status: u16, text: &str) -> Self {
        Self::json(status, json!({ "error": text }).to_string())
    }

    pub(super) fn json(status: u16, body: String) -> Self {
        Self {
            status,
            content_type: "application/json",
            body,
        }
    }

    pub(super) fn html(body: String) -> Self {
        Self {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body,
        }
    }
}

/// The bot's routes (POST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Route {
    /// Slack slash commands, and Mattermost's on the same route.
    SlackCommands,
    /// Slack's interactive payloads (the warning's button).
    SlackActions,
    /// JANDI outgoing webhooks.
    Jandi,
    /// `GET /plan`: the week's page, with a signed link.
    Plan,
}

impl Route {
    pub fn parse(path: &str) -> Option<Route> {
        match path.trim_end_matches('/') {
            "/slack/commands" => Some(Route::SlackCommands),
            "/slack/actions" => Some(Route::SlackActions),
            "/jandi" => Some(Route::Jandi),
            "/plan" => Some(Route::Plan),
            _ => None,
        }
    }

    /// Whether the secret this route is checked with is set.
    pub fn configured(self, s: &BotSecrets, links: bool) -> bool {
        match self {
            Route::Plan => links,
            Route::SlackCommands => {
                s.slack_signing_secret.is_some() || s.mattermost_token.is_some()
            }
            Route::SlackActions => s.slack_signing_secret.is_some(),
            Route::Jandi => s.jandi_token.is_some(),
        }
    }
}
