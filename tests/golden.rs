//! keel's golden outputs: `keel replay` and `keel explain` print exactly what
//! `tests/golden/` recorded (`bash tools/golden.sh record`, which also covers
//! `keel check` on broken files and a 100,000-message transcript on the
//! release build). A change of behaviour shows here as a diff; a change that
//! is meant re-records the goldens in the same commit.
//!
//! Phrases alone always; with the context reader when its base model is
//! fetched (`tools/fetch-model.sh`, or required by `KEEL_REQUIRE_READER=1`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The replayed transcripts, as `tools/golden.sh` names them.
const TRANSCRIPTS: [&str; 4] = [
    "examples/calm.jsonl",
    "examples/escalating.jsonl",
    "tests/fixtures/support-conversations.jsonl",
    "tests/fixtures/relapse.jsonl",
];

/// A copy of the bundled configuration with only the reader switched off,
/// in `<tmp>/phrases-only/` as the script makes it (explain prints the
/// phrase files' paths, relative to `<tmp>`).
fn phrases_only() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("phrases-only");
    std::fs::create_dir_all(dir.join("phrases")).expect("mkdir");
    for entry in std::fs::read_dir(root().join("phrases")).expect("phrases/") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join("phrases").join(path.file_name().expect("name"))).expect("copy");
    }
    let bundled = std::fs::read_to_string(root().join("bot.toml")).expect("bot.toml");
    let mut section = String::new();
    let mut switched = 0;
    let lines: Vec<String> = bundled
        .lines()
        .map(|line| {
            if line.starts_with('[') {
                section = line.to_string();
            }
            if section == "[context]" && line == "enabled = true" {
                switched += 1;
                "enabled = false".to_string()
            } else {
                line.to_string()
            }
        })
        .collect();
    assert_eq!(switched, 1, "bot.toml's [context] has one `enabled = true`");
    let config = dir.join("bot.toml");
    std::fs::write(&config, lines.join("\n") + "\n").expect("write bot.toml");
    (tmp, config)
}

fn reader_available() -> bool {
    let present = root().join("models/all-MiniLM-L6-v2/model.safetensors").exists();
    assert!(
        present || std::env::var_os("KEEL_REQUIRE_READER").is_none(),
        "KEEL_REQUIRE_READER is set but the reader's base model is missing"
    );
    present
}

fn keel(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_keel")).args(args).current_dir(root()).output().expect("keel runs");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn golden(name: &str) -> String {
    let path = root().join("tests/golden").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run: bash tools/golden.sh record)", path.display()))
}

/// Compares line by line, so a failure names the first line that changed.
fn same(name: &str, got: &str) {
    let want = golden(name);
    if got == want {
        return;
    }
    let first = got
        .lines()
        .zip(want.lines())
        .position(|(g, w)| g != w)
        .unwrap_or(got.lines().count().min(want.lines().count()));
    panic!(
        "tests/golden/{name} changed at line {}:\n  recorded: {}\n  now:      {}\n(if the change is meant: bash tools/golden.sh record)",
        first + 1,
        want.lines().nth(first).unwrap_or("<end>"),
        got.lines().nth(first).unwrap_or("<end>"),
    );
}

fn replays(config: &Path, suffix: &str) {
    let config = config.to_str().expect("UTF-8 path");
    for input in TRANSCRIPTS {
        let name = Path::new(input).file_stem().expect("stem").to_str().expect("UTF-8");
        same(&format!("replay-{name}.{suffix}.out"), &keel(&["replay", "--config", config, input]));
    }
}

fn explains(config: &Path, strip: &Path, suffix: &str) {
    let config = config.to_str().expect("UTF-8 path");
    let strip = format!("{}/", strip.display());
    let mut out = String::new();
    for line in golden("explain-inputs.txt").lines() {
        writeln!(out, ">>> {line}").expect("writing to a String");
        out.push_str(&keel(&["explain", "--config", config, line]).replace(&strip, ""));
    }
    same(&format!("explain.{suffix}.out"), &out);
}

#[test]
fn replay_by_phrases_alone_prints_the_recorded_decisions() {
    let (_tmp, config) = phrases_only();
    replays(&config, "phrases");
}

#[test]
fn explain_by_phrases_alone_prints_the_recorded_reasons() {
    let (tmp, config) = phrases_only();
    explains(&config, tmp.path(), "phrases");
}

#[test]
fn replay_with_the_reader_prints_the_recorded_decisions() {
    if !reader_available() {
        eprintln!("skipped: the reader's base model is missing (tools/fetch-model.sh)");
        return;
    }
    replays(&root().join("bot.toml"), "reader");
}

#[test]
fn explain_with_the_reader_prints_the_recorded_reasons() {
    if !reader_available() {
        eprintln!("skipped: the reader's base model is missing (tools/fetch-model.sh)");
        return;
    }
    explains(&root().join("bot.toml"), &root(), "reader");
}
