//! Pass 1, scan: the original text becomes units.
//!
//! The only pass that reads the original bytes, so everything that must be
//! recognized before characters are folded happens here: Discord markup and
//! URLs (through `syntax`), invisible characters and combining marks,
//! whitespace runs. ASCII is handled inline, byte by byte, and never reaches
//! `decancer`; [`fold_char`] is the slow path for everything else, with the
//! Unicode block tables it needs kept next to it.

use super::syntax;
use super::unit::{push, push_space, Unit, UPPER, VERBATIM};
use decancer::{cure_char, Options, Translation};

/// Turns `original` into units (see the module docs).
pub(super) fn scan(original: &str, units: &mut Vec<Unit>) {
    let bytes = original.as_bytes();
    let maybe_url = syntax::has_url_marker(original);
    // Inside a hashtag, camel case marks word breaks: `#LyingSkank` reads
    // `#lying skank`.
    let mut in_hashtag = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_hashtag && !b.is_ascii_alphanumeric() {
            in_hashtag = false;
        }
        if b >= 0x80 {
            let Some(c) = original.get(i..).and_then(|s| s.chars().next()) else {
                break;
            };
            let end = i + c.len_utf8();
            fold_char(c, i, end, units);
            i = end;
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => push_space(units, i, i + 1),
            b'`' => {}
            0..=0x1f | 0x7f => {}
            b'<' => {
                if let Some(end) = markup(bytes, i, units) {
                    i = end;
                    continue;
                }
                push(units, '<', i, i + 1, 0);
            }
            _ => {
                if maybe_url && b.is_ascii_alphabetic() && syntax::at_word_start(bytes, i) {
                    if let Some(end) = syntax::url_end(bytes, i) {
                        push_space(units, i, end);
                        i = end;
                        continue;
                    }
                }
                if b == b'#' && syntax::at_word_start(bytes, i) {
                    in_hashtag = bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
                } else if in_hashtag && b.is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase() {
                    push_space(units, i, i + 1);
                }
                let flags = if b.is_ascii_uppercase() { UPPER } else { 0 };
                push(units, b.to_ascii_lowercase() as char, i, i + 1, flags);
            }
        }
        i += 1;
    }
}

/// Handles Discord markup starting at the `<` at `i`; returns where to go on.
fn markup(bytes: &[u8], i: usize, units: &mut Vec<Unit>) -> Option<usize> {
    match syntax::markup(bytes, i)? {
        syntax::Markup::Blank { end } => {
            push_space(units, i, end);
            Some(end)
        }
        syntax::Markup::Mention { prefix, digits, end } => {
            let sigil = if bytes.get(i + 1) == Some(&b'#') { '#' } else { '@' };
            let first_digit = digits.start;
            push(units, sigil, i, i + 2, VERBATIM);
            if prefix == b'&' {
                push(units, '&', i + 2, first_digit, VERBATIM);
            } else if prefix == b'!' {
                if let Some(last) = units.last_mut() {
                    last.end = first_digit as u32;
                }
            }
            // The closing `>` belongs to the last digit, or becomes a space
            // when a word is glued on (`<@1>idiot` is `@1 idiot`).
            let glued = bytes.get(end).is_some_and(|&b| b.is_ascii_alphanumeric() || b >= 0x80);
            for d in digits.clone() {
                let last = d + 1 == digits.end;
                let stop = if last && !glued { end } else { d + 1 };
                push(units, bytes[d] as char, d, stop, VERBATIM);
            }
            if glued {
                push_space(units, end - 1, end);
            }
            Some(end)
        }
    }
}

