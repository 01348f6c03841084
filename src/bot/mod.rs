//! Chat commands from the team topic: one request handler for Slack slash
//! commands and buttons, Mattermost slash commands and JANDI outgoing
//! webhooks, behind two thin front ends (`schedctl bot --listen` and the
//! bot Lambda behind a Function URL). It writes the same items as
//! `schedctl`, asks the scheduler for a pass when a start or stop cannot
//! wait, and changes no scheduling rule.
//!
//! A request goes: [`http::Route`] (once) -> [`inbound`] (read and
//! authenticate) -> [`cmd`] (parse the words, apply one command) -> the
//! answer in the chat's own format ([`reply`]); the announcement of a
//! change follows the answer.

pub mod auth;
mod cmd;
mod http;
mod inbound;
mod reply;

use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::i18n::Language;
use crate::links::PlanLinks;
use crate::message::{Level, Message};
use crate::ports::{ConfigStore, Fleet, Notifier, PassTrigger, ScheduleEditor, StateStore};
use crate::target::Target;
use crate::tr;
pub use auth::BotSecrets;
use http::Route;
pub use http::{HttpRequest, HttpResponse};

/// Largest body the bot reads (spec: 64 KiB; larger gets 413).
pub const MAX_BODY: usize = 64 * 1024;

/// How long an announcement may hold a Lambda's answer: Slack wants the
/// answer within 3 s, and the bot's own timeout is 10 s.
pub const ANNOUNCE_BUDGET: Duration = Duration::from_millis(1500);

/// What the bot works with.
pub struct Bot<E, S, F, N, T> {
    /// The configuration tables, read and edited.
    pub store: E,
    /// The state table, read for the holiday calendars' copies.
    pub state: S,
    /// The hub's own account in its region; what `status` describes when
    /// `targets` is empty.
    pub fleet: F,
    /// A hub's targets (`TARGETS`): `status` then counts each target's
    /// servers as its last pass saw them, from the state table (the bot
    /// holds no spoke role; the passes do, every five minutes).
    pub targets: Vec<Target>,
    /// The incoming webhook that announces changes.
    pub notifier: N,
    /// Asks the scheduler for a pass now.
    pub trigger: T,
    pub secrets: BotSecrets,
    /// Zone of schedules without a TimeZone.
    pub zone: Tz,
    pub lang: Language,
    /// Signed links to the week's page; `None`: `/plan` answers 404. An
    /// empty base: the links go under the host each request was sent to
    /// (the deployed bot cannot be told its own Function URL: the template
    /// would be circular).
    pub links: Option<PlanLinks>,
}

/// An answer, and the announcement of the change it made (if any), which
/// goes to the topic after the answer.
pub struct Handled {
    pub response: HttpResponse,
    pub announcement: Option<Message>,
}

impl<E, S, F, N, T> Bot<E, S, F, N, T>
where
    E: ConfigStore + ScheduleEditor,
    S: StateStore,
    F: Fleet,
    N: Notifier,
    T: PassTrigger,
{
    /// Answers one request and announces its change within
    /// [`ANNOUNCE_BUDGET`] (the Lambda front end: nothing runs after the
    /// answer is returned).
    pub async fn handle(&self, req: &HttpRequest, now: DateTime<Utc>) -> HttpResponse {
        let handled = self.answer(req, now).await;
        if let Some(m) = &handled.announcement {
            self.announce(m).await;
        }
        handled.response
    }

    /// `GET /plan`: the week's page, for a genuine unexpired link only.
    async fn week_page(&self, req: &HttpRequest, now: DateTime<Utc>) -> HttpResponse {
        if !req.method.eq_ignore_ascii_case("GET") {
            return HttpResponse::status(405, "GET only");
        }
        let Some(links) = &self.links else {
            return HttpResponse::status(404, "this route is not configured");
        };
        let only = match links.verify(&req.query, now) {
            Ok(only) => only,
            Err(why) => return HttpResponse::status(401, why),
        };
        match crate::page::load(
            &self.store,
            &self.state,
            &self.fleet,
            self.zone,
            now,
            only.as_deref(),
        )
        .await
        {
            Ok(page) => HttpResponse::html(crate::page::html(&page)),
            Err(e) => {
                tracing::error!(error = %e, "the week's page could not be read");
                HttpResponse::status(503, "the tables could not be read")
            }
        }
    }

    /// The page's links for an answer to `req`: under the configured base,
    /// else under the request's `host` (a Function URL is HTTPS only); none
    /// when that host is missing or is not a plain host name.
    fn links_for(&self, req: &HttpRequest) -> Option<PlanLinks> {
        let links = self.links.as_ref()?;
        if !links.base.is_empty() {
            return Some(links.clone());
        }
        let host = req.header("host")?.trim();
        let plain = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':');
        plain.then(|| links.under(&format!("https://{host}")))
    }

    /// Sends an announcement, giving up after [`ANNOUNCE_BUDGET`].
    pub async fn announce(&self, m: &Message) {
        if tokio::time::timeout(ANNOUNCE_BUDGET, self.notifier.send(m))
            .await
            .is_err()
        {
            tracing::warn!("announcement not sent within the budget");
        }
    }

    /// The answer to one request, and what to announce. Never panics;
    /// every path has an answer.
    pub async fn answer(&self, req: &HttpRequest, now: DateTime<Utc>) -> Handled {
        let only = |response| Handled {
            response,
            announcement: None,
        };
        let Some(route) = Route::parse(&req.path) else {
            return only(HttpResponse::status(404, "no such route"));
        };
        if !route.configured(&self.secrets, self.links.is_some()) {
            return only(HttpResponse::status(404, "this route is not configured"));
        }
        if route == Route::Plan {
            return only(self.week_page(req, now).await);
        }
        if !req.method.eq_ignore_ascii_case("POST") {
            return only(HttpResponse::status(405, "POST only"));
        }
        if req.body.len() > MAX_BODY {
            return only(HttpResponse::status(413, "body over 64 KiB"));
        }
        let inv = match inbound::read(route, req, &self.secrets, now) {
            Ok(inv) => inv,
            Err(resp) => return only(resp),
        };
        if let Some(allowed) = &self.secrets.allowed_users {
            if !allowed.contains(&inv.user) {
                tracing::warn!(user = %inv.user, "bot user not allowed");
                return only(reply::refusal(inv.chat, &tr!(self.lang, "not-allowed")));
            }
        }
        let answer = match &inv.postpone {
            Some(value) => cmd::postpone(self, value, &inv, now).await,
            None => match cmd::parse(&inv.text, self.lang) {
                Ok(command) => command.apply(self, &inv, now).await,
                Err(refusal) => Err(refusal),
            },
        };
        let answer = answer.map(|mut r| {
            if let (Some(links), true) = (self.links_for(req), r.link) {
                r.text = format!(
                    "{}\n{}",
                    r.text,
                    tr!(self.lang, "plan-link", url = links.link(None, now))
                );
            }
            r
        });
        match answer {
            Ok(r) => Handled {
                response: reply::answer(inv.chat, &r.text),
                announcement: r.announce.then(|| Message::new(Level::Ok, r.text)),
            },
            Err(refusal) => only(reply::refusal(inv.chat, &refusal)),
        }
    }
}
