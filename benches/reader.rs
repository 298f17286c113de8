//! Benchmark of the context reader (all-MiniLM-L6-v2 with keel's adapter).
//!
//! 1. `reader/read`: `ContextReader::read` on typical support messages, in
//!    messages per second (one core's worth of work per message; the model
//!    runs on the CPU).
//! 2. `engine_with_reader/process_into`: the whole pipeline with the reader,
//!    which reads only customers' messages the phrases did not already find
//!    hostile; printed next to the phrases-only engine on the same messages.
//!
//! Needs the base model (`bash tools/fetch-model.sh`); without it the bench
//! says so and measures nothing. Run with `cargo bench --bench reader`.

use criterion::{black_box, Criterion, Throughput};
use keel::config::{load_all, ReaderState};
use keel::core::engine::{Decision, Engine, Message};
use keel::core::ids::{ChannelId, MemberId};
use keel::core::normalize::normalize;
use keel::core::Role;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES: &[&str] = &[
    "Hi, my order hasn't arrived yet, can you check the tracking for me? Order #48213.",
    "Thanks for the quick answer, that solved it. Have a nice weekend!",
    "I was charged twice for my subscription this month, could you take a look please?",
    "The app crashes when I open settings on Android 14. Any workaround until the fix ships?",
    "This is the third time I'm asking. Still no refund, still no answer. Ridiculous.",
    "Honestly this is a waste of my time, I've explained the problem four times already",
    "wow great job breaking it again, do you even test anything before you ship it?",
    "talking to a brick wall would be more productive than talking to you",
    "you people are useless, let me speak to a manager NOW",
    "I will report this to my bank and do a chargeback if nobody answers today",
    "ok thanks, I'll wait for the email then",
    "is anyone actually reading these messages or is this channel just for show",
];

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = load_all(Some(&root.join("bot.toml"))).expect("the bundled configuration loads");
    let reader = match loaded.config.context.load() {
        Ok(ReaderState::On(r)) => r,
        other => {
            eprintln!("context reader not available ({other:?}): run tools/fetch-model.sh; nothing measured");
            return;
        }
    };
    let normalized: Vec<String> = MESSAGES.iter().map(|m| normalize(m).text().to_owned()).collect();
    let mut c = Criterion::default().configure_from_args().measurement_time(Duration::from_secs(10)).sample_size(10);
    {
        let mut g = c.benchmark_group("reader");
        g.throughput(Throughput::Elements(MESSAGES.len() as u64));
        g.bench_function("read", |b| {
            b.iter(|| {
                for t in &normalized {
                    black_box(reader.probability(black_box(t)).expect("reads"));
                }
            });
        });
        g.finish();
    }
    let analyzer = Arc::new(loaded.analyzer);
    let run = |with_reader: bool| -> (f64, usize) {
        let mut engine = Engine::new(analyzer.clone(), &loaded.config.engine);
        if with_reader {
            engine.set_reader(Some(reader.clone()));
        }
        let mut d = Decision::default();
        let rounds = 20;
        let mut read = 0;
        let start = Instant::now();
        for round in 0..rounds {
            for (i, text) in MESSAGES.iter().enumerate() {
                let msg = Message {
                    ts_ms: (round * MESSAGES.len() + i) as i64 * 60_000,
                    channel: ChannelId(i as u64),
                    author: MemberId(round as u64),
                    role: Role::Customer,
                    text,
                    author_name: "maya",
                    channel_name: "#support",
                };
                engine.process_into(&msg, &mut d);
                read += usize::from(d.analysis.reading.is_some());
            }
        }
        ((rounds * MESSAGES.len()) as f64 / start.elapsed().as_secs_f64(), read)
    };
    let (phrases, _) = run(false);
    let (with_reader, read) = run(true);
    let total = 20 * MESSAGES.len();
    println!(
        "engine, phrases alone: {phrases:.0} messages/s; with the reader: {with_reader:.0} messages/s \
         ({read} of {total} messages read, {:.1} ms per message read)",
        1000.0 / with_reader * total as f64 / read.max(1) as f64
    );
    c.final_summary();
}
