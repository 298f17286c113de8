//! keel remembers across restarts (issue 4), end to end through the fake
//! Discord: strikes, follow-ups, choice buttons and cases survive a stop, and
//! a SIGKILL in the middle of a burst loses only what the writer had not
//! yet committed.

mod support;

use keel::core::ids::{ChannelId, GuildId, MemberId};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::fake_discord::{FakeDiscord, Recorded, World};
use support::harness::{bot_toml, boundary_replies, copy_phrases, stored_boundaries, wait_until, Harness, WAIT};

const FRUSTRATED: [&str; 3] = [
    "my package tracking hasn't moved in a week",
    "this is ridiculous, third time asking, still waiting!!!",
    "what a waste of my time, nobody answers",
];
const ABUSIVE: [&str; 3] =
    ["you are all f*cking idiots", "shut up you useless m0r0n, piece of sh1t", "you absolute idiot"];

async fn keel(h: &Harness, who: &str, channel: &str, sub: &str, options: Vec<(&str, u8, Value)>) -> Recorded {
    let (id, token) = h.fake.slash(h.channel(channel), h.user(who), "keel", Some(sub), options).await;
    let path = format!("/interactions/{id}/{token}/callback");
    h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("keel answers the command")
}

/// The answer after a deferred command: a follow-up through the interaction webhook.
async fn deferred_answer(h: &Harness, after: usize) -> Recorded {
    let app = format!("/webhooks/{}/", h.world().application_id);
    let deadline = Instant::now() + WAIT;
    loop {
        let found = h.fake.requests().into_iter().skip(after).find(|r| r.method == "POST" && r.path.starts_with(&app));
        if let Some(r) = found {
            return r;
        }
        assert!(Instant::now() < deadline, "no deferred answer: {:#?}", h.fake.requests());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn is_timeout(h: &Harness, r: &Recorded, who: &str) -> bool {
    r.method == "PATCH" && r.path == format!("/guilds/{}/members/{}", h.world().guild_id, h.user(who))
}

fn escalations(h: &Harness) -> usize {
    h.writes_to("mod-log")
        .iter()
        .filter(|r| r.method == "POST" && r.body_str("content").unwrap_or("").contains("keel needs a human"))
        .count()
}

fn choice_offer(h: &Harness) -> (u64, Vec<String>) {
    let bot = h.world().bot_id.to_string();
    let m = h
        .fake
        .messages_in(h.channel("support"))
        .into_iter()
        .find(|m| {
            m["author"]["id"] == Value::String(bot.clone())
                && m["components"][0]["components"][0]["custom_id"].as_str().is_some_and(|id| id.starts_with("keel:c:"))
        })
        .expect("choice buttons were offered");
    let ids = m["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect();
    (m["id"].as_str().and_then(|s| s.parse().ok()).expect("id"), ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keel_remembers_strikes_followups_choices_and_cases_across_a_restart() {
    let started = Instant::now();
    let mut h = Harness::start_with(World::support_server(), "[followups]\ndelay_secs = 4\n").await;
    for t in FRUSTRATED.iter().chain(&ABUSIVE[..2]) {
        h.say("support", "alice", t).await;
    }
    assert!(h.effects().iter().any(|r| is_timeout(&h, r, "alice")), "tier 2 before the restart: {:#?}", h.effects());
    assert_eq!(escalations(&h), 0, "no tier 3 yet");
    let (offer, buttons) = choice_offer(&h);
    // A follow-up for bob, due after the restart.
    let resolved = keel(&h, "mo", "support", "resolve", vec![("member", 6, json!(h.user("bob").to_string()))]).await;
    assert!(resolved.body.to_string().contains("keel will ask them"), "{}", resolved.body);
    let writes_before = h.effects().len();

    let mut h = h.restart().await;
    // Strikes continue: one more abusive message is the third strike, tier 3.
    h.say("support", "alice", ABUSIVE[2]).await;
    assert_eq!(escalations(&h), 1, "the strike count continued: {:#?}", &h.effects()[writes_before..]);
    // The follow-up scheduled before the stop is asked once, after the restart.
    let support = format!("/channels/{}/messages", h.channel("support"));
    let asks = |h: &Harness| {
        h.fake
            .writes()
            .into_iter()
            .filter(|r| r.is("POST", &support) && r.body.to_string().contains("keel:f:"))
            .filter(|r| r.body.to_string().contains(&h.user("bob").to_string()))
            .count()
    };
    let deadline = Instant::now() + WAIT;
    while asks(&h) == 0 {
        assert!(Instant::now() < deadline, "the follow-up never fired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(asks(&h), 1, "asked exactly once");
    // A choice button posted before the restart still works.
    let (id, token) = h.fake.click(offer, h.user("alice"), &buttons[0], None).await;
    let path = format!("/interactions/{id}/{token}/callback");
    let chosen = h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("answered");
    assert_eq!(chosen.body["type"], 7, "the choice is taken: {}", chosen.body);
    assert!(chosen.body["data"]["content"].as_str().unwrap_or("").contains("chose"), "{}", chosen.body);
    // /keel case shows the whole story, before and after the restart, with both files.
    let n = h.fake.requests().len();
    keel(&h, "mo", "support", "case", vec![("member", 6, json!(h.user("alice").to_string()))]).await;
    let answer = deferred_answer(&h, n).await;
    let body = answer.body.to_string();
    for want in [
        "moderators nudged",
        "choices offered",
        "boundary, tier 1",
        "boundary, tier 2",
        "timed out for 600 s",
        "moderators called in",
        "customer chose",
        "keel-case-",
        ".json",
        ".md",
    ] {
        assert!(body.contains(want), "{want} missing from the case: {body}");
    }
    // /keel report has the text of `keel report` and the chart.
    let n = h.fake.requests().len();
    keel(&h, "mo", "support", "report", vec![("days", 4, json!(7))]).await;
    let report = deferred_answer(&h, n).await.body.to_string();
    assert!(report.contains("keel report for guild") && report.contains("keel-report.png"), "{report}");
    assert!(report.contains("PNG"), "the chart is attached as a PNG: {}", &report[..report.len().min(2000)]);
    h.stop().await;
    eprintln!("restart test took {:?}", started.elapsed());
}

fn spawn_keel(config: &std::path::Path) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["run", "--config"])
        .arg(config)
        .env("DISCORD_TOKEN", "fake-token")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start keel")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_in_a_burst_loses_only_uncommitted_batches() {
    let started = Instant::now();
    let fake = FakeDiscord::start(World::support_server()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    copy_phrases(&dir.path().join("phrases"));
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, bot_toml(fake.world(), &fake.api_base())).expect("write bot.toml");
    let db = dir.path().join("keel.db");
    let mut child = spawn_keel(&config);
    fake.wait_identified(WAIT).await.expect("keel identifies");
    tokio::time::sleep(Duration::from_millis(300)).await; // GUILD_CREATE into its cache

    let (support, billing) = (fake.world().channel("support").id, fake.world().channel("billing").id);
    let members: Vec<u64> = ["alice", "bob"].iter().map(|n| fake.world().member(n).user_id).collect();
    // A first burst, fully acted on and given time to be written.
    for i in 0..12 {
        let channel = if i % 2 == 0 { support } else { billing };
        fake.message_create(channel, members[(i / 2) % 2], ABUSIVE[i % ABUSIVE.len()]).await;
    }
    let deadline = Instant::now() + WAIT;
    while boundary_replies(&fake).len() < 4 {
        assert!(Instant::now() < deadline, "keel never answered the burst: {:#?}", fake.writes());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let first = boundary_replies(&fake).len();
    // A second burst from 40 newcomers (each gets a tier-1 boundary), killed
    // as soon as keel has started acting on it.
    let newcomers: Vec<u64> = (0..40).map(|i| 7_000_000_000_000_000 + i).collect();
    for (i, m) in newcomers.iter().enumerate() {
        fake.message_create(if i % 2 == 0 { support } else { billing }, *m, ABUSIVE[i % ABUSIVE.len()]).await;
    }
    let deadline = Instant::now() + WAIT;
    while boundary_replies(&fake).len() < first + 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let killed_at = Instant::now();
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let executed = boundary_replies(&fake);

    // The database opens, and every boundary executed a second before the
    // kill is there: its batch was committed long before.
    let store = keel::store::Store::open(&db).expect("the database opens after a SIGKILL");
    let all: Vec<u64> = members.iter().chain(&newcomers).copied().collect();
    let stored = stored_boundaries(&store, fake.world().guild_id, &all);
    let settled: Vec<u64> = executed
        .iter()
        .filter(|(_, at)| killed_at.duration_since(*at) >= Duration::from_secs(1))
        .map(|e| e.0)
        .collect();
    assert!(!settled.is_empty(), "the first burst was acted on");
    for id in &settled {
        assert!(stored.contains(id), "boundary on {id} executed before the kill is missing: {stored:?}");
    }
    // Nothing is stored that did not happen.
    for id in &stored {
        assert!(executed.iter().any(|e| e.0 == *id), "stored boundary on {id} was never executed");
    }
    drop(store);

    // keel starts again on the same file.
    let connections = fake.connections();
    let mut again = spawn_keel(&config);
    wait_until(|| fake.connections() > connections).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = boundary_replies(&fake).len();
    fake.message_create(support, members[0], ABUSIVE[0]).await;
    let deadline = Instant::now() + WAIT;
    while fake.writes().iter().filter(|r| r.method == "POST").count() == 0 || boundary_replies(&fake).len() == before {
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let alive = again.try_wait().expect("status").is_none();
    again.kill().expect("stop keel");
    again.wait().expect("reaped");
    assert!(alive, "keel runs again after the SIGKILL");
    eprintln!(
        "sigkill test: {} boundaries executed, {} stored, {} settled; took {:?}",
        executed.len(),
        stored.len(),
        settled.len(),
        started.elapsed()
    );
    fake.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_foreign_database_file_stops_keel_untouched() {
    let fake = FakeDiscord::start(World::support_server()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    copy_phrases(&dir.path().join("phrases"));
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, bot_toml(fake.world(), &fake.api_base())).expect("write bot.toml");
    let db = dir.path().join("keel.db");
    let garbage = b"these are somebody's notes, not a database\n".repeat(100);
    std::fs::write(&db, &garbage).expect("write");
    let err = keel::bot::launch::launch(Some(config), "fake-token").await.expect_err("keel refuses the file");
    let text = err.to_string();
    assert!(text.contains(&db.display().to_string()) && text.contains("not a SQLite database"), "{text}");
    assert_eq!(std::fs::read(&db).expect("read"), garbage, "the file is untouched");
    assert_eq!(fake.connections(), 0, "keel did not connect");
    fake.stop().await;
}

/// The nudge keel posted in #mod-log, and its "I'm on it" button.
fn nudge_and_claim(h: &Harness) -> (u64, String) {
    let bot = h.world().bot_id.to_string();
    let nudge = h
        .fake
        .messages_in(h.channel("mod-log"))
        .into_iter()
        .find(|m| m["author"]["id"] == Value::String(bot.clone()) && m["components"].to_string().contains(":claim:"))
        .unwrap_or_else(|| panic!("no nudge with buttons: {:#?}", h.fake.writes()));
    let claim = nudge["components"][0]["components"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["custom_id"].as_str())
        .find(|id| id.contains(":claim:"))
        .expect("claim button")
        .to_string();
    (nudge["id"].as_str().and_then(|s| s.parse().ok()).expect("id"), claim)
}

/// Nudges (posted or edited) in #mod-log from the `from`-th write on: whether each pings `who`.
fn nudges_since(h: &Harness, from: usize, who: u64) -> Vec<bool> {
    h.writes_to("mod-log")
        .into_iter()
        .skip(from)
        .filter(|r| r.body["embeds"].as_array().is_some_and(|e| !e.is_empty()))
        .map(|r| r.body["allowed_mentions"]["users"] == json!([who.to_string()]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_outlives_a_restart_and_ends_with_the_case() {
    let mut h = Harness::start(World::support_server()).await;
    for t in FRUSTRATED {
        h.say("support", "alice", t).await;
    }
    let (nudge, claim) = nudge_and_claim(&h);
    let (id, token) = h.fake.click(nudge, h.user("mo"), &claim, None).await;
    let path = format!("/interactions/{id}/{token}/callback");
    h.fake.wait_for(|r| r.method == "POST" && r.path == path, WAIT).await.expect("the claim is answered");
    let mo = h.user("mo");

    // After a restart, the next nudge about alice still pings mo.
    let mut h = h.restart().await;
    let from = h.writes_to("mod-log").len();
    h.say("support", "alice", ABUSIVE[0]).await;
    let later = nudges_since(&h, from, mo);
    assert!(!later.is_empty() && later.iter().all(|p| *p), "nudges after the restart ping the claimer: {later:?}");

    // Resolving the case drops the claim, now and after another restart.
    let resolved = keel(
        &h,
        "mo",
        "support",
        "resolve",
        vec![("member", 6, json!(h.user("alice").to_string())), ("follow_up_in", 4, json!(0))],
    )
    .await;
    assert!(resolved.body.to_string().contains("resolved"), "{}", resolved.body);
    let from = h.writes_to("mod-log").len();
    h.say("support", "alice", ABUSIVE[1]).await;
    let later = nudges_since(&h, from, mo);
    assert!(!later.is_empty() && later.iter().all(|p| !*p), "no ping after the resolution: {later:?}");
    let mut h = h.restart().await;
    let from = h.writes_to("mod-log").len();
    h.say("support", "alice", ABUSIVE[2]).await;
    let later = nudges_since(&h, from, mo);
    assert!(!later.is_empty() && later.iter().all(|p| !*p), "no ping after a restart either: {later:?}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_followup_replaces_the_pending_one() {
    let h = Harness::start(World::support_server()).await;
    let (guild, channel, bob) = (h.world().guild_id, h.channel("support"), h.user("bob"));
    let (guild, channel, bob) = (GuildId(guild), ChannelId(channel), MemberId(bob));
    let now = keel::bot::shared::clock::now_ms();
    // Two resolutions in a row: the second one's follow-up is the one asked.
    for due_ms in [now + 1_000, now + 2_000] {
        h.bot.shared.schedule_followup(keel::bot::shared::FollowUp { guild, channel, customer: bob, due_ms });
    }
    let support = format!("/channels/{channel}/messages");
    let asks = |h: &Harness| {
        h.fake.writes().into_iter().filter(|r| r.is("POST", &support) && r.body.to_string().contains("keel:f:")).count()
    };
    let deadline = Instant::now() + WAIT;
    while asks(&h) == 0 {
        assert!(Instant::now() < deadline, "the follow-up never fired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Both due times have passed, with two sweeps to spare.
    while keel::bot::shared::clock::now_ms() < now + 2_000 + 2 * keel::bot::tasks::sweeper::INTERVAL.as_millis() as i64
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(asks(&h), 1, "asked once: {:#?}", h.fake.writes());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_does_not_stop_keel_and_the_writes_land_after() {
    let mut h = Harness::start(World::support_server()).await;
    let db = h.dir.path().join("keel.db");
    // Another program holds the database's write lock while customers write.
    let blocker = rusqlite::Connection::open(&db).expect("open the database");
    blocker.execute_batch("BEGIN EXCLUSIVE").expect("lock it");
    let mut sent = Vec::new();
    for (i, who) in ["alice", "bob", "alice", "bob"].iter().enumerate() {
        let channel = if i % 2 == 0 { "support" } else { "billing" };
        sent.push(h.say(channel, who, ABUSIVE[i % ABUSIVE.len()]).await);
    }
    // keel answered every message on Discord meanwhile.
    let answered: Vec<u64> = boundary_replies(&h.fake).iter().map(|r| r.0).collect();
    for id in &sent {
        assert!(answered.contains(id), "no boundary reply to {id}: {:#?}", h.effects());
    }
    let shared = h.bot.shared.clone();
    let memory = shared.memory.as_ref().expect("keel has its database");
    // The writer keeps trying (each attempt waits out SQLite's busy timeout first).
    let deadline = Instant::now() + Duration::from_secs(60);
    while memory.stats().expect("open").failing.is_none() {
        assert!(Instant::now() < deadline, "the writer never met the lock");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = memory.stats().expect("open");
    assert!(stats.committed < stats.accepted, "writes wait: {stats:?}");
    assert!(stats.failing.as_deref().is_some_and(|e| e.contains("locked")), "{stats:?}");
    // Moderators can see it.
    let status = keel(&h, "mo", "support", "status", vec![]).await;
    let text = status.body["data"]["content"].as_str().unwrap_or("").to_string();
    assert!(text.contains("cannot write right now") && text.contains("locked"), "{text}");
    // Nothing of it is stored yet.
    let (guild, customers) = (h.world().guild_id, [h.user("alice"), h.user("bob")]);
    let stored = || {
        let store = keel::store::Store::open_read_only(&db).expect("read the database");
        stored_boundaries(&store, guild, &customers)
    };
    assert!(stored().is_empty(), "nothing is written while locked");

    // The lock is released: everything lands, nothing is lost.
    blocker.execute_batch("COMMIT").expect("unlock");
    assert!(memory.flush(Duration::from_secs(30)).await, "the queued writes are written");
    let stats = memory.stats().expect("open");
    assert_eq!((stats.committed, stats.dropped, stats.refused, stats.failing), (stats.accepted, 0, 0, None));
    let all = stored();
    for id in &sent {
        assert!(all.contains(id), "the boundary on {id} is stored: {all:?}");
    }
    // And keel goes on: a later message is judged and stored as usual.
    h.say("support", "bob", ABUSIVE[2]).await;
    assert!(memory.flush(WAIT).await);
    let after = memory.stats().expect("open");
    assert!(after.accepted > stats.accepted && after.committed == after.accepted, "{after:?}");
    h.stop().await;
}

/// The first line of each nudge posted or edited in mod-log since `from`.
fn nudge_lines(h: &Harness, from: usize) -> Vec<String> {
    h.writes_to("mod-log")
        .into_iter()
        .skip(from)
        .filter_map(|r| r.body["embeds"][0]["description"].as_str().and_then(|d| d.lines().next()).map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nudge_edited_after_a_restart_says_what_really_changed() {
    let mut h = Harness::start(World::support_server()).await;
    for text in FRUSTRATED {
        h.say("support", "alice", text).await;
    }
    h.say("support", "alice", ABUSIVE[0]).await;
    let before = nudge_lines(&h, 0);
    assert_eq!(before.last().map(String::as_str), Some("Update: heated → abusive"), "{before:#?}");

    // The restarted keel nudges again at the level the nudge already shows.
    let mut h = h.restart().await;
    let from = h.writes_to("mod-log").len();
    h.say("support", "alice", ABUSIVE[1]).await;
    let after = nudge_lines(&h, from);
    assert_eq!(after.first().map(String::as_str), Some("Update: still abusive (a new message)"), "{after:#?}");
    assert!(!after.iter().any(|l| l.contains("abusive → abusive")), "{after:#?}");
    h.stop().await;
}
