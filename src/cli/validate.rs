//! `schedctl validate`: one line per bad item (exit 1 if any), and a
//! `notice:` line per schedule that the original tool read differently.

use std::fmt::Write as _;
use std::process::ExitCode;

use chrono::Utc;

use super::CliError;
use crate::model::Config;
use crate::pass::Deps;
use crate::ports::ConfigStore;

pub async fn apply<C: ConfigStore, S, F, N>(
    deps: &Deps<C, S, F, N>,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let raw = deps.config.load().await?;
    let config = Config::parse(&raw, deps.tuning.zone, Utc::now());
    for cfg in config.schedules.values() {
        for line in cfg.schedule.differences_from_original() {
            let _ = writeln!(out, "notice: {line}");
        }
    }
    if config.errors.is_empty() {
        let _ = writeln!(
            out,
            "ok: {} schedules, {} groups, {} exceptions",
            raw.schedules.len(),
            raw.groups.len(),
            raw.exceptions.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for e in &config.errors {
        let _ = writeln!(out, "{e}");
    }
    Ok(ExitCode::from(1))
}
