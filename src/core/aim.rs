//! Who a phrase is aimed at, and whether it is negated: a small reading of
//! the words around a hit.
//!
//! Abuse is an attack on a person, so the scorer needs to know whether
//! "idiot" names the reader ("Answer me, moron."), someone else ("he is
//! useless"), the writer ("I feel like an idiot", "he called me an idiot")
//! or a thing ("this idiotic form"). keel reads this the way people
//! address each other, in three steps, each given by the pack's
//! `[settings]` word lists so an owner can extend them:
//!
//! 1. **The noun phrase**: walk back from the hit over words that only
//!    dress it up — other hostile phrases ("useless idiots") and fillers
//!    ("still the same", "a bunch of") — to the word that says whom it
//!    describes: a second-person word ("you're ... idiots"), a linking verb
//!    whose subject is a person or a group of people ("your whole team is
//!    ...", "you people are ..."), the writer ("me", "my"), or a
//!    determiner of a thing ("this").
//! 2. **The address**: a phrase of a `vocative` category that stands alone
//!    between commas or sentence edges is said to the reader ("Listen,
//!    idiot,", "thanks for nothing, clown").
//! 3. **Otherwise, the old window**: a person word among the few words
//!    before the hit, or right after it ("screw you"), unless a determiner
//!    comes right before it or the writer opens a clause of their own
//!    in between ("you know I feel like an idiot").
//!
//! Negation is read separately: a negation word shortly before the hit, in
//! the same clause and the same comma-separated part, that is not part of
//! "nothing but" ("you're not stupid", but "no, you idiot" and "you're
//! nothing but clowns" are not negated).

use crate::core::pack::Settings;
use crate::core::word_hash::WordHasher;
use std::collections::HashMap;

/// Who a hit is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aim {
    /// Not at anyone in particular (a thing, a quote).
    Nobody,
    /// At the writer themself ("I'm useless with computers", "I am such an idiot").
    Writer,
    /// At the reader ("you ...") or a mentioned member.
    SecondPerson,
    /// At someone else ("he ...", "they ...").
    ThirdPerson,
}

impl Aim {
    /// True when the hit is aimed at a person other than the writer.
    pub fn at_person(self) -> bool {
        !matches!(self, Aim::Nobody | Aim::Writer)
    }
}

/// A word aims a hit at the reader (`you`, or a mention).
const SECOND_PERSON: u16 = 1;
/// A word aims a hit at someone else (`he`, `they`).
const THIRD_PERSON: u16 = 2;
/// A word negates what follows (`not`, `isn't`).
const NEGATION: u16 = 4;
/// A word makes what follows describe a thing (`this`, `the`).
const DETERMINER: u16 = 8;
/// A word opens a clause with its own subject (`i'll`): negations before it
/// belong to another clause.
const SUBJECT: u16 = 16;
/// A word stands for the writer (`me`, `my`).
const FIRST_PERSON: u16 = 32;
/// A linking verb (`are`, `is`).
const COPULA: u16 = 64;
/// A word that leaves whom a noun phrase describes unchanged (`still`, `a bunch of`).
const FILLER: u16 = 128;
/// A word for a group of people (`people`, `team`).
const GROUP: u16 = 256;
/// The word `but`, which turns "nothing" into "only" ("nothing but clowns").
const BUT: u16 = 512;
/// A word says a thing belongs to the reader (`your`): "your delivery times
/// are insane" describes the times.
const POSSESSIVE: u16 = 1024;
/// A word's classes are not looked up yet.
const UNKNOWN: u16 = 0x8000;

/// Most plain words a thing's noun phrase may hold ("your delivery times").
const THING_WORDS: usize = 3;

/// Any class that says whom a noun phrase is about: the walk back stops there.
const DECISIVE: u16 = SECOND_PERSON | THIRD_PERSON | FIRST_PERSON | COPULA | NEGATION;

/// The pack's grammar lists in one table: word to its classes, so a word
/// is hashed once for all the lists.
#[derive(Debug, Default)]
pub(crate) struct Grammar {
    classes: HashMap<Box<str>, u16, WordHasher>,
    /// Longest listed word: longer words are answered without hashing.
    max_len: usize,
}

