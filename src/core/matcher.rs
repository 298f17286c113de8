//! The phrase engine: every phrase of a pack compiled once into one searcher.
//!
//! Literal phrases, allow-list entries and topic phrases all go into a single
//! Aho-Corasick automaton (a DFA, one table lookup per byte), so the cost of
//! scanning a message does not grow with the number of phrases. A regular
//! expression that needs one of a few words to match has those words in the
//! automaton too and is searched only where one occurred (`matcher/gate.rs`);
//! the others go into one `RegexSet` that tells which match before any of
//! them is run for spans (on non-ASCII text, a set of the patterns with ASCII
//! word boundaries, an exact superset: see `matcher/prefilter.rs`).
//!
//! Three disguises are resolved here rather than in the normalizer because
//! they depend on the phrases: a letter repeated three or more times is
//! shortened to one by the normalizer, so a phrase with a double letter
//! (`ass`) is also compiled with that letter single, and such a variant only
//! counts where the text's letter was stretched (`asssss`, never `as`); a
//! hostile phrase is also compiled with its look-alike letters as people type
//! them (`fvck`, see `normalize::typed_as`); and a `*` inside a word (`f*ck`,
//! `5h*t`) is a hidden letter, resolved against the pack's one-word hostile
//! phrases of the same shape, the other characters read as the letters they
//! may stand for.
//!
//! The matcher is built once (see [`Matcher::new`]) and is immutable,
//! `Send + Sync`, and shared by reference; a reload builds a new one.

use crate::core::normalize::{stands_for, takes_es, typed_as, Normalized, MIN_STEM};
use crate::core::pack::{CategoryKind, EntryPattern, Pack, Phrase};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet};
use std::collections::HashMap;

/// What a hit is a hit of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitOf {
    /// An entry of the pack (index into [`Pack::entries`]).
    Entry(usize),
    /// An issue topic (index into [`Pack::topics`]).
    Topic(usize),
}

/// One match in a normalized message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// What matched.
    pub of: HitOf,
    /// Start byte in the normalized text.
    pub start: usize,
    /// End byte (exclusive) in the normalized text.
    pub end: usize,
    /// The allow-list entry (index into [`Pack::allow`]) this match lies inside, if any.
    pub allowed_by: Option<usize>,
}

/// Why a matcher could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The automaton could not be built (too many or too long phrases).
    #[error("cannot build the phrase automaton: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
    /// The patterns could not be compiled together.
    #[error("cannot compile the patterns together: {0}")]
    Regex(#[from] regex::Error),
}

#[derive(Debug, Clone, Copy)]
enum Target {
    Entry(u32),
    Allow(u32),
    Topic(u32),
    /// A gate literal of pattern i (index into `Matcher::regexes`): see `gate`.
    Gate(u32),
}

/// One way a pattern string of the automaton can count.
#[derive(Debug, Clone, Copy)]
struct Reading {
    target: Target,
    any_start: bool,
    any_end: bool,
    /// Bit i set: byte i of the match must be a stretched letter.
    stretched: u32,
}

/// The compiled form of a pack's phrases.
#[derive(Debug)]
pub struct Matcher {
    automaton: AhoCorasick,
    /// For automaton pattern i, its readings are `readings[spans[i].0..spans[i].1]`.
    spans: Vec<(u32, u32)>,
    readings: Vec<Reading>,
    /// Every pattern of the pack, with its entry.
    regexes: Vec<(Regex, usize)>,
    /// Per pattern: true if it has a literal gate in the automaton (`gate`),
    /// so it is searched only where one of its literals occurs.
    gated: Vec<bool>,
    /// The patterns without a gate (`ungated[k]` is the pattern index of
    /// member k), which tells which of them match before any is run.
    regex_set: RegexSet,
    ungated: Vec<usize>,
    /// The ungated patterns with their `\b` made ASCII where that provably
    /// loses no match (`prefilter`), for choosing which of them to search on
    /// non-ASCII text.
    ascii_set: RegexSet,
    /// Per member of `regex_set`: its index in `ascii_set`, or `None` if it
    /// must always be searched on non-ASCII text.
    ascii_index: Vec<Option<usize>>,
    /// One-word hostile phrases by first byte, for resolving `f*ck`.
    censorable: HashMap<u8, Vec<usize>>,
    /// Per entry: (category, kind) for overlap resolution.
    entry_meta: Vec<(usize, CategoryKind, f32)>,
    allow_count: usize,
    /// `[settings] derived_endings`: what may follow a hostile phrase inside
    /// a word and keep the word a form of it (`suckers`, `bitchy`).
    derived_endings: Vec<Box<[u8]>>,
}

