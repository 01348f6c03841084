//! `schedctl holidays show|import`: the dates a schedule's holiday
//! calendars give, and those of a feed written as ordinary `start None`
//! exception items (`CreatedBy: holidays`) for teams that want items they
//! can see and edit.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::{Datelike, NaiveDate, Utc};

use super::CliError;
use crate::calendar::{feed_key, parse_ics, CalendarCache};
use crate::exceptions;
use crate::model::{shown_url, Holidays};
use crate::model::{Direction, ScheduleConfig, ScheduleException};
use crate::pass::{load_config, Deps};
use crate::ports::{ConfigStore, Fetched, Put, ScheduleEditor, StateStore};
use crate::time;

/// `CreatedBy` of imported items.
const IMPORTER: &str = "holidays";

/// `show SCHEDULE [--year Y]`: fetched now; a feed that cannot be read is
/// answered from the pass's kept copy, with its age said on stderr. Only
/// a feed with no copy at all is an error.
pub async fn show<C: ConfigStore, S: StateStore, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
    year: Option<i32>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let now = Utc::now();
    let cfg = usable(deps, schedule).await?;
    if cfg.schedule.holiday_calendars.is_empty() {
        return Err(CliError::Refused(format!(
            "schedule {schedule:?} has no HolidayCalendars"
        )));
    }
    let zone = cfg.schedule.time_zone;
    let year = year.unwrap_or_else(|| time::local_date(zone, now).year());
    let mut kept: Option<BTreeMap<String, CalendarCache>> = None;
    for url in &cfg.schedule.holiday_calendars {
        let shown = shown_url(url);
        let holidays = match read(deps, url, zone).await {
            Ok(h) => h,
            Err(e) => {
                if kept.is_none() {
                    kept = Some(deps.state.load().await?.calendars);
                }
                let copy = kept
                    .as_ref()
                    .and_then(|k| k.get(&feed_key(url)))
                    .filter(|c| c.loaded_at.is_some());
                let Some((copy, at)) = copy.and_then(|c| Some((c, c.loaded_at?))) else {
                    return Err(CliError::Failed(format!(
                        "holiday calendar {shown} could not be read ({e}) and has no kept copy"
                    )));
                };
                eprintln!(
                    "schedctl: holiday calendar {shown} could not be read ({e}); showing the copy of {} ({})",
                    at.format("%Y-%m-%d %H:%M UTC"),
                    age(now - at)
                );
                copy.holidays.holidays(zone)
            }
        };
        for (date, name) in in_year(holidays, year) {
            let _ = writeln!(out, "{date}\t{name}\t{shown}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// How old a copy is, in words (a copy from a later `--at` is new).
fn age(d: chrono::Duration) -> String {
    let d = d.max(chrono::Duration::zero());
    match d.num_days() {
        0 => format!("{} hours old", d.num_hours().max(0)),
        1 => "1 day old".into(),
        n => format!("{n} days old"),
    }
}

/// `import SCHEDULE --ics FILE|URL [--year Y]`: without a year, the dates
/// from today on. A date that already has a `start` exception the team
/// wrote is kept as it is; re-running writes nothing new.
pub async fn import<C: ConfigStore + ScheduleEditor, S, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
    ics: &str,
    year: Option<i32>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let now = Utc::now();
    let cfg = usable(deps, schedule).await?;
    let zone = cfg.schedule.time_zone;
    let holidays = if ics.starts_with("https://") || ics.starts_with("http://") {
        read(deps, ics, zone).await?
    } else {
        let text = std::fs::read_to_string(ics)
            .map_err(|e| CliError::Failed(format!("--ics {ics}: {e}")))?;
        parse_ics(&text, now.date_naive())
            .map_err(|e| CliError::Refused(format!("--ics {ics}: {e}")))?
            .holidays(zone)
    };
    let today = time::local_date(cfg.schedule.time_zone, now);
    let dates: Vec<(NaiveDate, String)> = match year {
        Some(y) => in_year(holidays, y),
        None => holidays.into_iter().filter(|(d, _)| *d >= today).collect(),
    };
    let theirs: Vec<ScheduleException> = deps
        .config
        .exceptions()
        .await?
        .iter()
        .filter_map(|i| ScheduleException::from_item(i).ok())
        .filter(|x| x.schedule == schedule && x.kind == Direction::Start)
        .filter(|x| x.created_by.as_deref() != Some(IMPORTER))
        .collect();
    let (mut written, mut there, mut kept) = (0, 0, 0);
    for (date, name) in dates {
        if theirs.iter().any(|x| x.date == date) {
            kept += 1;
            continue;
        }
        let (_, put) = exceptions::replace(
            &deps.config,
            schedule,
            date,
            Direction::Start,
            None,
            IMPORTER,
            now,
        )
        .await?;
        match put {
            Put::Written => {
                written += 1;
                let _ = writeln!(out, "{date}\t{name}\tstart None");
            }
            Put::Unchanged => there += 1,
        }
    }
    let _ = writeln!(
        out,
        "{schedule}: {written} written, {there} already there, {kept} kept (a start exception of the team's own)"
    );
    Ok(ExitCode::SUCCESS)
}

async fn usable<C: ConfigStore, S, F, N>(
    deps: &Deps<C, S, F, N>,
    schedule: &str,
) -> Result<ScheduleConfig, CliError> {
    let config = load_config(&deps.config, deps.tuning.zone, Utc::now()).await?;
    config.schedules.get(schedule).cloned().ok_or_else(|| {
        CliError::Refused(format!(
            "no usable schedule named {schedule:?} (see schedctl validate)"
        ))
    })
}

/// A feed fetched now and read into the days it marks in `zone`.
async fn read<C, S, F, N>(
    deps: &Deps<C, S, F, N>,
    url: &str,
    zone: chrono_tz::Tz,
) -> Result<Holidays, CliError> {
    let shown = shown_url(url);
    match deps.feeds.fetch(url, &CalendarCache::default()).await {
        Ok(Fetched::Fresh { body, .. }) => parse_ics(&body, Utc::now().date_naive())
            .map(|m| m.holidays(zone))
            .map_err(|e| CliError::Refused(format!("{shown}: {e}"))),
        Ok(Fetched::NotModified) => Err(CliError::Failed(format!(
            "{shown}: 304 to an unconditional GET"
        ))),
        Err(e) => Err(CliError::Failed(format!("{shown}: {e}"))),
    }
}

fn in_year(holidays: Holidays, year: i32) -> Vec<(NaiveDate, String)> {
    holidays
        .into_iter()
        .filter(|(d, _)| d.year() == year)
        .collect()
}