impl Grammar {
    /// The grammar of a pack's `[settings]`.
    pub(crate) fn new(settings: &Settings) -> Grammar {
        let mut g = Grammar::default();
        let but = ["but".to_string()];
        for (list, class) in [
            (&settings.second_person[..], SECOND_PERSON),
            (&settings.third_person[..], THIRD_PERSON),
            (&settings.negations[..], NEGATION),
            (&settings.determiners[..], DETERMINER),
            (&settings.subjects[..], SUBJECT),
            (&settings.first_person[..], FIRST_PERSON),
            (&settings.copulas[..], COPULA),
            (&settings.fillers[..], FILLER),
            (&settings.groups[..], GROUP),
            (&settings.possessives[..], POSSESSIVE),
            (&but[..], BUT),
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
    fn classes(&self, word: &str) -> u16 {
        let listed = if word.len() <= self.max_len { self.classes.get(word).copied().unwrap_or(0) } else { 0 };
        let mention = if word.starts_with('@') { SECOND_PERSON } else { 0 };
        let negation = if word.ends_with("n't") { NEGATION } else { 0 };
        listed | mention | negation
    }
}

/// A normalized word: byte range in the normalized text and what punctuation follows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word {
    start: usize,
    end: usize,
    /// A sentence or clause ends right after it (`.`, `!`, `?`, `;`, a line break).
    clause_end: bool,
    /// A comma (or a colon or dash between words) follows it.
    comma_after: bool,
}

impl Word {
    fn ends_part(&self) -> bool {
        self.clause_end || self.comma_after
    }
}

/// Splits normalized text into words, marking clause ends and commas.
pub(crate) fn split_words(text: &str, out: &mut Vec<Word>) {
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
            out.push(Word { start, end: i, clause_end: false, comma_after: false });
        } else {
            if let Some(w) = out.last_mut() {
                match c {
                    b'.' | b'!' | b'?' | b';' | b'\n' => w.clause_end = true,
                    b',' | b':' => w.comma_after = true,
                    _ => {}
                }
            }
            i += 1;
        }
    }
}

/// The words of one message with their classes, looked up as needed, and
/// which words lie inside a hostile hit.
pub(crate) struct Sentence<'a> {
    grammar: &'a Grammar,
    text: &'a str,
    words: &'a [Word],
    /// `classes[i]` caches the classes of `words[i]` ([`UNKNOWN`] until looked up).
    classes: &'a mut [u16],
    /// `in_hit[i]`: `words[i]` is part of a hostile phrase that matched.
    in_hit: &'a [bool],
}

/// Where a walk back from a hit stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At this word.
    Word(usize),
    /// At a comma (or the start of the message or a clause).
    Edge,
}

/// What the aim reading needs to know about the hit itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct HitSpan {
    /// Byte range in the normalized text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// The phrase may be read as an address ("Answer me, moron.").
    pub vocative: bool,
    /// The phrase describes things as readily as people (praise slang): a
    /// subject that belongs to the reader is then a thing ("your delivery
    /// times are insane"), where an insult stays aimed at the reader ("your
    /// accent is disgusting").
    pub of_things: bool,
}

