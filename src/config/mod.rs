//! `bot.toml`: the server owner's settings, typed and validated.
//!
//! Every section has documented defaults, so an empty file is a working
//! configuration. Loading collects every problem with file, line and key
//! (unknown keys included: a typo is an error, not a silently ignored
//! setting), and [`load_all`] loads the phrase pack it names as well, so
//! `keel check`, `keel replay` and the bot all validate the same way.
//!
//! May import: `core` (the settings types it fills), `pack` (to load the
//! pack it names), `reader` (to load the context reader it names) and
//! `diagnostics`; never `store`, `bot` or `cli`.

use crate::core::engine::EngineConfig;
use crate::core::escalation::EscalationConfig;
use crate::core::pack::Pack;
use crate::core::policy::{BoundaryConfig, ChoicesConfig, NudgeConfig, PolicyConfig};
use crate::core::score::Analyzer;
use crate::diagnostics::{Problem, SourceFile};
use crate::pack::load_dir;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

mod context;
mod forecast;
mod overrides;
mod storage;
pub use context::{ContextConfig, RawContext, ReaderKind, ReaderState};
pub use forecast::{builtin as forecast_builtin, parse_model, ForecastConfig, Forecaster, RawForecast};
pub use overrides::{guild_problems, ActionSettings, GuildSettings, GuildSetup, Mentions, Source, ACTION_NAMES};
pub use storage::{RawStorage, StorageConfig, MAX_EXCERPT_CHARS};

/// Longest timeout Discord accepts: 28 days.
pub const MAX_TIMEOUT_SECS: u64 = 28 * 24 * 3600;

/// How keel connects to Discord (`[discord]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// The environment variable that holds the bot token (never the token itself).
    pub token_env: String,
    /// Send REST calls here instead of Discord (an HTTP proxy such as
    /// twilight-http-proxy, or a test server): `http://host:port`.
    pub api_base: Option<String>,
    /// How often bot.toml and the phrase pack are checked for changes, in seconds.
    pub reload_interval_secs: u64,
    /// Where `/keel` is registered: `global` (every server, the default) or
    /// `guild` (each configured server, instantly; handy while testing).
    pub commands: CommandScope,
}

/// Where slash commands are registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandScope {
    /// Globally, for every server the bot is in.
    #[default]
    Global,
    /// In each configured guild.
    Guild,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token_env: "DISCORD_TOKEN".into(),
            api_base: None,
            reload_interval_secs: 5,
            commands: CommandScope::Global,
        }
    }
}

/// Follow-ups after a resolution or a choice (`[followups]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpConfig {
    /// Ask customers whether things are resolved at all.
    pub enabled: bool,
    /// How long after a resolution or a choice keel asks, in seconds.
    pub delay_secs: u64,
    /// Ask by direct message instead of in the channel (the channel when DMs are closed).
    pub dm: bool,
}

impl Default for FollowUpConfig {
    fn default() -> Self {
        FollowUpConfig { enabled: true, delay_secs: 24 * 3600, dm: false }
    }
}

/// Which automatic actions keel takes in a guild.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GuildActions {
    /// Nudge moderators in the moderator channel.
    pub nudges: bool,
    /// Reply to abuse with the tier-1 boundary message (and the tier-2 and -3 texts).
    pub boundary_messages: bool,
    /// Time members out at tier 2.
    pub timeouts: bool,
    /// Call the moderator roles at tier 3.
    pub escalate: bool,
    /// Delete messages in severe categories (threats, slurs).
    pub delete_severe: bool,
    /// Offer customers choice buttons when the engine suggests it.
    pub choices: bool,
    /// Watch-only: keel nudges moderators and does nothing else on its own
    /// (no boundary replies, choices, follow-ups or deletions, no timeouts,
    /// no escalation pings); the other switches are ignored while it is on.
    pub watch_only: bool,
}

