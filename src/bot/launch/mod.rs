//! Starting and stopping the bot: one start ([`run::launch`]) and one
//! shutdown path ([`run::Running::until`]).

pub mod connection;
pub mod run;
pub mod signals;

pub use run::{launch, run, BotError, Running};
