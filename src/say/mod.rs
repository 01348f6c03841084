//! Every sentence the scheduler tells the chat topic, in the language
//! `MESSAGE_LANGUAGE` chooses (the words are in `locales/`), with times in
//! the schedule's own zone: a pass's messages here, what a transition
//! waits for ([`wait`]), the weekly report ([`weekly`]). The bot's answers
//! come from the same files, through the same [`Voice`].

use chrono::Duration;
use serde_json::Value;

use crate::i18n::Language;
use crate::links::PlanLinks;
use crate::message::{Level, Message, Postpone};
use crate::model::{Direction, GLOBAL_KEY};
use crate::plan::{Action, Notice, SchedulePlan, Server, Warning};
use crate::ports::CallError;
use crate::tr;

mod wait;
pub mod weekly;

pub use wait::wait;

/// How the scheduler speaks: its language, and the chat command that
/// answers it (the bot's keyword, e.g. `/sched`; none without a bot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voice {
    pub lang: Language,
    pub keyword: Option<String>,
    /// Signed links to the week's page (`BOT_URL` and a bot secret set).
    pub links: Option<PlanLinks>,
    /// The account and region of a hub's target, named with each schedule.
    pub place: Option<String>,
}

impl Voice {
    /// How messages name a schedule: `dev`, or `dev · 111111111111 eu-west-1`
    /// for a hub's target.
    pub fn label(&self, schedule: &str) -> String {
        match &self.place {
            Some(place) => format!("{schedule} · {place}"),
            None => schedule.to_string(),
        }
    }

    /// `text`, after `[place] ` for a hub's target.
    pub fn placed(&self, text: String) -> String {
        match &self.place {
            Some(place) => format!("[{place}] {text}"),
            None => text,
        }
    }
}

/// `web-1 (i-0abc, t3.micro)`: a server as the messages name it.
pub fn describe(t: &Server) -> String {
    let mut inside: Vec<&str> = Vec::with_capacity(2);
    if t.name != t.id {
        inside.push(&t.id);
    }
    inside.extend(t.spec.as_deref());
    match (t.name == t.id, inside.is_empty()) {
        (_, true) => t.name.to_string(),
        (true, false) => format!("{} ({})", t.id, inside.join(", ")),
        (false, false) => format!("{} ({})", t.name, inside.join(", ")),
    }
}

pub(super) fn direction(lang: Language, d: Direction) -> String {
    match d {
        Direction::Start => tr!(lang, "start"),
        Direction::Stop => tr!(lang, "stop"),
    }
}

/// `web-1 (i-1, t3.micro) until 2026-11-30 23:30` for each held server.
fn held_lines(lang: Language, running: &[Server]) -> Vec<String> {
    running
        .iter()
        .filter_map(|s| {
            let until = s.held_until.as_deref()?;
            Some(tr!(
                lang,
                "warning-held-line",
                server = describe(s),
                until = until
            ))
        })
        .collect()
}

/// One message for the groups a schedule starts or stops in this round.
pub fn actions(voice: &Voice, sp: &SchedulePlan, actions: &[&Action]) -> Option<Message> {
    let lang = voice.lang;
    let first = actions.first()?;
    let groups: Vec<&str> = actions.iter().map(|a| a.group.as_str()).collect();
    let total = sp.wave_count.max(1);
    let (groups, schedule) = (groups.join(", "), voice.label(&sp.schedule));
    let text = match first.direction {
        Direction::Start => match &sp.ready_by {
            Some(r) => tr!(
                lang,
                "starting-ready-by",
                schedule = schedule,
                groups = groups,
                wave = first.wave + 1,
                total = total,
                starts = &r.starts,
                ready = &r.ready
            ),
            None => tr!(
                lang,
                "starting",
                schedule = schedule,
                groups = groups,
                wave = first.wave + 1,
                total = total
            ),
        },
        Direction::Stop => {
            tr!(
                lang,
                "stopping",
                schedule = schedule,
                groups = groups,
                wave = total - first.wave,
                total = total
            )
        }
    };
    let mut m = Message::new(Level::Ok, text);
    for a in actions {
        let lines: Vec<String> = a.instances.iter().map(describe).collect();
        let kind = a.instances.first().map(|t| t.kind.as_str()).unwrap_or("");
        m = m.field(
            tr!(
                lang,
                "group-servers",
                group = &a.group,
                count = lines.len(),
                kind = kind
            ),
            lines.join("\n"),
        );
    }
    Some(m)
}