/// Reusable buffers for [`Matcher::find_with`].
#[derive(Debug, Default)]
pub struct FindScratch {
    /// Allow-list matches: (start, end, allow index).
    allows: Vec<(usize, usize, usize)>,
    /// The allow-list matches' byte ranges, for [`FindScratch::allowed`].
    allowed: Vec<(usize, usize)>,
    /// Per hit, whether it survives [`Matcher::drop_shadowed`].
    keep: Vec<bool>,
    /// Words with a hostile phrase inside them that is no word of its own
    /// (`shitterton`, `assange`): normalized byte ranges of the words.
    embedded: Vec<(usize, usize)>,
    /// Per pattern: whether one of its gate literals occurred.
    gate_open: Vec<bool>,
    /// Per pattern: whether the set says an ungated pattern may match.
    set_says: Vec<bool>,
}

impl FindScratch {
    /// The allow-list matches of the last message searched, as normalized
    /// byte ranges, whether or not a hostile phrase lay inside them.
    pub fn allowed(&self) -> &[(usize, usize)] {
        &self.allowed
    }

    /// The words of the last message searched that hold a hostile phrase
    /// inside them without being one or a form of one (`Scunthorpe`,
    /// `Assange`, never `suckers`), as normalized byte ranges, each word once.
    pub fn embedded(&self) -> &[(usize, usize)] {
        &self.embedded
    }
}

/// Longest run of doubled letters expanded into single-letter variants.
const MAX_DOUBLE_VARIANTS: usize = 3;

/// Most letters of one phrase also compiled as typed look-alikes (`fvck`).
const MAX_TYPED_VARIANTS: usize = 2;

/// `variants` plus, for each, the spellings with up to two letters typed as
/// their look-alike ([`typed_as`]: `fuck` is also `fvck`), keeping the
/// stretched positions.
fn typed_variants(text: &str) -> Vec<(String, u32)> {
    let mut out = variants(text);
    for k in 0..out.len() {
        let (s, stretched) = out[k].clone();
        let at: Vec<(usize, char)> =
            s.char_indices().filter_map(|(i, c)| typed_as(c).map(|t| (i, t))).take(MAX_TYPED_VARIANTS).collect();
        for mask in 1u32..(1 << at.len()) {
            let mut v = s.clone().into_bytes();
            for (b, &(i, t)) in at.iter().enumerate() {
                if mask & (1 << b) != 0 {
                    v[i] = t as u8;
                }
            }
            out.push((String::from_utf8(v).unwrap_or_default(), stretched));
        }
    }
    out
}

/// The phrase's text plus its variants with doubled letters made single,
/// each with the positions that must be stretched in the text. A letter
/// written three or more times (`bbb`) can only ever be one stretched letter
/// in normalized text, so it is always compiled so.
fn variants(text: &str) -> Vec<(String, u32)> {
    if !text.is_ascii() {
        // Non-ASCII phrases are kept exactly.
        return vec![(text.to_string(), 0)];
    }
    let bytes = text.as_bytes();
    // Runs of one letter: (byte, length).
    let mut runs: Vec<(u8, usize)> = Vec::with_capacity(bytes.len());
    for &b in bytes {
        match runs.last_mut() {
            Some((c, n)) if *c == b && b.is_ascii_alphabetic() => *n += 1,
            _ => runs.push((b, 1)),
        }
    }
    let doubles: Vec<usize> =
        runs.iter().enumerate().filter(|(_, r)| r.1 == 2).map(|(i, _)| i).take(MAX_DOUBLE_VARIANTS).collect();
    let mut out = Vec::with_capacity(1 << doubles.len());
    for mask in 0u32..(1 << doubles.len()) {
        let mut s = String::with_capacity(bytes.len());
        let mut stretched = 0u32;
        for (i, &(b, n)) in runs.iter().enumerate() {
            let single = n >= 3 || doubles.iter().position(|&d| d == i).is_some_and(|k| mask & (1 << k) != 0);
            if single {
                if s.len() < 32 {
                    stretched |= 1 << s.len();
                }
                s.push(b as char);
            } else {
                s.extend(std::iter::repeat_n(b as char, n));
            }
        }
        out.push((s, stretched));
    }
    out
}

