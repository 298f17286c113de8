//! The shipped context reader end to end, through the `keel` binary: the
//! base model (tools/fetch-model.sh) with models/keel-reader.safetensors.
//!
//! Without the base model each test prints `SKIPPED <test>: ...` on
//! the terminal and returns (libtest has no run-time skip, so it is counted
//! as passed), unless `KEEL_REQUIRE_READER` is set (as `.ci/run` does after
//! fetching it): then a missing model fails them.

use keel::core::ids::{ChannelId, MemberId};
use serde_json::Value;
use std::process::Output;
use support::binary::{reader_present, root};

fn keel(args: &[&str]) -> Output {
    support::binary::keel(args, "")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn check_reports_the_reader_on() {
    if !reader_present("reader::check_reports_the_reader_on") {
        return;
    }
    let out = keel(&["check", "--config", "bot.toml"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("context reader on"), "{}", text(&out));
}

#[test]
fn explain_shows_the_reading() {
    if !reader_present("reader::explain_shows_the_reading") {
        return;
    }
    let out = keel(&["explain", "--config", "bot.toml", "my order still has not arrived, can you check?"]);
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("reader:     reads it as offensive with probability"), "{t}");
    let out = keel(&["explain", "--config", "bot.toml", "you are a 1d10t"]);
    assert!(text(&out).contains("not needed (the phrases already find it hostile)"), "{}", text(&out));
}

/// `keel eval` on the hand-written support set, with and without the reader.
fn eval(phrases_only: bool) -> (f64, u64) {
    let mut args = vec!["eval", "--config", "bot.toml", "tests/fixtures/support-messages.jsonl"];
    if phrases_only {
        args.push("--phrases-only");
    }
    let out = keel(&args);
    assert!(out.status.success(), "{}", text(&out));
    let t = String::from_utf8_lossy(&out.stdout).to_string();
    let field = |prefix: &str, key: &str| -> f64 {
        let line = t.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no {prefix} in {t}"));
        let at = line.find(key).unwrap_or_else(|| panic!("no {key} in {line}")) + key.len();
        line[at..].split_whitespace().next().and_then(|v| v.parse().ok()).expect("a number")
    };
    (field("macro-F1:", "macro-F1:"), field("tp ", "fp ") as u64)
}

#[test]
fn on_support_talk_the_reader_catches_more_without_more_false_alarms_than_it_is_worth() {
    if !reader_present("reader::on_support_talk_the_reader_catches_more_without_more_false_alarms_than_it_is_worth") {
        return;
    }
    let (f1_phrases, fp_phrases) = eval(true);
    let (f1_reader, fp_reader) = eval(false);
    assert!(f1_reader > f1_phrases, "macro-F1 with the reader {f1_reader} <= phrases alone {f1_phrases}");
    assert!(fp_reader <= fp_phrases + 5, "false alarms {fp_phrases} -> {fp_reader}");
}

fn replay(file: &str) -> Vec<Value> {
    let out = keel(&["replay", "--config", "bot.toml", file]);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

#[test]
fn the_calm_example_stays_calm_and_replay_is_deterministic_with_the_reader() {
    if !reader_present("reader::the_calm_example_stays_calm_and_replay_is_deterministic_with_the_reader") {
        return;
    }
    let first = replay("examples/calm.jsonl");
    for l in &first {
        assert_eq!(l["level"], "calm", "{l}");
        assert!(l["actions"].as_array().expect("actions").is_empty(), "{l}");
    }
    assert_eq!(first, replay("examples/calm.jsonl"));
    let escalating = replay("examples/escalating.jsonl");
    assert_eq!(escalating, replay("examples/escalating.jsonl"));
}

mod support;

use support::fake_discord::World;
use support::harness::Harness;

/// The live bot reads customers' messages (off the engine's lock) and the
/// reading raises the conversation's heat; staff messages are not read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_bot_reads_customers_messages() {
    if !reader_present("reader::the_live_bot_reads_customers_messages") {
        return;
    }
    let model_dir = root().join("models/all-MiniLM-L6-v2");
    let adapter = root().join("models/keel-reader.safetensors");
    let first_stage = root().join("models/keel-first-stage.bin");
    let extra = format!(
        "[context]\nmodel_dir = {:?}\nadapter = {:?}\nfirst_stage = {:?}\nrequired = true\n",
        model_dir.display().to_string(),
        adapter.display().to_string(),
        first_stage.display().to_string()
    );
    let mut h = Harness::start_with(World::support_server(), &extra).await;
    let (support, alice, sam) = (h.channel("support"), h.user("alice"), h.user("sam"));
    // No listed phrase, but contempt the reader recognises.
    let line = "you're a glorified FAQ reader";
    h.say("support", "alice", line).await;
    h.say("support", "sam", line).await;
    h.settle().await;
    let (customer, staff) = {
        let engine = keel::bot::shared::sync::lock(&h.bot.shared.engine);
        assert!(engine.reader().is_some(), "the reader is loaded");
        let tracker = engine.tracker();
        let (channel, alice, sam) = (ChannelId(support), MemberId(alice), MemberId(sam));
        (tracker.recent_scores(channel, alice), tracker.recent_scores(channel, sam))
    };
    assert!(customer.last().is_some_and(|s| *s >= 0.5), "the reading raised the score: {customer:?}");
    assert!(staff.iter().all(|s| *s == 0.0), "staff are never read: {staff:?}");
    h.stop().await;
}
