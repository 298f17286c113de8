//! Scoring one message: from hits to a hostility score in [0, 1].
//!
//! A hit's weight is adjusted by who it is aimed at (a `targeted` phrase
//! counts only when aimed at a person: "you idiot" versus "this idiotic
//! form") and by negation ("you're not stupid"). Hostile weights combine as
//! a noisy-or, `1 - Π(1 - w)`, so two medium signals outweigh one but no
//! pile of weak ones reaches 1. Surface signals (shouting, punctuation
//! bursts, a burst of messages) amplify the same way, and de-escalating
//! markers (thanks, apologies) take up to a quarter of the score away.

use crate::core::matcher::{FindScratch, Hit, HitOf, Matcher};
use crate::core::normalize::{normalize_into, Normalized};
use crate::core::surface::{surface, Surface};
use crate::pack::{CategoryKind, Pack};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Who a hit is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aim {
    /// Not at anyone in particular.
    Nobody,
    /// At the reader ("you ...") or a mentioned member.
    SecondPerson,
    /// At someone else ("he ...", "they ...").
    ThirdPerson,
}

impl Aim {
    /// True when the hit is aimed at a person.
    pub fn at_person(self) -> bool {
        !matches!(self, Aim::Nobody)
    }
}

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
}

/// Largest number of hits scored in one message; the rest add nothing new.
const MAX_HITS: usize = 256;
/// Largest cue a single message can carry, either way.
const MAX_CUE: f32 = 0.3;
/// Share of the score that de-escalating markers can take away.
pub(crate) const MAX_COOLING_EFFECT: f32 = 0.25;

/// Scores messages against one pack. Immutable and shareable across threads.
#[derive(Debug)]
pub struct Analyzer {
    pack: Pack,
    matcher: Matcher,
    grammar: Grammar,
}

/// FxHash (rustc's hasher): a multiply and a rotate per 8 bytes. The word
/// lists are the pack's own and the words looked up are short, so SipHash's
/// protection against chosen collisions buys nothing here and costs most of
/// the grammar lookups' time.
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A word aims a hit at the reader (`you`, or a mention).
const SECOND_PERSON: u8 = 1;
/// A word aims a hit at someone else (`he`, `they`).
const THIRD_PERSON: u8 = 2;
/// A word negates what follows (`not`, `isn't`).
const NEGATION: u8 = 4;
/// A word makes what follows describe a thing (`this`, `the`).
const DETERMINER: u8 = 8;
/// A word opens a clause with its own subject (`i'll`): negations before it
/// belong to another clause.
const SUBJECT: u8 = 16;
/// A word's classes are not looked up yet.
const UNKNOWN: u8 = 0x80;

/// The pack's grammar lists in one table: word to its classes, so a word
/// is hashed once for all four lists.
#[derive(Debug, Default)]
struct Grammar {
    classes: HashMap<Box<str>, u8, BuildHasherDefault<FxHasher>>,
    /// Longest listed word: longer words are answered without hashing.
    max_len: usize,
}

impl Grammar {
    fn new(settings: &crate::pack::Settings) -> Grammar {
        let mut g = Grammar::default();
        for (list, class) in [
            (&settings.second_person, SECOND_PERSON),
            (&settings.third_person, THIRD_PERSON),
            (&settings.negations, NEGATION),
            (&settings.determiners, DETERMINER),
            (&settings.subjects, SUBJECT),
        ] {
            for w in list {
                *g.classes.entry(w.as_str().into()).or_insert(0) |= class;
                g.max_len = g.max_len.max(w.len());
            }
        }
        g
    }

    /// The classes of `word`, including the ones its shape gives it
    /// (a mention is second person, `...n't` a negation).
    fn classes(&self, word: &str) -> u8 {
        let listed = if word.len() <= self.max_len { self.classes.get(word).copied().unwrap_or(0) } else { 0 };
        let mention = if word.starts_with('@') { SECOND_PERSON } else { 0 };
        let negation = if word.ends_with("n't") { NEGATION } else { 0 };
        listed | mention | negation
    }
}

/// A normalized word: byte range in the normalized text and whether a clause ends right after it.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
    clause_end: bool,
}

fn split_words(text: &str, out: &mut Vec<Word>) {
    out.clear();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() || c >= 0x80 || c == b'@' || c == b'*' {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] >= 0x80 || b[i] == b'*' || b[i] == b'\'') {
                i += 1;
            }
            out.push(Word { start, end: i, clause_end: false });
        } else {
            if matches!(c, b'.' | b'!' | b'?' | b';' | b'\n') {
                if let Some(w) = out.last_mut() {
                    w.clause_end = true;
                }
            }
            i += 1;
        }
    }
}

impl Analyzer {
    /// Compiles `pack` into an analyzer.
    pub fn new(pack: Pack) -> Result<Analyzer, crate::core::matcher::BuildError> {
        let matcher = Matcher::new(&pack)?;
        Ok(Analyzer { grammar: Grammar::new(&pack.settings), matcher, pack })
    }

