//! The live bot: serenity's client around the core engine.
//!
//! Data flows one way: a gateway event is turned into a core
//! [`Message`](crate::core::engine::Message), the engine decides,
//! [`discord::plan`] turns its actions into Discord operations for the
//! server, and [`discord::execute`] carries them out. Nothing here decides
//! *whether* a conversation is heating up; that is the core's job.

pub mod buttons;
pub mod commands;
pub mod discord;
pub mod launch;
pub mod message;
pub mod shared;
pub mod tasks;

pub use launch::{run, BotError};
