//! The sums as a table for `schedctl usage` (the weekly chat message is
//! `say::weekly`'s).

use std::fmt::Write as _;

use super::Usage;

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

/// A saving in dollars, or `n/a`.
pub fn money(usd: Option<f64>) -> String {
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