impl GuildActions {
    /// The switches in force: all but `nudges` off in watch-only mode.
    pub fn in_force(&self) -> GuildActions {
        if !self.watch_only {
            return self.clone();
        }
        GuildActions {
            nudges: self.nudges,
            boundary_messages: false,
            timeouts: false,
            escalate: false,
            delete_severe: false,
            choices: false,
            watch_only: true,
        }
    }

    /// The switch called `name` (as in bot.toml), if there is one.
    pub fn switch(&self, name: &str) -> Option<bool> {
        Some(match name {
            "nudges" => self.nudges,
            "boundary_messages" => self.boundary_messages,
            "timeouts" => self.timeouts,
            "escalate" => self.escalate,
            "delete_severe" => self.delete_severe,
            "choices" => self.choices,
            "watch_only" => self.watch_only,
            _ => return None,
        })
    }
}

impl Default for GuildActions {
    fn default() -> Self {
        GuildActions {
            nudges: true,
            boundary_messages: true,
            timeouts: true,
            escalate: true,
            delete_severe: false,
            choices: true,
            watch_only: false,
        }
    }
}

/// One Discord server keel works in (`[[guild]]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuildConfig {
    /// The server's ID.
    pub id: u64,
    /// Where moderators get nudges and escalations.
    pub moderator_channel: u64,
    /// Members with any of these roles are moderators: never judged as customers, never timed out, called at tier 3.
    #[serde(default)]
    pub moderator_roles: Vec<u64>,
    /// Members with any of these roles are support staff: never judged as customers, never timed out.
    #[serde(default)]
    pub staff_roles: Vec<u64>,
    /// Channels keel watches (threads and forum posts under them too).
    #[serde(default)]
    pub watch_channels: Vec<u64>,
    /// Categories keel watches: every channel in them, and their threads.
    #[serde(default)]
    pub watch_categories: Vec<u64>,
    /// Which automatic actions are on.
    #[serde(default)]
    pub actions: GuildActions,
}

impl GuildConfig {
    /// A server with no `[[guild]]` block: nothing watched, no moderator
    /// channel, the default actions (what `/keel setup` starts from).
    pub fn unconfigured(id: u64) -> GuildConfig {
        GuildConfig {
            id,
            moderator_channel: 0,
            moderator_roles: Vec::new(),
            staff_roles: Vec::new(),
            watch_channels: Vec::new(),
            watch_categories: Vec::new(),
            actions: GuildActions::default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    phrases: Option<Spanned<String>>,
    discord: Option<Spanned<DiscordConfig>>,
    followups: Option<Spanned<FollowUpConfig>>,
    #[serde(default)]
    guild: Vec<Spanned<GuildConfig>>,
    escalation: Option<Spanned<EscalationConfig>>,
    nudge: Option<Spanned<NudgeConfig>>,
    choices: Option<Spanned<ChoicesConfig>>,
    boundaries: Option<Spanned<BoundaryConfig>>,
    storage: Option<Spanned<RawStorage>>,
    context: Option<Spanned<RawContext>>,
    forecast: Option<Spanned<RawForecast>>,
}

/// A loaded, validated bot.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The file it was read from (`None`: built-in defaults).
    pub path: Option<PathBuf>,
    /// The phrase pack directory, resolved against bot.toml's directory.
    pub phrases_dir: PathBuf,
    /// Tracker and policy settings.
    pub engine: EngineConfig,
    /// How to reach Discord.
    pub discord: DiscordConfig,
    /// Follow-ups.
    pub followups: FollowUpConfig,
    /// The servers keel works in.
    pub guilds: Vec<GuildConfig>,
    /// Where keel keeps its memory (`[storage]`).
    pub storage: StorageConfig,
    /// The context reader (`[context]`).
    pub context: ContextConfig,
    /// The forecast (`[forecast]`); its model is loaded by [`load_all`]
    /// into [`EngineConfig::forecaster`].
    pub forecast: ForecastConfig,
    /// The heads-up level of the loaded forecaster (set by [`load_all`]).
    pub forecast_level: Option<f32>,
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// bot.toml or the phrase pack has problems; every one is listed.
    #[error("{} problem(s) in the configuration:\n{}", .0.len(), crate::diagnostics::render(.0))]
    Invalid(Vec<Problem>),
}

impl ConfigError {
    /// The problems found.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Invalid(p) => p,
        }
    }
}