/// The stop warning, with the ways to postpone it: the chat command when
/// there is a bot, `schedctl`, and the item to write by hand.
pub fn warning(voice: &Voice, sp: &SchedulePlan, w: &Warning) -> Message {
    let lang = voice.lang;
    let at = w.stop.local.format("%H:%M").to_string();
    let later = (w.stop.local + Duration::hours(1))
        .format("%H:%M")
        .to_string();
    let date = w.stop.day.format("%Y-%m-%d").to_string();
    let names: Vec<String> = w
        .running
        .iter()
        .filter(|s| s.held_until.is_none())
        .map(describe)
        .collect();
    let held = held_lines(lang, &w.running);
    // In the order of the original tool's README, each value JSON-quoted.
    let item = format!(
        "{{\"ExceptionUuid\": \"<new uuid>\", \"ScheduleName\": {}, \"ExceptionDate\": \"{date}\", \"ExceptionType\": \"stop\", \"ExceptionValue\": \"{later}\"}}",
        Value::from(sp.schedule.as_str())
    );
    let text = tr!(
        lang,
        "warning",
        schedule = voice.label(&sp.schedule),
        servers = tr!(lang, "servers", count = names.len()),
        at = at,
        zone = sp.time_zone.as_deref().unwrap_or(""),
        minutes = w.minutes
    );
    let mut m =
        Message::new(Level::Warning, text).field(tr!(lang, "warning-running"), names.join("\n"));
    if !held.is_empty() {
        m = m.field(tr!(lang, "warning-held"), held.join("\n"));
    }
    if let Some(keyword) = &voice.keyword {
        m = m.field(
            tr!(lang, "warning-in-chat"),
            format!("{keyword} extend {} {later}", sp.schedule),
        );
    }
    m = m
        .field(
            tr!(lang, "warning-cli"),
            format!("schedctl extend {} --until {later}", sp.schedule),
        )
        .field(tr!(lang, "warning-item"), item);
    if let Some(links) = &voice.links {
        m = m.field(
            tr!(lang, "warning-week"),
            links.link(
                Some(&sp.schedule),
                w.stop.at - chrono::Duration::minutes(w.minutes),
            ),
        );
    }
    m.postpone = Some(Postpone {
        schedule: sp.schedule.clone(),
        date,
        until: later,
        label: tr!(lang, "postpone-button"),
    });
    m
}

/// Most servers a message lists by name: a chat message stays readable
/// (and under the chats' size limits) however large the fleet.
const MAX_LISTED: usize = 30;

/// One server a line, the rest counted.
fn listed(servers: &[String]) -> String {
    let mut lines: Vec<&str> = servers
        .iter()
        .take(MAX_LISTED)
        .map(String::as_str)
        .collect();
    let more = servers.len().saturating_sub(MAX_LISTED);
    let tail = format!("… +{more}");
    if more > 0 {
        lines.push(&tail);
    }
    lines.join("\n")
}

