//! `schedctl`: the command-line front end over the library. Same
//! environment as the Lambda; honours `AWS_ENDPOINT_URL` like every SDK.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::edit;
use crate::env::{aws_deps, AwsDeps, Env};
use crate::model::{parse_clock, Config, ExceptionKind, ScheduleException};
use crate::pass;
use crate::plan::{self, Plan};
use crate::ports::{ConfigStore, Fleet, ScheduleEditor, StateStore};

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
    /// Create the four tables (local use and tests; in AWS the template does it).
    InitTables,
    /// One pass exactly as the Lambda does it.
    Run {
        /// The clock, RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Print the pass report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// What a pass would do, doing nothing.
    Plan {
        #[arg(long)]
        at: Option<String>,
        #[arg(long)]
        json: bool,
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

/// Exit codes: 0 done, 1 validation found problems or a command was
/// refused, 2 the command could not run (environment, AWS, usage).
pub async fn main(cli: Cli) -> ExitCode {
    let env = match Env::from_env() {
        Ok(env) => env,
        Err(e) => return fail(e),
    };
    let deps = aws_deps(&env).await;
    match dispatch(cli.command, deps).await {
        Ok(code) => code,
        Err(e) => fail(e),
    }
}

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("schedctl: {e}");
    ExitCode::from(2)
}

fn refuse(e: impl std::fmt::Display) -> Result<ExitCode, Box<dyn std::error::Error>> {
    eprintln!("schedctl: {e}");
    Ok(ExitCode::from(1))
}

fn parse_at(at: Option<&str>) -> Result<DateTime<Utc>, String> {
    match at {
        None => Ok(Utc::now()),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| {
                format!("--at {t:?} is not an RFC 3339 time like 2026-11-30T09:00:00+09:00")
            }),
    }
}

async fn dispatch(command: Command, deps: AwsDeps) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if let Command::Bot { listen, at } = command {
        let clock = at.as_deref().map(|t| parse_at(Some(t))).transpose()?;
        crate::bot::serve::listen(&listen, deps, clock).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let deps = &deps;
    let store = &deps.config;
    match command {
        Command::Bot { .. } => unreachable!("served above"),
        Command::InitTables => {
            let created = store.create_tables().await?;
            let t = &store.tables;
            for name in [&t.schedule, &t.group, &t.exception, &t.state] {
                let what = if created.contains(name) {
                    "created"
                } else {
                    "exists"
                };
                println!("{name}: {what}");
            }
        }
        Command::Run { at, json } => {
            let now = parse_at(at.as_deref())?;
            let report = pass::run(deps, now).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", render_run(now, &report));
            }
        }
        Command::Plan { at, json } => {
            let now = parse_at(at.as_deref())?;
            let plan = preview(deps, now).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&plan)?);
            } else {
                print!("{}", render_plan(&plan));
            }
        }
        Command::Validate => {
            let raw = ConfigStore::load(store).await?;
            let config = Config::parse(&raw, &deps.settings.defaults);
            if config.errors.is_empty() {
                println!(
                    "ok: {} schedules, {} groups, {} exceptions",
                    raw.schedules.len(),
                    raw.groups.len(),
                    raw.exceptions.len()
                );
                return Ok(ExitCode::SUCCESS);
            }
            for e in &config.errors {
                println!("{e}");
            }
            return Ok(ExitCode::from(1));
        }
        Command::Exception(ExceptionCommand::Add {
            schedule,
            date,
            start,
            stop,
        }) => {
            if start.is_none() && stop.is_none() {
                return refuse("exception add needs --start and/or --stop");
            }
            let config = load_config(deps).await?;
            if !config.schedules.contains_key(&schedule)
                && !config.errors.iter().any(|e| e.disables(&schedule))
            {
                return refuse(format!("no schedule named {schedule:?}"));
            }
            let day = match crate::model::parse_date_text(&date) {
                Ok(d) => d,
                Err(e) => return refuse(format!("--date: {e}")),
            };
            for (kind, value) in [(ExceptionKind::Start, start), (ExceptionKind::Stop, stop)] {
                let Some(value) = value else { continue };
                let time = match parse_clock(&value) {
                    Ok(t) => t,
                    Err(e) => return refuse(format!("--{}: {e}", kind.as_str())),
                };
                let id =
                    edit::replace_exception(store, &schedule, day, kind, time, &who(), Utc::now())
                        .await?;
                println!(
                    "{id}\t{schedule}\t{day}\t{}\t{}",
                    kind.as_str(),
                    edit::clock_text(time)
                );
            }
        }
        Command::Exception(ExceptionCommand::List { schedule }) => {
            let items = store.exceptions().await?;
            let mut rows: Vec<ScheduleException> = Vec::new();
            for item in &items {
                match ScheduleException::from_item(item) {
                    Ok(x) if schedule.as_ref().is_none_or(|s| *s == x.schedule) => rows.push(x),
                    Ok(_) => {}
                    Err(e) => eprintln!("{e}"),
                }
            }
            rows.sort_by(|a, b| (&a.schedule, a.date, a.kind).cmp(&(&b.schedule, b.date, b.kind)));
            println!("ExceptionUuid\tScheduleName\tExceptionDate\tExceptionType\tExceptionValue");
            for x in rows {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    x.id,
                    x.schedule,
                    x.date,
                    x.kind.as_str(),
                    edit::clock_text(x.value)
                );
            }
        }
        Command::Exception(ExceptionCommand::Rm { id }) => {
            if !store.delete_exception(&id).await? {
                return refuse(format!("no exception with ExceptionUuid {id}"));
            }
            println!("removed {id}");
        }
        Command::Extend {
            schedule,
            until,
            at,
        } => {
            let now = parse_at(at.as_deref())?;
            let config = load_config(deps).await?;
            let Some(cfg) = config.schedules.get(&schedule) else {
                return refuse(format!(
                    "no usable schedule named {schedule:?} (see schedctl validate)"
                ));
            };
            let until = match parse_clock(&until) {
                Ok(Some(t)) => t,
                Ok(None) => return refuse("--until needs a time HH:MM"),
                Err(e) => return refuse(format!("--until: {e}")),
            };
            let (day, at) = match edit::extend_target(cfg, now, until) {
                Ok(x) => x,
                Err(e) => return refuse(e),
            };
            let id = edit::replace_exception(
                store,
                &schedule,
                day,
                ExceptionKind::Stop,
                Some(until),
                &who(),
                Utc::now(),
            )
            .await?;
            let tz = cfg.schedule.time_zone;
            println!(
                "{schedule}: stop moved to {} {} (ExceptionDate {day}, ExceptionUuid {id})",
                at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                tz.name()
            );
        }
        Command::ForceStart { schedule } => match store.set_force_start(&schedule, true).await {
            Ok(()) => {
                println!("{schedule}: ForceStart set; the next pass starts its servers in order")
            }
            Err(e) if e.code == "ConditionalCheckFailedException" => {
                return refuse(format!("no schedule named {schedule:?}"))
            }
            Err(e) => return Err(e.into()),
        },
    }
    Ok(ExitCode::SUCCESS)
}

