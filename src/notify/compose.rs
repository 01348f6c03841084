//! What the scheduler tells the chat topic, in short English with times in
//! the schedule's own zone.

use chrono::Duration;

use crate::message::{Level, Message, Postpone};
use crate::model::Direction;
use crate::plan::{Action, Notice, SchedulePlan, Target, Warning};
use crate::ports::{CallError, CommandFailure};

fn describe(t: &Target) -> String {
    if t.name == t.id {
        t.id.to_string()
    } else {
        format!("{} ({})", t.name, t.id)
    }
}

fn servers(n: usize) -> String {
    if n == 1 {
        "1 server".into()
    } else {
        format!("{n} servers")
    }
}

fn zone(sp: &SchedulePlan) -> &str {
    sp.time_zone.as_deref().unwrap_or("")
}

/// One message for the groups a schedule starts or stops in this round.
pub fn actions(sp: &SchedulePlan, actions: &[&Action]) -> Option<Message> {
    let first = actions.first()?;
    let verb = match first.direction {
        Direction::Start => "Starting",
        Direction::Stop => "Stopping",
    };
    let groups: Vec<&str> = actions.iter().map(|a| a.group.as_str()).collect();
    let total = sp.waves.len().max(1);
    let wave = match first.direction {
        Direction::Start => first.wave + 1,
        Direction::Stop => total - first.wave,
    };
    let mut m = Message::new(
        Level::Ok,
        format!(
            "[{}] {verb} {} (wave {wave} of {total})",
            sp.schedule,
            groups.join(", ")
        ),
    );
    for a in actions {
        let lines: Vec<String> = a.instances.iter().map(describe).collect();
        let kind = a.instances.first().map(|t| t.kind.as_str()).unwrap_or("");
        m = m.field(
            format!("{} · {} {kind}", a.group, lines.len()),
            lines.join("\n"),
        );
    }
    Some(m)
}

/// The stop warning, with the two ways to postpone it.
pub fn warning(sp: &SchedulePlan, w: &Warning) -> Message {
    let at = w.stop.local.format("%H:%M");
    let later = (w.stop.local + Duration::hours(1))
        .format("%H:%M")
        .to_string();
    let date = w.stop.day.format("%Y-%m-%d").to_string();
    let names: Vec<String> = w.running.iter().map(describe).collect();
    let item = format!(
        "{{\"ExceptionUuid\": \"<new uuid>\", \"ScheduleName\": \"{}\", \"ExceptionDate\": \"{date}\", \"ExceptionType\": \"stop\", \"ExceptionValue\": \"{later}\"}}",
        sp.schedule
    );
    let mut m = Message::new(
        Level::Warning,
        format!(
            "[{}] {} stop at {at} {} (in {} min)",
            sp.schedule,
            servers(names.len()),
            zone(sp),
            w.minutes
        ),
    )
    .field("Running", names.join("\n"))
    .field(
        "Postpone",
        format!("schedctl extend {} --until {later}", sp.schedule),
    )
    .field("Or add to the ScheduleException table", item);
    m.postpone = Some(Postpone {
        schedule: sp.schedule.clone(),
        date,
        until: later,
    });
    m
}

pub fn notice(sp: &SchedulePlan, n: &Notice) -> Message {
    let who = if sp.schedule == crate::model::GLOBAL_KEY {
        "configuration".to_string()
    } else {
        sp.schedule.clone()
    };
    match n {
        Notice::Errors { lines } => {
            let mut m = Message::new(Level::Error, format!("[{who}] Configuration error"));
            for l in lines {
                m = m.field("Error", l.clone());
            }
            m
        }
        Notice::Fixed => Message::new(Level::Ok, format!("[{who}] Configuration errors fixed")),
        Notice::Stalled { direction, waiting } => Message::new(
            Level::Error,
            format!(
                "[{who}] The {} did not finish in time and was given up",
                direction.as_str()
            ),
        )
        .field("Waiting for", waiting.join("\n")),
    }
}

pub fn failure(schedule: &str, action: &Action, f: &CommandFailure) -> Message {
    let who = action
        .instances
        .iter()
        .find(|t| *t.id == *f.id)
        .map(describe)
        .unwrap_or_else(|| f.id.clone());
    Message::new(
        Level::Error,
        format!(
            "[{schedule}] Could not {} {who} ({})",
            action.direction.as_str(),
            action.group
        ),
    )
    .field(f.error.code.clone(), f.error.message.clone())
}

pub fn force_start_not_reset(schedule: &str, e: &CallError) -> Message {
    Message::new(
        Level::Error,
        format!("[{schedule}] Could not reset ForceStart"),
    )
    .field(e.code.clone(), e.message.clone())
}

/// The pass could not run at all (a table or an API unreachable).
pub fn pass_failed(e: &CallError) -> Message {
    Message::new(
        Level::Error,
        "Scheduler pass failed: no servers were started or stopped",
    )
    .field(format!("{} ({})", e.operation, e.code), e.message.clone())
}

/// Everything a schedule's plan owes the chat topic this round, in order:
/// notices, the start or stop, the warning.
pub fn schedule_messages(sp: &SchedulePlan) -> Vec<Message> {
    let mut out: Vec<Message> = sp.notices.iter().map(|n| notice(sp, n)).collect();
    let started: Vec<&Action> = sp.actions.iter().collect();
    out.extend(actions(sp, &started));
    out.extend(sp.warning.as_ref().map(|w| warning(sp, w)));
    out
}
