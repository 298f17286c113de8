//! A running keel bot against a fake Discord, for end-to-end tests.

use super::fake_discord::{FakeDiscord, Recorded, World};
use keel::bot::launch::{launch, Running};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long any wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(10);

/// The fake Discord, the bot connected to it, and the bot's files.
pub struct Harness {
    /// The fake Discord.
    pub fake: FakeDiscord,
    /// The running bot.
    pub bot: Running,
    /// bot.toml and phrases/ live here.
    pub dir: tempfile::TempDir,
    sent: u64,
}

/// Copies the bundled phrase pack to `to`.
pub fn copy_phrases(to: &Path) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases");
    std::fs::create_dir_all(to).expect("mkdir phrases");
    for e in std::fs::read_dir(from).expect("read phrases") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy phrase file");
    }
}

/// A bot.toml for the support server, talking to `api_base`.
pub fn bot_toml(w: &World, api_base: &str) -> String {
    format!(
        r#"phrases = "phrases"

[discord]
api_base = "{api_base}"
reload_interval_secs = 1
commands = "guild"

[[guild]]
id = {guild}
moderator_channel = {mod_log}
moderator_roles = [{moderators}]
staff_roles = [{staff}]
watch_channels = [{support}]
watch_categories = [{help}]
"#,
        guild = w.guild_id,
        mod_log = w.channel("mod-log").id,
        moderators = w.role("Moderators").id,
        staff = w.role("Staff").id,
        support = w.channel("support").id,
        help = w.channel("Help").id,
    )
}

impl Harness {
    /// Starts a fake Discord with `world` and a bot connected to it.
    pub async fn start(world: World) -> Harness {
        Harness::start_with(world, "").await
    }

    /// Like [`Harness::start`], with `extra` TOML appended to bot.toml.
    pub async fn start_with(world: World, extra: &str) -> Harness {
        Harness::start_toml(world, |w, api| format!("{}\n{extra}", bot_toml(w, api))).await
    }

    /// Like [`Harness::start`], with a bot.toml that has no `[[guild]]` block
    /// (a server keel is set up in from Discord, or not at all).
    pub async fn start_unconfigured(world: World) -> Harness {
        Harness::start_toml(world, |w, api| {
            let full = bot_toml(w, api);
            full.split("[[guild]]").next().unwrap_or_default().to_string()
        })
        .await
    }

    async fn start_toml(world: World, toml: impl FnOnce(&World, &str) -> String) -> Harness {
        let fake = FakeDiscord::start(world).await;
        let dir = tempfile::tempdir().expect("temp dir");
        copy_phrases(&dir.path().join("phrases"));
        let config = dir.path().join("bot.toml");
        let toml = toml(fake.world(), &fake.api_base());
        std::fs::write(&config, toml).expect("write bot.toml");
        let bot = launch(Some(config), "fake-token").await.expect("bot starts");
        fake.wait_identified(WAIT).await.expect("bot identifies");
        let guild = fake.world().guild_id;
        wait_until(|| bot.shared.is_guild_ready(guild)).await;
        Harness { fake, bot, dir, sent: 0 }
    }

    /// The fake's world.
    pub fn world(&self) -> &World {
        self.fake.world()
    }

    /// A member's user ID by username.
    pub fn user(&self, name: &str) -> u64 {
        self.world().member(name).user_id
    }

    /// A channel's ID by name.
    pub fn channel(&self, name: &str) -> u64 {
        self.world().channel(name).id
    }

    /// Sends a message and waits until the bot has fully handled it.
    pub async fn say(&mut self, channel: &str, who: &str, text: &str) -> u64 {
        let (c, u) = (self.channel(channel), self.user(who));
        let id = self.fake.message_create(c, u, text).await;
        self.sent += 1;
        self.settle().await;
        id
    }

    /// Edits a message and waits until the bot has handled the edit.
    pub async fn edit(&mut self, channel: &str, who: &str, message: u64, text: &str) {
        let (c, u) = (self.channel(channel), self.user(who));
        self.fake.message_update(c, message, u, text).await;
        self.sent += 1;
        self.settle().await;
    }

    /// Waits until the bot has handled every event sent so far.
    pub async fn settle(&self) {
        let want = self.sent;
        let shared = self.bot.shared.clone();
        wait_until(move || shared.handled_count() >= want).await;
    }

    /// Every REST write except registering slash commands: what keel did in the server.
    pub fn effects(&self) -> Vec<Recorded> {
        self.fake.writes().into_iter().filter(|r| !r.path.starts_with("/applications/")).collect()
    }

    /// REST writes to a channel's messages.
    pub fn writes_to(&self, channel: &str) -> Vec<Recorded> {
        let path = format!("/channels/{}/messages", self.channel(channel));
        self.fake.writes().into_iter().filter(|r| r.path.starts_with(&path)).collect()
    }

    /// Where bot.toml is.
    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    /// Stops the bot (closing its database) and starts a new one on the
    /// same bot.toml, database and fake Discord.
    pub async fn restart(self) -> Harness {
        let Harness { fake, bot, dir, .. } = self;
        bot.stop().await;
        let bot = launch(Some(dir.path().join("bot.toml")), "fake-token").await.expect("bot starts again");
        let guild = fake.world().guild_id;
        wait_until(|| bot.shared.is_guild_ready(guild)).await;
        Harness { fake, bot, dir, sent: 0 }
    }

    /// Stops the bot and the fake.
    pub async fn stop(self) {
        self.bot.stop().await;
        self.fake.stop().await;
    }
}

/// Waits until `cond` holds (at most [`WAIT`]).
pub async fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Boundary replies the fake saw: (the message replied to, when).
pub fn boundary_replies(fake: &FakeDiscord) -> Vec<(u64, std::time::Instant)> {
    fake.writes()
        .into_iter()
        .filter(|r| r.method == "POST" && r.body["message_reference"].is_object())
        .filter_map(|r| {
            let id = r.body["message_reference"]["message_id"].as_str().and_then(|s| s.parse().ok())?;
            Some((id, r.at))
        })
        .collect()
}

/// The messages the boundaries stored for `members` were about.
pub fn stored_boundaries(store: &keel::store::Store, guild: u64, members: &[u64]) -> Vec<u64> {
    let mut stored = Vec::new();
    for m in members {
        for c in store.cases(guild, *m, 100).expect("cases") {
            let case = store.case_by_id(c.id).expect("case").expect("exists");
            for e in case.timeline {
                if let keel::store::EventKind::Boundary { .. } = e.kind {
                    stored.push(e.about.expect("a boundary is about a message"));
                }
            }
        }
    }
    stored
}
