//! Units: the buffer every pass reads and rewrites.
//!
//! A unit is one output character in the making plus the original byte range
//! it stands for. This file is the contract between the passes: the unit, its
//! flags, and the few helpers every pass needs to push units and classify
//! their characters. (The join and resolve passes both ask `vocabulary`
//! which letters a character may stand for, so that they agree on it.)

/// One output character in the making, with the original range it stands for.
#[derive(Debug, Clone, Copy)]
pub(super) struct Unit {
    /// The output character.
    pub(super) c: char,
    /// Start of the original byte range.
    pub(super) start: u32,
    /// End (exclusive) of the original byte range.
    pub(super) end: u32,
    /// [`UPPER`], [`VERBATIM`] and [`REMOVED`], or-ed together.
    pub(super) flags: u8,
}

/// The original character was upper case.
pub(super) const UPPER: u8 = 1;
/// Part of a Discord mention: emitted as is, never leet, its own token.
pub(super) const VERBATIM: u8 = 2;
/// Marks a unit for removal by the join pass (`join_spaced`).
pub(super) const REMOVED: u8 = 4;

/// Pushes `c`, standing for `start..end` of the original.
pub(super) fn push(units: &mut Vec<Unit>, c: char, start: usize, end: usize, flags: u8) {
    units.push(Unit { c, start: start as u32, end: end as u32, flags });
}

/// Pushes a space, merging it into a preceding space.
pub(super) fn push_space(units: &mut Vec<Unit>, start: usize, end: usize) {
    match units.last_mut() {
        Some(last) if last.c == ' ' && last.flags & VERBATIM == 0 => last.end = end as u32,
        _ => push(units, ' ', start, end, 0),
    }
}

/// A letter in any script.
pub(super) fn is_letter(c: char) -> bool {
    c.is_alphabetic()
}

/// Characters that belong to a word for joining purposes.
pub(super) fn is_wordish(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '$' | '€' | '@' | '\'' | '*' | '#')
}