/// True for bytes that continue a word (letters, digits, hidden letters, and any non-ASCII byte).
#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'*' || b >= 0x80
}

#[inline]
fn word_start_ok(text: &[u8], start: usize) -> bool {
    start == 0 || !is_word_byte(text[start - 1])
}

/// A phrase matches whole words; after a phrase of three or more bytes, a
/// plural `s` may follow, and `es` after a hissing ending (`bitches`, never
/// `rat` in `rates`).
#[inline]
fn word_end_ok(text: &[u8], start: usize, end: usize) -> bool {
    let ends_at = |i: usize| i >= text.len() || !is_word_byte(text[i]);
    if ends_at(end) {
        return true;
    }
    // Shortest phrase that may take a plural ending: "hi" must not match "his".
    end - start >= MIN_STEM
        && ((text.get(end) == Some(&b's') && ends_at(end + 1))
            || (text.get(end) == Some(&b'e')
                && text.get(end + 1) == Some(&b's')
                && ends_at(end + 2)
                && takes_es(&text[start..end])))
}

/// Largest automaton built as a DFA (one table lookup per byte). Past this,
/// its tables stop fitting in the CPU's caches and a contiguous NFA scans a
/// message faster (measured with `cargo bench --bench analyze`: with 10,000
/// extra phrases the DFA takes 42 MiB and the scan slows by a fifth).
const MAX_DFA_BYTES: usize = 8 << 20;

/// The phrase automaton over `strings`: a DFA if it is small enough, else
/// the crate's own choice.
fn build_automaton(strings: &[String]) -> Result<AhoCorasick, aho_corasick::BuildError> {
    let builder = |kind| AhoCorasick::builder().match_kind(MatchKind::Standard).kind(kind).build(strings);
    let dfa = builder(Some(aho_corasick::AhoCorasickKind::DFA))?;
    if dfa.memory_usage() <= MAX_DFA_BYTES {
        return Ok(dfa);
    }
    builder(None)
}

/// The automaton's strings as they are gathered: each distinct string once,
/// with every reading that counts it.
#[derive(Default)]
struct StringTable {
    strings: Vec<String>,
    index: HashMap<String, usize>,
    by_pattern: Vec<Vec<Reading>>,
}

impl StringTable {
    /// Adds `reading` to string `s`, adding the string if it is new.
    fn add(&mut self, s: String, reading: Reading) {
        let id = if let Some(&id) = self.index.get(&s) {
            id
        } else {
            self.index.insert(s.clone(), self.strings.len());
            self.strings.push(s);
            self.by_pattern.push(Vec::new());
            self.strings.len() - 1
        };
        self.by_pattern[id].push(reading);
    }
}

impl Matcher {
    /// Compiles every phrase, allow-list entry, topic phrase and pattern of `pack`.
    pub fn new(pack: &Pack) -> Result<Matcher, BuildError> {
        let mut table = StringTable::default();
        let mut add = |phrase: &Phrase, target: Target, typed: bool| {
            let spellings = if typed { typed_variants(&phrase.text) } else { variants(&phrase.text) };
            for (s, stretched) in spellings {
                table.add(s, Reading { target, any_start: phrase.any_start, any_end: phrase.any_end, stretched });
            }
        };
        let mut regex_sources = Vec::new();
        let mut regexes = Vec::new();
        let mut censorable: HashMap<u8, Vec<usize>> = HashMap::new();
        for (i, e) in pack.entries().iter().enumerate() {
            match &e.pattern {
                EntryPattern::Phrase(p) => {
                    let hostile = pack.categories()[e.category].kind == CategoryKind::Hostile;
                    add(p, Target::Entry(i as u32), hostile);
                    if hostile && !p.any_start && p.text.len() >= 3 && p.text.bytes().all(|b| b.is_ascii_lowercase()) {
                        censorable.entry(p.text.as_bytes()[0]).or_default().push(i);
                    }
                }
                EntryPattern::Regex(r) => {
                    regex_sources.push(r.clone());
                    regexes.push((Regex::new(r)?, i));
                }
            }
        }
        for (i, a) in pack.allow().iter().enumerate() {
            add(a, Target::Allow(i as u32), false);
        }
        for (t, topic) in pack.topics().iter().enumerate() {
            for p in &topic.phrases {
                add(p, Target::Topic(t as u32), false);
            }
        }
        let mut gated = vec![false; regexes.len()];
        for g in 0..regexes.len() {
            let Some(literals) = gate::gate_literals(&regex_sources[g]) else { continue };
            let Ok(literals) = literals.into_iter().map(String::from_utf8).collect::<Result<Vec<_>, _>>() else {
                continue;
            };
            gated[g] = true;
            for s in literals {
                table.add(s, Reading { target: Target::Gate(g as u32), any_start: true, any_end: true, stretched: 0 });
            }
        }
        let automaton = build_automaton(&table.strings)?;
        let mut spans = Vec::with_capacity(table.by_pattern.len());
        let mut readings = Vec::new();
        for r in table.by_pattern {
            let start = readings.len() as u32;
            readings.extend(r);
            spans.push((start, readings.len() as u32));
        }
        let ungated: Vec<usize> = (0..regexes.len()).filter(|&g| !gated[g]).collect();
        let set_sources: Vec<&String> = ungated.iter().map(|&g| &regex_sources[g]).collect();
        let mut ascii_sources = Vec::new();
        let ascii_index = set_sources
            .iter()
            .map(|r| {
                let rewritten = prefilter::ascii_boundaries(r)?;
                ascii_sources.push(rewritten);
                Some(ascii_sources.len() - 1)
            })
            .collect();
        let entry_meta =
            pack.entries().iter().map(|e| (e.category, pack.categories()[e.category].kind, e.weight)).collect();
        Ok(Matcher {
            automaton,
            spans,
            readings,
            regex_set: RegexSet::new(&set_sources)?,
            ungated,
            regexes,
            gated,
            ascii_set: RegexSet::new(&ascii_sources)?,
            ascii_index,
            censorable,
            entry_meta,
            allow_count: pack.allow().len(),
            derived_endings: pack.settings().derived_endings.iter().map(|e| e.as_bytes().into()).collect(),
        })
    }

