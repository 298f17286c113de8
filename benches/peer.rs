//! keel against the word filter a Rust bot would pick instead (rustrict),
//! side by side in one run, on the same tweet-length messages.
//!
//! 1. rustrict: `Censor::analyze` on each message (in this process, one
//!    core), counted as flagged when it reads the message as at least
//!    moderately offensive (rustrict's own `is_inappropriate` cut).
//! 2. keel as shipped: the real `keel replay` binary with the bundled
//!    bot.toml (context reader on when the model is fetched), on a JSON
//!    Lines transcript of the same messages, timed from start to exit
//!    (loading the pack and the reader included), one message per channel
//!    so the reader reads every customer message the phrases leave to it.
//! 3. keel with the phrases alone (`[context] enabled = false`).
//! 4. keel with the first-stage reader alone (`[context] reader =
//!    "first-stage"`: no transformer loaded).
//!
//! The messages are the texts of `../shared/data/tweeteval-offensive-train.jsonl`
//! (training data: speed only, nothing is judged) cycled to 25,000, or the
//! support fixture's when the shared data is not beside the repo. Prints
//! messages per second for each and keel's ratio to rustrict. Run with
//! `cargo bench --bench peer`.

use rustrict::{Censor, Type};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Messages per run.
const MESSAGES: usize = 25_000;

fn texts(root: &Path) -> Vec<String> {
    let shared = root.join("../shared/data/tweeteval-offensive-train.jsonl");
    let fixture = root.join("tests/fixtures/support-messages.jsonl");
    let path = if shared.is_file() { shared } else { fixture };
    let body = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<String> = body
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
        .collect();
    assert!(!rows.is_empty(), "{}: no texts", path.display());
    eprintln!("messages: {} of {} cycled to {MESSAGES}", path.display(), rows.len());
    rows.iter().cycle().take(MESSAGES).cloned().collect()
}

/// rustrict's messages per second and how many it flags.
fn rustrict(texts: &[String]) -> (f64, usize) {
    let start = Instant::now();
    let mut flagged = 0;
    for t in texts {
        let kind = Censor::from_str(t).analyze();
        flagged += usize::from(kind.is(Type::INAPPROPRIATE));
    }
    (texts.len() as f64 / start.elapsed().as_secs_f64(), flagged)
}

/// `keel replay` on the transcript with `config`: messages per second and
/// how many lines came back hostile.
fn keel(transcript: &Path, config: &Path) -> (f64, usize) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["replay", "--config"])
        .arg(config)
        .arg(transcript)
        .output()
        .expect("keel replay runs");
    let secs = start.elapsed().as_secs_f64();
    assert!(out.status.success(), "keel replay failed: {}", String::from_utf8_lossy(&out.stderr));
    let hostile = String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.contains("\"hostile\":true")).count();
    (MESSAGES as f64 / secs, hostile)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let texts = texts(root);
    let dir = tempfile::tempdir().expect("temp dir");
    let transcript = dir.path().join("messages.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&transcript).expect("transcript"));
    for (i, t) in texts.iter().enumerate() {
        let line =
            serde_json::json!({"id": i.to_string(), "channel": format!("c{i}"), "author": format!("u{i}"), "text": t});
        writeln!(f, "{line}").expect("write");
    }
    f.flush().expect("flush");
    drop(f);
    let phrases_only = dir.path().join("phrases-only.toml");
    let phrases = root.join("phrases");
    std::fs::write(
        &phrases_only,
        format!("phrases = {:?}\n[context]\nenabled = false\n", phrases.display().to_string()),
    )
    .expect("config");
    let first_only = dir.path().join("first-stage.toml");
    std::fs::write(
        &first_only,
        format!(
            "phrases = {:?}\n[context]\nreader = \"first-stage\"\nrequired = true\nfirst_stage = {:?}\n",
            phrases.display().to_string(),
            root.join("models/keel-first-stage.bin").display().to_string()
        ),
    )
    .expect("config");
    // rustrict, the phrases alone and the first stage alone three times
    // each, interleaved, and the best run counts (the machine is shared);
    // keel as shipped once (with the transformer it runs for minutes).
    let mut best = [(0.0f64, 0usize); 4];
    for round in 0..3 {
        let shipped = (round == 1).then(|| keel(&transcript, &root.join("bot.toml")));
        let runs = [
            Some(rustrict(&texts)),
            shipped,
            Some(keel(&transcript, &phrases_only)),
            Some(keel(&transcript, &first_only)),
        ];
        for (b, r) in best.iter_mut().zip(runs) {
            if let Some(r) = r.filter(|r| r.0 > b.0) {
                *b = r;
            }
        }
    }
    let [(peer, peer_flagged), (shipped, shipped_hostile), (alone, alone_hostile), (first, first_hostile)] = best;
    println!("== keel vs rustrict, {MESSAGES} tweet-length messages, one run (best of 3; keel as shipped once) ==");
    println!("  rustrict (Censor::analyze):      {peer:>9.0} messages/s  ({peer_flagged} flagged)");
    println!(
        "  keel replay as shipped:          {shipped:>9.0} messages/s  ({shipped_hostile} hostile)  {:.2}x rustrict",
        shipped / peer
    );
    println!(
        "  keel replay, phrases alone:      {alone:>9.0} messages/s  ({alone_hostile} hostile)  {:.2}x rustrict",
        alone / peer
    );
    println!(
        "  keel replay, first stage alone:  {first:>9.0} messages/s  ({first_hostile} hostile)  {:.2}x rustrict",
        first / peer
    );
}
