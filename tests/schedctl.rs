//! `schedctl` as outside tools drive it: a child process with the spec's
//! environment variables, flags and exit codes, against moto.

mod support;

use assert_cmd::Command;
use support::{succeeded, World};

fn schedctl(w: &World) -> Command {
    let mut c = Command::cargo_bin("schedctl").unwrap();
    for (k, v) in w.moto.env() {
        c.env(k, v);
    }
    c.env_remove("WEBHOOK_URL").env("TIMEZONE", "Asia/Seoul");
    c
}

fn stdout(c: &mut Command) -> String {
    let out = c.output().unwrap();
    succeeded(out)
}

async fn chain(w: &World) -> Vec<String> {
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "app", "EC2", &["db"]).await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    w.ec2_instances(2, "dev", Some("app"), "dev-app").await
}

#[tokio::test]
async fn init_tables_creates_the_five_tables_once() {
    let moto = support::Moto::start();
    let mut c = Command::cargo_bin("schedctl").unwrap();
    for (k, v) in moto.env() {
        c.env(k, v);
    }
    let out = String::from_utf8(c.arg("init-tables").output().unwrap().stdout).unwrap();
    assert_eq!(out, "Schedule: created\nScheduleServerGroup: created\nScheduleException: created\nScheduleState: created\nScheduleUsage: created\n");
    let mut c = Command::cargo_bin("schedctl").unwrap();
    for (k, v) in moto.env() {
        c.env(k, v);
    }
    let out = String::from_utf8(c.arg("init-tables").output().unwrap().stdout).unwrap();
    assert!(out.contains("Schedule: exists"));
}

#[tokio::test]
async fn run_without_tables_exits_2_with_a_clear_message() {
    let moto = support::Moto::start();
    let mut c = Command::cargo_bin("schedctl").unwrap();
    for (k, v) in moto.env() {
        c.env(k, v);
    }
    let out = c
        .args(["run", "--at", "2026-11-30T09:00:00+09:00"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("dynamodb:Scan") && err.contains("ResourceNotFoundException"),
        "{err}"
    );
}

#[tokio::test]
async fn plan_json_shows_the_first_wave_and_changes_nothing() {
    let w = World::new().await;
    let ids = chain(&w).await;
    let out = stdout(schedctl(&w).args(["plan", "--at", "2026-11-30T09:00:00+09:00", "--json"]));
    let plan: serde_json::Value = serde_json::from_str(&out).unwrap();
    let dev = &plan["schedules"][0];
    assert_eq!(dev["schedule"], "dev");
    assert_eq!(dev["events"][0]["kind"], "start");
    assert_eq!(dev["actions"][0]["group"], "db");
    assert_eq!(dev["actions"][0]["instances"][0]["id"], "dev-db");
    assert_eq!(dev["waits"][0], "app waits for db to be up");
    assert_eq!(dev["waves"][1]["groups"][0]["group"], "app");
    assert_eq!(w.rds_state("dev-db").await, "stopped");
    assert_eq!(w.ec2_state(&ids[0]).await, "stopped");
    let human = stdout(schedctl(&w).args(["plan", "--at", "2026-11-30T09:00:00+09:00"]));
    assert!(
        human.contains("ACTION    start db (wave 1): dev-db"),
        "{human}"
    );
}

#[tokio::test]
async fn run_at_a_clock_time_starts_in_order_and_prints_the_messages() {
    let w = World::new().await;
    let ids = chain(&w).await;
    let out = stdout(schedctl(&w).args(["run", "--at", "2026-11-30T09:00:00+09:00"]));
    assert!(
        out.contains("chat> [dev] Starting db (wave 1 of 2)"),
        "{out}"
    );
    let db = out.find("Starting db").unwrap();
    let app = out.find("Starting app").unwrap();
    assert!(db < app);
    assert_eq!(w.ec2_state(&ids[1]).await, "running");
    let again = stdout(schedctl(&w).args(["run", "--at", "2026-11-30T09:00:00+09:00"]));
    assert!(again.contains("nothing to do"), "{again}");
}

#[tokio::test]
async fn validate_names_table_key_and_attribute_and_exits_1() {
    let w = World::new().await;
    w.schedule("good", "all", "09:00", "22:00").await;
    w.schedule("bad", "funday", "09:00", "22:00").await;
    w.group("good", "web", "Lambda", &[]).await;
    w.exception("x-1", "good", "2026-02-30", "stop", "23:00")
        .await;
    let out = schedctl(&w).arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines.contains(&"Schedule item [ScheduleName=bad] attribute DaysActive: \"funday\" is not a day (use all, weekdays, weekends or a list like mon,wed,fri, mon-fri, mon#1, fri#L) (schedule bad disabled)"), "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with(
            "ScheduleServerGroup item [ScheduleName=good, GroupName=web] attribute InstanceType"
        )),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("ScheduleException item [ExceptionUuid=x-1] attribute ExceptionDate")),
        "{text}"
    );

    let ok = World::new().await;
    ok.schedule("good", "all", "09:00", "22:00").await;
    let out = stdout(schedctl(&ok).arg("validate"));
    assert_eq!(out, "ok: 1 schedules, 0 groups, 0 exceptions\n");
}

