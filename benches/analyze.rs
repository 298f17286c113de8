//! Benchmarks for scoring messages.
//!
//! 1. `analyze/default_pack`: `Analyzer::analyze_into` (normalization,
//!    matching, scoring) over a fixed corpus of support messages, in bytes of
//!    original text per second, with the default pack in `phrases/`.
//! 2. `analyze/default_plus_10k`: the same with 10,000 extra synthetic
//!    phrases loaded next to the default pack. The automaton grows about
//!    tenfold; the scan should not get much slower.
//!    `analyze_long/insults_4000_bytes` is one Discord-length message that
//!    is hits from end to end (the worst case for overlap resolution).
//! 3. `normalize/corpus`: `normalize_into` alone (with the default pack's vocabulary).
//! 4. `engine/process_into`: the full pipeline (analyzer, tracker, policy),
//!    in messages per second.
//!
//! Run with `cargo bench --bench analyze`. The ratio of (1) to (2) is printed
//! after the criterion output. The corpus is `CORPUS` below: typical support
//! messages of 50–300 bytes, calm, frustrated and abusive, some disguised.

use criterion::{black_box, Criterion, Throughput};
use keel::core::engine::{Decision, Engine, EngineConfig, Message};
use keel::core::ids::{ChannelId, MemberId};
use keel::core::normalize::{normalize_into, Normalized};
use keel::core::score::{Analysis, Analyzer, Scratch};
use keel::core::Role;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Typical support-channel messages, 50–300 bytes each.
const CORPUS: &[&str] = &[
    // Calm questions.
    "Hi, my order hasn't arrived yet, can you check the tracking for me? Order #48213.",
    "Thanks for the quick answer, that solved it. Have a nice weekend!",
    "I was charged twice for my subscription this month, could you take a look please?",
    "The app crashes when I open settings on Android 14. Any workaround until the fix ships?",
    "Could you reset my password? I'm locked out of my account since yesterday evening.",
    "Is there a way to change the shipping address on an order that's already been placed?",
    "Hello! Quick question: does the Pro plan include API access, or is that a separate add-on?",
    "I followed the steps in the FAQ but the export still comes out empty. Did I miss something?",
    "Morning all. Our team can't log in through SSO since the update, error code 403 on every try.",
    "Can I get an invoice with our VAT number on it? Accounting needs it for the Q3 books.",
    "No rush, but when you get a chance could someone look at ticket 7731? It's about a refund.",
    "Appreciate the help earlier, the sync works now. One more thing: how do I add a second device?",
    // Frustrated.
    "This is the third time I'm asking. Still no answer, this is ridiculous.",
    "I've been waiting for two weeks, what a waste of my time!!!",
    "WHY IS NOBODY ANSWERING MY QUESTION ABOUT THE REFUND",
    "Let me speak to a manager, this is unacceptable. I have been a customer for six years.",
    "Seriously?? You closed my ticket without fixing anything. Reopen it and actually read it this time.",
    "I'm so done with this. Every update breaks something else and support just copy-pastes the same answer.",
    "Your 'fix' made it worse. Now I can't even open the app. Great job, really.",
    "If this isn't sorted by Friday I'm filing a chargeback and leaving a review everywhere I can.",
    "I've explained this FIVE times already. Do you people even read the messages??",
    "Honestly this is the worst support experience I've had with any company, and I've had a few.",
    // Abusive, some disguised.
    "you useless idiots can't do anything right, I asked for ONE thing",
    "shut up and give me my money back you m0r0n, I'm not asking again",
    "this company is a joke and you are all f*cking clowns",
    "ur a complete 1d10t, how do u even have this job?? unbelievable",
    "you are s t u p i d and so is everyone who works there",
    "go f.u.c.k yourself, I want my refund NOW and I want it in full",
    "you're an absolute moooooron, read the damn ticket",
    "listen here you p4th3t1c cl0wn, fix it or I'll make sure everyone knows how useless you are",
    "what a bunch of incompetent sh*ts, I hope this company goes under",
    "stfu and escalate this you worthless piece of garbage",
    // Unicode, emoji, look-alikes.
    "Merci pour l'aide 🙏 la commande est bien arrivée, tout fonctionne parfaitement maintenant !",
    "app keeps crashing 😤😤😤 every single time I open the camera tab, pls fix",
    "ｙｏｕ ａｒｅ ａｎ ｉｄｉｏｔ and this service is garbage",
    "you іdіоt (cyrillic letters, nice try filter) just refund me already",
    "thanks so much!! 🎉🎉 you saved my presentation, I owe you one ❤️",
    "order 注文 #5521 still shows 'processing' after 10 days, can someone check? 🙂",
    "Z̷a̷l̷g̷o̷ text aside, why does the dashboard show ñ as garbage characters in names like Muñoz?",
    "the export says ‘done’ but the file is 0 bytes… tried Chrome and Firefox, same thing 🤷",
];

fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases")
}

fn analyzer(dir: &Path) -> Analyzer {
    let pack = keel::pack::load_dir(dir).unwrap_or_else(|e| panic!("pack {}: {:?}", dir.display(), e.problems()));
    Analyzer::new(pack).expect("the pack compiles")
}

/// Deterministic pseudo-words: lower-case letters, 5–12 long, from a fixed-seed xorshift.
struct Words(u64);

impl Words {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn word(&mut self) -> String {
        let len = 5 + (self.next_u64() % 8) as usize;
        (0..len).map(|_| (b'a' + (self.next_u64() % 26) as u8) as char).collect()
    }
}

