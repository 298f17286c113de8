//! Discord's side of the shell, as data and as REST calls.
//!
//! What lives here: [`plan`] turns the engine's actions into [`Step`](plan::Step)s
//! for a server (pure), [`execute`] carries steps out through [`rest`]
//! (rate limits, retries, nonces), [`custom_id`] is the codec of keel's
//! buttons, [`members`] says who a member is to keel from Discord's facts,
//! and [`text`] holds escaping, sparklines, links and Discord's limits.
//!
//! May import: the crate's `config` and `core`, and serenity; nothing of the
//! shell above it (`shared`, `message`, `buttons`, `commands`, `tasks`,
//! `launch`), so every rule here is testable without a running bot.

pub mod custom_id;
pub mod execute;
pub mod members;
pub mod plan;
pub mod rest;
pub mod text;
