//! Normalization: the text the matcher sees, with a way back to the original.
//!
//! Phrase packs hold plain lower-case phrases (`idiot`, `waste of my time`)
//! and the matcher looks for them at word boundaries, where a word character
//! is alphanumeric. Everything people do to dodge such a matcher — capitals,
//! look-alike letters, zero-width characters, Zalgo, leetspeak, stretched
//! letters, spaced-out letters, self-censoring — is undone here, once, so the
//! matcher and the scorer can stay simple.
//!
//! # Shape
//!
//! [`normalize_into`] runs three short passes over a buffer of *units*, one
//! unit per output character, each carrying the original byte range it came
//! from. The buffers live in [`Normalized`] and are reused, so a warm
//! `Normalized` normalizes a message without touching the allocator.
//!
//! 1. **Scan** (`scan`): the original text becomes units. ASCII takes a fast
//!    path that never calls `decancer`; Discord markup and URLs are
//!    recognized here, on the original bytes; invisible characters and
//!    combining marks are dropped; every whitespace run becomes one space.
//!    Other characters are folded with `decancer` where that is trustworthy
//!    (Latin, Greek, Cyrillic and the letter-like symbol blocks) and passed
//!    through, lower-cased, everywhere else, so emoji and CJK are never
//!    turned into letters.
//! 2. **Join** (`join_spaced`): three or more single letters separated by the
//!    same separator (`i d i o t`, `f.u.c.k`) lose their separators.
//! 3. **Resolve** (`resolve`): tokens get leetspeak and self-censoring
//!    resolved, then `emit` writes the text, collapsing runs of three or more
//!    identical letters into one *stretched* letter.
//!
//! Every output byte records the original range `[start, end)` it came from;
//! ranges are non-decreasing and lie on character boundaries, so
//! [`Normalized::original_span`] maps any normalized range back exactly.
//!
//! # What the output promises
//!
//! * Lower case; ASCII letters wherever the input was a Latin look-alike.
//! * `*` only ever appears as a *wildcard*: a self-censored letter inside a
//!   word (`f*ck`, `b#tch`). Stray and Markdown stars become spaces.
//! * A token starting with `@` is a person (or role, `@&`) being addressed.
//! * `.`, `!`, `?`, `,` and other ASCII punctuation stay, as clause
//!   boundaries for the scorer; `'` is the only apostrophe.
//! * URLs and custom emoji are a single space: their letters never match.
//!
//! # Judgement calls
//!
//! * Leetspeak needs a real letter in the token. Digits stay digits in
//!   identifiers and quantities: a token with a `2` or `6` (`h264`), a
//!   number with a unit or ordinal (`5pm`, `2nd`, `8gb`), and trailing
//!   digits after two or more characters (`win10`, `user123`); `a55` is
//!   still `ass`.
//! * `!` and `|` are `i` only between a word character and a letter, and
//!   not at a visible sentence break (`thanks!You`); `!ban` stays a command.
//! * `@` starting a token is a mention unless a non-alphanumeric follows
//!   (`@$$hole` is leet: usernames have no `$`).
//! * `#` is a wildcard only before a letter (`b#tch`, not `c#` or `#123`).
//! * A trailing star run closing an earlier opening run of the same length
//!   is Markdown (`*sigh*`), otherwise a wildcard (`f***`).
//! * E-mail addresses become a space, like URLs.
//! * Spaced-out letters need at least two real letters (`1 2 3` stays).
//!
//! Inputs longer than `u32::MAX` bytes are normalized up to that length
//! (offsets are stored as `u32`); Discord messages are 4,000 characters.

use decancer::{cure_char, Options, Translation};

/// A message as the matcher sees it, with offsets back into the original.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    text: String,
    /// For each byte of `text`, the byte range `[start, end)` in the original
    /// that produced it.
    src: Vec<(u32, u32)>,
    /// For each byte of `text`: the letter there stood for a run of three or
    /// more identical letters in the original ("stuuupid").
    stretched: Vec<bool>,
    /// Scratch space for the passes; kept to reuse its allocation.
    units: Vec<Unit>,
}

