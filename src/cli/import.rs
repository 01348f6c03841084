//! `schedctl import aws-instance-scheduler --table TABLE [--dry-run]`: AWS
//! Instance Scheduler's schedules as Schedule items, what has no
//! equivalent listed and left out (see `crate::import`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use super::CliError;
use crate::import::{convert, verdict, Verdict, IMPORTED_FROM, PEER};
use crate::ports::ScheduleImport;

/// Exit 0 when every schedule that can be expressed is in the Schedule
/// table (written now, or already the same); 1 when one was refused
/// because an item of its name stands that the import did not write; 2
/// when a table cannot be read or written. With `dry_run` the same
/// verdicts and exit code, and nothing written.
pub async fn aws_instance_scheduler<C: ScheduleImport>(
    store: &C,
    table: &str,
    dry_run: bool,
    out: &mut String,
) -> Result<ExitCode, CliError> {
    let (theirs, ours) = tokio::try_join!(store.scan_table(table), store.schedule_items())?;
    let conversion = convert(table, &theirs);
    let existing: HashMap<&str, _> = ours
        .iter()
        .filter_map(|i| match i.0.get("ScheduleName") {
            Some(aws_sdk_dynamodb::types::AttributeValue::S(n)) => Some((n.as_str(), i)),
            _ => None,
        })
        .collect();
    let (mut written, mut unchanged, mut refused) = (0, 0, 0);
    let would = if dry_run { "would write" } else { "written" };
    for c in &conversion.schedules {
        let plural = if c.periods == 1 { "" } else { "s" };
        let (item, fresh) = match verdict(&c.item, existing.get(c.name.as_str()).copied()) {
            Verdict::Unchanged => {
                unchanged += 1;
                let _ = writeln!(out, "{:?}: unchanged", c.name);
                left_out(&c.left_out, out);
                continue;
            }
            Verdict::Foreign => {
                refused += 1;
                let _ = writeln!(
                    out,
                    "{:?}: refused: a Schedule item of that name exists without {IMPORTED_FROM}={PEER}, so this import did not write it and will not overwrite it; rename or remove one of them",
                    c.name
                );
                continue;
            }
            Verdict::Create(item) => (item, true),
            Verdict::Update(item) => (item, false),
        };
        if !dry_run && !store.put_imported(item, fresh).await? {
            refused += 1;
            let _ = writeln!(
                out,
                "{:?}: refused: another Schedule item of that name was written meanwhile",
                c.name
            );
            continue;
        }
        written += 1;
        let _ = writeln!(out, "{:?}: {would}, {} period{plural}", c.name, c.periods);
        left_out(&c.left_out, out);
    }
    for line in &conversion.skipped {
        let _ = writeln!(out, "skipped whole: {line}");
    }
    let _ = writeln!(
        out,
        "{written} {would}, {unchanged} unchanged, {} skipped, {refused} refused{}",
        conversion.skipped.len(),
        if dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn left_out(lines: &[String], out: &mut String) {
    for line in lines {
        let _ = writeln!(out, "  left out: {line}");
    }
}
