//! Settings a server's owners make from Discord (`/keel setup`), laid over
//! the server's `[[guild]]` block of bot.toml.
//!
//! Each key set from Discord replaces the same key of bot.toml for that
//! server (lists whole: a watch list set from Discord is the list); a key
//! not set keeps bot.toml's value, or the default when bot.toml has no
//! block for the server. The result is checked with the same rules and
//! messages as a `[[guild]]` block ([`guild_problems`]); keel acts in a
//! server only once its settings pass them.

use crate::config::{GuildActions, GuildConfig};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The keys of a `[[guild]]` block set from Discord; `None`: not set here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuildSettings {
    /// Where moderators get nudges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderator_channel: Option<u64>,
    /// Moderator roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderator_roles: Option<Vec<u64>>,
    /// Support staff roles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff_roles: Option<Vec<u64>>,
    /// Channels watched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch_channels: Option<Vec<u64>>,
    /// Categories watched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch_categories: Option<Vec<u64>>,
    /// The automatic actions switched from Discord.
    #[serde(skip_serializing_if = "ActionSettings::is_empty")]
    pub actions: ActionSettings,
}

/// The `[guild.actions]` switches set from Discord; `None`: not set here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ActionSettings {
    /// `nudges`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nudges: Option<bool>,
    /// `boundary_messages`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary_messages: Option<bool>,
    /// `timeouts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<bool>,
    /// `escalate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub escalate: Option<bool>,
    /// `delete_severe`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_severe: Option<bool>,
    /// `choices`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<bool>,
    /// `watch_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch_only: Option<bool>,
}

/// The switches by their bot.toml names, in the order they are shown.
pub const ACTION_NAMES: [&str; 7] =
    ["watch_only", "nudges", "boundary_messages", "timeouts", "escalate", "delete_severe", "choices"];

impl ActionSettings {
    /// Nothing set from Discord.
    pub fn is_empty(&self) -> bool {
        *self == ActionSettings::default()
    }

    /// Whether the switch called `name` is set here, and to what (`None`: not a switch).
    pub fn get(&self, name: &str) -> Option<Option<bool>> {
        let mut copy = *self;
        copy.get_mut(name).map(|v| *v)
    }

    /// The switch called `name` (one of [`ACTION_NAMES`]).
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Option<bool>> {
        Some(match name {
            "nudges" => &mut self.nudges,
            "boundary_messages" => &mut self.boundary_messages,
            "timeouts" => &mut self.timeouts,
            "escalate" => &mut self.escalate,
            "delete_severe" => &mut self.delete_severe,
            "choices" => &mut self.choices,
            "watch_only" => &mut self.watch_only,
            _ => return None,
        })
    }

    fn apply(self, to: &mut GuildActions) {
        let pairs = [
            (self.nudges, &mut to.nudges),
            (self.boundary_messages, &mut to.boundary_messages),
            (self.timeouts, &mut to.timeouts),
            (self.escalate, &mut to.escalate),
            (self.delete_severe, &mut to.delete_severe),
            (self.choices, &mut to.choices),
            (self.watch_only, &mut to.watch_only),
        ];
        for (set, value) in pairs {
            if let Some(v) = set {
                *value = v;
            }
        }
    }
}

/// How channels and roles are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mentions {
    /// As Discord mentions (`<#123>`, `<@&456>`), for messages in Discord.
    Discord,
    /// As bare IDs, for a terminal.
    Ids,
}

/// Where a setting's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Set from Discord with `/keel setup`.
    Discord,
    /// The server's `[[guild]]` block of bot.toml.
    BotToml,
    /// Neither: keel's default.
    Default,
}

impl Source {
    /// How it is shown: `set in Discord`, `bot.toml`, `default`.
    pub fn label(self) -> &'static str {
        match self {
            Source::Discord => "set in Discord",
            Source::BotToml => "bot.toml",
            Source::Default => "default",
        }
    }
}

impl GuildSettings {
    /// The settings stored as JSON; the error names the key and what is wrong.
    pub fn from_json(json: &str) -> Result<GuildSettings, String> {
        serde_json::from_str(json).map_err(|e| format!("stored settings are not valid: {e}"))
    }

