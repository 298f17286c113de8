//! Pass 2, join: spaced-out letters (`i d i o t`, `f.u.c.k`) become words.
//!
//! Runs after the scan, so separators are already single units and mentions
//! are marked verbatim, and before leetspeak is resolved, so a digit counts as
//! a letter here exactly when `resolve` would read it as one.

use super::resolve::TokenReader;
use super::unit::{is_letter, is_wordish, Unit, REMOVED, VERBATIM};
use super::vocabulary::stands_for;

/// A character that can be one letter of a spaced-out word.
fn is_join_item(c: char) -> bool {
    is_letter(c) || (c.is_ascii_digit() && stands_for(c).is_some()) || matches!(c, '$' | '€')
}

/// A character that may separate the letters of a spaced-out word.
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '.' | '-' | '_' | ',' | '*')
}

/// One-letter words that may stand before a spaced-out word ("u r a c l o w n").
fn is_one_letter_word(c: char) -> bool {
    matches!(c, 'a' | 'i' | 'u' | 'r' | 'y')
}

/// Most one-letter words kept apart at the start of a run.
const MAX_LEADING_WORDS: usize = 3;

/// Joins `i d i o t`, `f.u.c.k`, `f-u-c-k`, `f*u*c*k`: three or more
/// single-character tokens, at least two of them real letters, each pair
/// separated by one separator of the same kind. Mixed separators
/// (`f.u-c k`) join where the letters spell a known word, and so does a run
/// after up to three leading one-letter words (`u r a c l o w n`: `u r a
/// clown`), which then stay apart.
pub(super) fn join_spaced(units: &mut Vec<Unit>, reader: &mut TokenReader<'_>) {
    let n = units.len();
    let mut any = false;
    let mut i = 0;
    while i + 4 < n {
        // Cheap test first: most letters are followed by letters.
        if !is_separator(units[i + 1].c) || !single(units, i) {
            i += 1;
            continue;
        }
        let mixed = run_end(units, i, None);
        let (first, j) = if let Some(first) = spelled_word(units, i, mixed, reader) {
            (first, mixed)
        } else if let Some(end) = split_into_words(units, i, mixed, reader) {
            any = true;
            i = end;
            continue;
        } else {
            (i, run_end(units, i, Some(units[i + 1].c)))
        };
        let items = (j - first) / 2 + 1;
        let letters = (first..=j).step_by(2).filter(|&k| is_letter(units[k].c)).count();
        // One-letter words side by side are words ("u r a m0r0n").
        let all_words = (first..=j).step_by(2).all(|k| is_one_letter_word(units[k].c));
        if items >= 3 && letters >= 2 && !all_words {
            for k in (first + 1..j).step_by(2) {
                units[k].flags |= REMOVED;
            }
            any = true;
            i = j + 1;
        } else {
            // The run's last item may start a run with another separator
            // ("a m-o-r-o-n": "a m" fails, "m-o-r-o-n" joins).
            i = if j > i { j } else { i + 1 };
        }
    }
    if any {
        units.retain(|u| u.flags & REMOVED == 0);
    }
}

/// Longest run of spaced-out letters split into words.
const MAX_SPLIT_ITEMS: usize = 48;

/// Longest word looked for in such a run.
const MAX_SPLIT_WORD: usize = 16;

/// Splits a long run of spaced-out letters that spell several known words
/// with the spaces between words lost (`y o u  a r e  a n  i d i o t`:
/// `you are an idiot`): the separators inside each word are removed, those
/// between words become spaces. The split with the fewest words wins; a
/// one-letter word counts only if it is one (`a`, `i`, `u`, `r`, `y`).
/// `None` (nothing changed) when the run is short or does not split
/// entirely into known words; otherwise where to go on.
fn split_into_words(units: &mut [Unit], i: usize, j: usize, reader: &mut TokenReader<'_>) -> Option<usize> {
    let n = (j - i) / 2 + 1;
    if !(6..=MAX_SPLIT_ITEMS).contains(&n) {
        return None;
    }
    let item = |k: usize| units[i + 2 * k].c;
    // best[p]: fewest words spelling the first p items, and where the last starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for p in 1..=n {
        for len in 1..=p.min(MAX_SPLIT_WORD) {
            let from = p - len;
            let Some((words, _)) = best[from] else { continue };
            let known = if len == 1 { is_one_letter_word(item(from)) } else { reader.read_chars((from..p).map(item)) };
            if known && best[p].is_none_or(|(w, _)| words + 1 < w) {
                best[p] = Some((words + 1, from));
            }
        }
    }
    let (words, _) = best[n]?;
    if words < 2 {
        return None;
    }
    let mut starts = Vec::with_capacity(words);
    let mut p = n;
    while p > 0 {
        let (_, from) = best[p]?;
        starts.push(from);
        p = from;
    }
    for k in 1..n {
        let sep = &mut units[i + 2 * k - 1];
        if starts.contains(&k) {
            sep.c = ' ';
        } else {
            sep.flags |= REMOVED;
        }
    }
    Some(j + 1)
}

/// Is `units[i]` a single-character item: a letter (or letter in disguise)
/// with no word character on either side? A star is a separator here, not a
/// letter hidden inside a word.
fn single(units: &[Unit], i: usize) -> bool {
    let wordish = |c: char| c != '*' && is_wordish(c);
    let u = units[i];
    u.flags & VERBATIM == 0
        && is_join_item(u.c)
        && (i == 0 || !wordish(units[i - 1].c))
        && units.get(i + 1).is_none_or(|v| !wordish(v.c))
}

/// The last item of the run of items starting at `units[i]`, each pair
/// separated by one separator (`sep`, or any separator when `None`).
fn run_end(units: &[Unit], i: usize, sep: Option<char>) -> usize {
    let mut j = i;
    while j + 2 < units.len()
        && sep.map_or(is_separator(units[j + 1].c), |s| units[j + 1].c == s)
        && single(units, j + 2)
    {
        j += 2;
    }
    j
}

/// Where the known word spelled by the run of items `units[i], units[i + 2],
/// ..., units[j]` starts: at `i`, or after one to three leading one-letter
/// words; `None` when no such word is spelled.
fn spelled_word(units: &[Unit], i: usize, j: usize, reader: &mut TokenReader<'_>) -> Option<usize> {
    let spells =
        |reader: &mut TokenReader<'_>, from: usize| reader.read_chars((from..=j).step_by(2).map(|k| units[k].c));
    if j < i + 4 {
        return None;
    }
    if spells(reader, i) {
        return Some(i);
    }
    let mut from = i;
    for _ in 0..MAX_LEADING_WORDS {
        if !is_one_letter_word(units[from].c) || from + 6 > j {
            break;
        }
        from += 2;
        if spells(reader, from) {
            return Some(from);
        }
    }
    None
}
