//! The evasion suite end to end (`keel eval --perturb`, docs/evasion.md):
//! that the suite itself is sound (deterministic for a seed, rewriting only
//! the listed words, keeping every row), and issue 12's targets for keel —
//! every perturbation family keeps at least 95% of the clean recall, and the
//! benign corpus with digits and symbols raises no false alarm.
//!
//! The labeled sets live outside the repository in `../shared/data/`; a test
//! that needs them prints `SKIPPED <test>: ...` when they are missing, and
//! fails instead when `KEEL_REQUIRE_SHARED=1`.

#[allow(dead_code)] // this crate uses part of the helpers
mod support {
    pub mod binary;
}

use serde_json::Value;
use std::io::Write as _;
use std::process::Output;
use support::binary::{keel, root};

const BENIGN: &str = "tests/fixtures/benign-symbols.jsonl";
const TWEETEVAL_VAL: &str = "../shared/data/tweeteval-offensive-val.jsonl";
const CONVABUSE: &str = "../shared/data/extra/convabuse-train.jsonl";

/// A few rows of our own: listed words, none, an id as a number, no id.
const ROWS: &str = r#"{"id": "t1", "text": "you stupid idiot, ticket #42", "label": 1}
{"id": "t2", "text": "thanks, order #A55-1234 arrived", "label": 0}
{"text": "what the fuck is this shit", "label": 1}
{"id": 7, "text": "damn, I forgot the file", "label": 0}
"#;

