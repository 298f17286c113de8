//! Pass 3, resolve: leetspeak, self-censoring and Markdown stars.
//!
//! Works token by token: [`token_end`] decides where a token stops (which
//! `!`, `|`, `*` and `#` belong to it), [`resolve_token`] rewrites the token's
//! characters, and [`resolve`] walks the units, turning e-mail addresses and
//! stars that are not wildcards into spaces. The judgement calls listed in the
//! module docs of `normalize` are all made here.

use super::unit::{is_letter, is_wordish, Unit, UPPER, VERBATIM};
use super::vocabulary::Vocabulary;

/// Can a token start at `u`?
fn token_start(u: Unit) -> bool {
    u.flags & VERBATIM == 0 && (u.c.is_alphanumeric() || matches!(u.c, '$' | '€' | '@'))
}

/// Symbols that may be letters inside a word (`b!tch`, `8u||sh1+`).
fn is_word_symbol(c: char) -> bool {
    matches!(c, '!' | '|' | '+')
}

/// The run of word symbols starting at `p`, right after a word character,
/// belongs to the word: where the run ends, if it does. Before a letter or
/// digit (`b!tch`, `1d!0t`), unless it stands at a visible sentence break
/// (`thanks!You`); or at the end of the word if the run has a `+` or `|`
/// (`sh1+`, `he||`: a `!` run alone there is punctuation, `stupid!!!`).
/// Whether the symbols *are* letters, `resolve_token` decides.
fn symbol_run_in_word(units: &[Unit], p: usize) -> Option<usize> {
    let mut q = p;
    while q < units.len() && units[q].flags & VERBATIM == 0 && is_word_symbol(units[q].c) {
        q += 1;
    }
    let prev = units[p - 1];
    match units.get(q) {
        Some(next) if next.flags & VERBATIM == 0 && next.c.is_alphanumeric() => {
            // A sentence break is a lower-case letter, then a word in Title case.
            let title =
                next.flags & UPPER != 0 && units.get(q + 1).is_some_and(|u| is_letter(u.c) && u.flags & UPPER == 0);
            let sentence_break = is_letter(prev.c) && prev.flags & UPPER == 0 && title;
            (!sentence_break).then_some(q)
        }
        _ => units[p..q].iter().any(|u| u.c != '!').then_some(q),
    }
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
        } else if is_word_symbol(u.c) {
            match symbol_run_in_word(units, p) {
                Some(q) => p = q,
                None => break,
            }
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

/// Is the token `units[s..e]` part of a code rather than a word: an
/// upper-case ticket or order number after `#` (`#A55`), or one segment of
/// an identifier whose next segment starts with a digit, or whose previous
/// segment ends in one (`A55-1234`, `v1.0.5`, `5H-177`)? Its digits stay.
fn is_code(units: &[Unit], s: usize, e: usize) -> bool {
    let joiner = |c: char| matches!(c, '-' | '_' | '.' | '/' | ':');
    let at = |i: usize| units.get(i).map(|u| u.c);
    let after_hash =
        s > 0 && at(s - 1) == Some('#') && units[s..e].iter().all(|u| u.flags & UPPER != 0 || !is_letter(u.c));
    let digit_after = at(e).is_some_and(joiner) && at(e + 1).is_some_and(|c| c.is_ascii_digit());
    let digit_before = s >= 2 && at(s - 1).is_some_and(joiner) && at(s - 2).is_some_and(|c| c.is_ascii_digit());
    after_hash || digit_after || digit_before
}

/// Resolves leetspeak and wildcards inside the token `units[s..e]`.
///
/// A token with digits or ambiguous symbols is read against the vocabulary
/// first (`1d107` is `idiot`, `5vck5` is `sucks`): where a spelling reads as
/// a known word, that is the token. Otherwise digits stay as written (`b4`,
/// `l33t`, `x86_64`) and only the symbols that are never anything but
/// letters inside a word become letters (`a$$`, `b@d`, `b!tch`, `€vil`).
fn resolve_token(units: &mut [Unit], s: usize, e: usize, reader: &mut TokenReader<'_>) {
    let token = &units[s..e];
    // Fast path: nothing to resolve in a token of plain letters.
    if token.iter().all(|u| u.c.is_ascii_lowercase()) || !token.iter().any(|u| is_letter(u.c)) {
        return;
    }
    let mention = token[0].c == '@' && token.get(1).is_some_and(|u| u.c.is_alphanumeric());
    let code = token.iter().any(|u| u.c.is_ascii_digit()) && is_code(units, s, e);
    if !code && reader.read(token) {
        for (u, c) in units[s..e].iter_mut().zip(reader.reading.chars()) {
            u.c = c;
        }
        return;
    }
    for k in 0..e - s {
        let next_is_letter = units.get(s + k + 1).is_some_and(|n| is_letter(n.c));
        let u = &mut units[s + k];
        u.c = match u.c {
            '$' => 's',
            '€' => 'e',
            // `@user` is someone being addressed; `@$$` is not a username.
            '@' if k > 0 || !mention => 'a',
            '!' | '|' if next_is_letter && k > 0 => 'i',
            '*' | '#' => '*',
            c => c,
        };
    }
}

/// Reads tokens against a vocabulary, with buffers reused across tokens.
pub(super) struct TokenReader<'v> {
    vocabulary: &'v Vocabulary,
    chars: Vec<char>,
    reading: String,
}