impl Normalized {
    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Maps a byte range of the normalized text back to a byte range of the
    /// original text. `start < end <= self.text().len()`; any other range
    /// gives `(0, 0)`.
    ///
    /// The result always lies on character boundaries of the original.
    ///
    /// ```
    /// let n = keel::core::normalize::normalize("you 1d10t!");
    /// assert_eq!(n.text(), "you idiot!");
    /// assert_eq!(n.original_span(4, 9), (4, 9));
    /// ```
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        if start >= end || end > self.src.len() {
            return (0, 0);
        }
        (self.src[start].0 as usize, self.src[end - 1].1 as usize)
    }

    /// True if the byte at `idx` is a letter that stood for a run of three or
    /// more of the same letter in the original.
    pub fn is_stretched(&self, idx: usize) -> bool {
        self.stretched.get(idx).copied().unwrap_or(false)
    }

    fn clear(&mut self) {
        self.text.clear();
        self.src.clear();
        self.stretched.clear();
        self.units.clear();
    }

    fn emit(&mut self, c: char, start: u32, end: u32, stretched: bool) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.src.push((start, end));
            self.stretched.push(stretched);
        }
    }
}

/// Normalizes `original` (see the module docs for every rule).
pub fn normalize(original: &str) -> Normalized {
    let mut out = Normalized::default();
    normalize_into(original, &mut out);
    out
}

/// Like [`normalize`], reusing `out`'s buffers.
pub fn normalize_into(original: &str, out: &mut Normalized) {
    out.clear();
    let original = clamp_len(original);
    let mut units = std::mem::take(&mut out.units);
    units.reserve(original.len());
    scan(original, &mut units);
    join_spaced(&mut units);
    resolve(&mut units);
    emit(&units, out);
    out.units = units;
}

/// The normalized words of `text` with their byte offsets: runs of
/// alphanumeric characters and wildcards (`*`), with `'` kept between two
/// word characters (`don't`), plus addressing tokens: `@` followed by an
/// optional `&` and alphanumerics (`@123`, `@&456`, `@user`).
///
/// ```
/// use keel::core::normalize::{normalize, words};
/// let n = normalize("Don't be a f*ck, <@123>!");
/// let w: Vec<_> = words(n.text()).collect();
/// assert_eq!(w, [(0, "don't"), (6, "be"), (9, "a"), (11, "f*ck"), (17, "@123")]);
/// ```
pub fn words(text: &str) -> Words<'_> {
    Words { text, pos: 0 }
}

/// Iterator returned by [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        let mut iter = rest.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let start = self.pos + i;
            let next = iter.peek().map(|&(_, n)| n);
            let is_at = c == '@' && next.is_some_and(|n| n == '&' || n.is_alphanumeric());
            if !(c.is_alphanumeric() || is_at) {
                continue;
            }
            let mut end = start + c.len_utf8();
            if is_at && next == Some('&') {
                iter.next();
                end += 1;
            }
            while let Some(&(j, n)) = iter.peek() {
                let word_char = n.is_alphanumeric() || (n == '*' && !is_at);
                let inner_quote = n == '\'' && !is_at && {
                    let after = self.pos + j + 1;
                    self.text[after..].chars().next().is_some_and(char::is_alphanumeric)
                };
                if !(word_char || inner_quote) {
                    break;
                }
                end = self.pos + j + n.len_utf8();
                iter.next();
            }
            self.pos = end;
            return Some((start, &self.text[start..end]));
        }
        self.pos = self.text.len();
        None
    }
}

// ---------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------

/// One output character in the making, with the original range it stands for.
#[derive(Debug, Clone, Copy)]
struct Unit {
    c: char,
    start: u32,
    end: u32,
    flags: u8,
}

/// The original character was upper case.
const UPPER: u8 = 1;
/// Part of a Discord mention: emitted as is, never leet, its own token.
const VERBATIM: u8 = 2;
/// Marks a unit for removal during [`join_spaced`].
const REMOVED: u8 = 4;

fn clamp_len(s: &str) -> &str {
    let max = u32::MAX as usize;
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn push(units: &mut Vec<Unit>, c: char, start: usize, end: usize, flags: u8) {
    units.push(Unit { c, start: start as u32, end: end as u32, flags });
}

/// Pushes a space, merging it into a preceding space.
fn push_space(units: &mut Vec<Unit>, start: usize, end: usize) {
    match units.last_mut() {
        Some(last) if last.c == ' ' && last.flags & VERBATIM == 0 => last.end = end as u32,
        _ => push(units, ' ', start, end, 0),
    }
}

fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// Characters that belong to a word for joining purposes.
fn is_wordish(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '$' | '€' | '@' | '\'' | '*' | '#')
}

// ---------------------------------------------------------------------------
// Pass 1: scan
// ---------------------------------------------------------------------------

