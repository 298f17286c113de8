//! Text helpers for what keel posts: escaping customer text, sparklines,
//! jump links, and Discord's length limits.

/// Escapes Discord markdown and defuses mentions in customer text quoted by
/// keel, so it can neither ping anyone nor break an embed's formatting.
///
/// ```
/// assert_eq!(keel::bot::discord::text::escape("@everyone **hi**"), "@\u{200b}everyone \\*\\*hi\\*\\*");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '-' | '[' | ']' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200b}"),
            '<' => out.push_str("<\u{200b}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Cuts `text` to at most `max` characters, ending with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A sparkline of scores in [0, 1], oldest first (`▁▂▃▅▇`).
///
/// ```
/// assert_eq!(keel::bot::discord::text::sparkline(&[0.0, 0.5, 1.0]), "▁▅█");
/// ```
pub fn sparkline(scores: &[f32]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    scores.iter().map(|s| BARS[((s.clamp(0.0, 1.0) * 7.0).round()) as usize]).collect()
}

/// A link that jumps to a message.
pub fn jump_link(guild: u64, channel: u64, message: u64) -> String {
    format!("https://discord.com/channels/{guild}/{channel}/{message}")
}

/// Discord's limit for an embed field's value.
pub const FIELD_MAX: usize = 1024;
/// Discord's limit for an embed's description.
pub const DESCRIPTION_MAX: usize = 4096;
/// Discord's limit for a message's content.
pub const CONTENT_MAX: usize = 2000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, Case};

    #[test]
    fn escaping_defuses_mentions_and_markdown() {
        let cases = [
            Case { name: "everyone", input: "@everyone", expected: "@\u{200b}everyone" },
            Case { name: "here", input: "@here now", expected: "@\u{200b}here now" },
            Case { name: "user mention", input: "<@123>", expected: "<\u{200b}@\u{200b}123\\>" },
            Case { name: "role mention", input: "<@&9>", expected: "<\u{200b}@\u{200b}&9\\>" },
            Case { name: "markdown", input: "**x** _y_ `z`", expected: "\\*\\*x\\*\\* \\_y\\_ \\`z\\`" },
            Case { name: "masked link", input: "[a](b)", expected: "\\[a\\]\\(b\\)" },
            Case { name: "newlines", input: "a\nb", expected: "a b" },
            Case { name: "plain", input: "hello", expected: "hello" },
        ];
        check("escape", &cases, |input| escape(input));
    }

    #[test]
    fn truncation_and_sparklines() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[0.1, 0.3, 0.6, 0.9, 2.0, -1.0]), "▂▃▅▇█▁");
    }
}
