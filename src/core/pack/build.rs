//! Making a [`Pack`] from its parts, checking that they fit together.

use super::{ChoiceSet, Entry, Pack, Phrase, Script, Settings, Topic, MAX_CATEGORIES};
use crate::core::pack::Category;
use crate::core::template::Template;
use std::path::PathBuf;

/// Everything a [`Pack`] is made of, before [`Pack::new`] checks it.
#[derive(Debug, Clone, Default)]
pub struct PackParts {
    /// Thresholds and grammar words.
    pub settings: Settings,
    /// Categories; an entry's `category` indexes this list.
    pub categories: Vec<Category>,
    /// Every phrase and pattern.
    pub entries: Vec<Entry>,
    /// Benign look-alikes, normalized.
    pub allow: Vec<Phrase>,
    /// Issue topics.
    pub topics: Vec<Topic>,
    /// De-escalation scripts.
    pub scripts: Vec<Script>,
    /// Choice sets.
    pub choice_sets: Vec<ChoiceSet>,
    /// Boundary messages for tiers 1, 2 and 3.
    pub boundaries: [Template; 3],
    /// The files the pack was read from.
    pub files: Vec<PathBuf>,
}

/// Why parts do not make a consistent pack: an index one part keeps into
/// another points nowhere, or there are too many categories. A loader that
/// resolves names itself never meets one; it means a bug in the loader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackInconsistency {
    /// More categories than the tracker's set can hold.
    #[error("{0} categories, at most {MAX_CATEGORIES} are allowed")]
    TooManyCategories(usize),
    /// An entry names a category the pack does not have.
    #[error("entry {entry} ({written:?}) is in category {category}, but the pack has {categories} categories")]
    EntryCategory {
        /// Index of the entry.
        entry: usize,
        /// The phrase as written.
        written: String,
        /// The category index it names.
        category: usize,
        /// How many categories there are.
        categories: usize,
    },
    /// A script names a category the pack does not have.
    #[error("script `{script}` is chosen by category {category}, but the pack has {categories} categories")]
    ScriptCategory {
        /// The script's name.
        script: String,
        /// The category index it names.
        category: usize,
        /// How many categories there are.
        categories: usize,
    },
    /// A script offers a choice set the pack does not have.
    #[error("script `{script}` offers choice set {set}, but the pack has {sets} choice sets")]
    ScriptChoices {
        /// The script's name.
        script: String,
        /// The choice set index it names.
        set: usize,
        /// How many choice sets there are.
        sets: usize,
    },
    /// A choice set fits a topic the pack does not have.
    #[error("choice set `{set}` fits topic {topic}, but the pack has {topics} topics")]
    ChoiceTopic {
        /// The choice set's name.
        set: String,
        /// The topic index it names.
        topic: usize,
        /// How many topics there are.
        topics: usize,
    },
}

impl Pack {
    /// Makes a pack of `parts`, checking every index between them; the first
    /// one that points nowhere is the error.
    pub fn new(parts: PackParts) -> Result<Pack, PackInconsistency> {
        let categories = parts.categories.len();
        if categories > MAX_CATEGORIES {
            return Err(PackInconsistency::TooManyCategories(categories));
        }
        if let Some((entry, e)) = parts.entries.iter().enumerate().find(|(_, e)| e.category >= categories) {
            let written = e.written.clone();
            return Err(PackInconsistency::EntryCategory { entry, written, category: e.category, categories });
        }
        let sets = parts.choice_sets.len();
        for s in &parts.scripts {
            if let Some(&category) = s.when_categories.iter().find(|&&c| c >= categories) {
                return Err(PackInconsistency::ScriptCategory { script: s.name.clone(), category, categories });
            }
            if let Some(set) = s.choices.filter(|&c| c >= sets) {
                return Err(PackInconsistency::ScriptChoices { script: s.name.clone(), set, sets });
            }
        }
        let topics = parts.topics.len();
        for c in &parts.choice_sets {
            if let Some(&topic) = c.topics.iter().find(|&&t| t >= topics) {
                return Err(PackInconsistency::ChoiceTopic { set: c.name.clone(), topic, topics });
            }
        }
        let PackParts { settings, categories, entries, allow, topics, scripts, choice_sets, boundaries, files } = parts;
        Ok(Pack { settings, categories, entries, allow, topics, scripts, choice_sets, boundaries, files })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pack::{CategoryKind, EntryPattern, Origin};

    fn category() -> Category {
        Category {
            name: "insult".into(),
            kind: CategoryKind::Hostile,
            weight: 0.6,
            targeted: false,
            severe: false,
            vocative: false,
            describes: false,
            unaimed_weight: None,
            jump_to_tier: None,
            negatable: true,
            description: String::new(),
        }
    }

    fn entry(category: usize) -> Entry {
        Entry {
            category,
            pattern: EntryPattern::Regex("x".into()),
            written: "x".into(),
            weight: 0.5,
            targeted: false,
            origin: Origin::default(),
        }
    }

    fn script(when: Vec<usize>, choices: Option<usize>) -> Script {
        Script {
            name: "calm".into(),
            description: String::new(),
            technique: String::new(),
            when_categories: when,
            min_level: crate::core::Level::Tense,
            priority: 0,
            steps: Vec::new(),
            say: Template::default(),
            choices,
        }
    }

    struct Case {
        name: &'static str,
        parts: PackParts,
        expected: Result<(), &'static str>,
    }

    #[test]
    fn only_parts_whose_indices_point_somewhere_make_a_pack() {
        let one = || PackParts { categories: vec![category()], ..PackParts::default() };
        let set = ChoiceSet { name: "refund".into(), prompt: Template::default(), topics: vec![0], options: vec![] };
        let cases = [
            Case { name: "empty", parts: PackParts::default(), expected: Ok(()) },
            Case {
                name: "entry in its category",
                parts: PackParts { entries: vec![entry(0)], ..one() },
                expected: Ok(()),
            },
            Case {
                name: "entry in a missing category",
                parts: PackParts { entries: vec![entry(0), entry(1)], ..one() },
                expected: Err("entry 1 (\"x\") is in category 1, but the pack has 1 categories"),
            },
            Case {
                name: "script chosen by a missing category",
                parts: PackParts { scripts: vec![script(vec![0, 3], None)], ..one() },
                expected: Err("script `calm` is chosen by category 3, but the pack has 1 categories"),
            },
            Case {
                name: "script offering a missing choice set",
                parts: PackParts { scripts: vec![script(vec![], Some(0))], ..one() },
                expected: Err("script `calm` offers choice set 0, but the pack has 0 choice sets"),
            },
            Case {
                name: "choice set fitting a missing topic",
                parts: PackParts { choice_sets: vec![set], ..one() },
                expected: Err("choice set `refund` fits topic 0, but the pack has 0 topics"),
            },
            Case {
                name: "too many categories",
                parts: PackParts { categories: vec![category(); MAX_CATEGORIES + 1], ..PackParts::default() },
                expected: Err("65 categories, at most 64 are allowed"),
            },
        ];
        for c in cases {
            let got = Pack::new(c.parts).map(|_| ()).map_err(|e| e.to_string());
            assert_eq!(got, c.expected.map_err(str::to_string), "{}", c.name);
        }
    }
}
