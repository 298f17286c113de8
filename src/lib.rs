//! keel keeps support conversations on an even keel.
//!
//! The crate is split one way, each module depending only on those listed
//! before it:
//!
//! - [`core`]: a pure, synchronous engine (no Discord types, no clocks, no
//!   I/O) that turns messages into decisions. It owns its data, the compiled
//!   phrase pack ([`core::pack::Pack`]), and receives the context reader's
//!   verdict as plain data ([`core::context::Reading`]); it imports nothing
//!   else of the crate.
//! - [`diagnostics`]: problems with file, line and key, for everything an
//!   owner edits.
//! - [`pack`]: the phrase-file loader (raw TOML, checks, build) that makes a
//!   core pack.
//! - [`reader`]: the context reader's runtime, the sentence model loaded
//!   from its files and run on candle, behind the core's
//!   [`core::context::Reader`] trait.
//! - [`config`]: `bot.toml`, typed and validated, loading the pack and the
//!   reader it names.
//! - [`store`]: keel's durable memory in `SQLite`.
//! - [`cli`]: the `check`, `replay`, `explain`, `eval` and `report`
//!   commands built on them.
//! - [`bot`]: the thin serenity shell that runs the engine live.

// The core is deterministic: its tests compare scores exactly on purpose.
#![cfg_attr(test, allow(clippy::float_cmp))]

pub mod bot;
pub mod cli;
pub mod config;
pub mod core;
pub mod diagnostics;
pub mod pack;
pub mod reader;
pub mod store;
#[cfg(test)]
mod testing;