#[tokio::test]
async fn exception_add_list_rm_write_the_original_items() {
    let w = World::new().await;
    w.schedule("dev", "weekdays", "09:00", "22:00").await;
    let out = stdout(schedctl(&w).args([
        "exception",
        "add",
        "dev",
        "--date",
        "2026-12-24",
        "--start",
        "none",
        "--stop",
        "18:30",
    ]));
    assert_eq!(out.lines().count(), 2);
    let listed = stdout(schedctl(&w).args(["exception", "list", "dev"]));
    assert!(
        listed.contains("\tdev\t2026-12-24\tstart\tNone"),
        "{listed}"
    );
    assert!(
        listed.contains("\tdev\t2026-12-24\tstop\t18:30"),
        "{listed}"
    );
    let scan = w
        .ddb
        .scan()
        .table_name("ScheduleException")
        .send()
        .await
        .unwrap();
    let item = scan
        .items()
        .iter()
        .find(|i| i["ExceptionType"].as_s().unwrap() == "stop")
        .unwrap();
    assert_eq!(item["ExceptionValue"].as_s().unwrap(), "18:30");
    assert_eq!(item["ExceptionDate"].as_s().unwrap(), "2026-12-24");
    assert!(item["CreatedBy"].as_s().unwrap().ends_with("via schedctl"));
    let id = item["ExceptionUuid"].as_s().unwrap().clone();
    let out = stdout(schedctl(&w).args(["exception", "rm", &id]));
    assert_eq!(out, format!("removed {id}\n"));
    let out = schedctl(&w)
        .args(["exception", "rm", &id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let bad = schedctl(&w)
        .args([
            "exception",
            "add",
            "dev",
            "--date",
            "2026-12-24",
            "--stop",
            "25:00",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    let unknown = schedctl(&w)
        .args([
            "exception",
            "add",
            "nope",
            "--date",
            "2026-12-24",
            "--stop",
            "20:00",
        ])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
}

#[tokio::test]
async fn extend_moves_the_stop_and_the_old_stop_time_leaves_servers_up() {
    let w = World::new().await;
    let ids = chain(&w).await;
    stdout(schedctl(&w).args(["run", "--at", "2026-11-30T09:00:00+09:00"]));
    let warn = stdout(schedctl(&w).args(["run", "--at", "2026-11-30T21:50:00+09:00"]));
    assert!(
        warn.contains("chat> [dev] 3 servers stop at 22:00 Asia/Seoul (in 10 min)"),
        "{warn}"
    );
    assert!(warn.contains("schedctl extend dev --until 23:00"), "{warn}");
    let out = stdout(schedctl(&w).args([
        "extend",
        "dev",
        "--until",
        "23:00",
        "--at",
        "2026-11-30T21:52:00+09:00",
    ]));
    assert!(
        out.starts_with("dev: stop moved to 2026-11-30 23:00 Asia/Seoul (ExceptionDate 2026-11-30"),
        "{out}"
    );
    stdout(schedctl(&w).args(["run", "--at", "2026-11-30T22:00:00+09:00"]));
    assert_eq!(w.ec2_state(&ids[0]).await, "running");
    let rearmed = stdout(schedctl(&w).args(["run", "--at", "2026-11-30T22:50:00+09:00"]));
    assert!(rearmed.contains("stop at 23:00"), "{rearmed}");
    stdout(schedctl(&w).args(["run", "--at", "2026-11-30T23:00:00+09:00"]));
    assert_eq!(w.ec2_state(&ids[0]).await, "stopped");
    assert_eq!(w.rds_state("dev-db").await, "stopped");
    let past = schedctl(&w)
        .args([
            "extend",
            "dev",
            "--until",
            "21:00",
            "--at",
            "2026-12-01T21:52:00+09:00",
        ])
        .output()
        .unwrap();
    assert_eq!(past.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&past.stderr).contains("already past"));
}

#[tokio::test]
async fn force_start_starts_everything_and_is_reset() {
    let w = World::new().await;
    let ids = chain(&w).await;
    stdout(schedctl(&w).args(["force-start", "dev"]));
    // Saturday: no event, ForceStart alone.
    let out = stdout(schedctl(&w).args(["run", "--at", "2026-12-05T15:00:00+09:00"]));
    assert!(
        out.contains("Starting db") && out.contains("Starting app"),
        "{out}"
    );
    assert_eq!(w.ec2_state(&ids[0]).await, "running");
    // The pass returned once the last wave was commanded; the next one
    // sees every server up and resets the flag.
    stdout(schedctl(&w).args(["run", "--at", "2026-12-05T15:05:00+09:00"]));
    let item = w
        .ddb
        .get_item()
        .table_name("Schedule")
        .key("ScheduleName", support::s("dev"))
        .send()
        .await
        .unwrap();
    let item = item.item().unwrap();
    assert_eq!(item["ForceStart"].as_bool().unwrap(), &false);
    assert_eq!(
        item["DaysActive"].as_s().unwrap(),
        "weekdays",
        "other attributes are kept"
    );
    let missing = schedctl(&w).args(["force-start", "nope"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
}
