//! Starting the bot: configuration, token, client, reloader.

use crate::bot::commands;
use crate::bot::discord::rest::Rest;
use crate::bot::launch::events::Handler;
use crate::bot::launch::signals::StopSignals;
use crate::bot::shared::db::Memory;
use crate::bot::shared::Shared;
use crate::bot::tasks::reload;
use crate::config::{load_all, CommandScope, Config, ConfigError, ReaderState};
use crate::core::engine::Engine;
use serenity::all::{ClientBuilder, GatewayIntents, GuildId, HttpBuilder, ShardManager};
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Why the bot could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum BotError {
    /// bot.toml or the phrase pack has problems.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The token's environment variable is not set.
    #[error(
        "the environment variable {0} is not set: it must hold the bot token (bot.toml [discord] token_env names it)"
    )]
    MissingToken(String),
    /// Discord refused the token.
    #[error("Discord rejected the token in {0}: check that it is the bot token of your application")]
    TokenRejected(String),
    /// The client failed.
    #[error("Discord client error: {0}")]
    Client(String),
    /// keel's database could not be opened (the message names the file);
    /// a file that is not keel's is never written to.
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    /// The context reader is required (`[context] required = true`) but
    /// could not be loaded; the message names the file.
    #[error("context reader: {0}")]
    Reader(#[from] crate::reader::ContextError),
}

/// The intents keel needs. Message Content is privileged: enable it in the
/// Developer Portal.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::MESSAGE_CONTENT
}

/// A bot that is connecting or connected.
#[derive(Debug)]
pub struct Running {
    /// Shared state (configuration, engine).
    pub shared: Arc<Shared>,
    /// Stops the gateway connections.
    pub shard_manager: Arc<ShardManager>,
    /// The client's task; ends when the bot stops.
    pub task: JoinHandle<Result<(), BotError>>,
    reloader: JoinHandle<()>,
    sweeper: JoinHandle<()>,
    purger: JoinHandle<()>,
}

impl Running {
    /// Stops the bot as [`Running::until`] does when told to stop.
    pub async fn stop(self) {
        let _ = self.finish(None).await;
    }

    /// Runs until the client ends on its own (a fatal error, such as a
    /// rejected token) or `stop` resolves, whatever state the connection is
    /// in; then stops: the gateway connections close (or are dropped after
    /// [`SHARDS_GRACE`]), what is queued for the database is written and the
    /// database is closed.
    pub async fn until(mut self, stop: impl Future<Output = ()>) -> Result<(), BotError> {
        let ended = tokio::select! {
            joined = &mut self.task => Some(joined_result(joined)),
            () = stop => None,
        };
        self.finish(ended).await
    }

    /// The one way a bot stops: background tasks end, the client ends
    /// (unless it already has: `ended`), then the database is closed.
    async fn finish(self, ended: Option<Result<(), BotError>>) -> Result<(), BotError> {
        self.reloader.abort();
        self.sweeper.abort();
        self.purger.abort();
        let result = match ended {
            Some(result) => result,
            None => end_client(&self.shard_manager, self.task).await,
        };
        if let Some(memory) = &self.shared.memory {
            memory.close().await;
        }
        result
    }
}

/// How long stopping waits for the gateway connections to close; serenity
/// waits for a shard that is still connecting or backing off forever.
pub const SHARDS_GRACE: Duration = Duration::from_secs(3);

/// How long stopping waits for the client once its connections are closed.
const CLIENT_GRACE: Duration = Duration::from_secs(1);

/// Closes the gateway connections and ends the client's task, dropping it
/// when it does not end in time.
async fn end_client(shard_manager: &ShardManager, mut task: JoinHandle<Result<(), BotError>>) -> Result<(), BotError> {
    if tokio::time::timeout(SHARDS_GRACE, shard_manager.shutdown_all()).await.is_err() {
        tracing::warn!("the gateway connection did not close within {} s; dropping it", SHARDS_GRACE.as_secs());
    }
    if let Ok(joined) = tokio::time::timeout(CLIENT_GRACE, &mut task).await {
        joined_result(joined)
    } else {
        // Still connecting or backing off: serenity never returns from that on its own.
        task.abort();
        let _ = task.await;
        Ok(())
    }
}

/// The client task's outcome; a panic in it is a client error.
fn joined_result(joined: Result<Result<(), BotError>, tokio::task::JoinError>) -> Result<(), BotError> {
    joined.unwrap_or_else(|e| Err(BotError::Client(e.to_string())))
}

