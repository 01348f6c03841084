//! Every message, answer and help text in the language `MESSAGE_LANGUAGE`
//! chooses, from the Project Fluent files in `locales/` (compiled in).
//! Code names a message by its id and fills its arguments: [`tr!`].

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The languages the scheduler speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    En,
    Ko,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Ko];

    /// `en` or `ko` (also `english`, `korean`, `한국어`), any case.
    pub fn parse(text: &str) -> Option<Language> {
        match text.trim().to_lowercase().as_str() {
            "" | "en" | "english" => Some(Language::En),
            "ko" | "kr" | "korean" | "한국어" => Some(Language::Ko),
            _ => None,
        }
    }

    /// The Fluent source of this language.
    pub fn source(self) -> &'static str {
        match self {
            Language::En => include_str!("../locales/en.ftl"),
            Language::Ko => include_str!("../locales/ko.ftl"),
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ko => "ko",
        }
    }
}

/// A message argument: text, or a number (which plural forms select on).
pub enum Arg {
    Text(String),
    Number(i64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_string())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(v.clone())
    }
}

impl From<&std::sync::Arc<str>> for Arg {
    fn from(v: &std::sync::Arc<str>) -> Arg {
        Arg::Text(v.to_string())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Arg {
                Arg::Number(v as i64)
            }
        }
    )*};
}
number_args!(i64, u64, usize, u32, i32);

type Bundle = FluentBundle<FluentResource>;

fn bundle(lang: Language) -> &'static Bundle {
    static BUNDLES: OnceLock<Vec<Bundle>> = OnceLock::new();
    let all = BUNDLES.get_or_init(|| {
        Language::ALL
            .iter()
            .map(|l| {
                let resource = FluentResource::try_new(l.source().to_string())
                    .expect("the locale files parse (a test checks)");
                let mut b = FluentBundle::new_concurrent(vec![l
                    .tag()
                    .parse()
                    .expect("a valid language tag")]);
                // No Unicode isolation marks: chat texts are plain.
                b.set_use_isolating(false);
                b.add_resource(resource)
                    .expect("no message is defined twice (a test checks)");
                b
            })
            .collect()
    });
    &all[lang as usize]
}

/// Message `id` in `lang` with `args`; the id itself if it has none (a
/// test checks that every id used in the code exists).
pub fn text(lang: Language, id: &str, args: Vec<(&str, Arg)>) -> String {
    let b = bundle(lang);
    let Some(pattern) = b.get_message(id).and_then(|m| m.value()) else {
        return id.to_string();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, arg) in args {
        let value = match arg {
            Arg::Text(t) => FluentValue::from(t),
            Arg::Number(n) => FluentValue::from(n),
        };
        fluent_args.set(name, value);
    }
    let mut errors = vec![];
    b.format_pattern(pattern, Some(&fluent_args), &mut errors)
        .into_owned()
}

/// `tr!(lang, "id", name = value, ...)`: message `id` in `lang`.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::text($lang, $id, vec![$((stringify!($name), $crate::i18n::Arg::from($value))),*])
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn ids(lang: Language) -> BTreeSet<String> {
        let resource = FluentResource::try_new(lang.source().to_string())
            .unwrap_or_else(|(_, e)| panic!("{lang:?} does not parse: {e:?}"));
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let en = ids(Language::En);
        let ko = ids(Language::Ko);
        assert!(en.len() > 50, "{}", en.len());
        assert_eq!(
            en.difference(&ko).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in ko"
        );
        assert_eq!(
            ko.difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in en"
        );
    }

    #[test]
    fn every_id_the_code_uses_exists() {
        let en = ids(Language::En);
        let mut used = BTreeSet::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let code = std::fs::read_to_string(&path).unwrap();
                    for (at, _) in code.match_indices("tr!(") {
                        let before = code[..at].chars().next_back();
                        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                            continue; // include_str!( and the like
                        }
                        if let Some(id) = code[at..].split('"').nth(1) {
                            used.insert((id.to_string(), path.display().to_string()));
                        }
                    }
                }
            }
        }
        assert!(used.len() > 20);
        let missing: Vec<_> = used
            .iter()
            .filter(|(id, path)| !path.ends_with("i18n.rs") && !en.contains(id))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }

    #[test]
    fn arguments_and_plurals_fill_in() {
        assert_eq!(
            text(Language::En, "servers", vec![("count", Arg::from(1))]),
            "1 server"
        );
        assert_eq!(tr!(Language::En, "servers", count = 3), "3 servers");
        assert_eq!(tr!(Language::Ko, "servers", count = 3), "서버 3대");
        assert_eq!(
            tr!(Language::Ko, "no-such-schedule", schedule = "dev"),
            "dev 이라는 스케쥴이 없습니다."
        );
        assert_eq!(Language::parse("KO"), Some(Language::Ko));
        assert_eq!(Language::parse("fr"), None);
    }
}
