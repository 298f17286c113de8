//! `keel run` as an owner runs it (issue 9): Ctrl-C and SIGTERM stop it in
//! every state (connecting, connected, reconnecting) after writing what is
//! queued; a connection that keeps failing is said once, in keel's words;
//! a bot.toml without `[[guild]]` is said at start; no colours on a pipe.
//!
//! Nothing here may reach anything but 127.0.0.1: when `GET /gateway`
//! fails, serenity falls back to <wss://gateway.discord.gg>, so the
//! "cannot connect" tests point keel at [`DeadGateway`], which answers
//! `GET /gateway` with a loopback port where nothing listens.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, World};
use support::harness::{bot_toml, boundary_replies, copy_phrases, stored_boundaries, wait_until, WAIT};

/// How long a stopped keel may take to exit.
const EXIT_WITHIN: Duration = Duration::from_secs(10);

/// serenity's wait between connection attempts.
const RETRY: Duration = Duration::from_secs(5);

/// A `keel run` process with its stderr collected.
struct Keel {
    child: Child,
    stderr: Arc<Mutex<String>>,
}

impl Keel {
    /// Starts `keel run --config <config>` with stderr piped (not a terminal).
    fn spawn(config: &Path) -> Keel {
        let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
            .args(["run", "--config"])
            .arg(config)
            .env("DISCORD_TOKEN", "fake-token")
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start keel");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                all.push_str(&line);
                all.push('\n');
            }
        });
        Keel { child, stderr }
    }

    /// Everything keel wrote to stderr so far.
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Waits until stderr contains `needle`.
    fn wait_for_line(&mut self, needle: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.stderr().contains(needle) {
            let exited = self.child.try_wait().expect("status");
            assert!(
                exited.is_none() && Instant::now() < deadline,
                "no {needle:?} (exited: {exited:?}):\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until keel has asked `api` for the gateway and its first
    /// connection attempt has failed: it is connecting, and will go on trying.
    fn connecting(&mut self, api: &DeadGateway) {
        self.wait_for_line("opened keel's database", WAIT);
        let deadline = Instant::now() + WAIT;
        while !api.asked().iter().any(|l| l.starts_with("GET /api/v10/gateway")) {
            assert!(Instant::now() < deadline, "keel never asked for the gateway:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_secs(1));
    }

    /// Sends a signal by name (`INT`, `TERM`) with kill(1).
    fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status();
        assert!(status.expect("run kill").success(), "kill -{name}");
    }

    /// Waits for keel to exit; fails (and kills it) after `within`.
    fn exits_within(&mut self, within: Duration) -> (ExitStatus, Duration) {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("status") {
                return (status, started.elapsed());
            }
            if started.elapsed() > within {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("keel did not exit within {within:?}:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Keel {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A stand-in for Discord's REST API on 127.0.0.1 that answers
/// `GET /api/v10/gateway` with a gateway on a loopback port where nothing
/// listens (so every connection attempt is refused), and 404 to the rest.
struct DeadGateway {
    port: u16,
    asked: Arc<Mutex<Vec<String>>>,
}

impl DeadGateway {
    fn start() -> DeadGateway {
        let closed = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the fake API");
        let port = listener.local_addr().expect("addr").port();
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&asked);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let log = Arc::clone(&log);
                std::thread::spawn(move || answer(stream, closed, &log));
            }
        });
        DeadGateway { port, asked }
    }

    fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// Answers one HTTP/1.1 request and closes the connection.
fn answer(mut stream: TcpStream, closed_port: u16, log: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let line = head.lines().next().unwrap_or("").to_string();
    log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line.clone());
    let (status, body) = if line.starts_with("GET /api/v10/gateway ") || line.starts_with("GET /api/v10/gateway?") {
        ("200 OK", format!(r#"{{"url": "ws://127.0.0.1:{closed_port}"}}"#))
    } else {
        ("404 Not Found", r#"{"message": "Unknown", "code": 0}"#.to_string())
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A directory with the bundled phrase pack and `toml` as bot.toml.
fn config_dir(toml: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_phrases(&dir.path().join("phrases"));
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, toml).expect("write bot.toml");
    (dir, config)
}

/// bot.toml with no `[[guild]]`, talking to `api_base`.
fn no_guild_toml(api_base: &str) -> String {
    format!("phrases = \"phrases\"\n\n[discord]\napi_base = \"{api_base}\"\n")
}

const NOTE: &str = "cannot connect to Discord: the connection was refused; retrying every 5 s";

/// Signals a keel that cannot connect; it must exit at once, successfully,
/// after closing its database.
fn stops_while_connecting(signal: &str) {
    let api = DeadGateway::start();
    let (_dir, config) = config_dir(&no_guild_toml(&api.api_base()));
    let mut keel = Keel::spawn(&config);
    keel.connecting(&api);
    keel.signal(signal);
    let (status, took) = keel.exits_within(EXIT_WITHIN);
    let stderr = keel.stderr();
    assert!(status.success(), "{status:?}:\n{stderr}");
    assert!(stderr.contains(&format!("SIG{signal}: shutting down")), "{stderr}");
    assert!(stderr.contains("keel's database closed"), "what was queued is written first:\n{stderr}");
    eprintln!("stopped {took:?} after SIG{signal} while connecting");
}

#[test]
fn ctrl_c_stops_keel_while_it_cannot_connect() {
    stops_while_connecting("INT");
}

#[test]
fn sigterm_stops_keel_while_it_cannot_connect() {
    stops_while_connecting("TERM");
}

#[test]
fn a_failing_connection_is_said_once_in_keels_words() {
    let api = DeadGateway::start();
    let (_dir, config) = config_dir(&no_guild_toml(&api.api_base()));
    let mut keel = Keel::spawn(&config);
    keel.wait_for_line(NOTE, WAIT);
    // Two more attempts fail meanwhile.
    std::thread::sleep(RETRY * 2 + Duration::from_secs(1));
    let stderr = keel.stderr();
    assert_eq!(stderr.matches("cannot connect to Discord").count(), 1, "said once:\n{stderr}");
    assert!(!stderr.contains("Err starting shard") && !stderr.contains("Tungstenite"), "serenity's lines:\n{stderr}");
    keel.signal("INT");
    assert!(keel.exits_within(EXIT_WITHIN).0.success());
}

#[test]
fn no_guild_is_said_at_start_without_colours_on_a_pipe() {
    let api = DeadGateway::start();
    let (_dir, config) = config_dir(&no_guild_toml(&api.api_base()));
    let mut keel = Keel::spawn(&config);
    keel.wait_for_line("opened keel's database", WAIT);
    keel.signal("INT");
    keel.exits_within(EXIT_WITHIN);
    let stderr = keel.stderr();
    let said: Vec<&str> = stderr.lines().filter(|l| l.contains("no [[guild]] in")).collect();
    assert_eq!(said.len(), 1, "one line:\n{stderr}");
    assert!(said[0].contains("WARN") && said[0].contains("keel watches nothing"), "{}", said[0]);
    assert!(said[0].contains("add a [[guild]] block with id, moderator_channel and watch_channels"), "{}", said[0]);
    assert!(!stderr.contains('\x1b'), "no ANSI escapes when stderr is not a terminal:\n{stderr:?}");
}

/// A fake Discord with a `keel run` connected to it.
async fn connected_keel() -> (FakeDiscord, tempfile::TempDir, Keel) {
    let fake = FakeDiscord::start(World::support_server()).await;
    let (dir, config) = config_dir(&bot_toml(fake.world(), &fake.api_base()));
    let keel = Keel::spawn(&config);
    fake.wait_identified(WAIT).await.expect("keel identifies");
    let stderr = Arc::clone(&keel.stderr);
    wait_until(move || {
        stderr.lock().unwrap_or_else(std::sync::PoisonError::into_inner).contains("connected to Discord")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await; // GUILD_CREATE into its cache
    (fake, dir, keel)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_while_connected_writes_what_is_queued_then_exits() {
    let (fake, dir, mut keel) = connected_keel().await;
    let support = fake.world().channel("support").id;
    let customers: Vec<u64> = (0..6).map(|i| 7_000_000_000_000_000 + i).collect();
    for c in &customers {
        fake.message_create(support, *c, "shut up you useless m0r0n, piece of sh1t").await;
    }
    // As soon as every message is acted on, its events are at most queued: stop now.
    wait_until(|| boundary_replies(&fake).len() == customers.len()).await;
    keel.signal("INT");
    let (status, took) = keel.exits_within(EXIT_WITHIN);
    let stderr = keel.stderr();
    assert!(status.success(), "{status:?}:\n{stderr}");
    let store = keel::store::Store::open_read_only(dir.path().join("keel.db")).expect("the database opens");
    let stored = stored_boundaries(&store, fake.world().guild_id, &customers);
    for (id, _) in boundary_replies(&fake) {
        assert!(stored.contains(&id), "the boundary on {id} is stored: {stored:?}\n{stderr}");
    }
    eprintln!("stopped {took:?} after SIGINT while connected");
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_keel_while_it_reconnects() {
    let (fake, _dir, mut keel) = connected_keel().await;
    // Discord goes away: keel keeps trying its loopback gateway.
    fake.stop().await;
    tokio::time::sleep(RETRY + Duration::from_secs(1)).await;
    keel.signal("INT");
    let (status, took) = keel.exits_within(EXIT_WITHIN);
    assert!(status.success(), "{status:?}:\n{}", keel.stderr());
    eprintln!("stopped {took:?} after SIGINT while reconnecting");
}
