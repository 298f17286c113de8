//! Phrase packs: what keel looks for, and what it says.
//!
//! A pack is every `*.toml` file of a directory merged into one validated
//! [`Pack`]. [`load_dir`] reads and checks everything, collecting every
//! [`Problem`](crate::diagnostics::Problem) with file, line and key instead
//! of stopping at the first; a pack that loads is internally consistent
//! (categories exist, regexes compile, templates only use known
//! placeholders), so the engine never has to check again.
//! The file format is documented for owners in `docs/phrase-packs.md`.

mod load;
mod schema;

pub use load::{load_dir, load_files, PackError};
pub use schema::CategoryKind;

use crate::core::template::Template;
use crate::core::Level;
use std::path::PathBuf;

/// Where an entry was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    /// Index into [`Pack::files`].
    pub file: u16,
    /// 1-based line.
    pub line: u32,
}

/// The pack's thresholds and grammar word lists (`[settings]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Language code, informational.
    pub language: String,
    /// A message scoring at or above this is hostile on its own.
    pub hostile_threshold: f32,
    /// Weight multiplier when a negation precedes a phrase.
    pub negation_factor: f32,
    /// Weight multiplier for a targeted phrase that is not aimed at a person.
    pub untargeted_factor: f32,
    /// How much full shouting adds.
    pub shouting_boost: f32,
    /// How much punctuation bursts add.
    pub punctuation_boost: f32,
    /// How much a burst of messages adds.
    pub rate_boost: f32,
    /// Messages per minute that count as a burst.
    pub rate_per_minute: f32,
    /// Words that aim a phrase at the reader.
    pub second_person: Vec<String>,
    /// Words that aim a phrase at someone else.
    pub third_person: Vec<String>,
    /// Words that negate a following phrase.
    pub negations: Vec<String>,
    /// Words that, right before a phrase, show it describes a thing ("this stupid form").
    pub determiners: Vec<String>,
    /// Subjects that open a clause of their own ("i'll"): a negation before
    /// them belongs to another clause ("if it isn't back, i'll find you").
    pub subjects: Vec<String>,
    /// Words for the writer ("me", "myself"): an insult aimed at them is not
    /// aimed at the reader ("he called me an idiot", "I feel like an idiot").
    pub first_person: Vec<String>,
    /// Linking verbs ("are", "is"): what follows describes their subject
    /// ("your whole team is a bunch of clowns").
    pub copulas: Vec<String>,
    /// Words that may stand between a subject and an insult without changing
    /// whom it describes ("you're *still the same* useless idiots").
    pub fillers: Vec<String>,
    /// Words for a group of people ("people", "team"): "you people are ..."
    /// and "your whole team is ..." are aimed at the reader.
    pub groups: Vec<String>,
    /// Words before a phrase searched for a target or negation.
    pub target_window: usize,
}

impl Default for Settings {
    fn default() -> Self {
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect();
        Settings {
            language: "en".into(),
            hostile_threshold: 0.5,
            negation_factor: 0.2,
            untargeted_factor: 0.0,
            shouting_boost: 0.15,
            punctuation_boost: 0.05,
            rate_boost: 0.1,
            rate_per_minute: 8.0,
            second_person: words("you u ya ye your ur yours yourself yourselves you're youre y'all yall you've you'll you'd"),
            third_person: words("he she they him her them his their hes shes he's she's they're theyre"),
            negations: words("not never no isn't aren't wasn't weren't don't doesn't didn't won't can't cannot nobody nothing hardly"),
            determiners: words("this that the these those my our its"),
            subjects: words("i i'll i'm i'd i've we we'll we're we've"),
            first_person: words("i me myself i'm im i've ive i'd id my mine we us ourselves our ours"),
            copulas: words("am is are was were be been being r"),
            fillers: words(
                "a an the still just all such so really truly totally completely absolutely utterly literally honestly \
                 seriously clearly obviously genuinely simply always very pretty quite most biggest worst same like \
                 complete total utter absolute bunch pack load lot group band of nothing but also too both even",
            ),
            groups: words(
                "people guys folks lot all team teams staff crew agents reps devs developers mods moderators admins \
                 employees workers company whole entire every each one of both",
            ),
            target_window: 4,
        }
    }
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
    /// Index into [`Pack::categories`].
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

/// An issue topic that fills `{issue}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// Short name (`late-delivery`).
    pub name: String,
    /// What `{issue}` becomes.
    pub label: String,
    /// Phrases that show the topic, normalized.
    pub phrases: Vec<Phrase>,
}

/// A de-escalation script for moderators.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    /// Short name.
    pub name: String,
    /// One line for moderators.
    pub description: String,
    /// The technique it puts into practice.
    pub technique: String,
    /// Chosen when the conversation matched one of these category indices (empty: any).
    pub when_categories: Vec<usize>,
    /// Chosen only at or above this level.
    pub min_level: Level,
    /// Highest-priority fitting script wins.
    pub priority: i64,
    /// Steps for the moderator.
    pub steps: Vec<Template>,
    /// A line the team can post to the customer.
    pub say: Template,
    /// A choice set to offer alongside (index into [`Pack::choice_sets`]).
    pub choices: Option<usize>,
}

/// One button of a choice set.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceOption {
    /// Button text.
    pub label: String,
    /// What keel answers when it is chosen.
    pub reply: Template,
    /// Choosing it calls a person.
    pub escalate: bool,
}

/// A set of choices offered to a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceSet {
    /// Short name.
    pub name: String,
    /// What the customer is asked.
    pub prompt: Template,
    /// Topics it fits (indices into [`Pack::topics`]; empty: any).
    pub topics: Vec<usize>,
    /// The buttons.
    pub options: Vec<ChoiceOption>,
}

/// A validated, merged phrase pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Pack {
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

impl Pack {
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

#[cfg(test)]
pub(crate) mod tests;
