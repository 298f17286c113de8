//! Pass 3, resolve: leetspeak, self-censoring and Markdown stars.
//!
//! Works token by token: [`token_end`] decides where a token stops (which
//! `!`, `|`, `*` and `#` belong to it), [`resolve_token`] rewrites the token's
//! characters, and [`resolve`] walks the units, turning e-mail addresses and
//! stars that are not wildcards into spaces. The judgement calls listed in the
//! module docs of `normalize` are all made here.

use super::unit::{is_letter, is_wordish, Unit, UPPER, VERBATIM};

/// The letter a leetspeak digit stands for (`1` is `i`), if any.
pub(super) fn leet_digit(c: char) -> Option<char> {
    Some(match c {
        '0' => 'o',
        '1' => 'i',
        '3' => 'e',
        '4' => 'a',
        '5' => 's',
        '7' => 't',
        '8' => 'b',
        '9' => 'g',
        _ => return None,
    })
}

/// Letters after a number that make it a quantity, not leetspeak (`5pm`).
const UNIT_SUFFIXES: &[&str] = &[
    "st", "nd", "rd", "th", "am", "pm", "k", "m", "b", "x", "s", "h", "hr", "hrs", "min", "mins", "ms", "d", "w", "y",
    "yr", "yrs", "mo", "gb", "mb", "kb", "tb", "fps", "hz", "px", "p", "g", "kg", "lb", "lbs", "mm", "cm", "km", "ft",
    "in",
];

/// Can a token start at `u`?
fn token_start(u: Unit) -> bool {
    u.flags & VERBATIM == 0 && (u.c.is_alphanumeric() || matches!(u.c, '$' | '€' | '@'))
}

/// `!` or `|` at `p` stands for `i`: after a word character, before a letter,
/// and not at a visible sentence break (`thanks!You`).
fn bang_is_leet(units: &[Unit], p: usize) -> bool {
    let (Some(prev), Some(next)) = (p.checked_sub(1).map(|q| units[q]), units.get(p + 1)) else {
        return false;
    };
    let prev_ok = prev.flags & VERBATIM == 0 && (prev.c.is_alphanumeric() || matches!(prev.c, '$' | '€' | '@'));
    let sentence_break = is_letter(prev.c) && prev.flags & UPPER == 0 && next.flags & UPPER != 0;
    prev_ok && next.flags & VERBATIM == 0 && is_letter(next.c) && !sentence_break
}

/// Where the token starting at `s` ends. `md_open` is the length of an
/// unclosed Markdown star run (`*sigh*`), whose closing run is not a wildcard.
fn token_end(units: &[Unit], s: usize, md_open: usize) -> usize {
    let n = units.len();
    let mut seen_letter = is_letter(units[s].c);
    let mut p = s + 1;
    while p < n {
        let u = units[p];
        if u.flags & VERBATIM != 0 {
            break;
        }
        if token_start(u) {
            seen_letter |= is_letter(u.c);
            p += 1;
        } else if matches!(u.c, '!' | '|') && bang_is_leet(units, p) {
            p += 1;
        } else if matches!(u.c, '*' | '#') && seen_letter {
            let mut q = p;
            while q < n && matches!(units[q].c, '*' | '#') {
                q += 1;
            }
            let next = units.get(q).filter(|u| u.flags & VERBATIM == 0).map(|u| u.c);
            let in_word = next.is_some_and(is_letter);
            let trailing =
                !next.is_some_and(char::is_alphanumeric) && units[p..q].iter().all(|u| u.c == '*') && q - p != md_open;
            if !(in_word || trailing) {
                break;
            }
            p = q;
        } else {
            break;
        }
    }
    p
}