/// One notice of `schedule` (or of no schedule: [`GLOBAL_KEY`]).
pub fn notice(voice: &Voice, schedule: &str, n: &Notice) -> Message {
    let lang = voice.lang;
    let who = if schedule == GLOBAL_KEY {
        voice.label(&tr!(lang, "configuration"))
    } else {
        voice.label(schedule)
    };
    let each = |m: Message, title: String, lines: &[String]| {
        lines
            .iter()
            .fold(m, |m, l| m.field(title.clone(), l.clone()))
    };
    match n {
        Notice::Errors { lines } => each(
            Message::new(Level::Error, tr!(lang, "config-error", who = &who)),
            tr!(lang, "config-error-field"),
            lines,
        ),
        Notice::Fixed => Message::new(Level::Ok, tr!(lang, "config-fixed", who = &who)),
        Notice::Stalled {
            direction: d,
            waiting,
        } => {
            let lines: Vec<String> = waiting.iter().map(|w| wait(lang, w)).collect();
            Message::new(
                Level::Error,
                tr!(lang, "stalled", who = &who, direction = direction(lang, *d)),
            )
            .field(tr!(lang, "stalled-waiting"), lines.join("\n"))
        }
        Notice::NotReady {
            group,
            check,
            minutes,
            said,
        } => Message::new(
            Level::Error,
            tr!(
                lang,
                "not-ready",
                who = &who,
                group = group,
                minutes = *minutes
            ),
        )
        .field(tr!(lang, "not-ready-check"), check.clone())
        .field(tr!(lang, "not-ready-said"), said.clone()),
        Notice::Late { ready, minutes } => Message::new(
            Level::Warning,
            tr!(lang, "late", who = &who, ready = ready, minutes = *minutes),
        ),
        Notice::Ungrouped { key, tag, servers } => Message::new(
            Level::Warning,
            tr!(
                lang,
                "ungrouped",
                who = &who,
                servers = tr!(lang, "servers", count = servers.len()),
                key = key,
                tag = tag
            ),
        )
        .field(tr!(lang, "ungrouped-field"), listed(servers)),
        Notice::CommandFailed {
            direction: d,
            group,
            servers,
            code,
            message,
            tries,
        } => {
            let names: Vec<String> = servers.iter().map(describe).collect();
            let direction = direction(lang, *d);
            let text = match (names.as_slice(), *tries) {
                ([one], 1) => tr!(
                    lang,
                    "could-not",
                    schedule = &who,
                    direction = direction,
                    server = one,
                    group = group
                ),
                ([one], tries) => tr!(
                    lang,
                    "still-failing",
                    schedule = &who,
                    direction = direction,
                    server = one,
                    group = group,
                    tries = tries
                ),
                (many, _) => tr!(
                    lang,
                    "could-not-many",
                    schedule = &who,
                    direction = direction,
                    count = many.len(),
                    group = group
                ),
            };
            let mut m = Message::new(Level::Error, text).field(code.clone(), message.clone());
            if names.len() > 1 {
                m = m.field(tr!(lang, "ungrouped-field"), names.join("\n"));
            }
            m
        }
    }
}

pub fn force_start_not_reset(voice: &Voice, schedule: &str, e: &CallError) -> Message {
    let who = voice.label(schedule);
    call_failed(tr!(voice.lang, "force-start-not-reset", schedule = who), e)
}

/// A schedule's state could not be written: it sits this pass out.
pub fn state_not_saved(voice: &Voice, schedule: &str, e: &CallError) -> Message {
    let who = voice.label(schedule);
    call_failed(tr!(voice.lang, "state-not-saved", schedule = who), e)
}

/// An error saying `text`, with the failed call's code and message as its
/// field.
fn call_failed(text: String, e: &CallError) -> Message {
    Message::new(Level::Error, text).field(e.code.clone(), e.message.clone())
}

/// A holiday calendar could not be read (told once per failure). Only that:
/// why (a status, a timeout) is logged, so chat cannot be used to probe
/// ports.
pub fn calendar_failing(
    voice: &Voice,
    url: &str,
    loaded_at: Option<chrono::DateTime<chrono::Utc>>,
) -> Message {
    let lang = voice.lang;
    let text = match loaded_at {
        Some(at) => tr!(
            lang,
            "calendar-failing",
            url = url,
            since = at.format("%Y-%m-%d").to_string()
        ),
        None => tr!(lang, "calendar-never-loaded", url = url),
    };
    Message::new(Level::Error, text)
}

/// A holiday calendar that failed was fetched again.
pub fn calendar_recovered(voice: &Voice, url: &str) -> Message {
    Message::new(Level::Ok, tr!(voice.lang, "calendar-recovered", url = url))
}

/// The pass could not run at all (a table, an API or a target's role out
/// of reach).
pub fn pass_failed(voice: &Voice, e: &CallError) -> Message {
    Message::new(Level::Error, voice.placed(tr!(voice.lang, "pass-failed")))
        .field(format!("{} ({})", e.operation, e.code), e.message.clone())
}

/// A pass ran again after passes that failed.
pub fn pass_recovered(voice: &Voice) -> Message {
    Message::new(Level::Ok, voice.placed(tr!(voice.lang, "pass-recovered")))
}

/// Everything a schedule's plan owes the chat topic this round, in order:
/// notices, the start or stop, the warning.
pub fn schedule_messages(voice: &Voice, sp: &SchedulePlan) -> Vec<Message> {
    let mut out: Vec<Message> = sp
        .notices
        .iter()
        .map(|n| notice(voice, &sp.schedule, n))
        .collect();
    let started: Vec<&Action> = sp.actions.iter().collect();
    out.extend(actions(voice, sp, &started));
    out.extend(sp.warning.as_ref().map(|w| warning(voice, sp, w)));
    out
}