impl<'a> Sentence<'a> {
    /// A sentence over `words` of `text`; `classes` must hold [`UNKNOWN`]
    /// for every word not yet looked up (see [`unknown_classes`]).
    pub(crate) fn new(
        grammar: &'a Grammar,
        text: &'a str,
        words: &'a [Word],
        classes: &'a mut [u16],
        in_hit: &'a [bool],
    ) -> Sentence<'a> {
        Sentence { grammar, text, words, classes, in_hit }
    }

    fn class(&mut self, i: usize) -> u16 {
        if self.classes[i] == UNKNOWN {
            let w = &self.words[i];
            self.classes[i] = self.grammar.classes(&self.text[w.start..w.end]);
        }
        self.classes[i]
    }

    /// The word indexes `[first, last)` that a byte range covers.
    fn word_range(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.words.partition_point(|w| w.end <= start);
        let last = self.words.partition_point(|w| w.start < end).max(first);
        (first, last)
    }

    /// Who the hit is aimed at, and whether it is negated; `window` is how
    /// many words before it are searched (`[settings] target_window`).
    pub(crate) fn read(&mut self, hit: HitSpan, window: usize) -> (Aim, bool) {
        let (first, last) = self.word_range(hit.start, hit.end);
        let aim = self
            .inside(first, last)
            .or_else(|| self.noun_phrase(first, last, hit.of_things))
            .or_else(|| self.address(first, last, hit.vocative))
            .unwrap_or_else(|| self.window(first, last, window));
        (aim, self.negated(first, window))
    }

    /// A person word inside the phrase itself ("kill you").
    fn inside(&mut self, first: usize, last: usize) -> Option<Aim> {
        let mut aim = None;
        for i in first..last {
            let c = self.class(i);
            if c & SECOND_PERSON != 0 {
                return Some(Aim::SecondPerson);
            }
            if c & THIRD_PERSON != 0 {
                aim = Some(Aim::ThirdPerson);
            }
        }
        aim
    }

    /// Walks back from word `from` over hostile phrases and words in
    /// `skip`, within the comma-separated part of the clause.
    fn walk_back(&mut self, from: usize, skip: u16) -> Stop {
        let mut i = from;
        while i > 0 {
            let p = i - 1;
            if self.words[p].ends_part() {
                return Stop::Edge;
            }
            let c = self.class(p);
            let dressing = c & skip != 0 || (self.in_hit[p] && c & DECISIVE == 0);
            // "nothing but" dresses a noun phrase up; "not" alone does not.
            let nothing_but = c & NEGATION != 0 && c & FILLER != 0 && self.next_is_but(p);
            if !(dressing && (c & NEGATION == 0 || nothing_but)) {
                return Stop::Word(p);
            }
            i = p;
        }
        Stop::Edge
    }

    fn next_is_but(&mut self, i: usize) -> bool {
        i + 1 < self.words.len() && !self.words[i].ends_part() && self.class(i + 1) & BUT != 0
    }

    /// Does the hit ending before word `last` end its clause (no noun follows it)?
    fn closes_clause(&self, last: usize) -> bool {
        last == self.words.len() || (last > 0 && self.words[last - 1].clause_end)
    }

    /// Is the determiner at `w`, before a hit ending before `last`, a degree
    /// word rather than a determiner: "are you really *that* stupid?", where
    /// nothing follows the hit in its clause ("that stupid form" has a noun)?
    fn degree_word(&mut self, w: usize, last: usize) -> bool {
        self.class(w) & DETERMINER != 0 && self.closes_clause(last)
    }

    /// Step 1: the word the noun phrase hangs on, when it says whom the
    /// phrase describes.
    fn noun_phrase(&mut self, first: usize, last: usize, of_things: bool) -> Option<Aim> {
        let Stop::Word(mut w) = self.walk_back(first, FILLER) else { return None };
        while self.degree_word(w, last) {
            let Stop::Word(v) = self.walk_back(w, FILLER) else { return None };
            w = v;
        }
        let c = self.class(w);
        if c & SECOND_PERSON != 0 {
            Some(Aim::SecondPerson)
        } else if c & COPULA != 0 {
            self.subject_of(w, of_things)
        } else if c & FIRST_PERSON != 0 {
            Some(Aim::Writer)
        } else if c & THIRD_PERSON != 0 {
            Some(Aim::ThirdPerson)
        } else if c & DETERMINER != 0 && c & FILLER == 0 {
            Some(Aim::Nobody)
        } else {
            None
        }
    }

    /// Whom a linking verb at `copula` describes: its subject, read back
    /// over groups and fillers ("your whole team is", "all of you are").
    fn subject_of(&mut self, copula: usize, of_things: bool) -> Option<Aim> {
        let mut group = false;
        let mut i = copula;
        while i > 0 {
            let p = i - 1;
            if self.words[p].ends_part() {
                break;
            }
            let c = self.class(p);
            if c & SECOND_PERSON != 0 {
                return Some(Aim::SecondPerson);
            }
            if c & FIRST_PERSON != 0 {
                return Some(Aim::Writer);
            }
            if c & GROUP != 0 {
                group = true;
            } else if c & THIRD_PERSON != 0 {
                return Some(Aim::ThirdPerson);
            } else if c & FILLER == 0 {
                if of_things && !group && self.thing_subject(p) {
                    return Some(Aim::Nobody);
                }
                break;
            }
            i = p;
        }
        // "the devs are ...", "these guys are ...": a group of people.
        group.then_some(Aim::ThirdPerson)
    }

    /// Is the word at `noun` the head of a thing's noun phrase that opens its
    /// part of the sentence: up to [`THING_WORDS`] plain words (no grammar
    /// class, no hostile phrase) after a possessive or a determiner, as in
    /// "*your delivery times* are insane" or "*the new ui* is sick"? A
    /// person word or a hostile one ("you clowns are") is no thing.
    fn thing_subject(&mut self, noun: usize) -> bool {
        let mut i = noun + 1;
        for _ in 0..THING_WORDS {
            let p = i - 1;
            if self.class(p) != 0 || self.in_hit[p] {
                return false;
            }
            if p == 0 || self.words[p - 1].ends_part() {
                return false;
            }
            if self.class(p - 1) & (POSSESSIVE | DETERMINER) != 0 {
                return true;
            }
            i = p;
        }
        false
    }

    /// Step 2: a vocative phrase standing alone between commas or sentence edges.
    fn address(&mut self, first: usize, last: usize, vocative: bool) -> Option<Aim> {
        if !vocative || last == 0 {
            return None;
        }
        let closes = last == self.words.len() || self.words[last - 1].ends_part();
        (closes && self.walk_back(first, FILLER) == Stop::Edge).then_some(Aim::SecondPerson)
    }

    /// Step 3: a person word among the `window` words before the hit, or
    /// right after it with no comma between.
    fn window(&mut self, first: usize, last: usize, window: usize) -> Aim {
        let mut aim = Aim::Nobody;
        for (k, i) in (0..first).rev().take(window).enumerate() {
            if self.words[i].clause_end {
                break;
            }
            let c = self.class(i);
            // A determiner right before: the phrase describes a thing ("this
            // stupid form"), unless it is a degree word ("that stupid?").
            if k == 0 && c & DETERMINER != 0 && !self.closes_clause(last) {
                return Aim::Nobody;
            }
            // The writer opens a clause of their own: what follows is about them.
            if c & (SUBJECT | FIRST_PERSON) != 0 && c & SECOND_PERSON == 0 {
                break;
            }
            if c & SECOND_PERSON != 0 {
                return Aim::SecondPerson;
            }
            if c & THIRD_PERSON != 0 && aim == Aim::Nobody {
                aim = Aim::ThirdPerson;
            }
        }
        // Right after it, in the same part of the sentence ("idiot you",
        // never "damn, you guys are good").
        if aim == Aim::Nobody && last < self.words.len() && last > 0 && !self.words[last - 1].ends_part() {
            let c = self.class(last);
            if c & SECOND_PERSON != 0 {
                return Aim::SecondPerson;
            }
            if c & THIRD_PERSON != 0 {
                return Aim::ThirdPerson;
            }
        }
        aim
    }

    /// A negation shortly before the hit, in the same clause and comma part,
    /// and not cut off by a subject of its own ("if it isn't back, i'll
    /// find you") or by "but" ("nothing but").
    fn negated(&mut self, first: usize, window: usize) -> bool {
        if first < self.words.len() && self.class(first) & SUBJECT != 0 {
            return false;
        }
        for i in (0..first).rev().take(window) {
            if self.words[i].ends_part() {
                return false;
            }
            let c = self.class(i);
            if c & SUBJECT != 0 {
                return false;
            }
            if c & NEGATION != 0 && !self.next_is_but(i) {
                return true;
            }
        }
        false
    }
}

/// Fills `classes` with "not looked up yet" for `n` words.
pub(crate) fn unknown_classes(classes: &mut Vec<u16>, n: usize) {
    classes.clear();
    classes.resize(n, UNKNOWN);
}

/// Marks in `in_hit` the words of `words` that a byte range covers.
pub(crate) fn mark_words(words: &[Word], in_hit: &mut [bool], start: usize, end: usize) {
    let first = words.partition_point(|w| w.end <= start);
    let last = words.partition_point(|w| w.start < end);
    for flag in in_hit.iter_mut().take(last).skip(first) {
        *flag = true;
    }
}

#[cfg(test)]
mod tests;
