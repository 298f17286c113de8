//! What the context reader may not lean on: the words the phrases already
//! understood as harmless, as normalized byte ranges for
//! [`Analysis::unread`].
//!
//! Where a hostile phrase was found and then discounted — negated ("you're
//! not stupid"), cancelled by the allow-list, not aimed at anyone ("my dumb
//! mistake", "damn, I forgot"), or read as a proper name ("Mr. Butts") — the
//! reader, which sees the same surface word, would otherwise raise the
//! message on its strength. It reads the rest of the message instead, so
//! context around the word still counts ("you're not stupid, you're a
//! glorified FAQ reader"). The same goes for self-deprecation the phrases
//! counted at their weight ("I'm useless with computers") and for praise
//! slang said of a thing ("the boss fight is brutal", "your delivery times
//! are insane"), whether or not a phrase matched it. Every word list comes
//! from the pack's `[settings]`.

use super::{Analysis, Signal};
use crate::core::aim::Aim;
use crate::core::pack::{CategoryKind, Settings};

/// A hostile hit the phrases discounted: it counted for less than its weight.
fn discounted(s: &Signal) -> bool {
    s.kind == CategoryKind::Hostile && s.weight < s.base_weight
}

/// Below this a word is not hostile even when aimed: a mild word.
const MILD: f32 = 0.5;

/// A mild word used as an exclamation: first in its sentence after at most
/// an opener ("damn, I forgot", "oh crap, wrong file", "what the hell
/// happened"), or "a hell of a ...".
fn exclamation(text: &str, s: &Signal, settings: &Settings) -> bool {
    let before = text.get(..s.norm_start).unwrap_or("");
    let sentence = before.rsplit(['.', '!', '?', '\n', ',']).next().unwrap_or("").trim();
    settings.exclamation_openers.iter().any(|o| o == sentence)
        || text.get(s.norm_end..).is_some_and(|a| a.starts_with(" of a"))
}

/// A discounted hit the reader may not lean on: negated, allowed, a name, a
/// mild exclamation, or not aimed at anyone in a message that thanks or
/// apologises or where the writer speaks of themselves just before it ("I'm
/// so stupid") or after it ("stupid me").
fn set_aside(a: &Analysis, s: &Signal, settings: &Settings) -> bool {
    if s.kind == CategoryKind::Hostile && !s.aim.at_person() && about_the_writer(a, s, settings) {
        return true;
    }
    if !discounted(s) {
        return false;
    }
    let untargeted = !s.negated && s.allowed_by.is_none() && !s.name;
    if !untargeted || a.cooling > 0.0 {
        return true;
    }
    (s.base_weight < MILD && exclamation(a.normalized.text(), s, settings)) || about_the_writer(a, s, settings)
}

/// The writer speaks of themselves just before the hit ("I'm so stupid") or
/// after it ("stupid me").
fn about_the_writer(a: &Analysis, s: &Signal, settings: &Settings) -> bool {
    let text = a.normalized.text();
    let before = text.get(..s.norm_start).unwrap_or("");
    let after = text.get(s.norm_end..).unwrap_or("");
    let word = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        settings.first_person.iter().any(|f| f == w)
    };
    before.split_whitespace().rev().take(3).any(word) || after.split_whitespace().next().is_some_and(word)
}

/// Appends to `a.unread` every discounted hostile hit the reader may not
/// lean on, and every praise-slang word in `praise` (normalized span and
/// whom it describes) said of no one — unless a hostile phrase that counted
/// in full covers the same words (a longer phrase for praise slang: "sick
/// of waiting" stays read).
pub(super) fn mark(a: &mut Analysis, settings: &Settings, praise: &[(usize, usize, Aim)]) {
    let counted = |s: &Signal| s.kind == CategoryKind::Hostile && !discounted(s) && s.weight > 0.0;
    let overlaps = |s: &Signal, (start, end): (usize, usize)| s.norm_start < end && start < s.norm_end;
    let mut found = std::mem::take(&mut a.unread);
    for s in &a.signals {
        let span = (s.norm_start, s.norm_end);
        if set_aside(a, s, settings) && !a.signals.iter().any(|c| counted(c) && overlaps(c, span)) {
            found.push(span);
        }
    }
    for &(start, end, aim) in praise {
        let longer = |c: &Signal| counted(c) && overlaps(c, (start, end)) && (c.norm_start, c.norm_end) != (start, end);
        if !aim.at_person() && !a.signals.iter().any(longer) {
            found.push((start, end));
        }
    }
    a.unread = found;
}
