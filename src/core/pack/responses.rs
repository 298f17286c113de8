//! What keel says, and when: issue topics, de-escalation scripts and choice
//! sets.
//!
//! Plain values like those of `lexicon`: their indices (a script's
//! categories and choice set, a choice set's topics) point into the
//! [`Pack`](super::Pack) that holds them and are checked when it is built.

use crate::core::template::Template;
use crate::core::Level;

/// An issue topic that fills `{issue}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    /// Short name (`late-delivery`).
    pub name: String,
    /// What `{issue}` becomes.
    pub label: String,
    /// Phrases that show the topic, normalized.
    pub phrases: Vec<super::Phrase>,
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
    /// A choice set to offer alongside (index into [`Pack::choice_sets`](super::Pack::choice_sets)).
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
    /// Topics it fits (indices into [`Pack::topics`](super::Pack::topics); empty: any).
    pub topics: Vec<usize>,
    /// The buttons.
    pub options: Vec<ChoiceOption>,
}
