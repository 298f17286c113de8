//! The phrase-pack loader: phrase files in, a validated [`Pack`] out.
//!
//! A pack is every `*.toml` file of a directory merged into one
//! [`Pack`], the core's compiled form. [`load_dir`] reads and checks
//! everything, collecting every [`Problem`](crate::diagnostics::Problem)
//! with file, line and key instead of stopping at the first; a pack that
//! loads is internally consistent (categories exist, regexes compile,
//! templates only use known placeholders), so the engine never has to check
//! again. `raw` is the raw shape of a file as written, with source spans;
//! `load` checks it and builds the pack through [`Pack::new`].
//! The file format is documented for owners in `docs/phrase-packs.md`.
//!
//! May import: `crate::core` (the pack's types, templates, levels and the
//! normalizer), `crate::diagnostics`, the standard library's file reading,
//! serde and toml. The core never imports this module.
//!
//! [`Pack`]: crate::core::pack::Pack
//! [`Pack::new`]: crate::core::pack::Pack::new

mod load;
mod raw;

pub use load::{load_dir, load_files, PackError};

#[cfg(test)]
pub(crate) mod tests;
