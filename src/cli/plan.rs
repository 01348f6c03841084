//! `schedctl plan`: what a pass would do now, doing nothing; as text or
//! as the `Plan` JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::print::{skip_line, to_json};
use super::CliError;
use crate::page;
use crate::pass::{preview, Deps};
use crate::plan::{Plan, SchedulePlan};
use crate::ports::{ConfigStore, Fleet, StateStore};

pub async fn apply<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    json: bool,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let plan = preview(deps, now).await?;
    if json {
        let _ = writeln!(out, "{}", to_json(&plan));
    } else {
        out.push_str(&render(&plan));
    }
    Ok(ExitCode::SUCCESS)
}

/// The next seven days of every schedule, or of `only`.
async fn week_page<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<page::WeekPage, CliError> {
    let zone = deps.tuning.zone;
    Ok(page::load(&deps.config, &deps.state, &deps.fleet, zone, now, only).await?)
}

/// `plan --week`: the next seven days as a text timeline.
pub async fn week<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    only: Option<&str>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let page = week_page(deps, now, only).await?;
    out.push_str(&page::text(&page));
    Ok(ExitCode::SUCCESS)
}

/// `plan --html FILE`: the week's page, as the bot serves it.
pub async fn html<C: ConfigStore, S: StateStore, F: Fleet, N>(
    deps: &Deps<C, S, F, N>,
    now: DateTime<Utc>,
    only: Option<&str>,
    file: &std::path::Path,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let page = week_page(deps, now, only).await?;
    std::fs::write(file, page::html(&page))
        .map_err(|e| CliError::Failed(format!("--html {}: {e}", file.display())))?;
    let _ = writeln!(out, "wrote {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// `Mon 2026-11-30 09:00`, or for a `ready-by` start `Mon 2026-11-30:
/// starts 08:40 to be ready at 09:00` (`starts Sun 23:10` when the lead
/// moves it into the day before).
fn local(e: &crate::time::Event) -> String {
    let Some(r) = e.ready else {
        return e.local.format("%a %Y-%m-%d %H:%M").to_string();
    };
    let starts = match e.local.date() == r.local.date() {
        true => e.local.format("%H:%M"),
        false => e.local.format("%a %H:%M"),
    };
    format!(
        "{}: starts {starts} to be ready at {}",
        r.local.format("%a %Y-%m-%d"),
        r.local.format("%H:%M")
    )
}

/// The human form of `schedctl plan`.
pub fn render(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "plan at {}", plan.at.to_rfc3339());
    for sp in &plan.schedules {
        schedule(&mut out, sp);
    }
    out
}

/// One schedule: its events, waves, actions, and what it waits for.
fn schedule(out: &mut String, sp: &SchedulePlan) {
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
        let _ = match &sp.ready_by {
            Some(r) => writeln!(
                out,
                "  moving    {} (starts {} to be ready at {})",
                d.as_str(),
                r.starts,
                r.ready
            ),
            None => writeln!(out, "  moving    {}", d.as_str()),
        };
    }
    waves(out, sp);
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
    for h in &sp.holidays {
        let _ = writeln!(
            out,
            "  holiday   {} {}: no start",
            h.date.format("%a %Y-%m-%d"),
            h.name
        );
    }
    for s in &sp.skipped {
        let _ = writeln!(out, "  skipped   {}", skip_line(&sp.schedule, s));
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

/// The groups wave by wave, each server with its state (and its hold).
fn waves(out: &mut String, sp: &SchedulePlan) {
    for w in &sp.waves {
        for g in &w.groups {
            let kind = g.kind.map(|k| k.as_str()).unwrap_or("any");
            let members: Vec<String> = g
                .instances
                .iter()
                .map(|t| match &t.held_until {
                    Some(until) => format!("{} {} (held until {until})", t.id, t.state),
                    None => format!("{} {}", t.id, t.state),
                })
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
}