/// Folds one non-ASCII character into units.
fn fold_char(c: char, start: usize, end: usize, units: &mut Vec<Unit>) {
    let cp = c as u32;
    if is_invisible(cp) || is_combining(cp) {
        return;
    }
    if c.is_whitespace() {
        push_space(units, start, end);
        return;
    }
    let upper = if c.is_uppercase() { UPPER } else { 0 };
    match cp {
        // Fullwidth ASCII: shift down and treat like ASCII.
        0xFF01..=0xFF5E => {
            let a = (cp - 0xFEE0) as u8;
            if a != b'`' {
                push(units, a.to_ascii_lowercase() as char, start, end, upper);
            }
            return;
        }
        0x2018 | 0x2019 | 0x201B | 0x2032 | 0x2035 | 0x02BB | 0x02BC | 0x00B4 => {
            push(units, '\'', start, end, 0);
            return;
        }
        0x201C | 0x201D | 0x201E | 0x201F | 0x2033 | 0x00AB | 0x00BB => {
            push(units, '"', start, end, 0);
            return;
        }
        0x20AC => {
            push(units, '€', start, end, 0);
            return;
        }
        0x00DF | 0x1E9E => {
            push(units, 's', start, end, upper);
            push(units, 's', start, end, upper);
            return;
        }
        0x2217 | 0x204E | 0x2731 | 0xFE61 => {
            push(units, '*', start, end, 0);
            return;
        }
        0xFE5F => {
            push(units, '#', start, end, 0);
            return;
        }
        // Strokes that pass for `l` as well as `i` (Cyrillic palochka `ӏ`):
        // a `|`, which the resolve pass reads as either in a known word.
        0x04CF | 0x04C0 | 0x01C0 | 0x2223 | 0x2758 => {
            push(units, '|', start, end, upper);
            return;
        }
        _ => {}
    }
    let mut buf = [0u8; 4];
    let cured = cure_char(c, Options::default());
    let cured: &str = match &cured {
        Translation::None => return,
        Translation::Character(x) => x.encode_utf8(&mut buf),
        Translation::String(s) => s,
    };
    if !cured.is_empty() && cured.bytes().all(|b| b == b' ') {
        push_space(units, start, end);
        return;
    }
    let accept = if c.is_alphanumeric() || is_letter_symbol(cp) {
        is_trusted_script(cp)
    } else {
        // Symbols: keep decancer's answer only if it is plain punctuation
        // (dashes, ellipses, `!` for ❗); never letters (😀 → "o") and never
        // characters that mean something here (`*` for ✨, `$`, `@`, `|`).
        !cured.is_empty()
            && cured.bytes().all(|b| b.is_ascii_punctuation() && !matches!(b, b'*' | b'#' | b'$' | b'@' | b'|' | b'`'))
    };
    if accept {
        for o in cured.chars() {
            push(units, o, start, end, upper);
        }
    } else {
        for o in c.to_lowercase() {
            push(units, o, start, end, upper);
        }
    }
}

/// Zero-width and format characters that are dropped outright.
fn is_invisible(cp: u32) -> bool {
    matches!(cp,
        0x00AD | 0x034F | 0x061C | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE007F | 0xE0100..=0xE01EF)
}

/// The common combining-mark blocks (Zalgo); `decancer` catches the rest.
fn is_combining(cp: u32) -> bool {
    matches!(cp,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Symbol blocks made of letters and digits in disguise (Ⓐ, 🅰, ⒜).
fn is_letter_symbol(cp: u32) -> bool {
    matches!(cp, 0x2100..=0x218F | 0x2460..=0x24FF | 0x1F100..=0x1F1E5)
}

/// Blocks where `decancer`'s letters are trustworthy: Latin, Greek, Cyrillic
/// and the blocks used to imitate them. Elsewhere (CJK, Arabic, Devanagari,
/// emoji, regional indicators...) characters pass through unchanged.
fn is_trusted_script(cp: u32) -> bool {
    matches!(cp,
        0x0080..=0x036F      // Latin-1, Latin Extended-A/B, IPA, modifiers
        | 0x0370..=0x052F    // Greek, Cyrillic, Cyrillic Supplement
        | 0x0530..=0x058F    // Armenian (օ, ս)
        | 0x13A0..=0x13FF    // Cherokee (Ꭵ)
        | 0x1C80..=0x1C8F    // Cyrillic Extended-C
        | 0x1D00..=0x1DBF    // Phonetic Extensions (small capitals)
        | 0x1E00..=0x1FFF    // Latin Extended Additional, Greek Extended
        | 0x2070..=0x209F    // superscripts and subscripts
        | 0x2100..=0x218F    // letterlike symbols, number forms
        | 0x2460..=0x24FF    // enclosed alphanumerics
        | 0x2C60..=0x2C7F    // Latin Extended-C
        | 0xA4D0..=0xA4FF    // Lisu
        | 0xA640..=0xA69F    // Cyrillic Extended-B
        | 0xA720..=0xA7FF    // Latin Extended-D
        | 0xAB30..=0xABBF    // Latin Extended-E, Cherokee Supplement
        | 0xFB00..=0xFB06    // ligatures (ﬁ)
        | 0xFF00..=0xFFEF    // halfwidth and fullwidth forms
        | 0x1D400..=0x1D7FF  // mathematical alphanumerics
        | 0x1F100..=0x1F1E5) // enclosed alphanumeric supplement
}