/// Is `units[s..e]` a number with a unit or ordinal suffix (`5pm`, `2nd`)?
fn is_quantity(units: &[Unit]) -> bool {
    let digits = units.iter().take_while(|u| u.c.is_ascii_digit()).count();
    let rest = &units[digits..];
    if digits == 0 || rest.is_empty() || rest.len() > 4 {
        return false;
    }
    let mut buf = [0u8; 4];
    for (b, u) in buf.iter_mut().zip(rest) {
        if !u.c.is_ascii_lowercase() {
            return false;
        }
        *b = u.c as u8;
    }
    let suffix = &buf[..rest.len()];
    UNIT_SUFFIXES.iter().any(|s| s.as_bytes() == suffix)
}

/// Resolves leetspeak and wildcards inside the token `units[s..e]`.
fn resolve_token(units: &mut [Unit], s: usize, e: usize) {
    let token = &units[s..e];
    // Fast path: nothing to resolve in a token of plain letters.
    if token.iter().all(|u| u.c.is_ascii_lowercase()) || !token.iter().any(|u| is_letter(u.c)) {
        return;
    }
    // Digits stay digits in identifiers (`h264`, `win10`) and quantities.
    let foreign_digit = token.iter().any(|u| matches!(u.c, '2' | '6'));
    let mut keep_from = token.len();
    while keep_from > 0 && token[keep_from - 1].c.is_ascii_digit() {
        keep_from -= 1;
    }
    if keep_from < 2 {
        keep_from = token.len();
    }
    let digits_are_leet = !foreign_digit && !is_quantity(token);
    for k in 0..e - s {
        let next_is_alnum = units.get(s + k + 1).is_some_and(|n| n.c.is_alphanumeric());
        let u = &mut units[s + k];
        u.c = match u.c {
            d @ '0'..='9' if digits_are_leet && k < keep_from => leet_digit(d).unwrap_or(d),
            '$' => 's',
            '€' => 'e',
            // `@user` is someone being addressed; `@$$` is not a username.
            '@' if k > 0 || !next_is_alnum => 'a',
            '!' | '|' => 'i',
            '*' | '#' => '*',
            c => c,
        };
    }
}

/// If the token `units[s..e]` is the start of an e-mail address
/// (`name@domain.tld`), where the address ends.
fn email_end(units: &[Unit], s: usize, e: usize) -> Option<usize> {
    let has_at = units[s + 1..e].iter().any(|u| u.c == '@');
    let dot_next =
        units.get(e).is_some_and(|u| u.c == '.') && units.get(e + 1).is_some_and(|u| u.c.is_ascii_alphanumeric());
    if !(has_at && dot_next) {
        return None;
    }
    let mut f = e;
    while f < units.len() && (units[f].c.is_ascii_alphanumeric() || matches!(units[f].c, '.' | '-')) {
        f += 1;
    }
    while units[f - 1].c == '.' {
        f -= 1;
    }
    Some(f)
}

/// Resolves every token of `units` in place (see the module docs).
pub(super) fn resolve(units: &mut [Unit]) {
    let n = units.len();
    let mut md_open = 0;
    let mut i = 0;
    while i < n {
        let u = units[i];
        if token_start(u) {
            let e = token_end(units, i, md_open);
            if let Some(f) = email_end(units, i, e) {
                // An e-mail address is not words: `bob@x.com` is not `bobax`.
                units[i..f].iter_mut().for_each(|u| u.c = ' ');
                i = f;
                continue;
            }
            resolve_token(units, i, e);
            i = e;
            continue;
        }
        if u.c == '*' && u.flags & VERBATIM == 0 {
            // Not a wildcard: Markdown emphasis or a stray star.
            let mut k = i;
            while k < n && units[k].c == '*' {
                units[k].c = ' ';
                k += 1;
            }
            let after_word = i > 0 && is_wordish(units[i - 1].c);
            let before_text = k < n && units[k].c != ' ';
            if after_word {
                if k - i == md_open {
                    md_open = 0;
                }
            } else if before_text {
                md_open = k - i;
            }
            i = k;
            continue;
        }
        i += 1;
    }
}
