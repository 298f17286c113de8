//! The vocabulary a pack gives the normalizer: every word it could match.
//!
//! Disguised tokens (`1d107`, `5vck5`) are read as words only when the
//! reading is a word the pack knows (see `normalize::Vocabulary`), so the
//! vocabulary is the words of its phrases, allow-list and topics, plus the
//! grammar words its `[settings]` name ("you", "are", "a", ...), which the
//! aim reader needs to see undisguised (`y0u 4r3 4 m0r0n`).

use crate::core::normalize::Vocabulary;
use crate::core::pack::{EntryPattern, Pack};

/// Every word of `pack` that a disguised token may be read as.
pub(crate) fn of_pack(pack: &Pack) -> Vocabulary {
    let mut v = Vocabulary::new();
    let phrases = pack
        .entries()
        .iter()
        .filter_map(|e| match &e.pattern {
            EntryPattern::Phrase(p) => Some(p),
            EntryPattern::Regex(_) => None,
        })
        .chain(pack.allow())
        .chain(pack.topics().iter().flat_map(|t| &t.phrases));
    for p in phrases {
        v.add_phrase(&p.text, p.any_start, p.any_end);
    }
    let s = pack.settings();
    let grammar = [
        &s.second_person,
        &s.third_person,
        &s.negations,
        &s.determiners,
        &s.subjects,
        &s.first_person,
        &s.copulas,
        &s.fillers,
        &s.groups,
    ];
    for w in grammar.into_iter().flatten() {
        v.add_phrase(w, false, false);
    }
    v
}
