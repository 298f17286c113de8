//! What keel looks for: categories, their phrases and patterns, and where
//! each was written.
//!
//! These are plain values. Their indices (an entry's `category`) point into
//! the [`Pack`](super::Pack) that holds them, which checks them when it is
//! built and only lends them out by shared reference, so they stay
//! consistent without private fields.

use serde::{Deserialize, Serialize};

/// Where an entry was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// Index into [`Pack::files`](super::Pack::files).
    pub file: u16,
    /// 1-based line.
    pub line: u32,
}

/// What a category does to a message.
///
/// Phrase files name it in `snake_case` (`kind = "cue"`); the loader reads
/// it with serde straight into this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoryKind {
    /// Raises the message's score.
    #[default]
    Hostile,
    /// Lowers it (thanks, apologies).
    Deescalating,
    /// A weak sign about the conversation; never changes the message's score.
    Cue,
}

/// A category of phrases.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Short name (`insult`).
    pub name: String,
    /// What it does to a message.
    pub kind: CategoryKind,
    /// Default weight of its phrases.
    pub weight: f32,
    /// Its phrases count only when aimed at a person.
    pub targeted: bool,
    /// A match is abuse by itself.
    pub severe: bool,
    /// Its untargeted phrases standing alone as the address of a sentence
    /// ("Answer me, moron.") are aimed at the reader.
    pub vocative: bool,
    /// Its phrases describe a person (insults, scorn): said by the writer of
    /// themselves ("I'm useless with computers") they count as if aimed at
    /// nobody.
    pub describes: bool,
    /// For a severe category: the weight of a one-word phrase aimed at
    /// nobody (a slur that targets no one, "Dyke" in a name), which is then
    /// hostile but neither severe nor a strike. `None`: always severe.
    pub unaimed_weight: Option<f32>,
    /// A match starts the boundary ladder at least at this tier.
    pub jump_to_tier: Option<u8>,
    /// A negation before a phrase lowers its weight.
    pub negatable: bool,
    /// What the category is for.
    pub description: String,
}

/// A literal phrase, normalized, with its word-edge wildcards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The phrase in normalized form (no `*`).
    pub text: String,
    /// Written with a leading `*`: any word beginning is allowed.
    pub any_start: bool,
    /// Written with a trailing `*`: any word ending is allowed.
    pub any_end: bool,
}

/// How an entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryPattern {
    /// A literal phrase matched at word edges.
    Phrase(Phrase),
    /// A regular expression over the normalized text.
    Regex(String),
}

/// One phrase or pattern of a category.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Index into [`Pack::categories`](super::Pack::categories).
    pub category: usize,
    /// What to match.
    pub pattern: EntryPattern,
    /// The phrase as the owner wrote it (for explain and reasons).
    pub written: String,
    /// Its weight.
    pub weight: f32,
    /// It counts only when aimed at a person.
    pub targeted: bool,
    /// Where it was written.
    pub origin: Origin,
}