    /// Heap bytes of the compiled automaton plus this matcher's tables (the
    /// regular expressions and their caches are not counted).
    pub fn memory_usage(&self) -> usize {
        self.automaton.memory_usage()
            + self.spans.capacity() * std::mem::size_of::<(u32, u32)>()
            + self.readings.capacity() * std::mem::size_of::<Reading>()
            + self.entry_meta.capacity() * std::mem::size_of::<(usize, CategoryKind, f32)>()
    }

    /// Number of phrases and pattern variants compiled into the automaton.
    pub fn automaton_patterns(&self) -> usize {
        self.spans.len()
    }

    /// Finds every hit in `norm`, appending to `out` (cleared first).
    ///
    /// Hits inside an allow-list entry are kept with `allowed_by` set, so
    /// `keel explain` can show them; within one category a hit lying inside a
    /// longer one is dropped, and so is a de-escalating or cue hit lying
    /// inside a hostile one ("thanks for nothing").
    pub fn find(&self, pack: &Pack, norm: &Normalized, out: &mut Vec<Hit>) {
        self.find_with(pack, norm, out, &mut FindScratch::default());
    }

    /// Like [`Matcher::find`], reusing `scratch`'s buffers.
    pub fn find_with(&self, pack: &Pack, norm: &Normalized, out: &mut Vec<Hit>, scratch: &mut FindScratch) {
        out.clear();
        let text = norm.text();
        let bytes = text.as_bytes();
        let allows = &mut scratch.allows;
        allows.clear();
        let embedded = &mut scratch.embedded;
        embedded.clear();
        let gate_open = &mut scratch.gate_open;
        gate_open.clear();
        gate_open.resize(self.regexes.len(), false);
        for m in self.automaton.find_overlapping_iter(text) {
            let (start, end) = (m.start(), m.end());
            let (a, b) = self.spans[m.pattern().as_usize()];
            for r in &self.readings[a as usize..b as usize] {
                if let Target::Gate(g) = r.target {
                    gate_open[g as usize] = true;
                    continue;
                }
                if (!r.any_start && !word_start_ok(bytes, start)) || (!r.any_end && !word_end_ok(bytes, start, end)) {
                    if let Target::Entry(e) = r.target {
                        let hostile = self.entry_meta[e as usize].1 == CategoryKind::Hostile;
                        if hostile
                            && !(word_start_ok(bytes, start)
                                && self.is_derived_ending(&bytes[end..word_end(bytes, end)]))
                        {
                            let word = (word_start(bytes, start), word_end(bytes, end));
                            if !embedded.contains(&word) {
                                embedded.push(word);
                            }
                        }
                    }
                    continue;
                }
                if r.stretched != 0 && !stretched_ok(norm, start, r.stretched) {
                    continue;
                }
                let (start, end) = (if r.any_start { word_start(bytes, start) } else { start }, {
                    if r.any_end {
                        word_end(bytes, end)
                    } else {
                        end
                    }
                });
                match r.target {
                    Target::Entry(e) => out.push(Hit { of: HitOf::Entry(e as usize), start, end, allowed_by: None }),
                    Target::Topic(t) => out.push(Hit { of: HitOf::Topic(t as usize), start, end, allowed_by: None }),
                    Target::Allow(i) => allows.push((start, end, i as usize)),
                    Target::Gate(_) => {}
                }
            }
        }
        if !self.regexes.is_empty() {
            // Patterns with a gate are searched where it opened (`gate`).
            // For the others, the set tells which match. Its lazy DFA cannot
            // evaluate a Unicode `\b` next to a non-ASCII byte and falls back
            // to the PikeVM, about 250 times slower than each pattern
            // searched on its own (which can use a literal prefilter and the
            // backtracker); on non-ASCII text the set of ASCII-boundary
            // rewrites, a superset, picks the patterns to search (see
            // `prefilter`). Same hits, in the same order, as searching every
            // pattern.
            let set_says = &mut scratch.set_says;
            set_says.clear();
            set_says.resize(self.regexes.len(), false);
            if !self.ungated.is_empty() {
                if text.is_ascii() {
                    for k in &self.regex_set.matches(text) {
                        set_says[self.ungated[k]] = true;
                    }
                } else {
                    let candidates = self.ascii_set.matches(text);
                    for (k, ascii) in self.ascii_index.iter().enumerate() {
                        if ascii.is_none_or(|j| candidates.matched(j)) {
                            set_says[self.ungated[k]] = true;
                        }
                    }
                }
            }
            let candidates = self.gated.iter().zip(scratch.gate_open.iter().zip(set_says.iter()));
            for (i, (&gated, (&open, &says))) in candidates.enumerate() {
                if if gated { open } else { says } {
                    self.regex_hits(i, text, out);
                }
            }
        }
        if memchr_star(bytes) {
            self.resolve_hidden_letters(pack, bytes, out);
        }
        debug_assert!(allows.iter().all(|a| a.2 < self.allow_count));
        scratch.allowed.clear();
        scratch.allowed.extend(allows.iter().map(|&(s, e, _)| (s, e)));
        if !allows.is_empty() {
            for h in out.iter_mut() {
                if let HitOf::Entry(_) = h.of {
                    h.allowed_by = allows.iter().find(|&&(s, e, _)| s <= h.start && h.end <= e).map(|a| a.2);
                }
            }
        }
        self.drop_shadowed(out, &mut scratch.keep);
    }

