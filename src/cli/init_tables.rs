//! `schedctl init-tables`: the five tables (the usage history's with its
//! expiry), for local use and tests (in
//! AWS the template creates them). The one subcommand that needs DynamoDB
//! itself rather than a port.

use std::fmt::Write as _;
use std::process::ExitCode;

use super::CliError;
use crate::aws::dynamodb::Dynamo;

pub async fn apply(dynamo: &Dynamo, out: &mut String) -> Result<ExitCode, CliError> {
    let created = dynamo.create_tables().await?;
    let t = &dynamo.tables;
    for name in [&t.schedule, &t.group, &t.exception, &t.state, &t.usage] {
        let what = if created.contains(name) {
            "created"
        } else {
            "exists"
        };
        let _ = writeln!(out, "{name}: {what}");
    }
    Ok(ExitCode::SUCCESS)
}
