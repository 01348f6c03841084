//! `schedctl exception add|list|rm`: the exception items a user would
//! otherwise write by hand.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;

use super::{who, CliError};
use crate::model::{clock_text, parse_clock, parse_date, Direction, ScheduleException};
use crate::pass::{load_config, Deps};
use crate::ports::{ConfigStore, ScheduleEditor};

/// `add SCHEDULE --date D [--start T] [--stop T]`: one item per given time.
pub async fn add<C: ConfigStore + ScheduleEditor, S, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
    date: &str,
    start: Option<String>,
    stop: Option<String>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    if start.is_none() && stop.is_none() {
        return Err(CliError::Refused(
            "exception add needs --start and/or --stop".into(),
        ));
    }
    let config = load_config(&deps.config, deps.tuning.zone, Utc::now()).await?;
    if !config.schedules.contains_key(schedule)
        && !config.errors.iter().any(|e| e.disables(schedule))
    {
        return Err(CliError::Refused(format!("no schedule named {schedule:?}")));
    }
    let day = parse_date(date).map_err(|e| CliError::Refused(format!("--date: {e}")))?;
    for (kind, value) in [(Direction::Start, start), (Direction::Stop, stop)] {
        let Some(value) = value else { continue };
        let time = parse_clock(&value)
            .map_err(|e| CliError::Refused(format!("--{}: {e}", kind.as_str())))?;
        let (id, _) =
            crate::exceptions::replace(&deps.config, schedule, day, kind, time, &who(), Utc::now())
                .await?;
        let _ = writeln!(out, "{id}\t{schedule}\t{day}\t{kind}\t{}", clock_text(time));
    }
    Ok(ExitCode::SUCCESS)
}

/// `list [SCHEDULE]`: a tab-separated table, sorted; unreadable items go
/// to stderr.
pub async fn list<E: ScheduleEditor>(
    store: &E,
    schedule: Option<&str>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let mut rows: Vec<ScheduleException> = Vec::new();
    for item in &store.exceptions().await? {
        match ScheduleException::from_item(item) {
            Ok(x) if schedule.is_none_or(|s| s == x.schedule) => rows.push(x),
            Ok(_) => {}
            Err(e) => eprintln!("{e}"),
        }
    }
    rows.sort_by(|a, b| (&a.schedule, a.date, a.kind).cmp(&(&b.schedule, b.date, b.kind)));
    let _ = writeln!(
        out,
        "ExceptionUuid\tScheduleName\tExceptionDate\tExceptionType\tExceptionValue"
    );
    for x in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            x.id,
            x.schedule,
            x.date,
            x.kind,
            clock_text(x.value)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `rm ID`.
pub async fn rm<E: ScheduleEditor>(
    store: &E,
    id: &str,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    if !store.delete_exception(id).await? {
        return Err(CliError::Refused(format!(
            "no exception with ExceptionUuid {id}"
        )));
    }
    let _ = writeln!(out, "removed {id}");
    Ok(ExitCode::SUCCESS)
}
