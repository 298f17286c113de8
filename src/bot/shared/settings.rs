//! Servers' settings made from Discord (`/keel setup`), kept in memory for
//! every handler and in the database so they survive a restart.

use crate::config::{guild_problems, GuildConfig, GuildSettings};
use dashmap::DashMap;

/// A server's configuration as `/keel setup` and `/keel status` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Setup {
    /// Its `[[guild]]` block of bot.toml, if any.
    pub base: Option<GuildConfig>,
    /// What was set from Discord.
    pub settings: GuildSettings,
    /// The two together, watch-only applied.
    pub in_force: GuildConfig,
    /// What keeps keel from acting here, as (key, message); empty: it acts.
    pub problems: Vec<(&'static str, String)>,
}

impl Setup {
    /// The setup of server `guild` from its bot.toml block and its settings.
    pub fn new(guild: u64, base: Option<GuildConfig>, settings: GuildSettings) -> Setup {
        let mut in_force = settings.apply(guild, base.as_ref());
        in_force.actions = in_force.actions.in_force();
        let problems = guild_problems(&in_force);
        Setup { base, settings, in_force, problems }
    }

    /// Every key with its value and where it comes from, one per line, then
    /// what keeps keel from acting, if anything.
    pub fn describe(&self) -> String {
        let mut lines: Vec<String> = self
            .settings
            .explain(self.in_force.id, self.base.as_ref())
            .into_iter()
            .map(|(key, value, source)| format!("- `{key}`: {value} ({})", source.label()))
            .collect();
        if self.problems.is_empty() {
            lines.insert(0, "keel is active in this server with these settings:".to_string());
        } else {
            lines.insert(0, "keel is **not active** in this server yet:".to_string());
            for (i, (key, message)) in self.problems.iter().enumerate() {
                lines.insert(1 + i, format!("- `{key}`: {message}"));
            }
            lines.insert(1 + self.problems.len(), "Settings:".to_string());
        }
        lines.join("\n")
    }
}

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
