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
//!
//! What lives here is the pure half: whether a message is read
//! ([`wants_reading`], [`stands_down`]), the [`Reading`] the engine receives
//! as plain data, the [`Reader`] trait it asks one through, and the
//! [`Blend`]. The model itself (candle, its files) is loaded and run above
//! the core, in the top-level `reader` module.
//!
//! May import: the rest of `crate::core` and the standard library (no I/O);
//! nothing else of the crate.

mod blend;
mod mask;
mod reading;

pub use blend::Blend;
pub use mask::reader_text;
pub use reading::{NotRead, Reader, Reading};

use crate::core::score::Analysis;
use crate::core::Role;

/// Why a message is not read once the discounted words are left out.
const NOTHING_LEFT: &str = "nothing left to read (the phrases set every word aside)";

/// Why staff and moderators' messages are not read.
const TEAM_NEVER_READ: &str = "staff and moderators are never read";

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
        Some(TEAM_NEVER_READ)
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
