//! The live bot: serenity's client around the core engine.
//!
//! Data flows one way: a gateway event is turned into a core
//! [`Message`](crate::core::engine::Message), the engine decides,
//! [`discord::plan`] turns its actions into Discord operations for the
//! server, and [`discord::execute`] carries them out. Nothing here decides
//! *whether* a conversation is heating up; that is the core's job.
//!
//! ```text
//! launch ──> message ─┐
//!        ──> buttons ─┼──> shared ──> discord
//!        ──> commands ┤
//!        ──> tasks ───┘
//! ```
//!
//! Each folder may import only those to its right (and the crate's
//! `config`, `core` and `store`). `tools/module_cycles.py` checks that no two modules or
//! folders import each other and that the shell never imports the CLI.

pub mod buttons;
pub mod commands;
pub mod discord;
pub mod launch;
pub mod message;
pub mod shared;
pub mod tasks;
#[cfg(test)]
mod testing;

pub use launch::{run, BotError};
