//! `schedctl plan --week`: one row per schedule and day, a bar of the
//! hours up (half an hour a character), the day's times and why, in 100
//! columns.

use std::fmt::Write as _;

use chrono::Timelike;

use super::WeekPage;
use crate::model::clock_text;
use crate::time::Reason;
use crate::week::{Day, Span};

/// Half-hour slots of a day.
const SLOTS: usize = 48;
/// The widest row.
const WIDTH: usize = 100;

pub fn render(page: &WeekPage) -> String {
    let mut out = String::new();
    for s in &page.schedules {
        let w = &s.week;
        let state = if w.enabled { "enabled" } else { "disabled" };
        let _ = writeln!(out, "{} ({}, {state})", w.schedule, w.zone);
        let _ = writeln!(
            out,
            "{:10}0     3     6     9     12    15    18    21    24",
            ""
        );
        if let Some(lead) = &w.lead {
            let _ = writeln!(out, "{}", cut(&lead_line(lead), WIDTH));
        }
        let mut carried = false;
        for day in &w.days {
            let (bar, carries) = bar(day, carried);
            carried = carries;
            let row = format!(
                "{} {bar} {:<13} {}",
                day.date.format("%a %m-%d"),
                times(day),
                why(day)
            );
            let _ = writeln!(out, "{}", cut(row.trim_end(), WIDTH));
        }
        for (server, until) in &s.held {
            let _ = writeln!(out, "held      {server} until {until}");
        }
        out.push('\n');
    }
    out
}

fn slot(t: chrono::NaiveTime) -> usize {
    ((t.hour() * 60 + t.minute()) / 30) as usize
}

/// The day's bar; `carried`: a window of the day before runs into it.
/// Returns whether one of this day's windows runs into the next.
fn bar(day: &Day, carried: bool) -> (String, bool) {
    let mut up = [false; SLOTS];
    let mut carries = false;
    let mut fill =
        |from: usize, to: usize| up[from..to.min(SLOTS)].iter_mut().for_each(|u| *u = true);
    if carried {
        let first_stop = day.windows.iter().filter_map(|w| w.stop).map(slot).min();
        fill(0, first_stop.unwrap_or(SLOTS));
    }
    for Span {
        start,
        stop,
        crosses,
        ..
    } in &day.windows
    {
        match (start, stop) {
            (Some(a), Some(b)) if *crosses => {
                fill(slot(*a), SLOTS);
                carries = true;
                let _ = b;
            }
            (Some(a), Some(b)) => fill(slot(*a), slot(*b)),
            (Some(a), None) => fill(slot(*a), SLOTS),
            _ => {}
        }
    }
    let bar = up.iter().map(|u| if *u { '█' } else { '·' }).collect();
    (bar, carries)
}

fn times(day: &Day) -> String {
    let spans: Vec<String> = day
        .windows
        .iter()
        .map(|w| match (w.start, w.stop) {
            (Some(_), Some(_)) | (None, Some(_)) | (Some(_), None) => {
                let early = w.early.map(|e| format!("{}>", e.format("%H:%M")));
                format!(
                    "{}{}-{}",
                    early.unwrap_or_default(),
                    short(w.start),
                    short(w.stop)
                )
            }
            (None, None) => String::new(),
        })
        .collect();
    if spans.is_empty() {
        "-".into()
    } else {
        spans.join(",")
    }
}

/// `ready-by  starts 20 min early (starts>ready-stop): db 10 min, api 3 min (default)`.
fn lead_line(lead: &crate::model::Lead) -> String {
    format!(
        "ready-by  starts {} min early (starts>ready-stop): {}",
        lead.minutes,
        super::wave_minutes(lead)
    )
}

fn short(t: Option<chrono::NaiveTime>) -> String {
    match t {
        Some(t) => clock_text(Some(t)),
        None => "..".into(),
    }
}

/// Markers first (E exception, H holiday, X bad item, F ForceStart), then
/// the reasons in words.
fn why(day: &Day) -> String {
    day.reasons
        .iter()
        .map(|r| {
            let mark = match r {
                Reason::Regular => "",
                Reason::Exception { .. } => "E ",
                Reason::Holiday { .. } => "H ",
                Reason::Closed => "X ",
                Reason::ForceStart => "F ",
            };
            format!("{mark}{}", r.text())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// At most `width` characters, the last one `…` when cut.
fn cut(row: &str, width: usize) -> String {
    if row.chars().count() <= width {
        return row.to_string();
    }
    let mut s: String = row.chars().take(width - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue as Av;

    use super::super::{SchedulePage, WeekPage};
    use super::*;
    use crate::testing::{config, exception_item, period, s, schedule_item, utc};
    use crate::week;

    /// dev: weekdays 09-22 and Saturdays 10-14, no start on Tuesday (alice),
    /// a holiday on Thursday; night: every day 22:00-02:00.
    pub fn sample() -> WeekPage {
        let saturday = period("sat", "10:00", "14:00");
        let cfg = config(
            vec![
                schedule_item("dev", "weekdays", "09:00", "22:00")
                    .with("Periods", Av::L(vec![saturday])),
                schedule_item("night", "all", "22:00", "02:00"),
            ],
            vec![],
            vec![exception_item("x", "dev", "2026-12-01", "start", "None")
                .with("CreatedBy", s("alice (Slack #ops)"))],
        );
        let today = "2026-11-30".parse().unwrap();
        let schedules = cfg
            .schedules
            .values()
            .map(|c| {
                let mut c = c.clone();
                if c.schedule.name == "dev" {
                    c.holidays
                        .insert("2026-12-03".parse().unwrap(), "Founding Day".into());
                }
                SchedulePage {
                    week: week::week(&c, today),
                    waves: vec![],
                    today: vec![],
                    zone: c.schedule.time_zone,
                    held: vec![],
                }
            })
            .collect();
        WeekPage {
            generated: utc("2026-11-30T10:00:00+09:00"),
            schedules,
        }
    }

    #[test]
    fn the_week_in_100_columns() {
        let text = render(&sample());
        let expected = "\
dev (Asia/Seoul, enabled)
          0     3     6     9     12    15    18    21    24
Mon 11-30 ··················██████████████████████████···· 09:00-22:00   regular
Tue 12-01 ················································ ..-22:00      E exception: start None by…
Wed 12-02 ··················██████████████████████████···· 09:00-22:00   regular
Thu 12-03 ················································ ..-22:00      H holiday: Founding Day
Fri 12-04 ··················██████████████████████████···· 09:00-22:00   regular
Sat 12-05 ····················████████···················· 10:00-14:00   regular
Sun 12-06 ················································ -

night (Asia/Seoul, enabled)
          0     3     6     9     12    15    18    21    24
Mon 11-30 ············································████ 22:00-02:00   regular
Tue 12-01 ████········································████ 22:00-02:00   regular
Wed 12-02 ████········································████ 22:00-02:00   regular
Thu 12-03 ████········································████ 22:00-02:00   regular
Fri 12-04 ████········································████ 22:00-02:00   regular
Sat 12-05 ████········································████ 22:00-02:00   regular
Sun 12-06 ████········································████ 22:00-02:00   regular

";
        assert_eq!(text, expected, "\n{text}");
        assert!(text.lines().all(|l| l.chars().count() <= 100));
    }
}