    /// The pack in force.
    pub fn pack(&self) -> &Pack {
        &self.pack
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
        let settings = &self.pack.settings;
        normalize_into(text, &mut a.normalized);
        a.signals.clear();
        a.surface = surface(text);
        self.matcher.find_with(&self.pack, &a.normalized, &mut scratch.hits, &mut scratch.find);
        scratch.hits.truncate(MAX_HITS);
        let norm = a.normalized.text();
        // Words are only needed for the context of an entry hit.
        if scratch.hits.iter().any(|h| matches!(h.of, HitOf::Entry(_))) {
            split_words(norm, &mut scratch.words);
            scratch.classes.clear();
            scratch.classes.resize(scratch.words.len(), UNKNOWN);
        }

        let mut keep_hostile = 1.0f32;
        let mut keep_calm = 1.0f32;
        let mut cue = 0.0f32;
        let mut categories = 0u64;
        let mut jump = 0u8;
        let mut severe = false;
        let mut aimed = false;
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
            let e = &self.pack.entries[entry];
            let cat = &self.pack.categories[e.category];
            let (aim, negated) = self.context(norm, &scratch.words, &mut scratch.classes, h.start, h.end);
            let mut weight = e.weight;
            if h.allowed_by.is_some() {
                weight = 0.0;
            } else {
                if e.targeted && !aim.at_person() {
                    weight *= settings.untargeted_factor;
                }
                if negated && cat.negatable {
                    weight *= settings.negation_factor;
                }
            }
            if weight != 0.0 {
                categories |= 1u64 << e.category.min(63);
                match cat.kind {
                    CategoryKind::Hostile => {
                        keep_hostile *= 1.0 - weight.clamp(0.0, 1.0);
                        severe |= cat.severe;
                        if let Some(t) = cat.jump_to_tier {
                            jump = jump.max(t);
                        }
                        // Abuse is an attack on a person: one aimed signal strong enough to be
                        // hostile by itself ("your support is useless" is contempt, not abuse).
                        aimed |= aim.at_person() && weight >= settings.hostile_threshold;
                    }
                    CategoryKind::Deescalating => keep_calm *= 1.0 - weight.clamp(0.0, 1.0),
                    CategoryKind::Cue => cue += weight,
                }
            }
            let (start, end) = a.normalized.original_span(h.start, h.end);
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
            });
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
        a.jump_to_tier = jump;
        a.cooling = cooling;
        a.cue = cue.clamp(-MAX_CUE, MAX_CUE);
        a.categories = categories;
        a.topic = topic_votes.iter().max_by_key(|v| (v.1, std::cmp::Reverse(v.0))).map(|v| v.0);
    }

    /// Who a hit at `[start, end)` of the normalized text is aimed at, and
    /// whether a negation comes just before it (same clause, within the window).
    ///
    /// `classes[i]` caches the grammar classes of `words[i]` ([`UNKNOWN`]
    /// until looked up), so each word is looked up once per message.
    fn context(&self, norm: &str, words: &[Word], classes: &mut [u8], start: usize, end: usize) -> (Aim, bool) {
        let window = self.pack.settings.target_window;
        let first = words.partition_point(|w| w.end <= start);
        let last = words.partition_point(|w| w.start < end);
        let mut class = |i: usize| {
            if classes[i] == UNKNOWN {
                let w = &words[i];
                classes[i] = self.grammar.classes(&norm[w.start..w.end]);
            }
            classes[i]
        };
        let mut aim = Aim::Nobody;
        let mut negated = false;
        let see = |c: u8, aim: &mut Aim| {
            if c & SECOND_PERSON != 0 {
                *aim = Aim::SecondPerson;
            } else if *aim == Aim::Nobody && c & THIRD_PERSON != 0 {
                *aim = Aim::ThirdPerson;
            }
        };
        // Words inside the phrase itself ("kill you"). A phrase that opens
        // with its own subject ("i'll find you") is not negated from before.
        let mut negation_in_reach = true;
        for i in first..last.max(first) {
            let c = class(i);
            if i == first && c & SUBJECT != 0 {
                negation_in_reach = false;
            }
            see(c, &mut aim);
        }
        // Words before, within the clause. A determiner right before the
        // phrase means it describes a thing ("this stupid form"), not a person.
        let mut looking_for_aim = true;
        for (k, i) in (0..first).rev().take(window).enumerate() {
            if words[i].clause_end {
                break;
            }
            let c = class(i);
            if c & SUBJECT != 0 {
                negation_in_reach = false;
            }
            if negation_in_reach && c & NEGATION != 0 {
                negated = true;
            }
            if k == 0 && c & DETERMINER != 0 {
                looking_for_aim = false;
            }
            if looking_for_aim {
                see(c, &mut aim);
            }
        }
        // The word right after ("screw you").
        let ends_clause = last > 0 && words.get(last - 1).is_some_and(|w| w.clause_end);
        if !ends_clause && last < words.len() {
            see(class(last), &mut aim);
        }
        (aim, negated)
    }
}

/// Reusable buffers for [`Analyzer::analyze_into`].
#[derive(Debug, Default)]
pub struct Scratch {
    hits: Vec<Hit>,
    words: Vec<Word>,
    /// Grammar classes of `words`, looked up as needed.
    classes: Vec<u8>,
    find: FindScratch,
    /// (topic, hits) for the topics seen in the message.
    topic_votes: Vec<(usize, u32)>,
}

#[cfg(test)]
#[path = "score_tests.rs"]
mod tests;
