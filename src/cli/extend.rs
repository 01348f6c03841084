//! `schedctl extend SCHEDULE --until HH:MM`: the upcoming stop moves (a
//! `stop` exception on the day its window started).

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::{who, CliError};
use crate::model::{parse_clock, Direction};
use crate::pass::{load_config, Deps};
use crate::ports::{ConfigStore, ScheduleEditor};
use crate::time;

pub async fn apply<C: ConfigStore + ScheduleEditor, S, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
    until: &str,
    now: DateTime<Utc>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let config = load_config(&deps.config, deps.tuning.zone, now).await?;
    let Some(cfg) = config.schedules.get(schedule) else {
        return Err(CliError::Refused(format!(
            "no usable schedule named {schedule:?} (see schedctl validate)"
        )));
    };
    let until = match parse_clock(until) {
        Ok(Some(t)) => t,
        Ok(None) => return Err(CliError::Refused("--until needs a time HH:MM".into())),
        Err(e) => return Err(CliError::Refused(format!("--until: {e}"))),
    };
    let (day, at) =
        time::extend_target(cfg, now, until).map_err(|past| CliError::Refused(past.to_string()))?;
    let (id, _) = crate::exceptions::replace(
        &deps.config,
        schedule,
        day,
        Direction::Stop,
        Some(until),
        &who(),
        Utc::now(),
    )
    .await?;
    let tz = cfg.schedule.time_zone;
    let _ = writeln!(
        out,
        "{schedule}: stop moved to {} {} (ExceptionDate {day}, ExceptionUuid {id})",
        at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        tz.name()
    );
    Ok(ExitCode::SUCCESS)
}
