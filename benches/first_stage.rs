//! Benchmark of the first-stage reader (`keel::reader::first_stage`): the
//! hashed n-gram model on tweet-length texts, in messages per second on one
//! core.
//!
//! The texts are the support fixture's messages and, when
//! `../shared/data/tweeteval-offensive-train.jsonl` is there, its first
//! 2,000 tweets, normalized as the reader sees them. Needs
//! `models/keel-first-stage.bin` (`python3 tools/train_first_stage.py`).
//! Run with `cargo bench --bench first_stage`.

use criterion::{black_box, Criterion, Throughput};
use keel::core::normalize::normalize;
use keel::reader::first_stage::{FirstStage, DEFAULT_PATH};
use std::path::Path;
use std::time::Duration;

/// The `text` of each JSON line of `path`, at most `limit` of them.
fn texts(path: &Path, limit: usize) -> Vec<String> {
    let Ok(body) = std::fs::read_to_string(path) else {
        eprintln!("{}: not there, skipped", path.display());
        return Vec::new();
    };
    body.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(|t| normalize(t).text().to_owned()))
        .take(limit)
        .collect()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = FirstStage::load(root.join(DEFAULT_PATH)).expect("the first stage loads");
    let mut messages = texts(&root.join("tests/fixtures/support-messages.jsonl"), usize::MAX);
    messages.extend(texts(&root.join("../shared/data/tweeteval-offensive-train.jsonl"), 2000));
    let bytes: usize = messages.iter().map(String::len).sum();
    eprintln!("{} messages, {:.0} bytes each on average", messages.len(), bytes as f64 / messages.len() as f64);
    let mut c = Criterion::default().configure_from_args().measurement_time(Duration::from_secs(5));
    let mut g = c.benchmark_group("first_stage");
    g.throughput(Throughput::Elements(messages.len() as u64));
    g.bench_function("probability", |b| {
        b.iter(|| {
            for t in &messages {
                black_box(model.probability(black_box(t)));
            }
        });
    });
    g.finish();
    c.final_summary();
}
