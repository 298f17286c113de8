//! The stable held-out split: which labeled rows keel is measured on and
//! which a training script may fit on, decided by the row's `id` alone so
//! that every tool (Rust or Python) draws the same line.
//!
//! The rule, also written out in `docs/evasion.md`: hash the id's UTF-8
//! bytes with 64-bit FNV-1a; the row is held out when the hash `% 100` is
//! below [`HELD_OUT_PERCENT`]. A row without an id is a fit row.

use std::fmt;
use std::str::FromStr;

/// Share of ids, in percent, that are held out.
pub const HELD_OUT_PERCENT: u64 = 15;

/// 64-bit FNV-1a over `bytes` (offset basis `0xcbf29ce484222325`, prime
/// `0x100000001b3`, xor then multiply, wrapping).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// True when the row with this id is in the held-out share.
pub fn is_held_out(id: &str) -> bool {
    fnv1a64(id.as_bytes()) % 100 < HELD_OUT_PERCENT
}

/// Which rows of a labeled file to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Split {
    /// Every row.
    #[default]
    All,
    /// Rows whose id [`is_held_out`]: what keel is measured on.
    HeldOut,
    /// The rest, and rows without an id: what may be fitted.
    Fit,
}

impl Split {
    /// True when a row with this id (or none) belongs to the split.
    pub fn contains(self, id: Option<&str>) -> bool {
        let held_out = id.is_some_and(is_held_out);
        match self {
            Split::All => true,
            Split::HeldOut => held_out,
            Split::Fit => !held_out,
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Split::All => "all",
            Split::HeldOut => "held-out",
            Split::Fit => "fit",
        })
    }
}

/// A split name that is not `all`, `held-out` or `fit`.
#[derive(Debug, thiserror::Error)]
#[error("unknown split {0:?}: expected all, held-out or fit")]
pub struct UnknownSplit(String);

impl FromStr for Split {
    type Err = UnknownSplit;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(Split::All),
            "held-out" => Ok(Split::HeldOut),
            "fit" => Ok(Split::Fit),
            _ => Err(UnknownSplit(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fnv1a64, is_held_out, Split};
    use crate::testing::{check, Case};

    #[test]
    fn fnv1a64_matches_the_published_vectors() {
        let cases = [
            Case { name: "empty", input: "", expected: 0xcbf2_9ce4_8422_2325 },
            Case { name: "a", input: "a", expected: 0xaf63_dc4c_8601_ec8c },
            Case { name: "foobar", input: "foobar", expected: 0x8594_4171_f739_67e8 },
        ];
        check("fnv1a64", &cases, |s| fnv1a64(s.as_bytes()));
    }

    #[test]
    fn about_fifteen_percent_are_held_out_and_the_rest_fit() {
        let ids: Vec<String> = (0..10_000).map(|i| format!("row-{i}")).collect();
        let held = ids.iter().filter(|id| is_held_out(id)).count();
        assert!((1_300..1_700).contains(&held), "{held}");
        for id in &ids {
            assert_ne!(Split::HeldOut.contains(Some(id)), Split::Fit.contains(Some(id)), "{id}");
            assert!(Split::All.contains(Some(id)));
        }
        assert!(Split::Fit.contains(None) && !Split::HeldOut.contains(None));
    }
}