impl Config {
    /// Built-in defaults with the phrase pack in `phrases_dir`.
    pub fn defaults(phrases_dir: PathBuf) -> Config {
        Config {
            path: None,
            phrases_dir,
            engine: EngineConfig::default(),
            discord: DiscordConfig::default(),
            followups: FollowUpConfig::default(),
            guilds: Vec::new(),
            storage: StorageConfig::default(),
            context: ContextConfig::default(),
            forecast: ForecastConfig::default(),
            forecast_level: None,
        }
    }

    /// Reads `path` if given, else `./bot.toml` if it exists, else the defaults.
    pub fn load_or_default(path: Option<&Path>) -> Result<Config, ConfigError> {
        match chosen_config(path) {
            Some(p) => Config::load(&p),
            None => Ok(Config::defaults(default_phrases_dir(None))),
        }
    }

    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let message = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => format!("cannot read: {e}"),
            };
            ConfigError::Invalid(vec![Problem::file(path, message)])
        })?;
        Config::parse(path, &text)
    }

    /// Validates bot.toml text read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let src = SourceFile::new(path, text);
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Invalid(vec![src.toml_problem(&e)]))?;
        let mut problems = Vec::new();
        let base = path.parent().unwrap_or(Path::new("."));
        let phrases_dir = match &raw.phrases {
            Some(p) if p.get_ref().trim().is_empty() => {
                problems.push(src.key_problem("phrases", Some(p.span()), "must name a directory"));
                default_phrases_dir(Some(path))
            }
            Some(p) => base.join(p.get_ref()),
            None => default_phrases_dir(Some(path)),
        };
        let escalation = raw.escalation.map(|e| {
            check_escalation(&src, &e, &mut problems);
            e.into_inner()
        });
        let nudge = raw.nudge.map(Spanned::into_inner).unwrap_or_default();
        let choices = raw.choices.map(Spanned::into_inner).unwrap_or_default();
        let boundaries = raw.boundaries.map(|b| {
            check_boundaries(&src, &b, &mut problems);
            b.into_inner()
        });
        let discord = raw.discord.map(|d| {
            check_discord(&src, &d, &mut problems);
            d.into_inner()
        });
        check_guilds(&src, &raw.guild, &mut problems);
        let storage = raw.storage.map(|s| {
            storage::check(&src, &s, &mut problems);
            s.into_inner()
        });
        let context = raw.context.map(|c| {
            context::check(&src, &c, &mut problems);
            c.into_inner()
        });
        let forecast = raw.forecast.map(|f| {
            forecast::check(&src, &f, &mut problems);
            f.into_inner()
        });
        if !problems.is_empty() {
            return Err(ConfigError::Invalid(problems));
        }
        Ok(Config {
            path: Some(path.to_path_buf()),
            phrases_dir,
            discord: discord.unwrap_or_default(),
            followups: raw.followups.map(Spanned::into_inner).unwrap_or_default(),
            guilds: raw.guild.into_iter().map(Spanned::into_inner).collect(),
            storage: StorageConfig::resolve(storage.unwrap_or_default(), base),
            context: ContextConfig::resolve(context.unwrap_or_default(), base),
            forecast: ForecastConfig::resolve(forecast.unwrap_or_default(), base),
            forecast_level: None,
            engine: EngineConfig {
                escalation: escalation.unwrap_or_default(),
                policy: PolicyConfig { nudge, choices, boundaries: boundaries.unwrap_or_default() },
                forecaster: None,
            },
        })
    }
}

