//! Scoring one message: from hits to a hostility score in [0, 1].
//!
//! A hit's weight is adjusted by who it is aimed at (a `targeted` phrase
//! counts only when aimed at a person: "you idiot" versus "this idiotic
//! form") and by negation ("you're not stupid"). Hostile weights combine as
//! a noisy-or, `1 - Π(1 - w)`, so two medium signals outweigh one but no
//! pile of weak ones reaches 1. Surface signals (shouting, punctuation
//! bursts, a burst of messages) amplify the same way, and de-escalating
//! markers (thanks, apologies) take up to a quarter of the score away.

use crate::core::aim::{mark_words, split_words, unknown_classes, Grammar, HitSpan, Sentence, Word};
use crate::core::matcher::{FindScratch, Hit, HitOf, Matcher};
use crate::core::normalize::{normalize_into, Normalized, Vocabulary};
use crate::core::pack::{CategoryKind, EntryPattern, Pack};
use crate::core::surface::{surface, Surface};
use aho_corasick::{AhoCorasick, MatchKind};

pub use crate::core::aim::Aim;

/// One hit with everything the score made of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// The pack entry that matched.
    pub entry: usize,
    /// Its category.
    pub category: usize,
    /// What the category does.
    pub kind: CategoryKind,
    /// Byte range in the original text.
    pub start: usize,
    /// End of the byte range in the original text (exclusive).
    pub end: usize,
    /// Byte range in the normalized text.
    pub norm_start: usize,
    /// End of the byte range in the normalized text (exclusive).
    pub norm_end: usize,
    /// The entry's weight as written.
    pub base_weight: f32,
    /// The weight that counted (0 when it did not count).
    pub weight: f32,
    /// Who it was aimed at.
    pub aim: Aim,
    /// A negation came just before it.
    pub negated: bool,
    /// The allow-list entry that cancelled it, if any.
    pub allowed_by: Option<usize>,
    /// Written as part of a proper name ("Dick Van Dyke", "Mr. Butts"): it does not count.
    pub name: bool,
}

/// Everything keel read from one message on its own.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The normalized text.
    pub normalized: Normalized,
    /// Every hit of a pack entry, including those that did not count.
    pub signals: Vec<Signal>,
    /// Hostility in [0, 1]: the phrase score, raised by the context
    /// reader's blend when it read the message.
    pub score: f32,
    /// Hostility in [0, 1] from the phrase pack alone.
    pub phrase_score: f32,
    /// The context reader's probability that the message is offensive, when
    /// it read the message (see [`crate::core::context`]).
    pub reading: Option<f32>,
    /// The score crosses the pack's hostile threshold.
    pub hostile: bool,
    /// The message counts as abuse: a severe category, or hostile and aimed at a person.
    pub abusive: bool,
    /// A severe category (threats, slurs) counted in this message.
    pub severe: bool,
    /// A hostile phrase that counted was aimed at a person other than the
    /// writer (however strong: "you're useless" as well as "you idiot").
    pub aimed: bool,
    /// The highest `jump_to_tier` of the categories that counted (0 when none).
    pub jump_to_tier: u8,
    /// De-escalating markers, 0–1.
    pub cooling: f32,
    /// Weak conversational cue (positive: derailing, negative: civil).
    pub cue: f32,
    /// Categories that counted (bit i = category i).
    pub categories: u64,
    /// The issue topic recognised, if any (index into the pack's topics).
    pub topic: Option<usize>,
    /// Shouting and punctuation bursts.
    pub surface: Surface,
    /// What the context reader does not read, as normalized byte ranges:
    /// the allow-list's look-alikes ("kill the process", "butt joint"),
    /// words written as names (Title-case) that hold a hostile phrase inside
    /// them without being one (Shitterton, Cockermouth, Assange), hostile
    /// words the phrases discounted (negated, not aimed, a name, a mild
    /// exclamation, said of the writer) and praise slang said of a thing
    /// ("the boss fight is brutal"). The phrases do not count them as
    /// hostile; the reader may not either (see `unread`).
    pub unread: Vec<(usize, usize)>,
}

/// Largest number of hits scored in one message; the rest add nothing new.
const MAX_HITS: usize = 256;
/// Largest cue a single message can carry, either way.
const MAX_CUE: f32 = 0.3;
/// Share of the score that de-escalating markers can take away.
pub const MAX_COOLING_EFFECT: f32 = 0.25;

/// Scores messages against one pack. Immutable and shareable across threads.
#[derive(Debug)]
pub struct Analyzer {
    pack: Pack,
    matcher: Matcher,
    grammar: Grammar,
    vocabulary: Vocabulary,
    /// `[settings] praise_slang`, for the words the reader may not read
    /// when said of a thing (see [`unread`]); `None` when the list is empty.
    praise: Option<AhoCorasick>,
}

