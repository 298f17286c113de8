//! Pass 2, join: spaced-out letters (`i d i o t`, `f.u.c.k`) become words.
//!
//! Runs after the scan, so separators are already single units and mentions
//! are marked verbatim, and before leetspeak is resolved, so a digit counts as
//! a letter here exactly when `resolve` would read it as one.

use super::resolve::leet_digit;
use super::unit::{is_letter, is_wordish, Unit, REMOVED, VERBATIM};

/// A character that can be one letter of a spaced-out word.
fn is_join_item(c: char) -> bool {
    is_letter(c) || leet_digit(c).is_some() || matches!(c, '$' | '€')
}

/// Joins `i d i o t`, `f.u.c.k`, `f-u-c-k`: three or more single-character
/// tokens, at least two of them real letters, separated by one separator of
/// the same kind (space, `.`, `-`, `_`, `,`).
pub(super) fn join_spaced(units: &mut Vec<Unit>) {
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
