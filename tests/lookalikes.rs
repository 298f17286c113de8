//! Benign look-alikes (issue 12): what a support channel really sees —
//! place names, people's names, words with a rude word inside, technical
//! terms, gaming and praise slang, mild exclamations said to no one, negated
//! insults and people being hard on themselves — is never hostile, by the
//! phrases alone and with the context reader.
//!
//! The sentences are in `tests/fixtures/lookalikes.jsonl`. The reader's
//! tests print `SKIPPED <test>: ...` and return without its model files
//! (see `tests/support/binary.rs`).

mod support {
    pub mod binary;
}

use keel::config::{load_all, ReaderState};
use keel::core::context::Reader;
use keel::core::engine::{Decision, Engine, Message};
use keel::core::ids::{ChannelId, MemberId};
use keel::core::policy::Action;
use keel::core::score::Analyzer;
use keel::core::{Level, Role};
use serde::Deserialize;
use std::collections::HashSet;
use std::sync::Arc;
use support::binary::{reader_present, root};

/// The kinds of look-alike the fixture holds.
const KINDS: [&str; 9] =
    ["place", "name", "embedded", "technical", "gaming", "exclamation", "negation", "praise", "self-deprecation"];

/// With the reader, the look-alikes it still raises are at most this many.
/// Issue 12's target is 0: what is left is a place name opening a sentence
/// ("Shitterton is a real village": no title, neighbour or "in" marks it
/// as a name, and a capital at a sentence's start says nothing). Lower it
/// as they go.
const STILL_RAISED_BY_THE_READER: usize = 1;

#[derive(Debug, Deserialize)]
struct Line {
    id: String,
    text: String,
    label: u8,
    kind: String,
}

fn lines() -> Vec<Line> {
    let text = std::fs::read_to_string(root().join("tests/fixtures/lookalikes.jsonl")).expect("the fixture");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
}

fn loaded() -> keel::config::Loaded {
    load_all(Some(&root().join("bot.toml"))).expect("the bundled configuration loads")
}

fn reader(config: &keel::config::Config) -> Arc<dyn Reader> {
    match config.context.load() {
        Ok(ReaderState::On(r)) => r,
        other => panic!("the bundled reader loads: {other:?}"),
    }
}

/// The look-alikes that `analyzer` (and `reader`, if given) find hostile, with their scores.
fn flagged(analyzer: &Analyzer, reader: Option<&dyn Reader>) -> Vec<String> {
    let threshold = analyzer.pack().settings().hostile_threshold;
    lines()
        .iter()
        .filter_map(|l| {
            let mut a = analyzer.analyze(&l.text, 0.0);
            if let Some(r) = reader {
                r.blend_reading(&mut a, threshold);
            }
            a.hostile.then(|| format!("{} [{}] {:.2} {:?}", l.id, l.kind, a.score, l.text))
        })
        .collect()
}

#[test]
fn the_fixture_is_well_formed() {
    let lines = lines();
    assert!(lines.len() >= 220, "{} look-alikes", lines.len());
    let mut ids = HashSet::new();
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l.id, format!("lookalike-{}", i + 1), "ids run in order");
        assert!(ids.insert(l.id.clone()), "{} twice", l.id);
        assert_eq!(l.label, 0, "{}: every look-alike is benign", l.id);
        assert!(KINDS.contains(&l.kind.as_str()), "{}: unknown kind {}", l.id, l.kind);
    }
    for kind in KINDS {
        let n = lines.iter().filter(|l| l.kind == kind).count();
        assert!(n >= 20, "only {n} look-alikes of kind {kind}");
    }
}

#[test]
fn no_look_alike_is_hostile_by_the_phrases_alone() {
    let loaded = loaded();
    let wrong = flagged(&loaded.analyzer, None);
    assert!(wrong.is_empty(), "{} look-alikes flagged hostile:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn keel_eval_phrases_only_finds_no_false_alarm() {
    let out = support::binary::keel(&["eval", "--phrases-only", "tests/fixtures/lookalikes.jsonl"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.lines().any(|l| l.starts_with("tp 0  fp 0  ")), "{stdout}");
}

#[test]
fn the_reader_raises_no_more_look_alikes_than_it_used_to() {
    if !reader_present("lookalikes::the_reader_raises_no_more_look_alikes_than_it_used_to") {
        return;
    }
    let loaded = loaded();
    let reader = reader(&loaded.config);
    let wrong = flagged(&loaded.analyzer, Some(reader.as_ref()));
    eprintln!("{} look-alikes raised by the reader:\n{}", wrong.len(), wrong.join("\n"));
    assert!(
        wrong.len() <= STILL_RAISED_BY_THE_READER,
        "{} look-alikes flagged hostile with the reader (at most {STILL_RAISED_BY_THE_READER}):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Issue 12's own cases: negation, praise and slang, self-deprecation.
const REGRESSION: [&str; 10] = [
    "you're not stupid",
    "you're not stupid, the form is confusing",
    "you're not useless at all, thank you",
    "this update is sick",
    "that's sick, thanks",
    "what a sick drop",
    "sorry if this is a stupid question, but how do I export my data?",
    "stupid question: how do I reset my password?",
    "I'm an idiot, I had caps lock on",
    "my dumb mistake, sorry",
];

/// The configuration and its analyzer, shared by the engines of a test.
type Shared = (keel::config::Config, Arc<Analyzer>);

fn shared() -> Shared {
    let loaded = loaded();
    (loaded.config, Arc::new(loaded.analyzer))
}

/// Replays `text` alone as a customer's message; what is wrong with the outcome, if anything.
fn replay_alone(loaded: &Shared, reader: Option<Arc<dyn Reader>>, text: &str) -> Option<String> {
    let mut engine = Engine::new(Arc::clone(&loaded.1), &loaded.0.engine);
    engine.set_reader(reader);
    let msg = Message {
        ts_ms: 1_000_000,
        channel: ChannelId(7),
        author: MemberId(42),
        role: Role::Customer,
        text,
        author_name: "maya",
        channel_name: "#support",
    };
    let mut d = Decision::default();
    engine.process_into(&msg, &mut d);
    let nudged = d.actions.iter().any(|a| matches!(a, Action::NudgeModerators { .. }));
    (d.analysis.hostile || d.outcome.level != Level::Calm || nudged).then(|| {
        format!(
            "{text:?}: score {:.2} (phrases {:.2}, reader {:?}), hostile {}, level {}, nudged {nudged}",
            d.analysis.score, d.analysis.phrase_score, d.analysis.reading, d.analysis.hostile, d.outcome.level
        )
    })
}

#[test]
fn regression_issue_12_cases_alone_stay_calm_by_the_phrases_alone() {
    let loaded = shared();
    let wrong: Vec<String> = REGRESSION.iter().filter_map(|t| replay_alone(&loaded, None, t)).collect();
    assert!(wrong.is_empty(), "REGRESSION (issue 12):\n{}", wrong.join("\n"));
}

#[test]
fn regression_issue_12_cases_alone_stay_calm_with_the_reader() {
    if !reader_present("lookalikes::regression_issue_12_cases_alone_stay_calm_with_the_reader") {
        return;
    }
    let loaded = shared();
    let reader = reader(&loaded.0);
    let wrong: Vec<String> =
        REGRESSION.iter().filter_map(|t| replay_alone(&loaded, Some(Arc::clone(&reader)), t)).collect();
    assert!(wrong.is_empty(), "REGRESSION (issue 12):\n{}", wrong.join("\n"));
}
