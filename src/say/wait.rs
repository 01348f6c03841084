//! What a transition waits for, as the chat says it.

use super::direction;
use crate::i18n::Language;
use crate::model::Direction;
use crate::plan::Wait;
use crate::tr;

/// A wait line in the messages' language.
pub fn wait(lang: Language, w: &Wait) -> String {
    match w {
        Wait::Moving {
            group,
            server,
            state,
        } => {
            tr!(
                lang,
                "wait-moving",
                group = group,
                server = server,
                state = state
            )
        }
        Wait::Sent {
            group,
            server,
            direction: d,
            state,
        } => tr!(
            lang,
            "wait-sent",
            group = group,
            server = server,
            direction = direction(lang, *d),
            state = state
        ),
        Wait::Blocked {
            group,
            blockers,
            direction: Direction::Start,
        } => {
            tr!(
                lang,
                "wait-blocked-start",
                group = group,
                blockers = blockers
            )
        }
        Wait::Blocked {
            group,
            blockers,
            direction: Direction::Stop,
        } => tr!(
            lang,
            "wait-blocked-stop",
            group = group,
            blockers = blockers
        ),
        Wait::Held {
            group,
            server,
            until,
        } => tr!(
            lang,
            "wait-held",
            group = group,
            server = server,
            until = until
        ),
        Wait::Failed {
            group,
            server,
            direction: d,
            code,
            again,
        } => {
            let direction = direction(lang, *d);
            if *again {
                tr!(
                    lang,
                    "wait-retrying",
                    group = group,
                    server = server,
                    direction = direction,
                    code = code
                )
            } else {
                tr!(
                    lang,
                    "wait-given-up",
                    group = group,
                    server = server,
                    direction = direction,
                    code = code
                )
            }
        }
        Wait::NotReady { group, check, said } => tr!(
            lang,
            "wait-not-ready",
            group = group,
            check = check,
            said = said
        ),
    }
}
