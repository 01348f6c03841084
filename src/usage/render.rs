//! The sums as people read them: a table for `schedctl usage`, and the
//! weekly chat message.

use std::fmt::Write as _;

use super::Usage;
use crate::message::{Level, Message};
use crate::notify::compose::Voice;
use crate::tr;

/// `schedctl usage`: one line per schedule and group, the total, and why
/// a saving is missing.
pub fn render(u: &Usage) -> String {
    let mut out = String::new();
    let days = (u.until - u.since).num_minutes() as f64 / 1440.0;
    let _ = writeln!(
        out,
        "usage from {} to {} ({days:.1} days); saving = hours stopped by the scheduler x on-demand price (USD)",
        u.since.format("%Y-%m-%d %H:%MZ"),
        u.until.format("%Y-%m-%d %H:%MZ"),
    );
    if u.rows.is_empty() {
        let _ = writeln!(out, "  no servers observed in this period");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<20} {:<14} {:>7} {:>10} {:>10} {:>10}",
        "schedule", "group", "servers", "running h", "stopped h", "saving"
    );
    for r in &u.rows {
        let schedule = match &r.target {
            Some(t) => format!("{} ({})", r.schedule, short_target(t)),
            None => r.schedule.clone(),
        };
        let _ = writeln!(
            out,
            "{schedule:<20} {:<14} {:>7} {:>10.1} {:>10.1} {:>10}",
            r.group,
            r.servers,
            r.running_hours,
            r.stopped_hours,
            money(r.saving_usd)
        );
    }
    let _ = writeln!(out, "{:<65} {:>10}", "total", money(u.saving_usd));
    let mut told = std::collections::BTreeSet::new();
    for why in u.rows.iter().flat_map(|r| &r.missing) {
        if told.insert(why) {
            let _ = writeln!(out, "  n/a: {why}");
        }
    }
    out
}

/// The weekly report: a line per schedule and group; `zone` dates it.
pub fn weekly_message(voice: &Voice, u: &Usage, zone: chrono_tz::Tz) -> Message {
    let since = u.since.with_timezone(&zone).format("%Y-%m-%d").to_string();
    let mut m = Message::new(
        Level::Ok,
        voice.placed(tr!(voice.lang, "weekly-report", since = since)),
    );
    for r in &u.rows {
        let line = tr!(
            voice.lang,
            "weekly-line",
            servers = tr!(voice.lang, "servers", count = r.servers),
            running = format!("{:.1}", r.running_hours),
            stopped = format!("{:.1}", r.stopped_hours),
            saving = money(r.saving_usd),
        );
        m = m.field(format!("{} / {}", r.schedule, r.group), line);
    }
    let total = match &u.saving_usd {
        Some(_) => money(u.saving_usd),
        None => {
            let why: Vec<&str> = u
                .rows
                .iter()
                .flat_map(|r| &r.missing)
                .map(String::as_str)
                .collect();
            format!(
                "{} ({})",
                money(None),
                why.first().copied().unwrap_or_default()
            )
        }
    };
    m.field(tr!(voice.lang, "weekly-total"), total)
}

fn money(usd: Option<f64>) -> String {
    match usd {
        Some(v) => format!("${v:.2}"),
        None => "n/a".into(),
    }
}

/// `111111111111 us-east-1` for a target's ARN form.
fn short_target(t: &str) -> String {
    crate::target::Target::parse(t)
        .map(|t| t.label())
        .unwrap_or_else(|_| t.to_string())
}
