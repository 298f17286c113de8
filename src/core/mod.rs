//! The functional core: normalize → match → score → track → decide.
//!
//! Everything here is pure and synchronous. Time is passed in explicitly as
//! Unix milliseconds, so the same input always gives the same output; the
//! live bot, `keel replay` and `keel explain` all drive this same code.
//!
//! The core owns its data: the compiled phrase pack ([`pack`]) is a core
//! type that the loader above builds, and the context reader's model is run
//! above it too, handing the engine a [`context::Reading`] as plain data.
//!
//! May import: serde, aho-corasick, regex (and regex-syntax), decancer, lru,
//! thiserror and the standard library without I/O. Nothing else of the crate (`pack`,
//! `config`, `store`, `reader`, `bot`, `cli`, `diagnostics`), no files, no
//! clocks, no Discord, no async runtime, no model runtime; its unit tests
//! may use the pack loader to build packs from TOML.

pub mod aim;
pub mod context;
pub mod engine;
pub mod escalation;
pub mod forecast;
pub mod ids;
pub mod matcher;
pub mod normalize;
pub mod pack;
pub mod policy;
pub mod score;
pub mod surface;
pub mod template;
mod word_hash;

use serde::{Deserialize, Serialize};

/// Who wrote a message, as far as keel is concerned.
///
/// Staff and moderators never count as customer hostility; their
/// acknowledgements help a conversation cool down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member asking for help (the default).
    #[default]
    Customer,
    /// A support team member.
    Staff,
    /// A server moderator.
    Moderator,
}

impl Role {
    /// True for staff and moderators, whose messages never raise levels.
    pub fn is_team(self) -> bool {
        !matches!(self, Role::Customer)
    }
}

/// How heated a conversation is, from calm to abusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Nothing to see.
    #[default]
    Calm,
    /// Frustration is showing.
    Tense,
    /// Hostility is building across messages.
    Heated,
    /// Abuse: boundaries apply.
    Abusive,
}

impl Level {
    /// All levels, from calm to abusive.
    pub const ALL: [Level; 4] = [Level::Calm, Level::Tense, Level::Heated, Level::Abusive];

    /// The lowercase name used in files and output (`"calm"`, `"tense"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Calm => "calm",
            Level::Tense => "tense",
            Level::Heated => "heated",
            Level::Abusive => "abusive",
        }
    }

    /// Index from 0 (calm) to 3 (abusive).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The level with the given index, saturating at abusive.
    pub fn from_index(i: usize) -> Level {
        Level::ALL[i.min(3)]
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
