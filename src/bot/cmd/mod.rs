//! The chat commands, one file each (as mini-redis's `cmd/`): the words
//! are parsed once ([`parse`]) into a [`Command`], which is applied to the
//! bot's stores.

mod cancel;
mod exceptions;
mod extend;
mod parse;
mod set;
mod skip;
mod start;
mod status;
mod stop;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::inbound::Invocation;
use super::Bot;
use crate::model::{Config, Direction, ScheduleConfig};
use crate::pass::load_config;
use crate::ports::{CallError, ConfigStore, Fleet, Notifier, ScheduleEditor};
use crate::time;

pub use extend::postpone;
pub use parse::{parse, USAGE};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    Status(Option<String>),
    Extend(String, NaiveTime),
    Skip(String, Option<NaiveDate>),
    Start(String),
    Stop(String),
    Exceptions(String, Option<NaiveDate>),
    Cancel(String, Option<NaiveDate>, Option<Direction>),
    /// The original bot's `exception set DATE start|stop H:MM|None`.
    SetException(String, NaiveDate, Direction, Option<NaiveTime>),
}

/// What the bot answers, and whether the topic hears it too (every change
/// is announced through the incoming webhook).
pub struct Reply {
    pub text: String,
    pub announce: bool,
}

impl Reply {
    /// An answer to the asker only (a question, not a change).
    pub fn only(text: String) -> Reply {
        Reply {
            text,
            announce: false,
        }
    }

    /// A change: answered, and announced to the topic.
    pub fn change(text: String) -> Reply {
        Reply {
            text,
            announce: true,
        }
    }
}

/// A refusal or an error is answered as text; nothing was written.
pub type Answer = Result<Reply, String>;

impl Command {
    pub async fn apply<E, F, N>(
        self,
        bot: &Bot<E, F, N>,
        inv: &Invocation,
        now: DateTime<Utc>,
    ) -> Answer
    where
        E: ConfigStore + ScheduleEditor,
        F: Fleet,
        N: Notifier,
    {
        if self == Command::Help {
            return Ok(Reply::only(USAGE.to_string()));
        }
        let config = config(bot).await?;
        let who = inv.created_by();
        match self {
            Command::Help => unreachable!("answered above"),
            Command::Status(name) => status::apply(bot, &config, name.as_deref(), now).await,
            Command::Extend(name, until) => {
                extend::apply(bot, &config, &name, until, &who, now).await
            }
            Command::Skip(name, date) => skip::apply(bot, &config, &name, date, &who, now).await,
            Command::Start(name) => start::apply(bot, &config, &name, &who).await,
            Command::Stop(name) => stop::apply(bot, &config, &name, &who, now).await,
            Command::Exceptions(name, date) => {
                exceptions::apply(bot, &config, &name, date, now).await
            }
            Command::Cancel(name, date, kind) => {
                cancel::apply(bot, &config, &name, date, kind, &who, now).await
            }
            Command::SetException(name, day, kind, value) => {
                set::apply(bot, &config, &name, day, kind, value, &who, now).await
            }
        }
    }
}

async fn config<E: ConfigStore, F, N>(bot: &Bot<E, F, N>) -> Result<Config, String> {
    load_config(&bot.store, bot.zone).await.map_err(store_error)
}

/// The usable schedule of that name, or why there is none.
fn schedule<'c>(config: &'c Config, name: &str) -> Result<&'c ScheduleConfig, String> {
    config.schedules.get(name).ok_or_else(|| {
        if config.errors.iter().any(|e| e.disables(name)) {
            format!("Schedule {name} is disabled by configuration errors (see schedctl validate).")
        } else {
            format!("There is no schedule named {name}.")
        }
    })
}

fn store_error(e: CallError) -> String {
    tracing::error!(error = %e, "bot could not reach the tables");
    format!(
        "Could not reach the schedule tables ({}); nothing was changed.",
        e.code
    )
}

/// `2026-11-30 23:00 Asia/Seoul`.
fn local_text(cfg: &ScheduleConfig, at: DateTime<Utc>) -> String {
    let tz = cfg.schedule.time_zone;
    format!(
        "{} {}",
        at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz.name()
    )
}

fn today(cfg: &ScheduleConfig, now: DateTime<Utc>) -> NaiveDate {
    time::local_date(cfg.schedule.time_zone, now)
}

fn not_past(cfg: &ScheduleConfig, day: NaiveDate, now: DateTime<Utc>) -> Result<(), String> {
    if day < today(cfg, now) {
        return Err(format!("{day} is in the past."));
    }
    Ok(())
}

/// Writes one exception item as `schedctl` would.
async fn write<E: ScheduleEditor, F, N>(
    bot: &Bot<E, F, N>,
    schedule: &str,
    day: NaiveDate,
    kind: Direction,
    value: Option<NaiveTime>,
    who: &str,
    now: DateTime<Utc>,
) -> Result<String, String> {
    crate::exceptions::replace(&bot.store, schedule, day, kind, value, who, now)
        .await
        .map_err(store_error)
}
