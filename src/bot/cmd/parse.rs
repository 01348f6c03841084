//! Chat command words, in the new order (`extend dev 23:00`) and in the
//! original JANDI bot's (`dev exception set 2026-11-23 stop 23:00`).

use chrono::{NaiveDate, NaiveTime};

use super::Command;
use crate::model::{parse_clock, parse_date, Direction};

pub const USAGE: &str = "Commands: status [SCHEDULE] | extend SCHEDULE HH:MM (alias postpone) | skip SCHEDULE [YYYY-MM-DD] | start SCHEDULE | stop SCHEDULE | exceptions SCHEDULE [YYYY-MM-DD] | cancel SCHEDULE [YYYY-MM-DD] start|stop | help. The original order works too: SCHEDULE status, SCHEDULE info [DATE], SCHEDULE exception info|set|del ..., SCHEDULE force_start, SCHEDULE force_stop.";

/// Why a command was not understood; answered to the user as it is.
pub type Refusal = String;

fn time(word: Option<&&str>) -> Result<NaiveTime, Refusal> {
    let w = word.ok_or("a time HH:MM is missing")?;
    match parse_clock(w)? {
        Some(t) => Ok(t),
        None => Err("a time HH:MM is needed, not None".into()),
    }
}

fn date(word: Option<&&str>) -> Result<Option<NaiveDate>, Refusal> {
    word.map(|w| parse_date(w)).transpose()
}

fn kind(word: Option<&&str>) -> Result<Direction, Refusal> {
    let w = word.ok_or("start or stop is missing")?;
    Direction::parse(w).ok_or_else(|| format!("{w:?} is not start or stop"))
}

fn schedule(word: Option<&&str>) -> Result<String, Refusal> {
    word.map(|w| w.to_string())
        .ok_or_else(|| "a schedule name is missing".into())
}

const NEW_WORDS: &[&str] = &[
    "help",
    "status",
    "extend",
    "postpone",
    "skip",
    "start",
    "stop",
    "exceptions",
    "cancel",
];

/// Parses the text after the bot's keyword.
pub fn parse(text: &str) -> Result<Command, Refusal> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(first) = words.first() else {
        return Ok(Command::Help);
    };
    let verb = first.to_ascii_lowercase();
    if NEW_WORDS.contains(&verb.as_str()) {
        let w = &words[1..];
        return match verb.as_str() {
            "help" => Ok(Command::Help),
            "status" => Ok(Command::Status(w.first().map(|s| s.to_string()))),
            "extend" | "postpone" => Ok(Command::Extend(schedule(w.first())?, time(w.get(1))?)),
            "skip" => Ok(Command::Skip(schedule(w.first())?, date(w.get(1))?)),
            "start" => Ok(Command::Start(schedule(w.first())?)),
            "stop" => Ok(Command::Stop(schedule(w.first())?)),
            "exceptions" => Ok(Command::Exceptions(schedule(w.first())?, date(w.get(1))?)),
            _ => {
                // cancel SCHEDULE [DATE] start|stop
                let name = schedule(w.first())?;
                let (day, k) = match w.get(1).map(|x| Direction::parse(x)) {
                    Some(Some(k)) => (None, Some(k)),
                    Some(None) => (
                        date(w.get(1))?,
                        w.get(2).map(|x| kind(Some(x))).transpose()?,
                    ),
                    None => (None, None),
                };
                if k.is_none() {
                    return Err("say which to cancel: start or stop".into());
                }
                Ok(Command::Cancel(name, day, k))
            }
        };
    }
    // The original bot's order: SCHEDULE verb ...
    let name = first.to_string();
    let w = &words[1..];
    match w.first().map(|s| s.to_ascii_lowercase()).as_deref() {
        Some("status") => Ok(Command::Status(Some(name))),
        Some("info") => Ok(Command::Exceptions(name, date(w.get(1))?)),
        Some("force_start") => Ok(Command::Start(name)),
        Some("force_stop") => Ok(Command::Stop(name)),
        Some("exception") => match w.get(1).map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("info") => Ok(Command::Exceptions(name, date(w.get(2))?)),
            Some("set") => {
                let day = date(w.get(2))?.ok_or("a date YYYY-MM-DD is missing")?;
                let k = kind(w.get(3))?;
                let value = parse_clock(w.get(4).ok_or("a time H:MM or None is missing")?)?;
                Ok(Command::SetException(name, day, k, value))
            }
            Some("del") => {
                let day = date(w.get(2))?;
                Ok(Command::Cancel(
                    name,
                    day,
                    w.get(3).map(|x| kind(Some(x))).transpose()?,
                ))
            }
            _ => Ok(Command::Help),
        },
        _ => Ok(Command::Help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn both_word_orders_parse() {
        assert_eq!(
            parse("extend dev 23:00").unwrap(),
            Command::Extend("dev".into(), t(23, 0))
        );
        assert_eq!(
            parse("POSTPONE dev 9:30").unwrap(),
            Command::Extend("dev".into(), t(9, 30))
        );
        assert_eq!(
            parse("dev status").unwrap(),
            Command::Status(Some("dev".into()))
        );
        assert_eq!(
            parse("dev force_start").unwrap(),
            Command::Start("dev".into())
        );
        assert_eq!(
            parse("dev exception set 2026-11-23 stop 23:00").unwrap(),
            Command::SetException(
                "dev".into(),
                NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
                Direction::Stop,
                Some(t(23, 0))
            )
        );
        assert_eq!(
            parse("cancel dev 2026-11-23 stop").unwrap(),
            Command::Cancel(
                "dev".into(),
                NaiveDate::from_ymd_opt(2026, 11, 23),
                Some(Direction::Stop)
            )
        );
        assert_eq!(
            parse("cancel dev start").unwrap(),
            Command::Cancel("dev".into(), None, Some(Direction::Start))
        );
        assert_eq!(parse("").unwrap(), Command::Help);
        assert_eq!(parse("dance").unwrap(), Command::Help);
    }

    #[test]
    fn bad_arguments_are_refused_with_the_reason() {
        assert!(parse("extend dev 25:00").unwrap_err().contains("25:00"));
        assert!(parse("extend dev").unwrap_err().contains("missing"));
        assert!(parse("skip dev 2026-13-01")
            .unwrap_err()
            .contains("not a date"));
        assert!(parse("extend").unwrap_err().contains("schedule"));
        assert!(parse("dev exception set 2026-11-23 pause 23:00")
            .unwrap_err()
            .contains("pause"));
    }
}
