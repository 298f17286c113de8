//! What the shell's unit tests share: a guild, and an engine and shared
//! state from the bundled bot.toml and phrase pack.

use crate::bot::shared::Shared;
use crate::config::{load_all, GuildActions, GuildConfig, Loaded};
use crate::core::engine::Engine;
use std::path::Path;
use std::sync::Arc;

/// Guild 1: moderator channel 2, moderator role 10, staff role 20, watching channel 3.
pub fn guild() -> GuildConfig {
    GuildConfig {
        id: 1,
        moderator_channel: 2,
        moderator_roles: vec![10],
        staff_roles: vec![20],
        watch_channels: vec![3],
        watch_categories: vec![],
        actions: GuildActions::default(),
    }
}

fn bundled() -> Loaded {
    load_all(Some(&Path::new(env!("CARGO_MANIFEST_DIR")).join("bot.toml"))).expect("bundled bot.toml")
}

/// An engine with the bundled configuration and phrase pack.
pub fn engine() -> Engine {
    let loaded = bundled();
    Engine::new(Arc::new(loaded.analyzer), &loaded.config.engine)
}

/// Shared state with the bundled configuration, without a database.
pub fn shared() -> Shared {
    let loaded = bundled();
    let engine = Engine::new(Arc::new(loaded.analyzer), &loaded.config.engine);
    Shared::new(None, loaded.config, engine)
}
