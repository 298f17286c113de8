//! Servers' settings made from Discord (`/keel setup`), kept in memory for
//! every handler and in the database so they survive a restart.

use crate::config::GuildSettings;
use dashmap::DashMap;

/// Every server's settings from Discord.
#[derive(Debug, Default)]
pub struct Settings {
    by_guild: DashMap<u64, GuildSettings>,
}

impl Settings {
    /// A server's settings (empty when none were made).
    pub fn of(&self, guild: u64) -> GuildSettings {
        self.by_guild.get(&guild).map(|s| s.clone()).unwrap_or_default()
    }

    /// Replaces a server's settings (empty: forgets them).
    pub fn set(&self, guild: u64, settings: GuildSettings) {
        if settings.is_empty() {
            self.by_guild.remove(&guild);
        } else {
            self.by_guild.insert(guild, settings);
        }
    }

    /// The servers with settings.
    pub fn guilds(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.by_guild.iter().map(|e| *e.key()).collect();
        ids.sort_unstable();
        ids
    }
}
