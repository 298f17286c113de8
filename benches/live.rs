//! The live bot under a burst: 10,000 `MESSAGE_CREATE` events pushed through
//! the in-repo fake Discord as fast as it can send them.
//!
//! `cargo bench --bench live` prints events per second (dispatch of the
//! first event to the bot having handled the last), the p50 and p99 time
//! from an event's dispatch to the REST call it caused (for events that
//! trigger an action: the boundary reply that references the message), and
//! the process's peak memory (fake and bot together). Not a timed test:
//! figures go to README.md / docs/performance.md.
//!
//! A second run (issue 13) has the context reader on, as bot.toml ships it
//! (two-stage), when the base model is fetched: 1,000 events over 10
//! watched channels, with the time from the bot's receipt to the boundary
//! reply and each channel's last reply, so a channel starved behind the
//! others' readings would show.

#[path = "../tests/support/mod.rs"]
mod support;

use keel::bot::launch::launch;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::fake_discord::{ChannelKind, FakeChannel, FakeDiscord, FakeMember, World};

const EVENTS: u64 = 10_000;
const CUSTOMERS: u64 = 500;

const CALM: [&str; 4] = [
    "Hi, my order hasn't arrived yet, could you check the tracking for me?",
    "I was charged twice for my subscription this month, could you take a look?",
    "The app crashes when I open settings on Android 14. Any workaround?",
    "Thanks for the quick answer, that solved it.",
];
const ABUSIVE: [&str; 3] = [
    "you useless idiots can't do anything right",
    "shut up and give me my money back you m0r0n",
    "you are all f*cking clowns",
];

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// One burst: `events` messages spread over `channels` watched channels,
/// with the context reader on if `reader`.
async fn run(events: u64, channels: u64, reader: bool) {
    let mut world = World::support_server();
    let support_id = world.channel("support").id;
    let mut watched = vec![support_id];
    for k in 1..channels {
        let id = support_id + 50_000 + k;
        world.channels.push(FakeChannel {
            id,
            name: format!("support-{k}"),
            kind: ChannelKind::Text,
            parent_id: None,
            overwrites: Vec::new(),
        });
        watched.push(id);
    }
    let first = world.guild_id + 10_000;
    for i in 0..CUSTOMERS {
        world.members.push(FakeMember {
            user_id: first + i,
            username: format!("customer{i}"),
            roles: vec![],
            bot: false,
        });
    }
    let fake = FakeDiscord::start(world).await;
    let w = fake.world().clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let phrases = dir.path().join("phrases");
    std::fs::create_dir_all(&phrases).expect("mkdir");
    for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/phrases")).expect("phrases") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), phrases.join(e.file_name())).expect("copy");
    }
    let config = dir.path().join("bot.toml");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let context = if reader {
        format!(
            "[context]\nrequired = true\nmodel_dir = {:?}\nadapter = {:?}\nfirst_stage = {:?}\n\n",
            root.join("models/all-MiniLM-L6-v2").display().to_string(),
            root.join("models/keel-reader.safetensors").display().to_string(),
            root.join("models/keel-first-stage.bin").display().to_string()
        )
    } else {
        "[context]\nenabled = false\n\n".to_string()
    };
    let watch: Vec<String> = watched.iter().map(u64::to_string).collect();
    std::fs::write(
        &config,
        format!(
            "{context}[discord]\napi_base = \"{}\"\n\n[[guild]]\nid = {}\nmoderator_channel = {}\nmoderator_roles = [{}]\nstaff_roles = [{}]\nwatch_channels = [{}]\n",
            fake.api_base(),
            w.guild_id,
            w.channel("mod-log").id,
            w.role("Moderators").id,
            w.role("Staff").id,
            watch.join(", ")
        ),
    )
    .expect("bot.toml");
    let bot = launch(Some(config), "fake-token").await.expect("bot starts");
    fake.wait_identified(Duration::from_secs(10)).await.expect("identified");
    while !bot.shared.is_guild_ready(w.guild_id) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    bot.shared.probes.note_receipts();
    let mut sent_at: HashMap<u64, Instant> = HashMap::new();
    let mut channel_of: HashMap<u64, u64> = HashMap::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let start = Instant::now();
    for _ in 0..events {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let author = first + state % CUSTOMERS;
        let text = if state % 10 == 0 { ABUSIVE[(state >> 8) as usize % 3] } else { CALM[(state >> 8) as usize % 4] };
        // Each customer keeps to one channel, picked by a hash of the id (the
        // abusive draws all have ids ending alike, so `author % channels` would not spread them).
        let channel = watched[((author.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % channels) as usize];
        let id = fake.message_create(channel, author, text).await;
        sent_at.insert(id, Instant::now());
        channel_of.insert(id, channel);
    }
    let dispatched = start.elapsed();
    let deadline = Instant::now() + Duration::from_secs(120);
    while bot.shared.handled_count() < events && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let handled = start.elapsed();
    let mut latencies: Vec<Duration> = fake
        .writes()
        .iter()
        .filter_map(|r| {
            let id = r.body["message_reference"]["message_id"].as_str()?.parse::<u64>().ok()?;
            Some(r.at.saturating_duration_since(*sent_at.get(&id)?))
        })
        .collect();
    latencies.sort();
    let receipts = bot.shared.probes.take_receipts();
    let mut from_receipt: Vec<Duration> = fake
        .writes()
        .iter()
        .filter_map(|r| {
            let id = r.body["message_reference"]["message_id"].as_str()?.parse::<u64>().ok()?;
            Some(r.at.saturating_duration_since(*receipts.get(&id)?))
        })
        .collect();
    from_receipt.sort();
    // Per channel: when its last boundary reply came, after the burst began.
    let mut last_reply: HashMap<u64, Duration> = HashMap::new();
    for r in &fake.writes() {
        let Some(id) = r.body["message_reference"]["message_id"].as_str().and_then(|m| m.parse::<u64>().ok()) else {
            continue;
        };
        if let Some(&c) = channel_of.get(&id) {
            let at = r.at.saturating_duration_since(start);
            let e = last_reply.entry(c).or_default();
            *e = (*e).max(at);
        }
    }
    let n = bot.shared.handled_count();
    let reader_on = if reader { "context reader on (two-stage)" } else { "context reader off" };
    println!(
        "== live: {n} of {events} MESSAGE_CREATE events handled ({CUSTOMERS} customers, 1 in 10 abusive, \
         {channels} channel(s), {reader_on})"
    );
    println!("  dispatched in {:.2} s; all handled after {:.2} s", dispatched.as_secs_f64(), handled.as_secs_f64());
    println!("  throughput: {:.0} events/s", n as f64 / handled.as_secs_f64());
    println!(
        "  dispatch -> boundary reply ({} actions): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    println!(
        "  bot receipt -> boundary reply: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&from_receipt, 0.5).as_secs_f64() * 1e3,
        percentile(&from_receipt, 0.99).as_secs_f64() * 1e3,
        from_receipt.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    if channels > 1 {
        let mut last: Vec<f64> = last_reply.values().map(Duration::as_secs_f64).collect();
        last.sort_by(f64::total_cmp);
        println!(
            "  channels with a boundary reply: {} of {channels}; last reply per channel from {:.2} s to {:.2} s",
            last.len(),
            last.first().copied().unwrap_or(0.0),
            last.last().copied().unwrap_or(0.0)
        );
    }
    println!("  REST writes: {}", fake.writes().len());
    println!("  peak RSS (fake Discord and bot in one process): {:.1} MB", peak_rss_kib() as f64 / 1024.0);
    bot.stop().await;
    fake.stop().await;
}

fn main() {
    // `cargo test --benches` runs benches with `--bench`-less arguments; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("live bench: run with `cargo bench --bench live`");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    rt.block_on(run(EVENTS, 1, false));
    if std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models/all-MiniLM-L6-v2/model.safetensors")).exists()
    {
        rt.block_on(run(1_000, 10, true));
    } else {
        println!("live bench with the reader: skipped (run tools/fetch-model.sh)");
    }
}
