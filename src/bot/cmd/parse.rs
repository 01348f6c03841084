//! Chat command words, in the new order (`extend dev 23:00`) and in the
//! original JANDI bot's (`dev exception set 2026-11-23 stop 23:00`, with
//! its short forms `s`, `i`, `e`, `d`). Refusals come in the bot's
//! language, naming the word that was wrong.

use chrono::{NaiveDate, NaiveTime};

use super::Command;
use crate::i18n::Language;
use crate::model::{parse_clock, parse_date, quoted, Direction};
use crate::tr;

/// Why a command was not understood; answered to the user as it is.
pub type Refusal = String;

/// The words after the command word, read one by one.
struct Words<'a> {
    words: &'a [&'a str],
    lang: Language,
}

impl<'a> Words<'a> {
    fn get(&self, i: usize) -> Option<&'a str> {
        self.words.get(i).copied()
    }

    fn schedule(&self, i: usize) -> Result<String, Refusal> {
        self.get(i)
            .map(str::to_string)
            .ok_or_else(|| tr!(self.lang, "missing-schedule"))
    }

    /// A time `H:M`, not `None`.
    fn time(&self, i: usize) -> Result<NaiveTime, Refusal> {
        let w = self.get(i).ok_or_else(|| tr!(self.lang, "missing-time"))?;
        self.clock(w)?
            .ok_or_else(|| tr!(self.lang, "time-not-none"))
    }

    fn clock(&self, word: &str) -> Result<Option<NaiveTime>, Refusal> {
        parse_clock(word).map_err(|_| tr!(self.lang, "bad-time", word = quoted(word)))
    }

    fn date(&self, i: usize) -> Result<Option<NaiveDate>, Refusal> {
        self.get(i)
            .map(|w| parse_date(w).map_err(|_| tr!(self.lang, "bad-date", word = quoted(w))))
            .transpose()
    }

    fn kind(&self, i: usize) -> Result<Direction, Refusal> {
        let w = self.get(i).ok_or_else(|| tr!(self.lang, "missing-kind"))?;
        Direction::parse(w).ok_or_else(|| tr!(self.lang, "bad-kind", word = quoted(w)))
    }
}

/// Parses the text after the chat's trigger.
pub fn parse(text: &str, lang: Language) -> Result<Command, Refusal> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(first) = words.first() else {
        return Ok(Command::Help);
    };
    let w = Words {
        words: &words[1..],
        lang,
    };
    match first.to_lowercase().as_str() {
        "help" => Ok(Command::Help),
        "status" => Ok(Command::Status(w.get(0).map(str::to_string))),
        "extend" | "postpone" => Ok(Command::Extend(w.schedule(0)?, w.time(1)?)),
        "skip" => Ok(Command::Skip(w.schedule(0)?, w.date(1)?)),
        "start" => Ok(Command::Start(w.schedule(0)?)),
        "stop" => Ok(Command::Stop(w.schedule(0)?)),
        "exceptions" => Ok(Command::Exceptions(w.schedule(0)?, w.date(1)?)),
        "cancel" => cancel(&w),
        _ => original_order(first, &w),
    }
}

/// `cancel SCHEDULE [DATE] start|stop`.
fn cancel(w: &Words) -> Result<Command, Refusal> {
    let name = w.schedule(0)?;
    let (day, kind) = match w.get(1).map(Direction::parse) {
        Some(Some(k)) => (None, Some(k)),
        Some(None) => (w.date(1)?, w.get(2).map(|_| w.kind(2)).transpose()?),
        None => (None, None),
    };
    if kind.is_none() {
        return Err(tr!(w.lang, "cancel-which"));
    }
    Ok(Command::Cancel(name, day, kind))
}

/// The original bot's order: SCHEDULE verb ...
fn original_order(name: &str, w: &Words) -> Result<Command, Refusal> {
    let name = name.to_string();
    match w.get(0).map(str::to_lowercase).as_deref() {
        Some("status" | "s") => Ok(Command::Servers(name)),
        Some("info" | "i") => Ok(Command::Info(name, w.date(1)?)),
        Some("force_start") => Ok(Command::Start(name)),
        Some("force_stop") => Ok(Command::Stop(name)),
        Some("exception" | "e") => exception(name, w),
        _ => Ok(Command::Help),
    }
}

