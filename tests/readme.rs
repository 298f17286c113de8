//! README.md's examples, run through the `keel` binary as README shows them,
//! asserting what README says about each. When README changes what it
//! claims, the test here changes with it.
//!
//! Messages are judged with `keel replay` (the public contract: score,
//! hostile, signals), one message alone as a customer's, as `keel explain`
//! judges it. "Phrases alone" uses a configuration with the context reader
//! off, so those tests run everywhere; the reader's tests need its base
//! model (`bash tools/fetch-model.sh`) and print a visible `SKIPPED` line
//! without it, or fail when `KEEL_REQUIRE_READER` is set.
//!
//! Where keel does not yet do what it should, an `#[ignore]`d test states
//! the expected behaviour and names the issue; README says what keel does
//! today. `cargo test --test readme -- --ignored` shows which still fail.

use serde_json::{json, Value};

/// Only the binary helpers of tests/support (not the fake Discord).
mod support {
    pub mod binary;
}
use support::binary::{keel, reader_present, root};

/// Which configuration judges.
#[derive(Clone, Copy)]
enum Judge {
    /// The bundled phrase pack with the context reader off.
    PhrasesAlone,
    /// The bundled `bot.toml`: phrases and the context reader.
    WithReader,
}

/// Runs `keel replay` on `lines` with `judge`'s configuration.
fn replay_lines(judge: Judge, lines: &str) -> Vec<Value> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let config = match judge {
        Judge::WithReader => root().join("bot.toml"),
        Judge::PhrasesAlone => {
            let path = tmp.path().join("bot.toml");
            let phrases = root().join("phrases");
            std::fs::write(
                &path,
                format!("phrases = {:?}\n[context]\nenabled = false\n", phrases.display().to_string()),
            )
            .expect("write bot.toml");
            path
        }
    };
    let config = config.to_str().expect("a UTF-8 path");
    let out = keel(&["replay", "--config", config, "-"], lines);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

/// One customer's message, judged alone.
fn judge(judge: Judge, text: &str) -> Value {
    let line = json!({"id": "m", "channel": "support", "author": "maya", "role": "customer", "text": text});
    replay_lines(judge, &format!("{line}\n")).remove(0)
}

fn hostile(v: &Value) -> bool {
    v["hostile"].as_bool().expect("hostile")
}

fn score(v: &Value) -> f64 {
    v["score"].as_f64().expect("score")
}

/// The (category, phrase) of every signal of a judged message.
fn signals(v: &Value) -> Vec<(String, String)> {
    v["signals"]
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| (s["category"].as_str().unwrap_or("").to_owned(), s["phrase"].as_str().unwrap_or("").to_owned()))
        .collect()
}

fn has_signal(v: &Value, category: &str, phrase: &str) -> bool {
    signals(v).iter().any(|(c, p)| c == category && p == phrase)
}

/// README, "How keel judges": spaced and dotted letters are joined.
#[test]
fn spaced_and_dotted_letters_are_read_as_the_word() {
    for text in ["you are an i d i o t", "you are an i.d.i.o.t"] {
        let v = judge(Judge::PhrasesAlone, text);
        assert!(hostile(&v) && has_signal(&v, "insult", "idiot"), "{text}: {v}");
    }
}

/// README, "A tuning session": the one-letter words stay apart from the
/// spaced letters they stand before (issue 12).
#[test]
fn ur_a_c_l_o_w_n_is_an_insult_aimed_at_the_reader() {
    let v = judge(Judge::PhrasesAlone, "ur a c l o w n, this is the 3rd time!!!");
    assert!(hostile(&v) && has_signal(&v, "insult", "clown"), "{v}");
    let out = keel(&["explain", "--config", "bot.toml", "ur a c l o w n, this is the 3rd time!!!"], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("normalized: ur a clown,"), "{out:?}");
}

/// README, "How keel judges": negation, "you're not stupid" (phrases).
#[test]
fn you_are_not_stupid_is_negated_by_the_phrases() {
    let v = judge(Judge::PhrasesAlone, "you're not stupid");
    assert!(!hostile(&v), "{v}");
    let stupid = v["signals"].as_array().expect("signals").iter().find(|s| s["phrase"] == "stupid").cloned();
    let weight = stupid.as_ref().and_then(|s| s["weight"].as_f64()).expect("the insult is matched");
    assert!(weight < 0.5, "negation lowers the insult's weight: {v}");
}

/// README: the reader reads a message without the words the phrases negated.
#[test]
fn you_are_not_stupid_stays_not_hostile_with_the_reader() {
    if reader_present("readme::you_are_not_stupid_stays_not_hostile_with_the_reader") {
        let v = judge(Judge::WithReader, "you're not stupid");
        assert!(!hostile(&v), "{v}");
    }
}

/// README, "Reading": the phrases cannot see hostility that uses no listed
/// word. bot.toml's example is one, README's sarcasm another.
#[test]
fn phrases_alone_miss_hostility_without_a_listed_word() {
    for text in [
        "talking to a wall would be more productive than talking to you",
        "wow, great job breaking it again, do you even test anything?",
        "you're a glorified FAQ reader",
    ] {
        let v = judge(Judge::PhrasesAlone, text);
        assert!(!hostile(&v), "{text}: {v}");
        assert!(
            signals(&v).iter().all(|(c, _)| !matches!(c.as_str(), "insult" | "contempt" | "name-calling")),
            "{text}: {v}"
        );
    }
}

/// README's example of what the reader catches.
#[test]
fn the_reader_catches_a_glorified_faq_reader() {
    if reader_present("readme::the_reader_catches_a_glorified_faq_reader") {
        let v = judge(Judge::WithReader, "you're a glorified FAQ reader");
        assert!(hostile(&v) && score(&v) >= 0.5, "{v}");
    }
}

/// README: the two-stage reader reads bot.toml's example and README's
/// sarcasm as hostile.
#[test]
fn the_reader_catches_the_wall_and_the_sarcasm() {
    if reader_present("readme::the_reader_catches_the_wall_and_the_sarcasm") {
        for text in [
            "talking to a wall would be more productive than talking to you",
            "wow, great job breaking it again, do you even test anything?",
        ] {
            let v = judge(Judge::WithReader, text);
            assert!(hostile(&v), "{text}: {v}");
        }
    }
}
