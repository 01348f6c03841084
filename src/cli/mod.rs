//! `schedctl`: the command-line front end over the library, one function
//! per subcommand, generic over the ports so each runs on the in-memory
//! fakes too. Same environment as the Lambda; honours `AWS_ENDPOINT_URL`
//! like every SDK.

mod exception;
mod extend;
mod force_start;
mod holidays;
mod import;
mod init_tables;
mod plan;
mod print;
mod run;
mod serve;
mod stop;
#[cfg(test)]
mod tests;
mod usage;
mod validate;

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::env::Env;
use crate::pass::Deps;
use crate::plan::Orders;
use crate::ports::{CallError, ConfigStore, Fleet, Notifier, ScheduleEditor, StateStore};
use crate::target::Target;
use crate::wiring;

#[derive(Debug, Parser)]
#[command(
    name = "schedctl",
    version,
    about = "Preview, run, validate and edit instance schedules"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the five tables (local use and tests; in AWS the template does it).
    InitTables,
    /// One pass exactly as the Lambda does it.
    Run {
        /// The clock, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Print the pass report as JSON.
        #[arg(long)]
        json: bool,
        /// A hub's target, ROLE_ARN@REGION or self@REGION.
        #[arg(long, conflicts_with = "all_targets")]
        target: Option<String>,
        /// Every target of TARGETS, in turn.
        #[arg(long)]
        all_targets: bool,
    },
    /// What a pass would do, doing nothing; or the week ahead.
    Plan {
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
        /// The next seven days as a text timeline (100 columns).
        #[arg(long, conflicts_with_all = ["json", "html"])]
        week: bool,
        /// Write the next seven days as an HTML page to FILE.
        #[arg(long, value_name = "FILE", conflicts_with = "json")]
        html: Option<std::path::PathBuf>,
        /// Only this schedule (with --week and --html).
        #[arg(long)]
        schedule: Option<String>,
    },
    /// Check every item and dependency graph; exit 1 on any problem.
    Validate,
    /// Per-date exceptions.
    #[command(subcommand)]
    Exception(ExceptionCommand),
    /// Move the upcoming stop of SCHEDULE to HH:MM (a `stop` exception).
    Extend {
        schedule: String,
        #[arg(long)]
        until: String,
        /// The clock, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Start every server of SCHEDULE at the next pass, in order.
    ForceStart { schedule: String },
    /// Stop every server of SCHEDULE now, in reverse order (a pass, as the
    /// chat's `stop` asks for); the day's schedule and exceptions stay.
    Stop {
        schedule: String,
        /// The clock, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Print the pass report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Hours running, hours stopped by the scheduler and the estimated
    /// saving, per schedule and group.
    Usage {
        /// From this date (local midnight; default: seven days ago).
        #[arg(long)]
        since: Option<String>,
        /// The clock, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Holiday calendars: what they give, and importing them as items.
    #[command(subcommand)]
    Holidays(HolidaysCommand),
    /// Bring another scheduler's configuration over.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Serve the chat-command routes locally (the bot Lambda's handler).
    Bot {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: String,
        /// Fix the bot's clock, RFC 3339 (demos and tests, like `run --at`;
        /// Slack timestamps are checked against it too). Default: the real clock.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Write one Schedule item per schedule of AWS Instance Scheduler's
    /// config table (key and TagValue: its name; its periods as Periods,
    /// its timezone, enforced), marked ImportedFrom=aws-instance-scheduler.
    /// What has no equivalent here (override_status, retain_running,
    /// resizing with period@instance_type, maintenance windows, hibernate)
    /// is listed and left out; a schedule left with no period is skipped
    /// whole. Running it again writes only what changed. Exit 0 when every
    /// schedule it can express is in the table, 1 when one was refused (an
    /// item of its name that this import did not write is never
    /// overwritten), 2 when a table cannot be read or written.
    #[command(name = "aws-instance-scheduler")]
    AwsInstanceScheduler {
        /// Its config table (the stack's ConfigTable output).
        #[arg(long)]
        table: String,
        /// Show what it would write, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HolidaysCommand {
    /// List the dates and names SCHEDULE's HolidayCalendars give.
    Show {
        schedule: String,
        /// The year (default: this year in the schedule's zone).
        #[arg(long)]
        year: Option<i32>,
    },
    /// Write a feed's holidays as `start None` exception items of SCHEDULE.
    Import {
        schedule: String,
        /// An .ics file or an https:// URL.
        #[arg(long)]
        ics: String,
        /// Only this year (default: every date from today on).
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExceptionCommand {
    /// Add exceptions for one date: --start and/or --stop, each HH:MM or none.
    Add {
        schedule: String,
        #[arg(long)]
        date: String,
        #[arg(long)]
        start: Option<String>,
        #[arg(long)]
        stop: Option<String>,
    },
    /// List exceptions, of one schedule or all.
    List { schedule: Option<String> },
    /// Remove the exception with this ExceptionUuid.
    Rm { id: String },
}

/// Why a command ended early: refused (exit 1: a problem with what was
/// asked) or failed (exit 2: the environment, the tables, AWS).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Failed(String),
}

impl From<CallError> for CliError {
    fn from(e: CallError) -> Self {
        CliError::Failed(e.to_string())
    }
}

impl CliError {
    fn code(&self) -> ExitCode {
        match self {
            CliError::Refused(_) => ExitCode::from(1),
            CliError::Failed(_) => ExitCode::from(2),
        }
    }
}

/// Exit codes: 0 done, 1 validation found problems or a command was
/// refused, 2 the command could not run (environment, AWS, usage).
pub async fn main(cli: Cli) -> ExitCode {
    let env = match Env::from_env() {
        Ok(env) => env,
        Err(e) => return fail(CliError::Failed(e.to_string())),
    };
    let deps = wiring::aws_deps(&env).await;
    let mut out = String::new();
    let result = match cli.command {
        Command::InitTables => init_tables::apply(&deps.config, &mut out).await,
        Command::Import(ImportCommand::AwsInstanceScheduler { table, dry_run }) => {
            import::aws_instance_scheduler(&deps.config, &table, dry_run, &mut out).await
        }
        Command::Bot { listen, at } => serve_bot(&env, &listen, at.as_deref()).await,
        Command::Run {
            at,
            json,
            target,
            all_targets,
        } if target.is_some() || all_targets => {
            run_targets(env, at.as_deref(), json, target, &mut out).await
        }
        Command::Stop { schedule, at, json } if !env.targets.is_empty() => {
            stop_targets(&deps, env, &schedule, at.as_deref(), json, &mut out).await
        }
        command => dispatch(command, &deps, &mut out).await,
    };
    print!("{out}");
    match result {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn fail(e: CliError) -> ExitCode {
    eprintln!("schedctl: {e}");
    e.code()
}

async fn run_targets(
    env: Env,
    at: Option<&str>,
    json: bool,
    target: Option<String>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let now = parse_at(at)?;
    let targets = match target {
        Some(t) => vec![Target::parse(&t).map_err(|e| CliError::Failed(format!("--target: {e}")))?],
        None if env.targets.is_empty() => {
            return Err(CliError::Failed(
                "--all-targets: TARGETS is not set (ROLE_ARN@REGION,self@REGION,...)".into(),
            ))
        }
        None => env.targets.clone(),
    };
    let hub = wiring::Hub::new(env, crate::aws::sdk_config().await);
    run::targets(&hub, &targets, now, &Orders::default(), json, out).await
}

/// `stop` in a hub: the order reaches every target's pass at once.
async fn stop_targets(
    deps: &wiring::AwsDeps,
    env: Env,
    schedule: &str,
    at: Option<&str>,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let now = parse_at(at)?;
    let orders = stop::order(&deps.config, deps.tuning.zone, schedule, now).await?;
    let targets = env.targets.clone();
    let hub = wiring::Hub::new(env, crate::aws::sdk_config().await);
    run::targets(&hub, &targets, now, &orders, json, out).await
}

async fn serve_bot(env: &Env, listen: &str, at: Option<&str>) -> Result<ExitCode, CliError> {
    let clock = at.map(|t| parse_at(Some(t))).transpose()?;
    let mut bot = wiring::local_bot(env, &crate::aws::sdk_config().await);
    // Without BOT_URL, the page's links point at this server.
    if bot.links.is_none() {
        bot.links = env.plan_links(&format!("http://{listen}"));
    }
    serve::listen(listen, bot, clock)
        .await
        .map_err(|e| CliError::Failed(format!("bot --listen {listen}: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Every subcommand but those that need AWS itself (`init-tables`,
/// `import`, `bot`).
pub async fn dispatch<C, S, F, N>(
    command: Command,
    deps: &Deps<C, S, F, N>,
    out: &mut String,
) -> Result<ExitCode, CliError>
where
    C: ConfigStore + ScheduleEditor,
    S: StateStore,
    F: Fleet,
    N: Notifier,
{
    match command {
        Command::Run { at, json, .. } => {
            run::apply(deps, parse_at(at.as_deref())?, json, out).await
        }
        Command::Plan {
            at,
            json,
            week,
            html,
            schedule,
        } => {
            let now = parse_at(at.as_deref())?;
            match (week, html) {
                (true, _) => plan::week(deps, now, schedule.as_deref(), out).await,
                (false, Some(file)) => plan::html(deps, now, schedule.as_deref(), &file, out).await,
                (false, None) => plan::apply(deps, now, json, out).await,
            }
        }
        Command::Validate => validate::apply(deps, out).await,
        Command::Exception(ExceptionCommand::Add {
            schedule,
            date,
            start,
            stop,
        }) => exception::add(deps, &schedule, &date, start, stop, out).await,
        Command::Exception(ExceptionCommand::List { schedule }) => {
            exception::list(&deps.config, schedule.as_deref(), out).await
        }
        Command::Exception(ExceptionCommand::Rm { id }) => {
            exception::rm(&deps.config, &id, out).await
        }
        Command::Extend {
            schedule,
            until,
            at,
        } => extend::apply(deps, &schedule, &until, parse_at(at.as_deref())?, out).await,
        Command::ForceStart { schedule } => force_start::apply(&deps.config, &schedule, out).await,
        Command::Holidays(HolidaysCommand::Show { schedule, year }) => {
            holidays::show(deps, &schedule, year, out).await
        }
        Command::Holidays(HolidaysCommand::Import {
            schedule,
            ics,
            year,
        }) => holidays::import(deps, &schedule, &ics, year, out).await,
        Command::Usage { since, at, json } => {
            usage::apply(deps, since.as_deref(), parse_at(at.as_deref())?, json, out).await
        }
        Command::Stop { schedule, at, json } => {
            stop::apply(deps, &schedule, parse_at(at.as_deref())?, json, out).await
        }
        Command::InitTables | Command::Import(_) | Command::Bot { .. } => Err(CliError::Failed(
            "this command needs AWS itself; run it through schedctl".into(),
        )),
    }
}

fn parse_at(at: Option<&str>) -> Result<DateTime<Utc>, CliError> {
    match at {
        None => Ok(Utc::now()),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| {
                CliError::Failed(format!(
                    "--at {t:?} is not an RFC 3339 time like 2026-11-30T09:00:00+09:00"
                ))
            }),
    }
}

/// `CreatedBy` of the items `schedctl` writes.
fn who() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("{user} via schedctl")
}
