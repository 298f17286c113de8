//! The command-line commands: `check`, `replay`, `explain`, `eval` and `report`.
//!
//! Each command is a function from its inputs (readers, writers, a
//! configuration path) to an exit status, so tests can run it in-process as
//! well as through the binary.
//!
//! May import: everything below it (`core`, `pack`, `config`, `store`,
//! `reader`, `diagnostics`); never `bot`.

pub mod check;
pub mod eval;
pub mod explain;
pub mod ids;
pub mod replay;
pub mod report;

/// Rounds to three decimals for stable, readable output.
pub fn round3(x: f32) -> f64 {
    (f64::from(x) * 1000.0).round() / 1000.0
}