/// Registers `/keel` globally or in each configured guild; failures are logged, not fatal.
async fn register(
    ctx: &serenity::all::Context,
    shared: &Shared,
    commands: &[poise::Command<commands::Data, commands::CommandError>],
) {
    let config = shared.config();
    let result = match config.discord.commands {
        CommandScope::Global => poise::builtins::register_globally(ctx, commands).await.map(|()| 1),
        CommandScope::Guild => {
            let mut n = 0;
            for id in shared.guild_ids() {
                match poise::builtins::register_in_guild(ctx, commands, GuildId::new(id)).await {
                    Ok(()) => n += 1,
                    Err(e) => tracing::error!(guild = id, error = %e, "cannot register /keel"),
                }
            }
            Ok(n)
        }
    };
    match result {
        Ok(n) => tracing::info!(scope = ?config.discord.commands, places = n, "registered /keel"),
        Err(e) => tracing::error!(error = %e, "cannot register /keel"),
    }
}

/// What the owner should know as keel starts, one line each (logged as
/// warnings by [`launch`]): a configuration that is valid but watches nothing.
pub fn startup_warnings(config: &Config) -> Vec<String> {
    let mut lines = Vec::new();
    if config.guilds.is_empty() {
        let file =
            config.path.as_ref().map_or("built-in defaults (no bot.toml)".to_string(), |p| p.display().to_string());
        lines.push(format!(
            "no [[guild]] in {file}: keel watches nothing; add a [[guild]] block with id, moderator_channel and \
             watch_channels (see the commented example in the bundled bot.toml), or run /keel setup in the server \
             (settings made there are kept in keel's database)"
        ));
    }
    lines
}

/// Loads the configuration and connects to Discord (or to `[discord]
/// api_base`), returning at once; the token is passed in, never read from
/// or written to any file.
pub async fn launch(config_path: Option<PathBuf>, token: &str) -> Result<Running, BotError> {
    let loaded = load_all(config_path.as_deref())?;
    for line in startup_warnings(&loaded.config) {
        tracing::warn!("{line}");
    }
    let token_env = loaded.config.discord.token_env.clone();
    let mut http = HttpBuilder::new(token);
    let mut rest = Rest::serenity();
    if let Some(base) = &loaded.config.discord.api_base {
        // serenity only uses a proxy with its own ratelimiter off; then keel's own
        // sender waits out 429s for keel's steps (see bot::discord::rest).
        http = http.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true);
        rest = Rest::proxy(base, token).map_err(|e| BotError::Client(e.to_string()))?;
    }
    let http = http.build();
    let mut engine = Engine::new(Arc::new(loaded.analyzer), &loaded.config.engine);
    match loaded.config.context.load()? {
        ReaderState::On(reader) => {
            tracing::info!(reader = %loaded.config.context.describe(), "context reader on");
            engine.set_reader(Some(reader));
        }
        ReaderState::Disabled => tracing::info!("context reader off ([context] enabled = false)"),
        ReaderState::Unavailable(e) => tracing::warn!("context reader off, judging by phrases alone: {e}"),
        ReaderState::FirstStageOnly { reader, missing } => {
            tracing::warn!("context reader: the first stage reads alone, the transformer is missing: {missing}");
            engine.set_reader(Some(reader));
        }
    }
    // Open the database before connecting: a bad file stops keel here, untouched.
    let memory = Memory::open(&loaded.config.storage.path)?;
    tracing::info!(path = %loaded.config.storage.path.display(), "opened keel's database");
    let shared = Shared::new(config_path, loaded.config, engine).with_memory(memory).with_rest(rest);
    restore(&shared).await;
    let shared = Arc::new(shared);
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::commands(),
            on_error: |error| Box::pin(commands::on_error(error)),
            ..Default::default()
        })
        .initialize_owners(false)
        .setup({
            let shared = shared.clone();
            move |ctx, _ready, framework| {
                Box::pin(async move {
                    register(ctx, &shared, &framework.options().commands).await;
                    Ok(shared)
                })
            }
        })
        .build();
    let mut client = ClientBuilder::new_with_http(http, intents())
        .framework(framework)
        .event_handler(Handler { shared: shared.clone() })
        .await
        .map_err(|e| BotError::Client(e.to_string()))?;
    let shard_manager = client.shard_manager.clone();
    let reloader = tokio::spawn(reload::watch(shared.clone(), client.http.clone()));
    let sweeper = tokio::spawn(crate::bot::tasks::sweeper::watch(shared.clone(), client.http.clone()));
    let purger = tokio::spawn(crate::bot::tasks::purge::purge_daily(shared.clone()));
    let task = tokio::spawn(async move {
        client.start().await.map_err(|e| match e {
            serenity::Error::Gateway(serenity::gateway::GatewayError::InvalidAuthentication) => {
                BotError::TokenRejected(token_env)
            }
            e => BotError::Client(e.to_string()),
        })
    });
    Ok(Running { shared, shard_manager, task, reloader, sweeper, purger })
}

