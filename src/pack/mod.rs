//! Phrase packs.
