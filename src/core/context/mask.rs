//! What the reader reads: the normalized text without the words the
//! phrases already understood as harmless ([`Analysis::unread`], decided
//! by the phrase analysis with the pack's `[settings]`).
//!
//! The allow-list's look-alikes ("kill the process"), names that hold a
//! hostile word ("Shitterton"), hostile words the phrases discounted
//! (negated, not aimed, a name, a mild exclamation, said of the writer) and
//! praise slang said of a thing ("the boss fight is brutal") are left out,
//! so the reader reads the rest of the message and cannot raise it on the
//! strength of a word the phrases set aside.

use crate::core::score::Analysis;
use std::borrow::Cow;

/// The normalized text with every [`Analysis::unread`] range left out.
pub fn reader_text(a: &Analysis) -> Cow<'_, str> {
    let text = a.normalized.text();
    if a.unread.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut cut: Vec<(usize, usize)> = a.unread.iter().map(|&(s, e)| (s.min(text.len()), e.min(text.len()))).collect();
    cut.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in cut {
        if start > at {
            out.push_str(text.get(at..start).unwrap_or(""));
        }
        at = at.max(end);
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests;
