//! The week as one HTML page: no script, an inline SVG timeline per
//! schedule (a row per day, a bar per window, the hours as a grid), the
//! reasons, the waves with their groups and server counts, and today's
//! starts and stops so far. Every text is escaped.

use std::fmt::Write as _;

use chrono::Timelike;

use super::{SchedulePage, WeekPage};
use crate::model::clock_text;

const ROW: u32 = 28;
const LABEL: u32 = 90;
const HOUR: u32 = 30;

/// HTML-escaped text.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub fn render(page: &WeekPage) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Instance scheduler: the week</title>\
<style>body{{font-family:system-ui,sans-serif;margin:24px;color:#222}}h2{{margin-top:32px}}\
svg{{background:#fafafa;border:1px solid #ddd}}.window{{fill:#1DDB16}}.grid{{stroke:#ddd}}\
.label{{font-size:12px}}table{{border-collapse:collapse}}td,th{{padding:2px 10px;text-align:left;font-size:14px}}\
.reason{{color:#555}}</style></head><body><h1>The week</h1><p>generated {}</p>",
        esc(&page.generated.format("%Y-%m-%d %H:%M UTC").to_string())
    );
    if page.schedules.is_empty() {
        out.push_str("<p>No schedules.</p>");
    }
    for s in &page.schedules {
        schedule(&mut out, s);
    }
    out.push_str("</body></html>\n");
    out
}

fn schedule(out: &mut String, s: &SchedulePage) {
    let w = &s.week;
    let _ = write!(
        out,
        "<section class=\"schedule\" data-schedule=\"{0}\"><h2>{0}</h2><p>{1}, {2}</p>",
        esc(&w.schedule),
        esc(&w.zone),
        if w.enabled { "enabled" } else { "disabled" }
    );
    timeline(out, s);
    out.push_str("<table class=\"days\"><tr><th>day</th><th>up</th><th>why</th></tr>");
    for d in &w.days {
        let spans: Vec<String> = d
            .windows
            .iter()
            .map(|x| {
                let window = format!("{}-{}", clock_text(x.start), clock_text(x.stop));
                match x.early {
                    Some(early) => format!(
                        "{window} (starts {} to be ready at {})",
                        early.format("%H:%M"),
                        clock_text(x.start)
                    ),
                    None => window,
                }
            })
            .collect();
        let reasons: Vec<String> = d.reasons.iter().map(|r| esc(&r.text())).collect();
        let _ = write!(
            out,
            "<tr data-day=\"{}\"><td>{}</td><td>{}</td><td class=\"reason\">{}</td></tr>",
            d.date,
            d.date.format("%a %m-%d"),
            esc(&spans.join(", ")),
            reasons.join("; ")
        );
    }
    out.push_str("</table><h3>Waves</h3>");
    if let Some(lead) = &w.lead {
        let _ = write!(
            out,
            "<p class=\"lead\">Ready by the start time: the first wave starts {} min early. Each wave takes (the longest of its last 5 starts): {}.</p>",
            lead.minutes,
            esc(&super::wave_minutes(lead))
        );
    }
    out.push_str("<ol class=\"waves\">");
    for wave in &s.waves {
        let groups: Vec<String> = wave
            .iter()
            .map(|g| {
                let check = g
                    .check
                    .as_ref()
                    .map(|c| format!(", ready when <span class=\"check\">{}</span>", esc(c)))
                    .unwrap_or_default();
                format!(
                    "<span class=\"group\">{} ({}{check})</span>",
                    esc(&g.name),
                    g.servers
                )
            })
            .collect();
        let _ = write!(out, "<li>{}</li>", groups.join(", "));
    }
    out.push_str("</ol>");
    if !s.held.is_empty() {
        out.push_str("<h3>Held up</h3><ul class=\"held\">");
        for (server, until) in &s.held {
            let _ = write!(out, "<li>{} until {}</li>", esc(server), esc(until));
        }
        out.push_str("</ul>");
    }
    out.push_str("<h3>Today</h3><ul class=\"today\">");
    if s.today.is_empty() {
        out.push_str("<li>nothing started or stopped yet</li>");
    }
    for l in &s.today {
        let _ = write!(
            out,
            "<li>{} {} {} ({} servers)</li>",
            l.at.with_timezone(&s.zone).format("%H:%M"),
            l.direction,
            esc(&l.group),
            l.servers
        );
    }
    out.push_str("</ul></section>");
}

/// Minutes from midnight, for the x axis.
fn x(t: chrono::NaiveTime) -> u32 {
    LABEL + (t.hour() * 60 + t.minute()) * HOUR / 60
}

fn timeline(out: &mut String, s: &SchedulePage) {
    let days = &s.week.days;
    let width = LABEL + 24 * HOUR + 10;
    let height = ROW * days.len() as u32 + 20;
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{} week\">",
        esc(&s.week.schedule)
    );
    for h in (0..=24).step_by(3) {
        let gx = LABEL + h * HOUR;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{gx}\" y1=\"0\" x2=\"{gx}\" y2=\"{}\"/><text class=\"label\" x=\"{}\" y=\"{height}\">{h:02}</text>",
            height - 14,
            gx.saturating_sub(6)
        );
    }
    let end = LABEL + 24 * HOUR;
    let mut carried = false;
    for (i, d) in days.iter().enumerate() {
        let y = i as u32 * ROW + 4;
        let _ = write!(
            out,
            "<text class=\"label\" x=\"4\" y=\"{}\">{}</text>",
            y + 16,
            d.date.format("%a %m-%d")
        );
        let mut bar = |from: u32, to: u32, start: String, stop: String| {
            let _ = write!(
                out,
                "<rect class=\"window\" data-day=\"{}\" data-start=\"{start}\" data-stop=\"{stop}\" x=\"{from}\" y=\"{y}\" width=\"{}\" height=\"{}\"/>",
                d.date,
                to.saturating_sub(from).max(1),
                ROW - 8
            );
        };
        if carried {
            let first_stop = d
                .windows
                .iter()
                .filter_map(|w| w.stop)
                .map(x)
                .min()
                .unwrap_or(end);
            bar(
                LABEL,
                first_stop,
                "00:00".into(),
                clock_text(d.windows.iter().filter_map(|w| w.stop).min()),
            );
        }
        carried = false;
        for w in &d.windows {
            let Some(start) = w.start else { continue };
            let to = match w.stop {
                Some(stop) if !w.crosses => x(stop),
                _ => end,
            };
            carried |= w.crosses;
            bar(x(start), to, clock_text(Some(start)), clock_text(w.stop));
        }
    }
    out.push_str("</svg>");
}