fn check_escalation(src: &SourceFile<'_>, e: &Spanned<EscalationConfig>, out: &mut Vec<Problem>) {
    let c = e.get_ref();
    let mut bad = |key: &str, msg: String| out.push(src.key_problem(&format!("escalation.{key}"), Some(e.span()), msg));
    for (key, v) in [("half_life_secs", c.half_life_secs), ("rate_half_life_secs", c.rate_half_life_secs)] {
        if !(v > 0.0 && v.is_finite()) {
            bad(key, format!("must be a number of seconds above 0, found {v}"));
        }
    }
    let levels = [("tense_at", c.tense_at), ("heated_at", c.heated_at), ("abusive_at", c.abusive_at)];
    let mut in_range = true;
    for (key, v) in levels {
        if !(v > 0.0 && v <= 1.0) {
            bad(key, format!("must be a number above 0 and at most 1, found {v}"));
            in_range = false;
        }
    }
    // One key against another only once each is in range on its own.
    if in_range {
        for pair in levels.windows(2) {
            let ((below, low), (key, v)) = (pair[0], pair[1]);
            if v <= low {
                bad(key, format!("levels must rise (tense_at < heated_at < abusive_at): must be above {below} = {low}, found {v}"));
            }
        }
    }
    if !(0.0..c.tense_at).contains(&c.hysteresis) {
        bad("hysteresis", format!("must be at least 0 and below tense_at ({}), found {}", c.tense_at, c.hysteresis));
    }
    if !(0.0..=1.0).contains(&c.staff_cooling) {
        bad("staff_cooling", format!("must be between 0 and 1, found {}", c.staff_cooling));
    }
    if c.max_conversations == 0 {
        bad("max_conversations", "must be at least 1".into());
    }
    if c.idle_ttl_secs == 0 {
        bad("idle_ttl_secs", "must be at least 1 second".into());
    }
}

fn check_discord(src: &SourceFile<'_>, d: &Spanned<DiscordConfig>, out: &mut Vec<Problem>) {
    let c = d.get_ref();
    let mut bad = |key: &str, msg: String| out.push(src.key_problem(&format!("discord.{key}"), Some(d.span()), msg));
    let env_ok = !c.token_env.is_empty() && c.token_env.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if !env_ok {
        bad("token_env", format!("must name an environment variable (letters, digits, `_`), found {:?}", c.token_env));
    }
    if let Some(base) = &c.api_base {
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            bad("api_base", format!("must start with http:// or https://, found {base:?}"));
        }
    }
    if c.reload_interval_secs == 0 {
        bad("reload_interval_secs", "must be at least 1 second".into());
    }
}

fn check_guilds(src: &SourceFile<'_>, guilds: &[Spanned<GuildConfig>], out: &mut Vec<Problem>) {
    for (i, g) in guilds.iter().enumerate() {
        let c = g.get_ref();
        let mut bad =
            |key: &str, msg: String| out.push(src.key_problem(&format!("guild.{i}.{key}"), Some(g.span()), msg));
        if guilds[..i].iter().any(|o| o.get_ref().id == c.id) {
            bad("id", format!("guild {} is configured twice", c.id));
        }
        for (k, message) in guild_problems(c) {
            bad(k, message);
        }
    }
}

fn check_boundaries(src: &SourceFile<'_>, b: &Spanned<BoundaryConfig>, out: &mut Vec<Problem>) {
    let c = b.get_ref();
    let mut bad = |key: &str, msg: String| out.push(src.key_problem(&format!("boundaries.{key}"), Some(b.span()), msg));
    if !(1..=MAX_TIMEOUT_SECS).contains(&c.timeout_secs) {
        bad(
            "timeout_secs",
            format!("must be between 1 and {MAX_TIMEOUT_SECS} seconds (28 days), found {}", c.timeout_secs),
        );
    }
    if c.tier1_strikes == 0 {
        bad("tier1_strikes", "must be at least 1".into());
    }
    let tiers =
        [("tier1_strikes", c.tier1_strikes), ("tier2_strikes", c.tier2_strikes), ("tier3_strikes", c.tier3_strikes)];
    for pair in tiers.windows(2) {
        let ((below, low), (key, v)) = (pair[0], pair[1]);
        if v < low {
            bad(key, format!("strikes must not fall from tier to tier: must be at least {below} = {low}, found {v}"));
        }
    }
}