/// `path` (relative to the repository) when it is there; otherwise `None`
/// after a visible `SKIPPED` line, or a panic under `KEEL_REQUIRE_SHARED=1`.
fn shared(path: &str, test: &str) -> Option<String> {
    if root().join(path).is_file() {
        return Some(path.to_string());
    }
    assert!(std::env::var("KEEL_REQUIRE_SHARED").as_deref() != Ok("1"), "KEEL_REQUIRE_SHARED=1 but {path} is missing");
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: needs {path} (keel's developers have ../shared/data/)");
    None
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

/// The suite's JSON report on `file` (`-` reads `stdin`), phrases alone.
fn report(file: &str, extra: &[&str], stdin: &str) -> Value {
    let mut args = vec!["eval", "--config", "bot.toml", "--phrases-only", "--perturb", "--json"];
    args.extend_from_slice(extra);
    args.push(file);
    serde_json::from_str(&stdout(&keel(&args, stdin))).expect("JSON report")
}

/// The rows of `file` rewritten by `family`, parsed.
fn emitted(file: &str, family: &str, seed: &str, stdin: &str) -> Vec<Value> {
    let out = keel(&["eval", "--perturb", "--emit", family, "--seed", seed, file], stdin);
    stdout(&out).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

const FAMILIES: [&str; 8] =
    ["leet", "separators", "repeats", "zero-width", "combining", "homoglyphs", "case", "combined"];

#[test]
fn the_suite_is_deterministic_for_a_seed_and_rewrites_only_listed_words() {
    for family in FAMILIES {
        let a = emitted("-", family, "12", ROWS);
        assert_eq!(a, emitted("-", family, "12", ROWS), "{family}: same seed, same rewrites");
        assert_ne!(a, emitted("-", family, "13", ROWS), "{family}: another seed, other rewrites");
        assert_eq!(a.len(), 4, "{family}: one line per row");
        let ids: Vec<&Value> = a.iter().map(|r| &r["id"]).collect();
        assert_eq!(ids, [&Value::from("t1"), &Value::from("t2"), &Value::Null, &Value::from(7)], "{family}");
        let labels: Vec<i64> = a.iter().map(|r| r["label"].as_i64().expect("label")).collect();
        assert_eq!(labels, [1, 0, 1, 0], "{family}");
        let text = |i: usize| a[i]["text"].as_str().expect("text").to_string();
        assert_eq!(text(1), "thanks, order #A55-1234 arrived", "{family}: no listed word, no change");
        let t1 = text(0);
        assert!(t1.starts_with("you ") && t1.ends_with(", ticket #42") && t1 != "you stupid idiot, ticket #42", "{t1}");
        assert!(text(2).starts_with("what the ") && text(2).contains(" is this "), "{family}: {}", text(2));
        assert!(text(3).ends_with(", I forgot the file") && !text(3).starts_with("damn"), "{family}: {}", text(3));
        let alone = emitted("-", family, "12", ROWS.lines().next().expect("a row"));
        assert_eq!(alone[0], a[0], "{family}: a row's rewrite does not depend on the rest of the file");
    }
    let r = report("-", &[], ROWS);
    assert_eq!(r, report("-", &[], ROWS), "two runs give the same report");
    assert_eq!((r["rows"].as_u64(), r["listed_words"].as_u64()), (Some(4), Some(5)), "{r}");
    assert_eq!((r["offensive_listed"].as_u64(), r["negatives_listed"].as_u64()), (Some(2), Some(1)), "{r}");
    let names: Vec<&str> =
        r["families"].as_array().expect("families").iter().filter_map(|f| f["family"].as_str()).collect();
    assert_eq!(names, FAMILIES);
}

#[test]
fn a_whole_file_comes_back_row_for_row() {
    let Some(file) = shared(TWEETEVAL_VAL, "a_whole_file_comes_back_row_for_row") else { return };
    let input = std::fs::read_to_string(root().join(&file)).expect("read");
    let rows: Vec<Value> = input.lines().map(|l| serde_json::from_str(l).expect("row")).collect();
    for family in FAMILIES {
        let out = emitted(&file, family, "12", "");
        assert_eq!(out.len(), rows.len(), "{family}");
        for (a, b) in rows.iter().zip(&out) {
            assert_eq!((&a["id"], &a["label"]), (&b["id"], &b["label"]), "{family}");
        }
    }
}

#[test]
fn held_out_is_the_same_fifteen_percent_in_every_tool() {
    // Which of row-0..row-39 hash into the held-out share, computed with the
    // Python rule written in docs/evasion.md: 5, 13, 18, 20, 28, 29 and 30.
    let input: String =
        (0..40).map(|i| format!("{{\"id\": \"row-{i}\", \"text\": \"hi {i}\", \"label\": 0}}\n")).collect();
    let count = |split: &str| {
        let out = stdout(&keel(&["eval", "--config", "bot.toml", "--phrases-only", "--split", split, "-"], &input));
        out.lines().find_map(|l| l.strip_prefix("messages: ")).and_then(|l| l.split(' ').next()).map(str::to_string)
    };
    assert_eq!(count("held-out").as_deref(), Some("7"));
    assert_eq!(count("fit").as_deref(), Some("33"));
    assert_eq!(count("all").as_deref(), Some("40"));
    let r = report("-", &["--split", "held-out"], &input);
    assert_eq!(r["rows"].as_u64(), Some(7), "{r}");
}

#[test]
fn the_benign_corpus_is_benign_support_talk_without_listed_words() {
    let input = std::fs::read_to_string(root().join(BENIGN)).expect("read");
    let rows: Vec<Value> = input.lines().map(|l| serde_json::from_str(l).expect("row")).collect();
    assert!(rows.len() >= 150, "{}", rows.len());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["id"], format!("benign-symbols-{}", i + 1));
        assert_eq!(r["label"], 0, "{r}");
    }
    let r = report(BENIGN, &[], "");
    assert_eq!(r["listed_words"].as_u64(), Some(0), "no insult in any plain spelling: {r}");
}

/// Every family keeps at least 95% of the clean recall on `file`.
fn assert_retained(file: &str) {
    let r = report(file, &[], "");
    let mut short = Vec::new();
    for f in r["families"].as_array().expect("families") {
        let retained = f["retained"].as_f64().expect("something caught clean");
        if retained < 0.95 {
            short.push(format!("{}: {retained:.3}", f["family"]));
        }
    }
    assert!(short.is_empty(), "{file}: families under 95% of clean recall: {}", short.join(", "));
}

#[test]
fn every_family_keeps_95_percent_of_clean_recall_on_tweeteval_val() {
    if let Some(file) = shared(TWEETEVAL_VAL, "every_family_keeps_95_percent_of_clean_recall_on_tweeteval_val") {
        assert_retained(&file);
    }
}

#[test]
fn every_family_keeps_95_percent_of_clean_recall_on_convabuse() {
    if let Some(file) = shared(CONVABUSE, "every_family_keeps_95_percent_of_clean_recall_on_convabuse") {
        assert_retained(&file);
    }
}

#[test]
fn digits_and_symbols_survive_the_benign_corpus_without_a_false_alarm() {
    let r = report(BENIGN, &["--errors", "20"], "");
    assert_eq!(r["false_alarms_clean"].as_u64(), Some(0), "{r}");
    for f in r["families"].as_array().expect("families") {
        assert_eq!(f["false_alarms"].as_u64(), Some(0), "{f}");
        assert_eq!(f["new_false_alarms"].as_u64(), Some(0), "{f}");
    }
}
