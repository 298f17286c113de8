//! Background tasks of the running bot, one file each: [`sweeper`] (choice
//! buttons that expire, follow-ups that fall due), [`reload`] (bot.toml and
//! the phrase pack picked up without a restart) and [`purge`] (what the
//! retention no longer keeps).
//!
//! May import: [`shared`](crate::bot::shared) and
//! [`discord`](crate::bot::discord); never the message path, the buttons,
//! the commands or the launch.

pub mod purge;
pub mod reload;
pub mod sweeper;