/// bot.toml (or the defaults), its phrase pack, and the analyzer compiled from it.
#[derive(Debug)]
pub struct Loaded {
    /// The configuration.
    pub config: Config,
    /// The compiled pack.
    pub analyzer: Analyzer,
}

/// The bot.toml to read: `given`, else `./bot.toml` if it exists, else none
/// (the built-in defaults).
fn chosen_config(given: Option<&Path>) -> Option<PathBuf> {
    match given {
        Some(p) => Some(p.to_path_buf()),
        None if Path::new("bot.toml").is_file() => Some(PathBuf::from("bot.toml")),
        None => None,
    }
}

/// Where the phrase pack is when bot.toml does not say: `phrases/` beside
/// the bot.toml read, or in the current directory without one.
fn default_phrases_dir(config: Option<&Path>) -> PathBuf {
    match config {
        Some(p) => p.parent().unwrap_or(Path::new(".")).join("phrases"),
        None => PathBuf::from("phrases"),
    }
}

/// Loads `config_path` if given (or `bot.toml` if it exists in the current
/// directory, else the defaults with `phrases/`), then its phrase pack,
/// and compiles it. Every problem found in any file is returned.
pub fn load_all(config_path: Option<&Path>) -> Result<Loaded, ConfigError> {
    let path = chosen_config(config_path);
    let mut problems = Vec::new();
    let mut config = match &path {
        // Without the file there is no telling where its phrases are.
        Some(p) if !p.exists() => return Err(ConfigError::Invalid(vec![Problem::file(p, "no such file")])),
        // A broken bot.toml does not stop the pack from being checked too.
        Some(p) => Config::load(p).map_err(|e| problems.extend_from_slice(e.problems())).ok(),
        None => Some(Config::defaults(default_phrases_dir(None))),
    };
    if let Some(c) = config.as_mut() {
        match c.forecast.load() {
            Ok(f) => {
                c.forecast_level = f.as_ref().map(|f| f.level);
                c.engine.forecaster = f.map(|f| f.model);
            }
            Err(p) => problems.push(p),
        }
    }
    let phrases_dir = match &config {
        Some(c) => c.phrases_dir.clone(),
        None => default_phrases_dir(path.as_deref()),
    };
    let pack: Option<Pack> = match &path {
        Some(p) if !phrases_dir.exists() => {
            problems.push(missing_phrases(p, &phrases_dir));
            None
        }
        _ => load_dir(&phrases_dir).map_err(|e| problems.extend_from_slice(e.problems())).ok(),
    };
    let analyzer = pack.and_then(|pack| {
        Analyzer::new(pack).map_err(|e| problems.push(Problem::file(&phrases_dir, e.to_string()))).ok()
    });
    match (config, analyzer) {
        (Some(config), Some(analyzer)) if problems.is_empty() => Ok(Loaded { config, analyzer }),
        _ => Err(ConfigError::Invalid(problems)),
    }
}

/// A phrases directory that is not there, at `phrases =` in bot.toml (or
/// at the file, when the key is not written and the default was used).
fn missing_phrases(config: &Path, dir: &Path) -> Problem {
    let mut p = key_problem(config, "phrases", format!("no such directory: {}", dir.display()));
    p.message += if p.line > 0 {
        " (the path is relative to this file's directory)"
    } else {
        " (the default, beside this file; set `phrases = \"...\"` to use another)"
    };
    p
}

/// A problem about `key` (`context.required`) of the bot.toml at `config`,
/// on the key's line when it is written: for what is found wrong after
/// loading, such as a required context reader that cannot be loaded.
pub fn key_problem(config: &Path, key: &str, message: impl Into<String>) -> Problem {
    match std::fs::read_to_string(config) {
        Ok(text) => SourceFile::new(config, &text).key_problem(key, None, message),
        Err(_) => Problem::file(config, message),
    }
}