impl Analyzer {
    /// Compiles `pack` into an analyzer.
    pub fn new(pack: Pack) -> Result<Analyzer, crate::core::matcher::BuildError> {
        let matcher = Matcher::new(&pack)?;
        let praise_slang = &pack.settings().praise_slang;
        let praise = if praise_slang.iter().all(String::is_empty) {
            None
        } else {
            Some(AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(praise_slang)?)
        };
        Ok(Analyzer {
            grammar: Grammar::new(pack.settings()),
            vocabulary: vocabulary::of_pack(&pack),
            matcher,
            praise,
            pack,
        })
    }

    /// The pack in force.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    /// The words disguised tokens may be read as (the pack's words).
    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }

    /// The compiled matcher.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Analyzes one message; `rate_per_minute` is its author's recent message rate.
    pub fn analyze(&self, text: &str, rate_per_minute: f32) -> Analysis {
        let mut a = Analysis::default();
        let mut scratch = Scratch::default();
        self.analyze_into(text, rate_per_minute, &mut a, &mut scratch);
        a
    }

    /// Like [`Analyzer::analyze`], reusing buffers.
    pub fn analyze_into(&self, text: &str, rate_per_minute: f32, a: &mut Analysis, scratch: &mut Scratch) {
        let settings = &self.pack.settings();
        normalize_into(text, &self.vocabulary, &mut a.normalized);
        a.signals.clear();
        a.surface = surface(text);
        self.matcher.find_with(&self.pack, &a.normalized, &mut scratch.hits, &mut scratch.find);
        scratch.hits.truncate(MAX_HITS);
        a.unread.clear();
        a.unread.extend_from_slice(scratch.find.allowed());
        let message = names::Message::new(text, &scratch.hits, &a.normalized, settings);
        for &(s, e) in scratch.find.embedded() {
            // A word that is itself a phrase ("Liberals") is read as one.
            let matched = scratch.hits.iter().any(|h| matches!(h.of, HitOf::Entry(_)) && h.start < e && s < h.end);
            let (os, oe) = a.normalized.original_span(s, e);
            if !matched && names::embedded_name(&message, os, oe) {
                a.unread.push((s, e));
            }
        }
        let norm = a.normalized.text();
        scratch.praise.clear();
        if let Some(praise) = &self.praise {
            let word_byte = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
            let bytes = norm.as_bytes();
            for m in praise.find_iter(norm) {
                let (s, e) = (m.start(), m.end());
                if s < e && (s == 0 || !word_byte(bytes[s - 1])) && (e == bytes.len() || !word_byte(bytes[e])) {
                    scratch.praise.push((s, e, Aim::Nobody));
                }
            }
        }
        // Words are only needed for the context of an entry hit or praise slang.
        if !scratch.praise.is_empty() || scratch.hits.iter().any(|h| matches!(h.of, HitOf::Entry(_))) {
            split_words(norm, &mut scratch.words);
            unknown_classes(&mut scratch.classes, scratch.words.len());
            scratch.in_hit.clear();
            scratch.in_hit.resize(scratch.words.len(), false);
            for h in &scratch.hits {
                if let HitOf::Entry(e) = h.of {
                    let kind = self.pack.categories()[self.pack.entries()[e].category].kind;
                    if kind == CategoryKind::Hostile && h.allowed_by.is_none() {
                        mark_words(&scratch.words, &mut scratch.in_hit, h.start, h.end);
                    }
                }
            }
        }
        let mut sentence = Sentence::new(&self.grammar, norm, &scratch.words, &mut scratch.classes, &scratch.in_hit);

        let mut keep_hostile = 1.0f32;
        let mut keep_calm = 1.0f32;
        let mut cue = 0.0f32;
        let mut categories = 0u64;
        let mut jump = 0u8;
        let mut severe = false;
        let mut aimed = false;
        let mut aimed_any = false;
        let topic_votes = &mut scratch.topic_votes;
        topic_votes.clear();
        for h in &scratch.hits {
            let entry = match h.of {
                HitOf::Topic(t) if h.allowed_by.is_none() => {
                    match topic_votes.iter_mut().find(|v| v.0 == t) {
                        Some(v) => v.1 += 1,
                        None => topic_votes.push((t, 1)),
                    }
                    continue;
                }
                HitOf::Topic(_) => continue,
                HitOf::Entry(e) => e,
            };
            let e = &self.pack.entries()[entry];
            let cat = &self.pack.categories()[e.category];
            let vocative = cat.vocative && !e.targeted;
            let (aim, negated) = sentence
                .read(HitSpan { start: h.start, end: h.end, vocative, of_things: false }, settings.target_window);
            let mut weight = e.weight;
            // A one-word severe phrase aimed at nobody (a slur targeting no one)
            // is hostile, with the category's lower weight, but not severe.
            let unaimed = match (cat.unaimed_weight, &e.pattern) {
                (Some(u), EntryPattern::Phrase(p)) if !aim.at_person() && !p.text.contains(' ') => Some(u),
                _ => None,
            };
            if h.allowed_by.is_some() {
                weight = 0.0;
            } else {
                if let Some(u) = unaimed {
                    weight = weight.min(u);
                }
                // Said of the writer, a word that describes someone counts as if
                // aimed at nobody ("I'm useless with computers").
                let of_writer = aim == Aim::Writer && cat.describes;
                if (e.targeted && !aim.at_person()) || of_writer {
                    weight *= settings.untargeted_factor;
                }
                if negated && cat.negatable {
                    weight *= settings.negation_factor;
                }
            }
            let (start, end) = a.normalized.original_span(h.start, h.end);
            let name = cat.kind == CategoryKind::Hostile && weight != 0.0 && names::reads_as_name(&message, start, end);
            if name {
                weight = 0.0;
            }
            if weight != 0.0 {
                categories |= 1u64 << e.category.min(63);
                match cat.kind {
                    CategoryKind::Hostile => {
                        keep_hostile *= 1.0 - weight.clamp(0.0, 1.0);
                        if unaimed.is_none() {
                            severe |= cat.severe;
                            if let Some(t) = cat.jump_to_tier {
                                jump = jump.max(t);
                            }
                        }
                        // Abuse is an attack on a person: one aimed signal strong enough to be
                        // hostile by itself ("your support is useless" is contempt, not abuse).
                        aimed |= aim.at_person() && weight >= settings.hostile_threshold;
                        aimed_any |= aim.at_person();
                    }
                    CategoryKind::Deescalating => keep_calm *= 1.0 - weight.clamp(0.0, 1.0),
                    CategoryKind::Cue => cue += weight,
                }
            }
            a.signals.push(Signal {
                entry,
                category: e.category,
                kind: cat.kind,
                start,
                end,
                norm_start: h.start,
                norm_end: h.end,
                base_weight: e.weight,
                weight,
                aim,
                negated,
                allowed_by: h.allowed_by,
                name,
            });
        }
        for p in &mut scratch.praise {
            p.2 = sentence
                .read(HitSpan { start: p.0, end: p.1, vocative: false, of_things: true }, settings.target_window)
                .0;
        }
        let base = 1.0 - keep_hostile;
        let burst = ((rate_per_minute / settings.rate_per_minute - 0.5) * 2.0).clamp(0.0, 1.0);
        let amplifier = 1.0
            - (1.0 - settings.shouting_boost * a.surface.shouting)
                * (1.0 - settings.punctuation_boost * a.surface.punctuation_bursts.min(2) as f32)
                * (1.0 - settings.rate_boost * burst);
        let cooling = 1.0 - keep_calm;
        let mut score = 1.0 - (1.0 - base) * (1.0 - amplifier.clamp(0.0, 1.0));
        score *= 1.0 - MAX_COOLING_EFFECT * cooling;
        a.score = score.clamp(0.0, 1.0);
        a.phrase_score = a.score;
        a.reading = None;
        a.hostile = a.score >= settings.hostile_threshold;
        a.abusive = severe || (a.hostile && aimed);
        a.severe = severe;
        a.aimed = aimed_any;
        a.jump_to_tier = jump;
        a.cooling = cooling;
        a.cue = cue.clamp(-MAX_CUE, MAX_CUE);
        a.categories = categories;
        a.topic = topic_votes.iter().max_by_key(|v| (v.1, std::cmp::Reverse(v.0))).map(|v| v.0);
        unread::mark(a, settings, &scratch.praise);
    }
}

/// Reusable buffers for [`Analyzer::analyze_into`].
#[derive(Debug, Default)]
pub struct Scratch {
    hits: Vec<Hit>,
    words: Vec<Word>,
    /// Grammar classes of `words`, looked up as needed.
    classes: Vec<u16>,
    /// Which of `words` lie inside a hostile hit.
    in_hit: Vec<bool>,
    find: FindScratch,
    /// (topic, hits) for the topics seen in the message.
    topic_votes: Vec<(usize, u32)>,
    /// Praise slang in the message: normalized span and whom it describes.
    praise: Vec<(usize, usize, Aim)>,
}

mod names;
mod unread;
mod vocabulary;

#[cfg(test)]
pub(crate) use vocabulary::of_pack as vocabulary_of_pack;

#[cfg(test)]
mod tests;
