//! The original `SCHEDULE info [DATE]`: Enabled, DaysActive, that day's
//! start and stop after exceptions and holidays, that day's holiday and
//! exceptions.

use chrono::NaiveDate;

use super::{Answer, Ctx, Reply};
use crate::model::{clock_text, Direction};
use crate::{time, tr};

pub async fn apply<E, S, F, N, T>(
    ctx: &Ctx<'_, E, S, F, N, T>,
    name: &str,
    date: Option<NaiveDate>,
) -> Answer {
    let cfg = ctx.schedule(name)?;
    let lang = ctx.lang();
    let day = date.unwrap_or_else(|| ctx.today(cfg));
    let (start, stop) = time::day_times(cfg, day);
    let shown = |t| match t {
        Some(t) => clock_text(Some(t)),
        None => tr!(lang, "none"),
    };
    let mut lines = vec![
        tr!(lang, "info-title", schedule = name, day = day.to_string()),
        tr!(
            lang,
            "info-enabled",
            enabled = cfg.schedule.enabled.to_string()
        ),
        tr!(lang, "info-days", days = &cfg.schedule.days_text),
        tr!(
            lang,
            "info-start",
            start = shown(start) + &early(cfg, day, start, lang)
        ),
        tr!(lang, "info-stop", stop = shown(stop)),
    ];
    let exceptions: Vec<String> = [Direction::Start, Direction::Stop]
        .into_iter()
        .filter_map(|k| cfg.exceptions.item(day, k))
        .map(|x| format!("{} {}", x.kind, clock_text(x.value)))
        .collect();
    if let Some(name) = cfg.holiday(day) {
        lines.push(tr!(lang, "info-holiday", name = name));
    }
    lines.push(if exceptions.is_empty() {
        tr!(lang, "no-exceptions")
    } else {
        tr!(lang, "info-exceptions", list = exceptions.join(", "))
    });
    Ok(Reply::only(lines.join("\n")))
}

/// ` (starts 08:40 to be ready at 09:00)` for a `ready-by` schedule's
/// start of `day` at `start`.
fn early(
    cfg: &crate::model::ScheduleConfig,
    day: NaiveDate,
    start: Option<chrono::NaiveTime>,
    lang: crate::i18n::Language,
) -> String {
    let Some(ready) = start.map(|t| day.and_time(t)) else {
        return String::new();
    };
    let events = time::day_events(cfg, day);
    match time::ready_by_start(&events, ready) {
        Some(e) => format!(
            " ({})",
            tr!(
                lang,
                "starts-ready-by",
                starts = e.local.format("%H:%M").to_string(),
                ready = ready.format("%H:%M").to_string()
            )
        ),
        None => String::new(),
    }
}
