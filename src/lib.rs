//! keel keeps support conversations on an even keel.
//!
//! The crate is split one way: [`core`] is a pure, synchronous engine (no
//! Discord types, no clocks, no I/O) that turns messages into decisions;
//! [`pack`] and [`config`] load and validate what a server owner edits;
//! [`store`] is keel's durable memory in SQLite; [`cli`] holds the `check`,
//! `replay`, `explain` and `report` commands built on them, and [`bot`] is
//! the thin serenity shell that runs the engine live.
#![warn(missing_docs)]

pub mod bot;
pub mod cli;
pub mod config;
pub mod core;
pub mod diagnostics;
pub mod pack;
pub mod reader;
pub mod store;
