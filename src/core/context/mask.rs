//! What the reader reads: the normalized text without the words the
//! phrases already understood as harmless.
//!
//! Where a hostile phrase was found and then discounted — negated ("you're
//! not stupid"), cancelled by the allow-list, not aimed at anyone ("this
//! update is sick", "my dumb mistake", "damn, I forgot"), or read as a
//! proper name ("Mr. Butts") — the reader, which sees the same surface
//! word, would otherwise raise the message on its strength. It reads the
//! rest of the message instead, so context around the word still counts
//! ("you're not stupid, you're a glorified FAQ reader"). The same goes for
//! self-deprecation the phrases counted at their weight ("I'm useless with
//! computers") and for names and places that hold a hostile word inside
//! them ("Shitterton", "Dr. Assange"), and the allow-list's look-alikes
//! ("the OOM killer": [`Analysis::unread`]).

use crate::core::pack::CategoryKind;
use crate::core::score::{Analysis, Signal};
use std::borrow::Cow;

/// A hostile hit the phrases discounted: it counted for less than its weight.
fn discounted(s: &Signal) -> bool {
    s.kind == CategoryKind::Hostile && s.weight < s.base_weight
}

/// First-person words: "I'm so stupid", "my dumb mistake", "stupid me".
const FIRST_PERSON: &[&str] = &["i", "i'm", "im", "me", "my", "myself", "i've", "ive", "i'd", "id"];

/// Slang that praises a thing it describes ("this update is sick", "what a
/// sick drop", "the boss is brutal"): said of no one, the reader may not
/// read it as an attack.
const PRAISE_SLANG: &[&str] = &["sick", "brutal", "wicked", "savage"];

/// Below this a word is not hostile even when aimed: a mild word.
const MILD: f32 = 0.5;

/// What may open a sentence before an exclamation: "oh crap", "what the hell".
const OPENERS: &[&str] = &[
    "",
    "oh",
    "well",
    "holy",
    "ah",
    "aw",
    "ugh",
    "and",
    "bloody",
    "oh my",
    "what the",
    "what in the",
    "why the",
    "how the",
    "where the",
    "who the",
    "oh what the",
    "but",
];

/// A mild word used as an exclamation: first in its sentence after at most
/// an opener ("damn, I forgot", "oh crap, wrong file", "what the hell
/// happened"), or "a hell of a ...".
fn exclamation(text: &str, s: &Signal) -> bool {
    let before = text.get(..s.norm_start).unwrap_or("");
    let sentence = before.rsplit(['.', '!', '?', '\n', ',']).next().unwrap_or("").trim();
    OPENERS.contains(&sentence) || text.get(s.norm_end..).is_some_and(|a| a.starts_with(" of a"))
}

/// A discounted hit the reader may not lean on: negated, allowed, a name,
/// praise slang said of no one, a mild exclamation, or not aimed at anyone
/// in a message that thanks or apologises or where the writer speaks of
/// themselves just before it ("I'm so stupid") or after it ("stupid me").
fn set_aside(a: &Analysis, s: &Signal) -> bool {
    if s.kind == CategoryKind::Hostile && !s.aim.at_person() && about_the_writer(a, s) {
        return true;
    }
    if !discounted(s) {
        return false;
    }
    let untargeted = !s.negated && s.allowed_by.is_none() && !s.name;
    if !untargeted || a.cooling > 0.0 {
        return true;
    }
    let text = a.normalized.text();
    if PRAISE_SLANG.contains(&text.get(s.norm_start..s.norm_end).unwrap_or(""))
        || (s.base_weight < MILD && exclamation(text, s))
    {
        return true;
    }
    about_the_writer(a, s)
}

/// The writer speaks of themselves just before the hit ("I'm so stupid") or
/// after it ("stupid me").
fn about_the_writer(a: &Analysis, s: &Signal) -> bool {
    let text = a.normalized.text();
    let before = text.get(..s.norm_start).unwrap_or("");
    let after = text.get(s.norm_end..).unwrap_or("");
    let word = |w: &str| FIRST_PERSON.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''));
    before.split_whitespace().rev().take(3).any(word) || after.split_whitespace().next().is_some_and(word)
}

/// The normalized text with every discounted hostile hit left out (unless a
/// hit that counted in full covers the same words).
pub fn reader_text(a: &Analysis) -> Cow<'_, str> {
    let text = a.normalized.text();
    let counted = |s: &Signal| s.kind == CategoryKind::Hostile && !discounted(s) && s.weight > 0.0;
    let overlaps = |x: &Signal, y: &Signal| x.norm_start < y.norm_end && y.norm_start < x.norm_end;
    let mut cut: Vec<(usize, usize)> = a
        .signals
        .iter()
        .filter(|s| set_aside(a, s) && !a.signals.iter().any(|c| counted(c) && overlaps(c, s)))
        .map(|s| (s.norm_start, s.norm_end))
        .chain(a.unread.iter().copied())
        .map(|(s, e)| (s.min(text.len()), e.min(text.len())))
        .collect();
    if cut.is_empty() {
        return Cow::Borrowed(text);
    }
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