fn scan(original: &str, units: &mut Vec<Unit>) {
    let bytes = original.as_bytes();
    let maybe_url = syntax::has_url_marker(original);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
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

// ---------------------------------------------------------------------------
// Pass 2: join spaced-out letters
// ---------------------------------------------------------------------------

/// A character that can be one letter of a spaced-out word.
fn is_join_item(c: char) -> bool {
    is_letter(c) || leet_digit(c).is_some() || matches!(c, '$' | '€')
}

/// Joins `i d i o t`, `f.u.c.k`, `f-u-c-k`: three or more single-character
/// tokens, at least two of them real letters, separated by one separator of
/// the same kind (space, `.`, `-`, `_`, `,`).
fn join_spaced(units: &mut Vec<Unit>) {
    let n = units.len();
    let single = |units: &[Unit], i: usize| {
        let u = units[i];
        u.flags & VERBATIM == 0
            && is_join_item(u.c)
            && (i == 0 || !is_wordish(units[i - 1].c))
            && (i + 1 == n || !is_wordish(units[i + 1].c))
    };
    let mut any = false;
    let mut i = 0;
    while i + 4 < n {
        // Cheap test first: most letters are followed by letters.
        if !matches!(units[i + 1].c, ' ' | '.' | '-' | '_' | ',') || !single(units, i) {
            i += 1;
            continue;
        }
        let sep = units[i + 1].c;
        let mut j = i;
        let mut count = 1;
        let mut letters = usize::from(is_letter(units[i].c));
        while j + 2 < n && units[j + 1].c == sep && single(units, j + 2) {
            j += 2;
            count += 1;
            letters += usize::from(is_letter(units[j].c));
        }
        if count >= 3 && letters >= 2 {
            for k in (i + 1..j).step_by(2) {
                units[k].flags |= REMOVED;
            }
            any = true;
        }
        i = j + 1;
    }
    if any {
        units.retain(|u| u.flags & REMOVED == 0);
    }
}

// ---------------------------------------------------------------------------
// Pass 3: leetspeak, self-censoring, Markdown stars
// ---------------------------------------------------------------------------

fn leet_digit(c: char) -> Option<char> {
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

fn resolve(units: &mut [Unit]) {
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

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

fn emit(units: &[Unit], out: &mut Normalized) {
    out.text.reserve(units.len());
    out.src.reserve(units.len());
    out.stretched.reserve(units.len());
    let n = units.len();
    let mut p = 0;
    while p < n {
        let u = units[p];
        if u.c == ' ' {
            if out.text.ends_with(' ') {
                if let Some(last) = out.src.last_mut() {
                    last.1 = u.end;
                }
            } else {
                out.emit(' ', u.start, u.end, false);
            }
            p += 1;
            continue;
        }
        let mut q = p + 1;
        if is_letter(u.c) && u.flags & VERBATIM == 0 {
            while q < n && units[q].c == u.c {
                q += 1;
            }
        }
        if q - p >= 3 {
            out.emit(u.c, u.start, units[q - 1].end, true);
        } else {
            for v in &units[p..q] {
                out.emit(v.c, v.start, v.end, false);
            }
        }
        p = q;
    }
}

// ---------------------------------------------------------------------------
// Discord markup and URLs, shared with `surface`
// ---------------------------------------------------------------------------

/// Recognizers for Discord markup and URLs on original bytes.
pub(crate) mod syntax {
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
            (b':', _) | (b'a', b':') | (b't', b':') | (b'/', _) => {
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
        s.contains("://") || s.contains("www.") || s.contains("WWW.")
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
        while end < bytes.len() && !bytes[end].is_ascii_whitespace() && !matches!(bytes[end], b'<' | b'>' | b'`' | b'"')
        {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One behaviour: `input` normalizes to `expected`. Letters that are
    /// stretched in the output are written in upper case in `expected`.
    struct Case {
        name: &'static str,
        input: &'static str,
        expected: &'static str,
    }

    /// The text with stretched letters in upper case.
    fn render(n: &Normalized) -> String {
        let mut s = String::with_capacity(n.text().len());
        for (i, c) in n.text().char_indices() {
            if n.is_stretched(i) {
                s.extend(c.to_uppercase());
            } else {
                s.push(c);
            }
        }
        s
    }

    fn check(group: &str, cases: &[Case]) {
        let mut failures = Vec::new();
        for case in cases {
            let got = render(&normalize(case.input));
            if got != case.expected {
                failures.push(format!(
                    "{group}/{}: {:?} -> {:?}, expected {:?}",
                    case.name, case.input, got, case.expected
                ));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[rustfmt::skip]
    const CASE_FOLDING: &[Case] = &[
        Case { name: "ascii caps", input: "You IDIOT", expected: "you idiot" },
        Case { name: "mixed", input: "ThAnKs", expected: "thanks" },
        Case { name: "accented caps", input: "ÍDÍÓT", expected: "idiot" },
    ];

    #[rustfmt::skip]
    const CONFUSABLES: &[Case] = &[
        Case { name: "cyrillic", input: "іdіоt", expected: "idiot" },
        Case { name: "fullwidth", input: "ｉｄｉｏｔ", expected: "idiot" },
        Case { name: "fullwidth caps", input: "ＩＤＩＯＴ", expected: "idiot" },
        Case { name: "math bold", input: "𝐢𝐝𝐢𝐨𝐭", expected: "idiot" },
        Case { name: "math double-struck", input: "𝕚𝕕𝕚𝕠𝕥", expected: "idiot" },
        Case { name: "accents", input: "ídíót", expected: "idiot" },
        Case { name: "small capitals", input: "ɪᴅɪᴏᴛ", expected: "idiot" },
        Case { name: "enclosed", input: "ⓘⓓⓘⓞⓣ", expected: "idiot" },
        Case { name: "squared", input: "🅸🅳🅸🅾🆃", expected: "idiot" },
        Case { name: "eszett", input: "Straße", expected: "strasse" },
        Case { name: "fullwidth punctuation", input: "ok！？，", expected: "ok!?," },
        Case { name: "dashes and ellipsis", input: "wait – what…", expected: "wait - what..." },
    ];

    #[rustfmt::skip]
    const PASS_THROUGH: &[Case] = &[
        Case { name: "emoji stay emoji", input: "thanks 😀👍", expected: "thanks 😀👍" },
        Case { name: "heart", input: "love it ❤", expected: "love it ❤" },
        Case { name: "sparkles are not wildcards", input: "amazing✨", expected: "amazing✨" },
        Case { name: "stars are not wildcards", input: "great ⭐⭐⭐", expected: "great ⭐⭐⭐" },
        Case { name: "flags stay flags", input: "from 🇺🇸", expected: "from 🇺🇸" },
        Case { name: "cjk", input: "日本語 中文", expected: "日本語 中文" },
        Case { name: "hangul", input: "한국어", expected: "한국어" },
        Case { name: "arabic", input: "مرحبا", expected: "مرحبا" },
        Case { name: "hebrew", input: "שלום", expected: "שלום" },
        Case { name: "devanagari letters", input: "नमस", expected: "नमस" },
        Case { name: "inverted exclamation", input: "¡Hola!", expected: "¡hola!" },
        Case { name: "copyright", input: "© 2024", expected: "© 2024" },
        Case { name: "cjk punctuation", input: "好。好、", expected: "好.好," },
    ];

    #[rustfmt::skip]
    const INVISIBLE: &[Case] = &[
        Case { name: "zero-width space", input: "i\u{200b}d\u{200b}i\u{200b}o\u{200b}t", expected: "idiot" },
        Case { name: "joiners", input: "id\u{200c}i\u{200d}ot", expected: "idiot" },
        Case { name: "word joiner and bom", input: "\u{feff}id\u{2060}iot", expected: "idiot" },
        Case { name: "soft hyphen", input: "id\u{ad}iot", expected: "idiot" },
        Case { name: "variation selector", input: "idi\u{fe0f}ot", expected: "idiot" },
        Case { name: "bidi override", input: "\u{202e}idiot\u{202c}", expected: "idiot" },
        Case { name: "zalgo", input: "i\u{336}d\u{337}\u{35c}i\u{30d}\u{316}o\u{489}t\u{1dc4}", expected: "idiot" },
        Case { name: "only invisible", input: "\u{200b}\u{200c}\u{feff}", expected: "" },
    ];

    #[rustfmt::skip]
    const WHITESPACE_AND_QUOTES: &[Case] = &[
        Case { name: "runs", input: "a  \t\n b", expected: "a b" },
        Case { name: "nbsp and ideographic", input: "x\u{a0}\u{3000}y", expected: "x y" },
        Case { name: "braille blank", input: "no\u{2800}way", expected: "no way" },
        Case { name: "curly apostrophe", input: "I’ll don‘t", expected: "i'll don't" },
        Case { name: "modifier apostrophe", input: "don\u{2bc}t", expected: "don't" },
        Case { name: "curly double quotes", input: "“fine”", expected: "\"fine\"" },
        Case { name: "control chars dropped", input: "a\u{0}b\u{7}c", expected: "abc" },
    ];

    #[rustfmt::skip]
    const LEET: &[Case] = &[
        Case { name: "digits", input: "you 1d10t", expected: "you idiot" },
        Case { name: "l0ser", input: "l0ser", expected: "loser" },
        Case { name: "a55", input: "a55", expected: "ass" },
        Case { name: "sh1t", input: "sh1t", expected: "shit" },
        Case { name: "all digits", input: "3 4 5 7 8 9 0 1", expected: "3 4 5 7 8 9 0 1" },
        Case { name: "b8 g9 t7", input: "8itch 9et 7his", expected: "bitch get this" },
        Case { name: "dollar inside", input: "a$$", expected: "ass" },
        Case { name: "dollar at start", input: "$tupid", expected: "stupid" },
        Case { name: "at inside", input: "b@d", expected: "bad" },
        Case { name: "mention stays", input: "@user hi", expected: "@user hi" },
        Case { name: "euro", input: "€vil", expected: "evil" },
        Case { name: "bang before letter", input: "b!tch", expected: "bitch" },
        Case { name: "pipe before letter", input: "b|tch", expected: "bitch" },
        Case { name: "bang at end", input: "stupid!", expected: "stupid!" },
        Case { name: "bang run stays", input: "stupid!!!1", expected: "stupid!!!1" },
        Case { name: "bot command", input: "!ban him", expected: "!ban him" },
        Case { name: "sentence break", input: "thanks!You rock", expected: "thanks!you rock" },
        Case { name: "pure number", input: "order 12345", expected: "order 12345" },
        Case { name: "days", input: "3 days", expected: "3 days" },
        Case { name: "slash", input: "24/7", expected: "24/7" },
        Case { name: "money", input: "$100 or 5€", expected: "$100 or 5€" },
        Case { name: "ordinal", input: "1st 2nd 3rd 10th", expected: "1st 2nd 3rd 10th" },
        Case { name: "time", input: "at 5pm or 4am", expected: "at 5pm or 4am" },
        Case { name: "sizes", input: "8gb 100k 60fps", expected: "8gb 100k 60fps" },
        Case { name: "identifier with 2", input: "h264 x86", expected: "h264 x86" },
        Case { name: "product suffix", input: "win10 mp3 ps5", expected: "win10 mp3 ps5" },
        Case { name: "fullwidth leet", input: "１ｄ１０ｔ", expected: "idiot" },
    ];

    #[rustfmt::skip]
    const STRETCH: &[Case] = &[
        Case { name: "u run", input: "stuuuupid", expected: "stUpid" },
        Case { name: "trailing s", input: "asssss", expected: "aS" },
        Case { name: "fuuuck", input: "fuuuck", expected: "fUck" },
        Case { name: "exactly three", input: "nooo", expected: "nO" },
        Case { name: "two stays", input: "good ass hello", expected: "good ass hello" },
        Case { name: "case-insensitive", input: "NOooO", expected: "nO" },
        Case { name: "through leet", input: "a555", expected: "aS" },
        Case { name: "digits not stretched", input: "1000", expected: "1000" },
        Case { name: "punctuation not stretched", input: "why!!!", expected: "why!!!" },
        Case { name: "non-ascii", input: "ééé", expected: "E" },
    ];

    #[rustfmt::skip]
    const JOIN: &[Case] = &[
        Case { name: "spaces", input: "i d i o t", expected: "idiot" },
        Case { name: "dots", input: "i.d.i.o.t", expected: "idiot" },
        Case { name: "dashes", input: "f-u-c-k", expected: "fuck" },
        Case { name: "underscores", input: "f_u_c_k", expected: "fuck" },
        Case { name: "commas", input: "f,u,c,k", expected: "fuck" },
        Case { name: "longer", input: "f u c k i n g", expected: "fucking" },
        Case { name: "words around", input: "you i d i o t lol", expected: "you idiot lol" },
        Case { name: "leet inside", input: "i d 1 o t", expected: "idiot" },
        Case { name: "acronym", input: "U.S.A.", expected: "usa." },
        Case { name: "double spaces", input: "f  u  c  k", expected: "fuck" },
        Case { name: "two letters only", input: "I am a b", expected: "i am a b" },
        Case { name: "mixed separators", input: "f.u-c k", expected: "f.u-c k" },
        Case { name: "comma and space", input: "a, b, c", expected: "a, b, c" },
        Case { name: "numbers", input: "1 2 3", expected: "1 2 3" },
        Case { name: "version", input: "1.3.5", expected: "1.3.5" },
        Case { name: "e.g.", input: "e.g. this", expected: "e.g. this" },
        Case { name: "contraction", input: "I'm a b", expected: "i'm a b" },
    ];

    #[rustfmt::skip]
    const CENSOR: &[Case] = &[
        Case { name: "one star", input: "f*ck", expected: "f*ck" },
        Case { name: "two stars", input: "f**k you", expected: "f**k you" },
        Case { name: "trailing stars", input: "f*** off", expected: "f*** off" },
        Case { name: "sh*t", input: "sh*t!", expected: "sh*t!" },
        Case { name: "hash", input: "b#tch", expected: "b*tch" },
        Case { name: "unicode asterisk", input: "f∗ck", expected: "f*ck" },
        Case { name: "fullwidth asterisk", input: "f＊ck", expected: "f*ck" },
        Case { name: "markdown italic", input: "*sigh*", expected: " sigh " },
        Case { name: "markdown bold", input: "**bold** text", expected: " bold text" },
        Case { name: "bold sentence", input: "**not my fault**", expected: " not my fault " },
        Case { name: "censor inside markdown", input: "*f*ck it*", expected: " f*ck it " },
        Case { name: "leading star", input: "*ducks", expected: " ducks" },
        Case { name: "bullet", input: "* item", expected: " item" },
        Case { name: "rating", input: "5* service", expected: "5 service" },
        Case { name: "maths", input: "2*3", expected: "2 3" },
        Case { name: "ticket number", input: "order #12345", expected: "order #12345" },
        Case { name: "hash before digits", input: "order#12345", expected: "order#12345" },
        Case { name: "c sharp", input: "c# and f###", expected: "c# and f###" },
    ];

    #[rustfmt::skip]
    const DISCORD: &[Case] = &[
        Case { name: "user mention", input: "<@123456> hi", expected: "@123456 hi" },
        Case { name: "nick mention", input: "hey <@!42>", expected: "hey @42" },
        Case { name: "role mention", input: "<@&77> help", expected: "@&77 help" },
        Case { name: "channel mention", input: "see <#99>", expected: "see #99" },
        Case { name: "custom emoji", input: "ok <:idiot:123> bye", expected: "ok bye" },
        Case { name: "animated emoji", input: "<a:fuckyou:9>", expected: " " },
        Case { name: "timestamp", input: "by <t:1700000000:R>", expected: "by " },
        Case { name: "broken mention", input: "<@abc>", expected: "<@abc>" },
        Case { name: "heart", input: "<3 you", expected: "<3 you" },
        Case { name: "https url", input: "see https://example.com/analytics now", expected: "see now" },
        Case { name: "http url", input: "http://idiot.com", expected: " " },
        Case { name: "www url", input: "go to www.stupid.org.", expected: "go to ." },
        Case { name: "suppressed embed", input: "<https://x.com/fuck> ok", expected: " ok" },
        Case { name: "url trailing punctuation", input: "(https://a.b/c), ok?", expected: "( ), ok?" },
        Case { name: "inline code", input: "run `cargo build` now", expected: "run cargo build now" },
        Case { name: "code block", input: "```rust\nfn x()```", expected: "rust fn x()" },
        Case { name: "spoiler", input: "||idiot||", expected: "||idiot||" },
    ];

    #[rustfmt::skip]
    const BENIGN: &[Case] = &[
        Case {
            name: "order",
            input: "Thanks, I'll check order #12345 tomorrow.",
            expected: "thanks, i'll check order #12345 tomorrow.",
        },
        Case {
            name: "question",
            input: "Where is my order? It's been 3 days.",
            expected: "where is my order? it's been 3 days.",
        },
        Case { name: "email", input: "mail bob@example.com.", expected: "mail ." },
        Case { name: "good", input: "good cool book", expected: "good cool book" },
    ];

    #[rustfmt::skip]
    const REGRESSION: &[Case] = &[
        Case { name: "empty", input: "", expected: "" },
        Case { name: "lone star", input: "*", expected: " " },
        Case { name: "lone bang", input: "!", expected: "!" },
        Case { name: "lone at", input: "@", expected: "@" },
        Case { name: "unterminated emoji", input: "<:abc:12", expected: "<:abc:12" },
        Case { name: "mention glued to word", input: "<@1>idiot", expected: "@1 idiot" },
        Case { name: "dollar after at", input: "@$$hole", expected: "asshole" },
    ];

    #[test]
    fn case_folding() {
        check("case folding", CASE_FOLDING);
    }

    #[test]
    fn confusables() {
        check("confusables", CONFUSABLES);
    }

    #[test]
    fn pass_through() {
        check("pass through", PASS_THROUGH);
    }

    #[test]
    fn invisible() {
        check("invisible", INVISIBLE);
    }

    #[test]
    fn whitespace_and_quotes() {
        check("whitespace and quotes", WHITESPACE_AND_QUOTES);
    }

    #[test]
    fn leet() {
        check("leet", LEET);
    }

    #[test]
    fn stretch() {
        check("stretch", STRETCH);
    }

    #[test]
    fn join() {
        check("join", JOIN);
    }

    #[test]
    fn censor() {
        check("censor", CENSOR);
    }

    #[test]
    fn discord() {
        check("discord", DISCORD);
    }

    #[test]
    fn benign() {
        check("benign", BENIGN);
    }

    #[test]
    fn regression() {
        check("REGRESSION", REGRESSION);
    }

    /// `input.0` normalized; the first occurrence of the normalized word
    /// `input.1` maps back to the original substring `expected`.
    struct SpanCase {
        name: &'static str,
        input: (&'static str, &'static str),
        expected: &'static str,
    }

    #[rustfmt::skip]
    const SPANS: &[SpanCase] = &[
        SpanCase { name: "leet", input: ("you 1d10t!", "idiot"), expected: "1d10t" },
        SpanCase { name: "caps", input: ("YOU IDIOT", "idiot"), expected: "IDIOT" },
        SpanCase { name: "cyrillic", input: ("ok іdіоt", "idiot"), expected: "іdіоt" },
        SpanCase { name: "fullwidth", input: ("ｉｄｉｏｔ.", "idiot"), expected: "ｉｄｉｏｔ" },
        SpanCase { name: "math", input: ("so 𝐢𝐝𝐢𝐨𝐭", "idiot"), expected: "𝐢𝐝𝐢𝐨𝐭" },
        SpanCase { name: "zero width", input: ("i\u{200b}diot", "idiot"), expected: "i\u{200b}diot" },
        SpanCase { name: "zalgo", input: ("i\u{336}diot\u{336} x", "idiot"), expected: "i\u{336}diot" },
        SpanCase { name: "stretched", input: ("so stuuuupid", "stupid"), expected: "stuuuupid" },
        SpanCase { name: "spaced", input: ("you i d i o t lol", "idiot"), expected: "i d i o t" },
        SpanCase { name: "dotted", input: ("f.u.c.k off", "fuck"), expected: "f.u.c.k" },
        SpanCase { name: "censored", input: ("f**k this", "f**k"), expected: "f**k" },
        SpanCase { name: "mention", input: ("hi <@!123> you", "@123"), expected: "<@!123>" },
        SpanCase { name: "after url", input: ("https://x.y/idiot idiot", "idiot"), expected: "idiot" },
        SpanCase { name: "eszett", input: ("Straße", "strasse"), expected: "Straße" },
        SpanCase { name: "whitespace run", input: ("waste  of\n my time", "waste of my time"), expected: "waste  of\n my time" },
        SpanCase { name: "curly", input: ("I’ll", "i'll"), expected: "I’ll" },
    ];

    #[test]
    fn spans() {
        let mut failures = Vec::new();
        for case in SPANS {
            let (input, needle) = case.input;
            let n = normalize(input);
            let Some(at) = n.text().find(needle) else {
                failures.push(format!("{}: {needle:?} not in {:?}", case.name, n.text()));
                continue;
            };
            let (s, e) = n.original_span(at, at + needle.len());
            let got = input.get(s..e).unwrap_or("<not a char range>");
            if got != case.expected {
                failures.push(format!("{}: got {got:?}, expected {:?}", case.name, case.expected));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn original_span_rejects_bad_ranges() {
        let n = normalize("hello");
        assert_eq!(n.original_span(3, 3), (0, 0));
        assert_eq!(n.original_span(4, 2), (0, 0));
        assert_eq!(n.original_span(0, 6), (0, 0));
        assert_eq!(n.original_span(0, 5), (0, 5));
        assert!(!n.is_stretched(99));
    }

    struct WordsCase {
        name: &'static str,
        input: &'static str,
        expected: &'static [(usize, &'static str)],
    }

    #[rustfmt::skip]
    const WORDS: &[WordsCase] = &[
        WordsCase { name: "plain", input: "you idiot", expected: &[(0, "you"), (4, "idiot")] },
        WordsCase { name: "apostrophe inside", input: "don't 'quote'", expected: &[(0, "don't"), (7, "quote")] },
        WordsCase { name: "wildcards", input: "f*ck off", expected: &[(0, "f*ck"), (5, "off")] },
        WordsCase { name: "mention", input: "@123, hi", expected: &[(0, "@123"), (6, "hi")] },
        WordsCase { name: "role", input: "@&7 x", expected: &[(0, "@&7"), (4, "x")] },
        WordsCase { name: "lone at", input: "@ a", expected: &[(2, "a")] },
        WordsCase { name: "non-ascii", input: "日本 ok", expected: &[(0, "日本"), (7, "ok")] },
        WordsCase { name: "punctuation only", input: "?! ...", expected: &[] },
    ];

    #[test]
    fn words_yields_offsets() {
        for case in WORDS {
            let got: Vec<_> = words(case.input).collect();
            assert_eq!(got, case.expected, "words/{}", case.name);
            for (at, w) in got {
                assert_eq!(&case.input[at..at + w.len()], w, "words/{}", case.name);
            }
        }
    }

    #[test]
    fn reuse_gives_same_result() {
        let mut n = Normalized::default();
        normalize_into("a long message with f**k and ｉｄｉｏｔ", &mut n);
        normalize_into("short", &mut n);
        assert_eq!(n.text(), "short");
        assert_eq!(n.original_span(0, 5), (0, 5));
    }

    #[test]
    fn only_zero_width_is_empty_and_fast() {
        let input: String =
            ["\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}"].iter().cycle().take(4000).copied().collect();
        let started = std::time::Instant::now();
        let n = normalize(&input);
        assert_eq!(n.text(), "");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    /// xorshift64*: deterministic, dependency-free.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[rustfmt::skip]
    const PIECES: &[&str] = &[
        "a", "I", "d", "o", "t", " ", "  ", ".", "-", "_", ",", "!", "|", "?", "*", "**", "#", "$",
        "@", "€", "0", "1", "3", "5", "2", "<", ">", "<@", "<@!", "<@&", "<#", "<:x:", "<a:", "<t:",
        "</", ">", "`", "```", "http://", "https://", "www.", "://", "ß", "İ", "\u{301}", "\u{336}",
        "\u{489}", "\u{200b}", "\u{200d}", "\u{feff}", "\u{ad}", "\u{fe0f}", "\u{202e}", "\u{2066}",
        "😀", "👍🏽", "❤️", "🇺🇸", "✨", "❗", "‼", "مرحبا", "שלום", "\u{64b}", "日本", "한",
        "ｉ", "𝐢", "ⓘ", "🅸", "’", "“", "…", "\u{a0}", "\u{3000}", "\u{3164}", "\u{2800}", "\n", "\t",
        "\u{0}", "\u{7f}", "\u{e0100}", "\u{10ffff}", "ǅ", "½", "™",
    ];

    fn random_string(rng: &mut Rng) -> String {
        let mut s = String::new();
        for _ in 0..rng.below(24) {
            if rng.below(4) == 0 {
                // Any scalar value; `from_u32` rejects surrogates.
                let cp = match rng.below(3) {
                    0 => rng.below(0x800) as u32,
                    1 => rng.below(0x1_0000) as u32,
                    _ => rng.below(0x11_0000) as u32,
                };
                s.extend(char::from_u32(cp));
            } else {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
        }
        s
    }

    #[test]
    fn never_panics_and_spans_stay_on_boundaries() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut n = Normalized::default();
        for round in 0..4000 {
            let input = random_string(&mut rng);
            normalize_into(&input, &mut n);
            let len = n.text().len();
            assert_eq!(n.src.len(), len, "round {round}: {input:?}");
            assert_eq!(n.stretched.len(), len, "round {round}: {input:?}");
            assert!(!n.text().contains("  "), "round {round}: {input:?} -> {:?}", n.text());
            for a in 0..len {
                for b in a + 1..=len {
                    let (s, e) = n.original_span(a, b);
                    assert!(
                        s < e && e <= input.len() && input.is_char_boundary(s) && input.is_char_boundary(e),
                        "round {round}: {input:?} -> {:?}, span({a},{b}) = ({s},{e})",
                        n.text()
                    );
                }
            }
            for _ in words(n.text()) {}
            // Normalizing again must not panic either.
            let _ = normalize(n.text());
        }
    }

    /// `cargo test --release --lib core::normalize::tests::throughput -- --ignored --nocapture`
    #[test]
    #[ignore = "timing; run in release"]
    fn throughput() {
        let messages = [
            "Hi, I ordered a keyboard two weeks ago (order #48213) and the tracking still says label created. Can someone check? Thanks!",
            "this is RIDICULOUS, you guys are useless, i've been waiting for 3 days and nobody answers, what a waste of my time!!!",
            "u r such an 1d10t lol, f**k this support, stuuuupid bot <@123456789012345678> https://example.com/status",
            "Ｈｅｌｌｏ，ｍｙ ａｃｃｏｕｎｔ ｉｓ ｌｏｃｋｅｄ 😀 can you help? Merci beaucoup, très gentil — ça marche pas.",
        ];
        let mut n = Normalized::default();
        for m in messages {
            let iterations = 1_000_000;
            let started = std::time::Instant::now();
            for _ in 0..iterations {
                normalize_into(std::hint::black_box(m), &mut n);
                std::hint::black_box(n.text());
            }
            let secs = started.elapsed().as_secs_f64();
            let mb = (m.len() * iterations) as f64 / 1e6;
            println!(
                "{:>4} bytes: {:>7.1} MB/s, {:>6.0} ns/message",
                m.len(),
                mb / secs,
                secs * 1e9 / iterations as f64
            );
        }
    }
}
