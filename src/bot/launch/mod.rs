//! Starting and stopping the bot: one start ([`run::launch`]) and one
//! shutdown path ([`run::Running::until`]).
//!
//! What lives here: [`run`](mod@run) (configuration, token, client, background
//! tasks, what is restored after a restart, the one way the bot stops),
//! [`events`] (serenity's event handler, handing each event on),
//! [`signals`] (Ctrl-C and SIGTERM) and [`connection`] (saying once why
//! Discord cannot be reached).
//!
//! May import everything else in the shell: it is the top.

pub mod connection;
pub mod events;
pub mod run;
pub mod signals;

pub use run::{launch, run, BotError, Running};
