//! The context reader: a small sentence model that reads a message whole.
//!
//! Phrase packs catch what is said; they cannot read what is meant when no
//! listed phrase appears ("people like you should not be allowed near a
//! keyboard"). The reader is all-MiniLM-L6-v2 (a six-layer sentence encoder
//! of 22 million parameters) with keel's own low-rank adapter and a
//! one-unit head, trained on labeled messages by `tools/train_reader.py`.
//! It reads keel's normalized text, so evasion spellings (`1d10t`) reach it
//! already folded.
//!
//! Its probability is blended with the phrase score in log-odds space
//! ([`Blend`]), and only a confident blend counts: it may *raise* a
//! message's score to hostile, never lower it, and an unsure reading
//! changes nothing (calm conversations gather no heat from the reader's
//! doubts). Frustration markers, de-escalating words and severe categories
//! keep the meaning the pack gives them, and a boundary (a strike) still
//! needs a hostile phrase aimed at a person. The reader makes keel warn
//! moderators earlier; it never punishes on its own.
//!
//! The reader is optional. Without its files keel judges by phrase packs
//! alone, and says so once.

mod adapter;
mod blend;
mod reader;

pub use blend::Blend;
pub use reader::{ContextReader, ReaderFiles};

use crate::core::score::Analysis;
use crate::core::Role;
use std::path::PathBuf;

/// Whether the context reader should read a message the phrases analysed:
/// a customer's message with some text that the phrases alone did not
/// already find hostile (the reader can only raise a score), and in which
/// the allow-list cancelled nothing: where the owner said a look-alike is
/// benign ("Dick's Sporting Goods", "you guys are crazy fast"), the reader,
/// which sees the same surface words, does not overrule them.
pub fn wants_reading(role: Role, analysis: &Analysis) -> bool {
    stands_down(role, analysis).is_none()
}

/// Why the reader does not read a message, in plain words (`None`: it reads it).
pub fn stands_down(role: Role, analysis: &Analysis) -> Option<&'static str> {
    if role.is_team() {
        Some("staff and moderators are never read")
    } else if analysis.hostile {
        Some("not needed (the phrases already find it hostile)")
    } else if analysis.signals.iter().any(|s| s.allowed_by.is_some()) {
        Some("stands down (the allow-list cancelled a match: the owner's word stands)")
    } else if analysis.normalized.text().trim().is_empty() {
        Some("nothing to read")
    } else {
        None
    }
}

/// Why the context reader could not be loaded or could not read a message.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// A file the reader needs is not there.
    #[error("{path}: not found ({hint})")]
    Missing {
        /// The missing file.
        path: PathBuf,
        /// How to get it.
        hint: &'static str,
    },
    /// A file is there but could not be read as what it should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The adapter does not fit the base model.
    #[error("{path}: tensor `{key}`: {message}")]
    Adapter {
        /// The adapter file.
        path: PathBuf,
        /// The tensor concerned.
        key: String,
        /// What does not fit.
        message: String,
    },
    /// The model failed while reading a message.
    #[error("context reader: {0}")]
    Inference(String),
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod tiny;