/// A temporary phrases directory: copies of the default pack's files plus
/// `synthetic.toml` with `extra` distinct phrases, a quarter of them two words.
fn pack_dir_with_extra(extra: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for f in std::fs::read_dir(default_dir()).expect("phrases/") {
        let p = f.expect("a directory entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, dir.path().join(p.file_name().expect("a file name"))).expect("copy");
        }
    }
    let mut words = Words(0x2545_f491_4f6c_dd1d);
    let mut seen = std::collections::HashSet::new();
    let mut toml = String::from(
        "[[category]]\nname = \"synthetic\"\nkind = \"hostile\"\nweight = 0.3\n\
         description = \"Pseudo-words for the benchmark.\"\nphrases = [\n",
    );
    while seen.len() < extra {
        let phrase =
            if words.next_u64() % 4 == 0 { format!("{} {}", words.word(), words.word()) } else { words.word() };
        if seen.insert(phrase.clone()) {
            writeln!(toml, "  \"{phrase}\",").expect("write to a String");
        }
    }
    toml.push_str("]\n");
    std::fs::write(dir.path().join("synthetic.toml"), toml).expect("write synthetic.toml");
    dir
}

fn corpus_bytes() -> u64 {
    CORPUS.iter().map(|m| m.len() as u64).sum()
}

fn analyze_corpus(an: &Analyzer, a: &mut Analysis, s: &mut Scratch) -> f32 {
    let mut total = 0.0;
    for m in CORPUS {
        an.analyze_into(m, 0.0, a, s);
        total += a.score;
    }
    total
}

/// Seconds per pass over the corpus, best of a few timed runs (for the ratio line).
fn seconds_per_pass(an: &Analyzer) -> f64 {
    let (mut a, mut s) = (Analysis::default(), Scratch::default());
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..200 {
            black_box(analyze_corpus(an, &mut a, &mut s));
        }
        best = best.min(t.elapsed().as_secs_f64() / 200.0);
    }
    best
}

fn bench_analyze(c: &mut Criterion, default: &Analyzer, big: &Analyzer) {
    let mut g = c.benchmark_group("analyze");
    g.throughput(Throughput::Bytes(corpus_bytes()));
    for (name, an) in [("default_pack", default), ("default_plus_10k", big)] {
        let (mut a, mut s) = (Analysis::default(), Scratch::default());
        g.bench_function(name, |b| b.iter(|| black_box(analyze_corpus(an, &mut a, &mut s))));
    }
    g.finish();

    // The worst case for overlap resolution: a Discord-length message that
    // is hits from end to end.
    let long = "you idiot, thanks for nothing! ".repeat(130);
    let mut g = c.benchmark_group("analyze_long");
    g.throughput(Throughput::Bytes(long.len() as u64));
    let (mut a, mut s) = (Analysis::default(), Scratch::default());
    g.bench_function("insults_4000_bytes", |b| {
        b.iter(|| {
            default.analyze_into(&long, 0.0, &mut a, &mut s);
            black_box(a.score)
        });
    });
    g.finish();
}

fn bench_normalize(c: &mut Criterion, analyzer: &Analyzer) {
    let mut g = c.benchmark_group("normalize");
    let vocabulary = analyzer.vocabulary();
    g.throughput(Throughput::Bytes(corpus_bytes()));
    let mut n = Normalized::default();
    g.bench_function("corpus", |b| {
        b.iter(|| {
            let mut len = 0;
            for m in CORPUS {
                normalize_into(m, vocabulary, &mut n);
                len += n.text().len();
            }
            black_box(len)
        });
    });
    g.finish();
}

fn bench_engine(c: &mut Criterion, default: Arc<Analyzer>) {
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(CORPUS.len() as u64));
    let mut engine = Engine::new(default, &EngineConfig::default());
    let mut out = Decision::default();
    let (mut ts, mut k) = (1_795_000_000_000i64, 0u64);
    g.bench_function("process_into", |b| {
        b.iter(|| {
            for (i, text) in CORPUS.iter().enumerate() {
                k += 1;
                ts += 700;
                let msg = Message {
                    ts_ms: ts,
                    channel: ChannelId(k % 50),
                    author: MemberId(k % 2_000),
                    role: if i % 7 == 0 { Role::Staff } else { Role::Customer },
                    text,
                    author_name: "Sam",
                    channel_name: "support",
                };
                engine.process_into(&msg, &mut out);
                black_box(&out);
            }
        });
    });
    g.finish();
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    for m in CORPUS {
        assert!((50..=300).contains(&m.len()), "{} bytes: {m}", m.len());
    }
    let default = Arc::new(analyzer(&default_dir()));
    let dir = pack_dir_with_extra(10_000);
    let big = analyzer(dir.path());
    println!(
        "automaton patterns: default pack {} ({} KiB), with +10,000 phrases {} ({} KiB); corpus {} messages, {} bytes",
        default.matcher().automaton_patterns(),
        default.matcher().memory_usage() / 1024,
        big.matcher().automaton_patterns(),
        big.matcher().memory_usage() / 1024,
        CORPUS.len(),
        corpus_bytes()
    );

    let mut c = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(4)).configure_from_args();
    bench_analyze(&mut c, &default, &big);
    bench_normalize(&mut c, &default);
    bench_engine(&mut c, default.clone());
    c.final_summary();

    if full {
        let (d, b) = (seconds_per_pass(&default), seconds_per_pass(&big));
        let mbs = |s: f64| corpus_bytes() as f64 / s / 1e6;
        println!("== analyze: default pack vs +10,000 phrases (best of 5 x 200 passes) ==");
        println!("  default pack:      {:.1} MB/s", mbs(d));
        println!("  +10,000 phrases:   {:.1} MB/s", mbs(b));
        println!("  slowdown:          {:.2}x (target <= 1.5x)", b / d);
    }
}
