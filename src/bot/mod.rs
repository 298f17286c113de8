//! The live bot: serenity's client around the core engine.
//!
//! Data flows one way: a gateway event is turned into a core
//! [`Message`](crate::core::engine::Message), the engine decides, [`plan`]
//! turns its actions into Discord operations for the server, and
//! [`execute`] carries them out. Nothing here decides *whether* a
//! conversation is heating up; that is the core's job.

pub mod chart;
pub mod clock;
pub mod commands;
pub mod components;
pub mod connection;
pub mod execute;
pub mod handler;
pub mod interactions;
pub mod members;
pub mod memory;
pub mod order;
pub mod plan;
pub mod purge;
pub mod reload;
pub mod rest;
pub mod run;
pub mod signals;
pub mod state;
pub mod sweeper;
pub mod sync;
pub mod text;

pub use run::{run, BotError};
