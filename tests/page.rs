//! The week's page as a person sees it: `schedctl bot --listen` on moto
//! serves it behind a signed link, headless Chromium (Debian's package,
//! installed by scripts/chromium.sh) renders it, and the test reads the
//! rendered DOM and keeps a screenshot.

mod support;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue as Av;
use scheduler::links::PlanLinks;
use support::{exception_item, period, s, schedule_item, succeeded, World};

const SECRET: &str = "page-test-signing-secret";
const NOW: &str = "2026-11-30T10:00:00+09:00";

fn chromium() -> PathBuf {
    let path = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let path = PathBuf::from(path);
    assert!(
        path.exists(),
        "{} is missing: run scripts/chromium.sh",
        path.display()
    );
    path
}

/// Headless Chromium with the flags this closed network needs.
fn headless(profile: &tempfile::TempDir) -> Command {
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .stderr(Stdio::null());
    c
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn world() -> World {
    let w = World::new().await;
    let saturday = period("sat", "10:00", "14:00");
    w.put(
        "Schedule",
        schedule_item("dev", "weekdays", "09:00", "22:00").with("Periods", Av::L(vec![saturday])),
    )
    .await;
    w.group("dev", "db", "RDS", &[]).await;
    w.group("dev", "api", "EC2", &["db"]).await;
    w.put(
        "ScheduleException",
        exception_item("x", "dev", "2026-12-01", "start", "None")
            .with("CreatedBy", s("alice (Slack #ops)")),
    )
    .await;
    w.rds_instance("dev-db", "dev", Some("db")).await;
    w.ec2_instances(2, "dev", Some("api"), "dev-api").await;
    w
}

async fn serve(w: &World) -> (Server, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_schedctl"))
        .args(["bot", "--listen", &format!("127.0.0.1:{port}"), "--at", NOW])
        .envs(w.moto.env())
        .env("SLACK_SIGNING_SECRET", SECRET)
        .env_remove("WEBHOOK_URL")
        .env_remove("BOT_URL")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (Server(child), base)
}

#[tokio::test]
async fn the_week_renders_in_chromium_behind_a_signed_link() {
    let w = world().await;
    // A pass at 09:00 starts the waves: today's actions on the page.
    let out = Command::new(env!("CARGO_BIN_EXE_schedctl"))
        .args(["run", "--at", "2026-11-30T09:00:00+09:00"])
        .envs(w.moto.env())
        .env_remove("WEBHOOK_URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let (_server, base) = serve(&w).await;
    let now = support::at(NOW);
    let links = PlanLinks::new(&base, SECRET);
    let url = links.link(Some("dev"), now);

    // No link, a forged one, an expired one: 401 and no data.
    let client = reqwest::Client::new();
    for bad in [
        format!("{base}/plan"),
        url.replace("sig=", "sig=0"),
        links.link(Some("dev"), now - chrono::Duration::hours(25)),
    ] {
        let r = client.get(&bad).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 401, "{bad}");
        assert!(!r.text().await.unwrap().contains("dev-api"));
    }
    // The page is about now: never kept by a cache on the way.
    let page = client.get(&url).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");

    let profile = tempfile::tempdir().unwrap();
    let dom = headless(&profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    assert!(dom.status.success());
    let dom = String::from_utf8(dom.stdout).unwrap();
    for want in [
        "<section class=\"schedule\" data-schedule=\"dev\">",
        "<rect class=\"window\" data-day=\"2026-11-30\" data-start=\"09:00\" data-stop=\"22:00\"",
        "<rect class=\"window\" data-day=\"2026-12-05\" data-start=\"10:00\" data-stop=\"14:00\"",
        "exception: start None by alice (Slack #ops)",
        "<span class=\"group\">db (1)</span>",
        "<span class=\"group\">api (2)</span>",
        "09:00 start db (1 servers)",
        "09:00 start api (2 servers)",
    ] {
        assert!(dom.contains(want), "{want}\n{dom}");
    }
    assert!(
        !dom.contains("data-day=\"2026-12-01\" data-start"),
        "no start on Tuesday"
    );

    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("plan-page.png");
    let _ = std::fs::remove_file(&shot);
    let done = headless(&profile)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1100,1150")
        .arg(&url)
        .output()
        .unwrap();
    assert!(done.status.success());
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{} bytes",
        png.len()
    );
}

#[tokio::test]
async fn status_answers_carry_the_link_and_html_writes_the_same_page() {
    let w = world().await;
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_schedctl"))
        .args(["plan", "--at", NOW, "--html"])
        .arg(file.path())
        .envs(w.moto.env())
        .output()
        .unwrap();
    succeeded(out);
    let html = std::fs::read_to_string(file.path()).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("data-schedule=\"dev\""));
    let week = Command::new(env!("CARGO_BIN_EXE_schedctl"))
        .args(["plan", "--at", NOW, "--week"])
        .envs(w.moto.env())
        .output()
        .unwrap();
    let week = String::from_utf8(week.stdout).unwrap();
    assert!(
        week.contains("Tue 12-01 ················································ ..-22:00"),
        "{week}"
    );
}
