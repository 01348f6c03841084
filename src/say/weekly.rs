//! The weekly report as a chat message: a line per schedule and group.

use crate::message::{Level, Message};
use crate::say::Voice;
use crate::tr;
use crate::usage::{money, Usage};

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
