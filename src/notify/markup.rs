//! Text from tags, items and chat arguments made inert for each chat's
//! markup, so a Name tag `<!channel>` or an argument `@all` can never
//! mention everyone or draw a link.

/// Words that, after an `@`, notify a whole channel in Slack, Mattermost,
/// Rocket.Chat or JANDI when they appear as plain text.
const MENTIONS: [&str; 5] = ["channel", "here", "all", "everyone", "room"];

/// A zero-width space after the `@` of such a word breaks the mention and
/// shows nothing. Works on chars, so no Unicode can make it panic.
fn defuse_mentions(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 3);
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        let mentions = *c == '@'
            && MENTIONS.iter().any(|m| {
                let rest = &chars[i + 1..];
                rest.len() >= m.len()
                    && rest
                        .iter()
                        .zip(m.chars())
                        .all(|(a, b)| a.to_ascii_lowercase() == b)
            });
        if mentions {
            out.push('\u{200B}');
        }
    }
    out
}

/// Slack and Mattermost: `&`, `<` and `>` as entities (Slack's own rule,
/// which also stops `<!channel>` and `<http://x|y>`), and mentions defused.
pub fn slack(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    defuse_mentions(&escaped)
}

/// JANDI: mentions defused (its incoming webhooks draw no links from text).
pub fn jandi(text: &str) -> String {
    defuse_mentions(text)
}

/// Teams (Adaptive Card markdown): a zero-width space after `*`, `_` and
/// `` ` `` and inside `](` keeps emphasis, code and links from forming
/// without changing what is shown; mentions defused.
pub fn teams(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 3);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if matches!(c, '*' | '_' | '`') || (c == ']' && chars.peek() == Some(&'(')) {
            out.push('\u{200B}');
        }
    }
    defuse_mentions(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_markup_and_mentions_are_inert() {
        assert_eq!(
            slack("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
        assert_eq!(slack("hi @ALL"), "hi @\u{200B}ALL");
        assert_eq!(slack("web-1 (i-1)"), "web-1 (i-1)");
    }

    #[test]
    fn jandi_and_teams_defuse_too() {
        assert_eq!(jandi("@all 서버"), "@\u{200B}all 서버");
        assert_eq!(
            teams("[x](http://y) *b*"),
            "[x]\u{200B}(http://y) *\u{200B}b*\u{200B}"
        );
        assert_eq!(
            teams("[dev] Configuration error"),
            "[dev] Configuration error"
        );
        assert_eq!(teams("@channel"), "@\u{200B}channel");
    }

    #[test]
    fn any_unicode_passes_through_without_panicking() {
        for s in ["İ@all", "K@HERE", "é@room", "🙂@everyone", "ß"] {
            assert!(slack(s).chars().count() >= s.chars().count());
        }
        assert_eq!(slack("İ@all"), "İ@\u{200B}all");
    }
}
