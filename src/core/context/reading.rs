//! A reading as the engine receives it, and the port it is asked through.

use super::{stands_down, Blend};
use crate::core::score::Analysis;
use crate::core::Role;

/// What the context reader made of one message, as plain data.
///
/// The engine applies a [`Reading::Read`] through the reader's [`Blend`]
/// (only a confident blend changes the score); the other two leave the
/// message to the phrases alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// The reader read the message: the probability that it is offensive.
    Read(f32),
    /// A reader is on but did not read this message, and why.
    NotRead(NotRead),
    /// No context reader: the message is judged by phrases alone.
    Off,
}

/// Why a reader that is on did not read a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRead {
    /// The reader stands down, in plain words (see [`stands_down`]): staff
    /// are never read, hostile messages need no reading, the allow-list
    /// stands, or there is nothing to read.
    StandsDown(&'static str),
    /// The reader failed on this message; what went wrong.
    Failed(String),
}

/// A context reader as the core sees it: something that reads keel's
/// normalized text and knows how its reading blends with the phrase score.
///
/// The core never loads a model or knows what one is: keel's reader (a
/// sentence model on candle) lives above the core, in the top-level `reader`
/// module, and implements this trait; tests use a stand-in. The engine asks
/// it for a reading in [`Engine::process_into`]; the live bot takes readings
/// off the engine's lock and hands them in as [`Reading`]s
/// ([`Engine::process_read_into`]).
///
/// [`Engine::process_into`]: crate::core::engine::Engine::process_into
/// [`Engine::process_read_into`]: crate::core::engine::Engine::process_read_into
pub trait Reader: Send + Sync + std::fmt::Debug {
    /// The probability that `normalized` (keel's normalized text, without
    /// the hits the phrases discounted: see [`super::reader_text`]) is
    /// offensive, or what went wrong, in words.
    fn probability(&self, normalized: &str) -> Result<f32, String>;

    /// How this reader's probability and the phrase score make one score.
    fn blend(&self) -> &Blend;

    /// Which part of the reader reads `normalized`, in words, for
    /// `keel explain` (a staged reader says which stage); `None` when the
    /// reader is all one piece.
    fn which_reads(&self, _normalized: &str) -> Option<String> {
        None
    }

    /// Reads an analysed message from someone in `role`, unless the reader
    /// stands down (see [`stands_down`]), without the words the phrases
    /// discounted (see [`super::reader_text`]).
    fn reading(&self, role: Role, analysis: &Analysis) -> Reading {
        if let Some(why) = stands_down(role, analysis) {
            return Reading::NotRead(NotRead::StandsDown(why));
        }
        let text = super::mask::reader_text(analysis);
        if !text.chars().any(char::is_alphanumeric) {
            return Reading::NotRead(NotRead::StandsDown(super::NOTHING_LEFT));
        }
        match self.probability(&text) {
            Ok(p) => Reading::Read(p),
            Err(e) => Reading::NotRead(NotRead::Failed(e)),
        }
    }

    /// Reads a customer's analysed message, as [`Reader::reading`] does, and
    /// blends the reading into it (see [`Blend::apply`]); for judging a
    /// message on its own (`keel explain`, `keel eval`).
    fn blend_reading(&self, analysis: &mut Analysis, hostile_threshold: f32) -> Reading {
        let reading = self.reading(Role::Customer, analysis);
        if let Reading::Read(p) = reading {
            self.blend().apply(analysis, p, hostile_threshold);
        }
        reading
    }
}

impl Reading {
    /// The reading of a message from staff or a moderator: never taken.
    pub const TEAM: Reading = Reading::NotRead(NotRead::StandsDown(super::TEAM_NEVER_READ));
}
