//! `schedctl force-start SCHEDULE`: sets ForceStart, as the original bot's
//! `force_start` did.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::CliError;
use crate::ports::ScheduleEditor;

pub async fn apply<E: ScheduleEditor>(
    store: &E,
    schedule: &str,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    match store.set_force_start(schedule, true).await {
        Ok(()) => {
            let _ = writeln!(
                out,
                "{schedule}: ForceStart set; the next pass starts its servers in order"
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.code == "ConditionalCheckFailedException" => {
            Err(CliError::Refused(format!("no schedule named {schedule:?}")))
        }
        Err(e) => Err(e.into()),
    }
}