    /// The non-empty matches of pattern `i`.
    fn regex_hits(&self, i: usize, text: &str, out: &mut Vec<Hit>) {
        let (re, entry) = &self.regexes[i];
        for m in re.find_iter(text) {
            if m.start() < m.end() {
                out.push(Hit { of: HitOf::Entry(*entry), start: m.start(), end: m.end(), allowed_by: None });
            }
        }
    }

    /// Words with a hidden letter (`f*ck`, `sh*t`, `f***ing`) against one-word hostile phrases.
    fn resolve_hidden_letters(&self, pack: &Pack, bytes: &[u8], out: &mut Vec<Hit>) {
        let mut i = 0;
        while i < bytes.len() {
            if !is_word_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            let word = &bytes[start..i];
            if !word.contains(&b'*') || word[0] == b'*' {
                continue;
            }
            // The first letter may itself be disguised (`5h*t`).
            let (first, second) = stands_for(char::from(word[0])).unwrap_or((char::from(word[0]), None));
            let candidates = [Some(first), second]
                .into_iter()
                .flatten()
                .filter_map(|c| u8::try_from(c).ok().and_then(|b| self.censorable.get(&b)))
                .flatten();
            let mut best: Option<(usize, f32)> = None;
            for &e in candidates {
                let EntryPattern::Phrase(p) = &pack.entries()[e].pattern else {
                    continue;
                };
                let pb = p.text.as_bytes();
                let fits_len = if p.any_end { word.len() >= pb.len() } else { word.len() == pb.len() };
                if !fits_len {
                    continue;
                }
                let known = pb.iter().zip(word).filter(|(_, &w)| w != b'*').count();
                let agrees = pb.iter().zip(word).all(|(&p, &w)| w == b'*' || w == p || may_stand_for(w, p));
                if agrees && known >= 1 {
                    let w = self.entry_meta[e].2;
                    if best.is_none_or(|(_, bw)| w > bw) {
                        best = Some((e, w));
                    }
                }
            }
            if let Some((e, _)) = best {
                if !out.iter().any(|h| h.of == HitOf::Entry(e) && h.start == start) {
                    out.push(Hit { of: HitOf::Entry(e), start, end: i, allowed_by: None });
                }
            }
        }
    }