fn who() -> String {
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    format!("{user} via schedctl")
}

async fn load_config(deps: &AwsDeps) -> Result<Config, Box<dyn std::error::Error>> {
    let raw = ConfigStore::load(&deps.config).await?;
    Ok(Config::parse(&raw, &deps.settings.defaults))
}

/// The plan a pass would make now, reading but writing nothing.
pub async fn preview<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &pass::Deps<C, S, F, N>,
    now: DateTime<Utc>,
) -> Result<Plan, crate::ports::AwsError> {
    let raw = deps.config.load().await?;
    let config = Config::parse(&raw, &deps.settings.defaults);
    let states = deps
        .state
        .load()
        .await?
        .into_iter()
        .map(|(k, v)| (k, v.state))
        .collect();
    let fleet = deps.fleet.describe().await?;
    Ok(plan::plan(
        now,
        &config,
        &fleet,
        &states,
        &deps.settings.plan,
    ))
}

fn local(e: &crate::time::Event) -> String {
    e.local.format("%a %Y-%m-%d %H:%M").to_string()
}

/// The human form of `schedctl plan`.
pub fn render_plan(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "plan at {}", plan.at.to_rfc3339());
    for sp in &plan.schedules {
        let zone = sp.time_zone.as_deref().unwrap_or("-");
        let status = if sp.enabled { "enabled" } else { "disabled" };
        let _ = writeln!(out, "\n{} ({zone}, {status})", sp.schedule);
        for e in &sp.events {
            let _ = writeln!(out, "  event     {} at {}", e.kind.as_str(), local(e));
        }
        if let Some(e) = &sp.next_start {
            let _ = writeln!(out, "  next      start {}", local(e));
        }
        if let Some(e) = &sp.next_stop {
            let _ = writeln!(out, "  next      stop  {}", local(e));
        }
        if let Some(d) = sp.transition {
            let _ = writeln!(out, "  moving    {}", d.as_str());
        }
        for w in &sp.waves {
            for g in &w.groups {
                let kind = g.kind.map(|k| k.label()).unwrap_or("any");
                let members: Vec<String> = g
                    .instances
                    .iter()
                    .map(|t| format!("{} {}", t.id, t.state))
                    .collect();
                let _ = writeln!(
                    out,
                    "  wave {}    {} [{kind}] {}",
                    w.index + 1,
                    g.group,
                    members.join(", ")
                );
            }
        }
        for a in &sp.actions {
            let ids: Vec<&str> = a.instances.iter().map(|t| &*t.id).collect();
            let _ = writeln!(
                out,
                "  ACTION    {} {} (wave {}): {}",
                a.direction.as_str(),
                a.group,
                a.wave + 1,
                ids.join(", ")
            );
        }
        for w in &sp.waits {
            let _ = writeln!(out, "  wait      {w}");
        }
        if let Some(w) = &sp.warning {
            let _ = writeln!(
                out,
                "  WARNING   stop at {} in {} min",
                local(&w.stop),
                w.minutes
            );
        }
        for e in &sp.errors {
            let _ = writeln!(out, "  ERROR     {e}");
        }
    }
    out
}

/// The human form of `schedctl run`: per round, the commands and the chat
/// messages.
pub fn render_run(now: DateTime<Utc>, report: &pass::PassReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pass at {}", now.to_rfc3339());
    for (i, round) in report.rounds.iter().enumerate() {
        for (sp, a) in round.actions() {
            let ids: Vec<String> = a
                .instances
                .iter()
                .map(|t| format!("{} ({})", t.name, t.id))
                .collect();
            let _ = writeln!(
                out,
                "  round {}: {} {} {}: {}",
                i + 1,
                sp.schedule,
                a.direction.as_str(),
                a.group,
                ids.join(", ")
            );
        }
    }
    for f in &report.failures {
        let _ = writeln!(out, "  FAILED {f}");
    }
    for c in &report.conflicts {
        let _ = writeln!(out, "  skipped {c}: another pass claimed it");
    }
    for m in &report.messages {
        let _ = writeln!(out, "  chat> {}", m.to_plain().replace('\n', "\n        "));
    }
    if report.rounds.iter().all(|r| r.actions().next().is_none()) && report.messages.is_empty() {
        let _ = writeln!(out, "  nothing to do");
    }
    out
}
