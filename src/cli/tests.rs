//! `schedctl`'s subcommands on the in-memory fakes: what they print, the
//! exit code, and what they wrote.

use std::process::ExitCode;

use clap::Parser;

use super::{dispatch, Cli, CliError};
use crate::memory::{self, MemoryDeps};
use crate::model::{InstanceKind, RawConfig};
use crate::testing::{group_item, instance, schedule_item};

/// dev: weekdays 09:00-22:00 Seoul, db (RDS) -> app (EC2), all stopped.
pub fn chain() -> MemoryDeps {
    memory::deps(
        RawConfig {
            schedules: vec![schedule_item("dev", "weekdays", "09:00", "22:00")],
            groups: vec![
                group_item("dev", "db", "RDS", &[]),
                group_item("dev", "app", "EC2", &["db"]),
            ],
            exceptions: vec![],
        },
        vec![
            instance("dev-db", InstanceKind::Rds, "stopped", "dev", Some("db")),
            instance("i-app", InstanceKind::Ec2, "stopped", "dev", Some("app")),
        ],
    )
}

/// Runs `schedctl ARGS` on `deps`: the exit code (0, 1, 2) and stdout.
pub async fn schedctl(deps: &MemoryDeps, args: &[&str]) -> (u8, String) {
    let cli = Cli::try_parse_from(std::iter::once("schedctl").chain(args.iter().copied())).unwrap();
    let mut out = String::new();
    let code = match dispatch(cli.command, deps, &mut out).await {
        Ok(code) if code == ExitCode::SUCCESS => 0,
        Ok(_) => 1,
        Err(CliError::Refused(e)) => {
            out.push_str(&e);
            1
        }
        Err(CliError::Failed(e)) => {
            out.push_str(&e);
            2
        }
    };
    (code, out)
}

#[tokio::test]
async fn run_starts_the_first_waves_and_prints_the_messages() {
    let d = chain();
    let (code, out) = schedctl(&d, &["run", "--at", "2026-11-30T09:00:00+09:00"]).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("round 1: dev start db: dev-db (dev-db)"),
        "{out}"
    );
    assert!(
        out.contains("round 2: dev start app: i-app (i-app)"),
        "{out}"
    );
    assert!(
        out.contains("chat> [dev] Starting db (wave 1 of 2)"),
        "{out}"
    );
    assert_eq!(d.fleet.state_of("i-app"), "running");
    let (_, again) = schedctl(&d, &["run", "--at", "2026-11-30T09:00:00+09:00"]).await;
    assert!(again.contains("nothing to do"), "{again}");
}

#[tokio::test]
async fn plan_changes_nothing_and_json_is_the_plan() {
    let d = chain();
    let (code, out) = schedctl(&d, &["plan", "--at", "2026-11-30T09:00:00+09:00"]).await;
    assert_eq!(code, 0);
    assert!(out.contains("ACTION    start db (wave 1): dev-db"), "{out}");
    let (_, json) = schedctl(&d, &["plan", "--at", "2026-11-30T09:00:00+09:00", "--json"]).await;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schedules"][0]["actions"][0]["group"], "db");
    assert_eq!(d.fleet.state_of("dev-db"), "stopped");
    assert!(d.fleet.calls.lock().unwrap().is_empty());
    assert!(d.state.items.lock().unwrap().is_empty());
}

#[tokio::test]
async fn validate_exits_1_naming_the_attribute() {
    let d = chain();
    d.config
        .raw
        .lock()
        .unwrap()
        .schedules
        .push(schedule_item("bad", "funday", "09:00", "22:00"));
    let (code, out) = schedctl(&d, &["validate"]).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("Schedule item [ScheduleName=bad] attribute DaysActive"),
        "{out}"
    );
    d.config.raw.lock().unwrap().schedules.pop();
    assert_eq!(
        schedctl(&d, &["validate"]).await,
        (0, "ok: 1 schedules, 2 groups, 0 exceptions\n".into())
    );
}

#[tokio::test]
async fn exception_add_list_rm_round_trip() {
    let d = chain();
    let (code, out) = schedctl(
        &d,
        &[
            "exception",
            "add",
            "dev",
            "--date",
            "2026-12-01",
            "--start",
            "none",
        ],
    )
    .await;
    assert_eq!(code, 0, "{out}");
    let id = out.split('\t').next().unwrap().to_string();
    let (_, list) = schedctl(&d, &["exception", "list", "dev"]).await;
    assert!(
        list.ends_with(&format!("{id}\tdev\t2026-12-01\tstart\tNone\n")),
        "{list}"
    );
    assert_eq!(
        schedctl(&d, &["exception", "rm", &id]).await,
        (0, format!("removed {id}\n"))
    );
    assert_eq!(schedctl(&d, &["exception", "rm", &id]).await.0, 1);
    let (code, out) = schedctl(
        &d,
        &[
            "exception",
            "add",
            "nope",
            "--date",
            "2026-12-01",
            "--stop",
            "23:00",
        ],
    )
    .await;
    assert_eq!((code, out.as_str()), (1, "no schedule named \"nope\""));
}

#[tokio::test]
async fn extend_refuses_a_time_already_past_and_force_start_an_unknown_schedule() {
    let d = chain();
    let (code, out) = schedctl(
        &d,
        &[
            "extend",
            "dev",
            "--until",
            "21:00",
            "--at",
            "2026-11-30T21:50:00+09:00",
        ],
    )
    .await;
    assert_eq!(code, 1);
    assert!(out.contains("already past"), "{out}");
    let (code, _) = schedctl(
        &d,
        &[
            "extend",
            "dev",
            "--until",
            "23:00",
            "--at",
            "2026-11-30T21:50:00+09:00",
        ],
    )
    .await;
    assert_eq!(code, 0);
    assert_eq!(d.config.raw.lock().unwrap().exceptions.len(), 1);
    assert_eq!(schedctl(&d, &["force-start", "nope"]).await.0, 1);
    assert_eq!(schedctl(&d, &["force-start", "dev"]).await.0, 0);
}