    /// Drops hits lying inside a longer hit of the same category, and
    /// de-escalating or cue hits lying inside a hostile hit.
    ///
    /// Hits are sorted by (start, longest first) and visited in that order;
    /// a hit is dropped when some hit containing it shadows it, where that
    /// hit is either a later one (still kept, since it is not visited yet)
    /// or an earlier one that was kept. A hit containing hit `i` starts no
    /// later, so it is either earlier in the order or a later one with the
    /// same span; earlier ones are only looked at when one of them reaches
    /// as far as `i` does, which for hits side by side is none.
    fn drop_shadowed(&self, out: &mut Vec<Hit>, keep: &mut Vec<bool>) {
        if out.len() < 2 {
            return;
        }
        out.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        let meta = |h: &Hit| match h.of {
            HitOf::Entry(e) => Some(self.entry_meta[e]),
            HitOf::Topic(_) => None,
        };
        keep.clear();
        keep.resize(out.len(), true);
        // Largest end among the hits before i (an upper bound for pruning).
        let mut reach = 0usize;
        for i in 0..out.len() {
            let hi = out[i];
            let earlier_reach = reach;
            reach = reach.max(hi.end);
            let Some((ci, ki, wi)) = meta(&hi) else {
                continue;
            };
            let shadows = |j: usize, hj: &Hit| {
                let Some((cj, kj, wj)) = meta(hj) else {
                    return false;
                };
                if hj.allowed_by.is_some() || !(hj.start <= hi.start && hi.end <= hj.end) {
                    return false;
                }
                let same_span = hj.start == hi.start && hj.end == hi.end;
                if ci == cj {
                    // Equal weights are an exact tie (the same phrase weight twice), broken by order.
                    #[allow(clippy::float_cmp)]
                    let tie = wj == wi;
                    !same_span || wj > wi || (tie && j < i)
                } else {
                    // A longer hostile phrase is the more specific reading: "sick of"
                    // (frustration) is not also "sick" (an attack).
                    kj == CategoryKind::Hostile && (ki != CategoryKind::Hostile || !same_span)
                }
            };
            let by_earlier = earlier_reach >= hi.end && (0..i).any(|j| keep[j] && shadows(j, &out[j]));
            let by_later = || {
                out[i + 1..]
                    .iter()
                    .take_while(|h| h.start == hi.start && h.end == hi.end)
                    .enumerate()
                    .any(|(k, h)| shadows(i + 1 + k, h))
            };
            if by_earlier || by_later() {
                keep[i] = false;
            }
        }
        let mut k = keep.iter();
        out.retain(|_| *k.next().unwrap_or(&true));
    }
}

impl Matcher {
    /// Does `rest`, what follows a phrase inside a word, make the word a form
    /// of the phrase (`suck` in `suckers`, `bitch` in `bitchy`) rather than
    /// a name that happens to hold it (`Cockermouth`, `Shitterton`)?
    fn is_derived_ending(&self, rest: &[u8]) -> bool {
        self.derived_endings.iter().any(|e| **e == *rest)
    }
}

/// Can the typed byte `w` stand for the phrase's letter `p` (`5` for `s`)?
fn may_stand_for(w: u8, p: u8) -> bool {
    stands_for(char::from(w)).is_some_and(|(a, b)| a == char::from(p) || b == Some(char::from(p)))
}

fn memchr_star(bytes: &[u8]) -> bool {
    bytes.contains(&b'*')
}

fn word_start(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && is_word_byte(bytes[i - 1]) {
        i -= 1;
    }
    i
}

fn word_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && is_word_byte(bytes[i]) {
        i += 1;
    }
    i
}

fn stretched_ok(norm: &Normalized, start: usize, mask: u32) -> bool {
    (0..32).filter(|b| mask & (1 << b) != 0).all(|b| norm.is_stretched(start + b))
}

mod gate;
mod prefilter;

#[cfg(test)]
mod tests;