/// Runs the bot until Ctrl-C (SIGINT), SIGTERM or a fatal error. The token
/// is read from the environment variable bot.toml names. A signal stops the
/// bot within a few seconds in every state (starting, connecting,
/// connected, reconnecting), writing what is queued for the database first;
/// a second signal stops at once.
pub async fn run(config_path: Option<PathBuf>) -> Result<(), BotError> {
    let config = crate::config::Config::load_or_default(config_path.as_deref())?;
    let env = config.discord.token_env.clone();
    let token = std::env::var(&env).ok().filter(|t| !t.trim().is_empty()).ok_or(BotError::MissingToken(env))?;
    let signals = StopSignals::listen();
    let running = tokio::select! {
        running = launch(config_path, token.trim()) => running?,
        signal = signals.nth(1) => {
            tracing::info!("{signal}: stopping before keel was connected");
            return Ok(());
        }
    };
    let stopping = running.until(async {
        let signal = signals.nth(1).await;
        tracing::info!("{signal}: shutting down (writing what is queued, then exiting)");
    });
    tokio::select! {
        result = stopping => result,
        signal = signals.nth(2) => {
            tracing::warn!("{signal} again: exiting without waiting for the shutdown to finish");
            Ok(())
        }
    }
}

/// Loads what must be live again after a restart: the servers' settings
/// made with `/keel setup`; choice buttons still
/// waiting for an answer (so they work and expire on time), rendered anew
/// from the phrase pack by the set's name; and the claims on open cases (so
/// later nudges ping whoever took the conversation).
async fn restore(shared: &Shared) {
    let Some(memory) = &shared.memory else { return };
    let now = crate::bot::shared::clock::now_ms();
    if let Some(stored) = memory.read("read the servers' settings", |s| s.guild_settings()).await {
        for row in stored {
            match crate::config::GuildSettings::from_json(&row.json) {
                Ok(settings) => shared.settings.set(row.guild, settings),
                // One server's broken row must not stop the others: it runs on bot.toml alone.
                Err(e) => tracing::error!(guild = row.guild, error = %e, "ignoring the settings made with /keel setup"),
            }
        }
    }
    if let Some(open) = memory.read("read open choices", move |s| s.open_choices(now)).await {
        let n = open.len();
        for offer in open {
            if let Some(offered) = shared.offered_from_store(&offer) {
                shared.conversations.remember_choice(offer.message, offered);
            }
        }
        if n > 0 {
            tracing::info!(choices = n, "restored open choice buttons");
        }
    }
    let window_ms = shared.config().engine.escalation.strike_window_secs as i64 * 1000;
    if let Some(struck) = memory.read("read struck members", move |s| s.struck_members(now - window_ms)).await {
        tracing::info!(members = struck.len(), "members with strikes in the window");
        shared.conversations.set_struck(struck);
    }
    if let Some(claims) = memory.read("read claims", |s| s.open_claims()).await {
        let n = claims.len();
        for c in claims {
            shared.conversations.claim(c.conversation, c.moderator);
        }
        if n > 0 {
            tracing::info!(claims = n, "restored claims on open cases");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const GUILD: &str = "[[guild]]\nid = 1\nmoderator_channel = 2\nwatch_channels = [3]\n";

    #[test]
    fn startup_warns_once_when_no_guild_is_configured() {
        struct Case {
            name: &'static str,
            config: Config,
            expected: &'static [&'static str],
        }
        let phrases = Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases");
        let parse = |text: &str| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("bot.toml");
            let text = format!("phrases = {:?}\n{text}", phrases.display().to_string());
            Config::parse(&path, &text).expect("valid bot.toml")
        };
        let cases = [
            Case {
                name: "built-in defaults",
                config: Config::defaults(phrases.clone()),
                expected: &["no [[guild]] in built-in defaults (no bot.toml): keel watches nothing"],
            },
            Case {
                name: "a bot.toml without [[guild]]",
                config: parse(""),
                expected: &["bot.toml: keel watches nothing"],
            },
            Case { name: "one guild", config: parse(GUILD), expected: &[] },
        ];
        for c in cases {
            let lines = startup_warnings(&c.config);
            assert_eq!(lines.len(), c.expected.len(), "{}: {lines:?}", c.name);
            for (line, want) in lines.iter().zip(c.expected) {
                assert!(line.contains(want), "{}: {line}", c.name);
                assert!(line.contains("add a [[guild]] block with id, moderator_channel and watch_channels"), "{line}");
            }
        }
    }
}
