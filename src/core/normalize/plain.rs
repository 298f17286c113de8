//! Fast path: plain ASCII text written straight to the output.
//!
//! Most support messages are ASCII words and punctuation with nothing for the
//! join, resolve and stretch rules to do. For such a message the passes only
//! lower-case the letters and turn each whitespace run into one space, so
//! [`is_plain`] proves that with one byte loop and [`write`] produces the
//! output without building units. Anything the check cannot rule out sends
//! the message through the passes; `tests.rs` compares both paths on random
//! strings of the pieces that trigger each rule.
//!
//! Why each condition is enough, pass by pass:
//!
//! * **Scan.** ASCII only, so `decancer` is never called; no `<` (markup),
//!   backtick or control byte other than whitespace (dropped); no URL marker
//!   (the same test as `syntax::has_url_marker`, so no URL is looked for);
//!   no `#` (hashtags). Every other byte is one unit, lower-cased, and each
//!   whitespace run one space unit.
//! * **Join.** A spaced-out word needs two single-character items (a letter
//!   or digit whose neighbours are not word-ish) with only separators
//!   between them; no such pair is allowed.
//! * **Resolve.** No `$`, `@`, `*`, `#`, `|`; no `!` before a letter, digit,
//!   `|` or `+`, and no `+` next to a letter or digit or after `!` or `+`
//!   (the only places they can be leet); no digit next to a letter. So every token is all letters or all digits,
//!   and both are left alone, and there is no e-mail address and no star.
//! * **Emit.** No three equal letters in a row (case-folded), so nothing is
//!   stretched; spaces are already merged by the scan.

use super::Normalized;

/// The whitespace bytes the scan turns into a space.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Bytes the join pass counts as part of a word (`unit::is_wordish` on ASCII).
fn is_wordish(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'$' | b'@' | b'\'' | b'*' | b'#')
}

/// True if the passes would do no more to `s` than lower-case it and turn
/// each whitespace run into one space (see the module docs).
pub(super) fn is_plain(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    let at = |i: usize| if i < n { b[i] } else { 0 };
    // A single-character item seen with only separators after it.
    let mut single_open = false;
    for i in 0..n {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { 0 };
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_alphabetic() {
                let l = c.to_ascii_lowercase();
                if i >= 2 && prev.to_ascii_lowercase() == l && b[i - 2].to_ascii_lowercase() == l {
                    return false;
                }
            } else if prev.is_ascii_alphabetic() || at(i + 1).is_ascii_alphabetic() {
                return false;
            }
            let single = !is_wordish(prev) && !is_wordish(at(i + 1));
            if single && single_open {
                return false;
            }
            single_open = single;
            continue;
        }
        match c {
            b'.' => {
                if i >= 3 && matches!(&b[i - 3..i], b"www" | b"WWW") {
                    return false;
                }
            }
            b',' | b'-' | b'_' => {}
            b':' => {
                if b[i + 1..].starts_with(b"//") {
                    return false;
                }
                single_open = false;
            }
            b'!' => {
                if at(i + 1).is_ascii_alphanumeric() || matches!(at(i + 1), b'|' | b'+') {
                    return false;
                }
                single_open = false;
            }
            b'|' => return false,
            b'+' => {
                if matches!(prev, b'!' | b'+') || prev.is_ascii_alphanumeric() || at(i + 1).is_ascii_alphanumeric() {
                    return false;
                }
                single_open = false;
            }
            b'<' | b'`' | b'$' | b'@' | b'*' | b'#' | 0x7f.. => return false,
            _ if is_space(c) => {}
            0..=0x1f => return false,
            _ => single_open = false,
        }
    }
    true
}

/// Writes `s`, which [`is_plain`] accepted, into `out` (buffers cleared).
pub(super) fn write(s: &str, out: &mut Normalized) {
    let b = s.as_bytes();
    out.text.reserve(b.len());
    out.src.reserve(b.len());
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if is_space(b[i]) {
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            out.text.push(' ');
            out.src.push((start as u32, i as u32));
        } else {
            while i < b.len() && !is_space(b[i]) {
                i += 1;
            }
            let from = out.text.len();
            out.text.push_str(&s[start..i]);
            out.text[from..].make_ascii_lowercase();
            out.src.extend((start as u32..i as u32).map(|k| (k, k + 1)));
        }
    }
    out.stretched.resize(out.text.len(), false);
}
