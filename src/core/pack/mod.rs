//! The compiled phrase pack: what keel looks for, and what it says.
//!
//! A [`Pack`] is the engine's input: categories and their entries, the
//! allow-list, issue topics, de-escalation scripts, choice sets and the
//! boundary messages, built from core types ([`Template`], [`Level`]). It
//! lives in the core because the engine is built on it; reading phrase
//! files into one is the job of the loader above the core (the top-level
//! `pack` module).
//!
//! "A pack that loads is consistent" is kept by the type: a pack can only be
//! made by [`Pack::new`], which checks every index one part keeps into
//! another (an entry's category, a script's categories and choice set, a
//! choice set's topics) and the number of categories, and its fields are
//! private, read through accessors that lend shared references. The parts
//! themselves (`lexicon`, `responses`, `settings`) are plain values with
//! public fields: once inside a pack nobody can change them.
//!
//! May import: the rest of `crate::core`, the standard library (no I/O) and
//! serde; nothing else of the crate.
//!
//! [`Level`]: crate::core::Level

mod build;
mod lexicon;
mod responses;
mod settings;

pub use build::{PackInconsistency, PackParts};
pub use lexicon::{Category, CategoryKind, Entry, EntryPattern, Origin, Phrase};
pub use responses::{ChoiceOption, ChoiceSet, Script, Topic};
pub use settings::Settings;

use crate::core::template::Template;
use std::path::PathBuf;

/// Most categories a pack may have (the tracker keeps a 64-bit set of them).
pub const MAX_CATEGORIES: usize = 64;

/// A validated, merged phrase pack; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
    settings: Settings,
    categories: Vec<Category>,
    entries: Vec<Entry>,
    allow: Vec<Phrase>,
    topics: Vec<Topic>,
    scripts: Vec<Script>,
    choice_sets: Vec<ChoiceSet>,
    boundaries: [Template; 3],
    files: Vec<PathBuf>,
}

impl Pack {
    /// Thresholds and grammar words.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Categories; an entry's `category` indexes this list.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// Every phrase and pattern.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Benign look-alikes, normalized.
    pub fn allow(&self) -> &[Phrase] {
        &self.allow
    }

    /// Issue topics.
    pub fn topics(&self) -> &[Topic] {
        &self.topics
    }

    /// De-escalation scripts.
    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }

    /// Choice sets.
    pub fn choice_sets(&self) -> &[ChoiceSet] {
        &self.choice_sets
    }

    /// Boundary messages for tiers 1, 2 and 3.
    pub fn boundaries(&self) -> &[Template; 3] {
        &self.boundaries
    }

    /// The files the pack was read from.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The category with this name.
    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| c.name == name)
    }

    /// The script with this name.
    pub fn script(&self, name: &str) -> Option<&Script> {
        self.scripts.iter().find(|s| s.name == name)
    }

    /// Where an entry was written, as `file:line`.
    pub fn origin_display(&self, origin: Origin) -> String {
        let file = self.files.get(origin.file as usize).map(|p| p.display().to_string()).unwrap_or_default();
        format!("{file}:{}", origin.line)
    }
}