impl<'v> TokenReader<'v> {
    pub(super) fn new(vocabulary: &'v Vocabulary, chars: Vec<char>, reading: String) -> TokenReader<'v> {
        TokenReader { vocabulary, chars, reading }
    }

    /// The buffers, for the next message.
    pub(super) fn into_buffers(self) -> (Vec<char>, String) {
        (self.chars, self.reading)
    }

    /// Does `token` read as a known word? Its spelling is then in `self.reading`.
    pub(super) fn read(&mut self, token: &[Unit]) -> bool {
        self.read_chars(token.iter().map(|u| u.c))
    }

    /// Does `chars` read as a known word?
    pub(super) fn read_chars(&mut self, chars: impl Iterator<Item = char>) -> bool {
        self.chars.clear();
        self.chars.extend(chars);
        self.vocabulary.find_reading(&self.chars, &mut self.reading)
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

/// Nothing in `units` can change: every word is plain lower-case ASCII
/// letters, and no `$ € @ | + * #` or digit is there, nor a `!` run before
/// a letter or digit (`b!tch`). Most messages are like this.
pub(super) fn nothing_to_resolve(units: &[Unit]) -> bool {
    let mut bang_run = false;
    for u in units {
        if u.flags & VERBATIM != 0 {
            bang_run = false;
            continue;
        }
        let c = u.c;
        if c == '!' {
            bang_run = true;
            continue;
        }
        if c.is_alphanumeric() {
            if bang_run || !c.is_ascii_lowercase() {
                return false;
            }
        } else if matches!(c, '$' | '€' | '@' | '|' | '+' | '*' | '#') {
            return false;
        }
        bang_run = false;
    }
    true
}

/// Resolves every token of `units` in place (see the module docs).
pub(super) fn resolve(units: &mut [Unit], reader: &mut TokenReader<'_>) {
    if !nothing_to_resolve(units) {
        resolve_tokens(units, reader);
    }
}

/// [`resolve`] without its shortcut.
pub(super) fn resolve_tokens(units: &mut [Unit], reader: &mut TokenReader<'_>) {
    let n = units.len();
    let mut md_open = 0;
    let mut i = 0;
    while i < n {
        let u = units[i];
        // A pipe or bang may be a letter starting a word (`|oser`, `!d10t`),
        // read as one only when the word is known (`!ban` stays a command).
        let symbol_start = matches!(u.c, '|' | '!')
            && u.flags & VERBATIM == 0
            && (i == 0 || !is_wordish(units[i - 1].c))
            && units.get(i + 1).is_some_and(|v| v.flags & VERBATIM == 0 && is_letter(v.c));
        if token_start(u) || symbol_start {
            let e = token_end(units, i, md_open);
            if let Some(f) = email_end(units, i, e) {
                // An e-mail address is not words: `bob@x.com` is not `bobax`.
                units[i..f].iter_mut().for_each(|u| u.c = ' ');
                i = f;
                continue;
            }
            resolve_token(units, i, e, reader);
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
