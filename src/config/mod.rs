//! bot.toml.
