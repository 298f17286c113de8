//! Recognizers for Discord markup and URLs on original bytes.
//!
//! Kept apart from the scan because [`surface`](crate::core::surface) needs
//! the same answers on the original text: both must agree on what is a
//! mention, an emoji or a URL, so there is one recognizer for each.

use std::ops::Range;

/// A piece of Discord markup starting at `<`.
pub(crate) enum Markup {
    /// `<@123>`, `<@!123>`, `<@&123>`, `<#123>`: `prefix` is the byte
    /// after `<@` (`!`, `&`) or 0; `digits` the id.
    Mention { prefix: u8, digits: Range<usize>, end: usize },
    /// Custom emoji, timestamps, command mentions, `<url>`: no words.
    Blank { end: usize },
}

fn digits_then(bytes: &[u8], from: usize, close: u8) -> Option<usize> {
    let n = bytes.get(from..)?.iter().take(24).take_while(|b| b.is_ascii_digit()).count();
    (n > 0 && bytes.get(from + n) == Some(&close)).then_some(from + n)
}

/// Recognizes markup at the `<` at `i`.
pub(crate) fn markup(bytes: &[u8], i: usize) -> Option<Markup> {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match (at(1), at(2)) {
        (b'@', p @ (b'!' | b'&')) => {
            let stop = digits_then(bytes, i + 3, b'>')?;
            Some(Markup::Mention { prefix: p, digits: i + 3..stop, end: stop + 1 })
        }
        (b'@' | b'#', _) => {
            let stop = digits_then(bytes, i + 2, b'>')?;
            Some(Markup::Mention { prefix: 0, digits: i + 2..stop, end: stop + 1 })
        }
        (b':' | b'/', _) | (b'a' | b't', b':') => {
            let body = if at(1) == b':' || at(1) == b'/' { 2 } else { 3 };
            let close = bytes.get(i + body..)?.iter().take(120).position(|&b| b == b'>')?;
            let inner = &bytes[i + body..i + body + close];
            let ok = inner.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b' '))
                && inner.iter().any(u8::is_ascii_digit);
            ok.then_some(Markup::Blank { end: i + body + close + 1 })
        }
        _ => {
            url_start(bytes, i + 1)?;
            let close = bytes[i + 1..].iter().position(|&b| b == b'>' || b.is_ascii_whitespace())?;
            (bytes[i + 1 + close] == b'>').then_some(Markup::Blank { end: i + close + 2 })
        }
    }
}

/// Cheap pre-check: could `s` contain a URL at all?
pub(crate) fn has_url_marker(s: &str) -> bool {
    // One pass looking at `:` and `.` only, instead of three substring
    // searches: the same answer as `contains("://")`, `"www."`, `"WWW."`.
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b':' => b[i + 1..].starts_with(b"//"),
        b'.' => i >= 3 && matches!(&b[i - 3..i], b"www" | b"WWW"),
        _ => false,
    })
}

/// True if the byte before `i` does not continue a word.
pub(crate) fn at_word_start(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] >= 0x80)
}

/// Length of a URL prefix (`scheme://` or `www.`) at `i`, if any.
fn url_start(bytes: &[u8], i: usize) -> Option<usize> {
    let rest = bytes.get(i..)?;
    if rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(b"www.") {
        return Some(4);
    }
    let scheme =
        rest.iter().take(32).take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')).count();
    let ok = scheme > 0 && rest[0].is_ascii_alphabetic() && rest[scheme..].starts_with(b"://");
    ok.then_some(scheme + 3)
}

/// End of a URL starting at `i`, trailing sentence punctuation excluded.
pub(crate) fn url_end(bytes: &[u8], i: usize) -> Option<usize> {
    let prefix = url_start(bytes, i)?;
    let mut end = i + prefix;
    while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !matches!(bytes[end], b'<' | b'>' | b'`' | b'"') {
        end += 1;
    }
    let open_paren = bytes[i..end].contains(&b'(');
    while end > i + prefix && matches!(bytes[end - 1], b'.' | b',' | b'!' | b'?' | b';' | b':' | b'\'' | b')') {
        if bytes[end - 1] == b')' && open_paren {
            break;
        }
        end -= 1;
    }
    Some(end)
}