/// `SCHEDULE exception info|set|del ...`.
fn exception(name: String, w: &Words) -> Result<Command, Refusal> {
    match w.get(1).map(str::to_lowercase).as_deref() {
        Some("info" | "i") => Ok(Command::Exceptions(name, w.date(2)?)),
        Some("set" | "s") => {
            let day = w.date(2)?.ok_or_else(|| tr!(w.lang, "missing-date"))?;
            let kind = w.kind(3)?;
            let word = w
                .get(4)
                .ok_or_else(|| tr!(w.lang, "missing-time-or-none"))?;
            Ok(Command::SetException(name, day, kind, w.clock(word)?))
        }
        Some("del" | "d") => {
            let day = w.date(2)?.ok_or_else(|| tr!(w.lang, "missing-date"))?;
            let kind = w.get(3).map(|_| w.kind(3)).transpose()?;
            Ok(Command::Cancel(name, Some(day), kind))
        }
        _ => Ok(Command::Help),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn en(text: &str) -> Result<Command, Refusal> {
        parse(text, Language::En)
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn both_word_orders_parse() {
        assert_eq!(
            en("extend dev 23:00").unwrap(),
            Command::Extend("dev".into(), t(23, 0))
        );
        assert_eq!(
            en("POSTPONE dev 9:30").unwrap(),
            Command::Extend("dev".into(), t(9, 30))
        );
        assert_eq!(en("dev force_start").unwrap(), Command::Start("dev".into()));
        assert_eq!(en("dev force_stop").unwrap(), Command::Stop("dev".into()));
        assert_eq!(
            en("dev exception set 2026-11-23 stop 23:00").unwrap(),
            Command::SetException(
                "dev".into(),
                day("2026-11-23"),
                Direction::Stop,
                Some(t(23, 0))
            )
        );
        assert_eq!(
            en("cancel dev 2026-11-23 stop").unwrap(),
            Command::Cancel("dev".into(), Some(day("2026-11-23")), Some(Direction::Stop))
        );
        assert_eq!(
            en("cancel dev start").unwrap(),
            Command::Cancel("dev".into(), None, Some(Direction::Start))
        );
        assert_eq!(en("").unwrap(), Command::Help);
        assert_eq!(en("dance").unwrap(), Command::Help);
    }

    #[test]
    fn the_original_short_forms_parse() {
        assert_eq!(en("dev s").unwrap(), Command::Servers("dev".into()));
        assert_eq!(en("dev status").unwrap(), Command::Servers("dev".into()));
        assert_eq!(en("dev i").unwrap(), Command::Info("dev".into(), None));
        assert_eq!(
            en("dev info 2026-12-01").unwrap(),
            Command::Info("dev".into(), Some(day("2026-12-01")))
        );
        assert_eq!(
            en("dev e i 2026-12-01").unwrap(),
            Command::Exceptions("dev".into(), Some(day("2026-12-01")))
        );
        assert_eq!(
            en("dev e s 2026-12-01 start 9:5").unwrap(),
            Command::SetException(
                "dev".into(),
                day("2026-12-01"),
                Direction::Start,
                Some(t(9, 5))
            )
        );
        assert_eq!(
            en("dev e s 2026-12-01 stop None").unwrap(),
            Command::SetException("dev".into(), day("2026-12-01"), Direction::Stop, None)
        );
        assert_eq!(
            en("dev e d 2026-12-01 stop").unwrap(),
            Command::Cancel("dev".into(), Some(day("2026-12-01")), Some(Direction::Stop))
        );
    }

    #[test]
    fn bad_arguments_are_refused_with_the_reason() {
        assert!(en("extend dev 25:00").unwrap_err().contains("25:00"));
        assert!(en("extend dev").unwrap_err().contains("missing"));
        assert!(en("skip dev 2026-13-01")
            .unwrap_err()
            .contains("not a date"));
        assert!(en("skip dev +10000-1-1")
            .unwrap_err()
            .contains("not a date"));
        assert!(en("extend").unwrap_err().contains("schedule"));
        assert!(en("dev exception set 2026-11-23 pause 23:00")
            .unwrap_err()
            .contains("pause"));
        assert!(parse("extend dev 25:00", Language::Ko)
            .unwrap_err()
            .contains("올바른 시간"));
    }

    #[test]
    fn no_unicode_makes_parsing_panic() {
        for text in [
            "İ status",
            "K s",
            "dev İnfo",
            "ǅ e s 2026-12-01 stop 9:5",
            "🙂",
            "\u{0}",
        ] {
            let _ = en(text);
        }
    }
}
