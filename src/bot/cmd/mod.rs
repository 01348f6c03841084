//! The chat commands, one file each (as mini-redis's `cmd/`): the words
//! are parsed once ([`parse`]) into a [`Command`], which is applied in a
//! [`Ctx`]: the bot, the configuration as this request read it, who asked
//! and when.

mod cancel;
mod exceptions;
mod extend;
mod info;
mod parse;
mod set;
mod skip;
mod start;
mod status;
mod stop;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::inbound::Invocation;
use super::Bot;
use crate::i18n::Language;
use crate::model::{Config, Direction, ScheduleConfig};
use crate::ports::{
    CallError, ConfigStore, Fleet, Notifier, PassTrigger, Put, ScheduleEditor, StateStore,
};
use crate::{time, tr};

pub use extend::postpone;
pub use parse::parse;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Help,
    /// `status [SCHEDULE]`: counts and the next events.
    Status(Option<String>),
    /// The original `SCHEDULE status`: every server by wave.
    Servers(String),
    /// The original `SCHEDULE info [DATE]`.
    Info(String, Option<NaiveDate>),
    Extend(String, NaiveTime),
    Skip(String, Option<NaiveDate>),
    Start(String),
    Stop(String),
    Exceptions(String, Option<NaiveDate>),
    Cancel(String, Option<NaiveDate>, Option<Direction>),
    /// The original bot's `exception set DATE start|stop H:M|None`.
    SetException(String, NaiveDate, Direction, Option<NaiveTime>),
}

/// What the bot answers, and whether the topic hears it too (every change
/// is announced through the incoming webhook).
pub struct Reply {
    pub text: String,
    pub announce: bool,
    /// Add the link to the week's page.
    pub link: bool,
}

impl Reply {
    /// An answer to the asker only (a question, or nothing changed).
    pub fn only(text: String) -> Reply {
        Reply {
            text,
            announce: false,
            link: false,
        }
    }

    /// A change: answered, and announced to the topic.
    pub fn change(text: String) -> Reply {
        Reply {
            text,
            announce: true,
            link: false,
        }
    }

    /// The same answer with the link to the week's page.
    pub fn with_link(mut self) -> Reply {
        self.link = true;
        self
    }
}

/// A refusal or an error is answered as text; nothing was written.
pub type Answer = Result<Reply, String>;

/// What every command works with.
pub struct Ctx<'a, E, S, F, N, T> {
    pub bot: &'a Bot<E, S, F, N, T>,
    /// The configuration as this request read it.
    pub config: Config,
    /// `CreatedBy` of what it writes: who, from which chat.
    pub who: String,
    pub now: DateTime<Utc>,
}

impl Command {
    pub async fn apply<E, S, F, N, T>(
        self,
        bot: &Bot<E, S, F, N, T>,
        inv: &Invocation,
        now: DateTime<Utc>,
    ) -> Answer
    where
        E: ConfigStore + ScheduleEditor,
        S: StateStore,
        F: Fleet,
        N: Notifier,
        T: PassTrigger,
    {
        if self == Command::Help {
            return Ok(Reply::only(tr!(bot.lang, "help")));
        }
        let ctx = Ctx::load(bot, inv, now).await?;
        match self {
            Command::Help => unreachable!("answered above"),
            Command::Status(name) => status::summary(&ctx, name.as_deref()).await,
            Command::Servers(name) => status::servers(&ctx, &name).await,
            Command::Info(name, date) => info::apply(&ctx, &name, date).await,
            Command::Extend(name, until) => extend::apply(&ctx, &name, until).await,
            Command::Skip(name, date) => skip::apply(&ctx, &name, date).await,
            Command::Start(name) => start::apply(&ctx, &name).await,
            Command::Stop(name) => stop::apply(&ctx, &name).await,
            Command::Exceptions(name, date) => exceptions::apply(&ctx, &name, date).await,
            Command::Cancel(name, date, kind) => cancel::apply(&ctx, &name, date, kind).await,
            Command::SetException(name, day, kind, value) => {
                set::apply(&ctx, &name, day, kind, value).await
            }
        }
    }
}

impl<'a, E: ConfigStore, S: StateStore, F, N, T> Ctx<'a, E, S, F, N, T> {
    /// Reads the configuration for one request, with the holidays of the
    /// calendars' last copies.
    async fn load(
        bot: &'a Bot<E, S, F, N, T>,
        inv: &Invocation,
        now: DateTime<Utc>,
    ) -> Result<Self, String> {
        let unreachable = |e| store_error(bot.lang, e);
        let (config, _) = crate::pass::read(&bot.store, &bot.state, bot.zone, now, None)
            .await
            .map_err(unreachable)?;
        Ok(Ctx {
            bot,
            config,
            who: inv.created_by(),
            now,
        })
    }
}

impl<E, S, F, N, T> Ctx<'_, E, S, F, N, T> {
    fn lang(&self) -> Language {
        self.bot.lang
    }

    /// The usable schedule of that name, or why there is none.
    fn schedule(&self, name: &str) -> Result<&ScheduleConfig, String> {
        self.config.schedules.get(name).ok_or_else(|| {
            if self.config.errors.iter().any(|e| e.disables(name)) {
                tr!(self.lang(), "schedule-disabled-by-errors", schedule = name)
            } else {
                tr!(self.lang(), "no-such-schedule", schedule = name)
            }
        })
    }

    fn today(&self, cfg: &ScheduleConfig) -> NaiveDate {
        time::local_date(cfg.schedule.time_zone, self.now)
    }

    fn not_past(&self, cfg: &ScheduleConfig, day: NaiveDate) -> Result<(), String> {
        if day < self.today(cfg) {
            return Err(tr!(self.lang(), "day-in-past", day = day.to_string()));
        }
        Ok(())
    }

    /// `2026-11-30 23:00 Asia/Seoul`.
    fn local_text(&self, cfg: &ScheduleConfig, at: DateTime<Utc>) -> String {
        let tz = cfg.schedule.time_zone;
        format!(
            "{} {}",
            at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
            tz.name()
        )
    }

    fn store_error(&self, e: CallError) -> String {
        store_error(self.lang(), e)
    }

    fn past(&self, past: time::Past) -> String {
        tr!(
            self.lang(),
            "time-past",
            time = past.until.format("%H:%M").to_string(),
            zone = past.zone.name(),
            now = past.now.format("%H:%M").to_string()
        )
    }
}

impl<E: ScheduleEditor, S, F, N, T> Ctx<'_, E, S, F, N, T> {
    /// Writes one exception item as `schedctl` would.
    async fn write(
        &self,
        schedule: &str,
        day: NaiveDate,
        kind: Direction,
        value: Option<NaiveTime>,
    ) -> Result<Put, String> {
        crate::exceptions::replace(
            &self.bot.store,
            schedule,
            day,
            kind,
            value,
            &self.who,
            self.now,
        )
        .await
        .map(|(_, put)| put)
        .map_err(|e| self.store_error(e))
    }
}

fn store_error(lang: Language, e: CallError) -> String {
    tracing::error!(error = %e, "bot could not reach the tables");
    tr!(lang, "tables-unreachable", code = e.code)
}