    /// The settings as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_string())
    }

    /// Nothing set from Discord.
    pub fn is_empty(&self) -> bool {
        *self == GuildSettings::default()
    }

    /// The server's configuration in force: `base` (its bot.toml block, if
    /// any, else the defaults) with the keys set here laid over it.
    pub fn apply(&self, guild: u64, base: Option<&GuildConfig>) -> GuildConfig {
        let mut g = base.cloned().unwrap_or_else(|| GuildConfig::unconfigured(guild));
        if let Some(c) = self.moderator_channel {
            g.moderator_channel = c;
        }
        for (set, list) in [
            (&self.moderator_roles, &mut g.moderator_roles),
            (&self.staff_roles, &mut g.staff_roles),
            (&self.watch_channels, &mut g.watch_channels),
            (&self.watch_categories, &mut g.watch_categories),
        ] {
            if let Some(v) = set {
                list.clone_from(v);
            }
        }
        self.actions.apply(&mut g.actions);
        g
    }

    /// Every key of the configuration in force with its value (as text,
    /// mentions for channels and roles; a switch that watch-only turns off
    /// says so) and where it comes from.
    pub fn explain(
        &self,
        guild: u64,
        base: Option<&GuildConfig>,
        style: Mentions,
    ) -> Vec<(&'static str, String, Source)> {
        let g = self.apply(guild, base);
        let from = |set: bool| match (set, base) {
            (true, _) => Source::Discord,
            (false, Some(_)) => Source::BotToml,
            (false, None) => Source::Default,
        };
        let (channel, role) = match style {
            Mentions::Discord => (("<#", ">"), ("<@&", ">")),
            Mentions::Ids => (("", ""), ("", "")),
        };
        let channels = |ids: &[u64]| mentions(ids, channel.0, channel.1);
        let roles = |ids: &[u64]| mentions(ids, role.0, role.1);
        let mut out = vec![
            (
                "moderator_channel",
                if g.moderator_channel == 0 { "not set".to_string() } else { channels(&[g.moderator_channel]) },
                from(self.moderator_channel.is_some()),
            ),
            ("moderator_roles", roles(&g.moderator_roles), from(self.moderator_roles.is_some())),
            ("staff_roles", roles(&g.staff_roles), from(self.staff_roles.is_some())),
            ("watch_channels", channels(&g.watch_channels), from(self.watch_channels.is_some())),
            ("watch_categories", channels(&g.watch_categories), from(self.watch_categories.is_some())),
        ];
        let in_force = g.actions.in_force();
        for name in ACTION_NAMES {
            let set = self.actions.get(name).is_some_and(|v| v.is_some());
            let value = match (g.actions.switch(name), in_force.switch(name)) {
                (Some(true), Some(false)) => "off by watch-only",
                (_, Some(true)) => "on",
                _ => "off",
            };
            out.push((name, value.to_string(), from(set)));
        }
        out
    }
}

fn mentions(ids: &[u64], open: &str, close: &str) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    let mut s = String::new();
    for (i, id) in ids.iter().enumerate() {
        let _ = write!(s, "{}{open}{id}{close}", if i == 0 { "" } else { " " });
    }
    s
}

/// A server's configuration as `/keel setup` and `/keel status` show it.
#[derive(Debug, Clone, PartialEq)]
pub struct GuildSetup {
    /// Its `[[guild]]` block of bot.toml, if any.
    pub base: Option<GuildConfig>,
    /// What was set from Discord.
    pub settings: GuildSettings,
    /// The two together, watch-only applied.
    pub in_force: GuildConfig,
    /// What keeps keel from acting here, as (key, message); empty: it acts.
    pub problems: Vec<(&'static str, String)>,
}

impl GuildSetup {
    /// The setup of server `guild` from its bot.toml block and its settings.
    pub fn new(guild: u64, base: Option<GuildConfig>, settings: GuildSettings) -> GuildSetup {
        let mut in_force = settings.apply(guild, base.as_ref());
        in_force.actions = in_force.actions.in_force();
        let problems = guild_problems(&in_force);
        GuildSetup { base, settings, in_force, problems }
    }

    /// Every key with its value and where it comes from, one per line, after
    /// what keeps keel from acting, if anything (Discord's markdown and mentions).
    pub fn describe(&self) -> String {
        let mut lines: Vec<String> = self
            .settings
            .explain(self.in_force.id, self.base.as_ref(), Mentions::Discord)
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

/// What is wrong with a server's configuration, as (key, message): the
/// rules of a `[[guild]]` block, for bot.toml and `/keel setup` alike.
pub fn guild_problems(g: &GuildConfig) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if g.moderator_channel == 0 {
        out.push(("moderator_channel", "must be a channel ID".to_string()));
    }
    if g.watch_channels.is_empty() && g.watch_categories.is_empty() {
        out.push((
            "watch_channels",
            "keel would watch nothing here: list watch_channels or watch_categories".to_string(),
        ));
    }
    out
}

#[cfg(test)]
mod tests;
