use super::tiny::{self, TinyAdapter};
use super::*;
use crate::core::context::Reading;
use crate::core::engine::tests::{engine, say};
use crate::core::engine::{Decision, Engine, Message};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::score::Analyzer;
use crate::core::Role;
use crate::pack::load_dir;
use std::sync::Arc;

fn load(adapter: TinyAdapter) -> (tempfile::TempDir, Result<ContextReader, ContextError>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = tiny::write(dir.path(), &adapter);
    let reader = ContextReader::load(&files);
    (dir, reader)
}

#[test]
fn a_tiny_model_loads_and_reads_a_probability_deterministically() {
    let (_dir, reader) = load(TinyAdapter::default());
    let reader = reader.expect("loads");
    let p = reader.read("you are an idiot").expect("reads");
    assert!(p > 0.0 && p < 1.0, "{p}");
    assert_eq!(reader.read("you are an idiot").expect("reads"), p, "same text, same reading");
    assert_ne!(reader.read("thanks for the help").expect("reads"), p, "different text, different reading");
    // The tokenizer file pads to 128 tokens; the reader reads only the text.
    assert_eq!(reader.tokens("you are an idiot").expect("tokens"), 4);
    assert_eq!(reader.tokens(&"thanks ".repeat(300)).expect("tokens"), 300, "no truncation either");
    assert_eq!(reader.read("").expect("reads"), 0.0);
    assert_eq!(reader.read("   ").expect("reads"), 0.0);
}

#[test]
fn long_messages_are_read_in_windows_and_the_worst_window_counts() {
    let (_dir, reader) = load(TinyAdapter::default());
    let reader = reader.expect("loads");
    let calm = "thanks for the help ".repeat(40); // 160 tokens: two windows
    let long = format!("{calm} you are an idiot you are an idiot");
    // Exactly the first window's 126 tokens (128 with [CLS] and [SEP]).
    let first = reader.read(&format!("{}thanks for", "thanks for the help ".repeat(31))).expect("reads");
    let whole = reader.read(&long).expect("reads");
    assert!(whole >= first, "{whole} < {first}");
    // 4,000 characters of text the tokenizer does not know: read, not a crash.
    assert!(reader.read(&"\u{200b}zz ".repeat(1000)).is_ok());
}

#[test]
fn the_adapter_is_merged_into_the_base_weights() {
    let (_a, plain) = load(TinyAdapter::default());
    let (_b, adapted) = load(TinyAdapter { lora_scale: 3.0, ..TinyAdapter::default() });
    let text = "my order is late please check it again";
    let p = plain.expect("loads").read(text).expect("reads");
    let q = adapted.expect("loads").read(text).expect("reads");
    assert_ne!(p, q, "the low-rank update changes the reading");
}

#[test]
fn missing_files_are_named_with_a_hint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = ReaderFiles { model_dir: dir.path().join("nowhere"), adapter: dir.path().join("a.safetensors") };
    let err = ContextReader::load(&files).expect_err("no files");
    assert!(matches!(err, ContextError::Missing { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("nowhere") && text.contains("config.json") && text.contains("fetch-model"), "{text}");
}

#[test]
fn a_broken_adapter_is_an_error_naming_the_tensor() {
    let (_a, r) = load(TinyAdapter { omit: vec!["head.bias"], ..TinyAdapter::default() });
    let text = r.expect_err("no head bias").to_string();
    assert!(text.contains("adapter.safetensors") && text.contains("head.bias") && text.contains("missing"), "{text}");

    let (_b, r) =
        load(TinyAdapter { extra: vec!["encoder.layer.0.attention.self.query.lora_a"], ..Default::default() });
    let text = r.expect_err("lora_a without lora_b").to_string();
    assert!(text.contains("lora_b"), "{text}");

    let (_c, r) = load(TinyAdapter {
        extra: vec!["encoder.layer.9.output.dense.lora_a", "encoder.layer.9.output.dense.lora_b"],
        ..Default::default()
    });
    let text = r.expect_err("no such layer").to_string();
    assert!(text.contains("encoder.layer.9.output.dense.weight"), "{text}");

    let (_d, r) = load(TinyAdapter { extra: vec!["stray"], ..TinyAdapter::default() });
    let text = r.expect_err("unknown tensor").to_string();
    assert!(text.contains("stray"), "{text}");

    let (_e, r) = load(TinyAdapter { blend: [f32::NAN, 1.0, 0.0], ..TinyAdapter::default() });
    let text = r.expect_err("NaN blend").to_string();
    assert!(text.contains("blend") && text.contains("finite"), "{text}");
}

#[test]
fn a_file_that_is_not_safetensors_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = tiny::write(dir.path(), &TinyAdapter::default());
    std::fs::write(&files.adapter, "not a tensor file").expect("write");
    let text = ContextReader::load(&files).expect_err("garbage").to_string();
    assert!(text.contains("adapter.safetensors"), "{text}");
}

fn analyzer() -> Analyzer {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("phrases");
    Analyzer::new(load_dir(&dir).expect("default pack")).expect("compiles")
}

#[test]
fn a_confident_reader_raises_a_message_the_phrases_missed_but_never_makes_a_strike() {
    let (_dir, reader) = load(TinyAdapter { head_bias: 12.0, ..TinyAdapter::default() });
    let reader = reader.expect("loads");
    let analyzer = analyzer();
    let mut a = analyzer.analyze("people like that should not be allowed near a keyboard", 0.0);
    assert!(!a.hostile, "the phrases alone miss it");
    let p = reader.read_into(&mut a, 0.5).expect("reads");
    assert!(p.is_some_and(|p| p > 0.99));
    assert!(a.hostile && !a.abusive && a.score > a.phrase_score, "{a:?}");
}

#[test]
fn an_unconvinced_reader_changes_nothing_and_hostile_messages_are_not_read() {
    let (_dir, reader) = load(TinyAdapter { head_bias: -12.0, ..TinyAdapter::default() });
    let reader = reader.expect("loads");
    let analyzer = analyzer();
    let mut a = analyzer.analyze("my order is late, please check it again", 0.0);
    let before = a.score;
    reader.read_into(&mut a, 0.5).expect("reads");
    assert_eq!(a.score, before);
    let mut b = analyzer.analyze("you are an idiot", 0.0);
    assert!(b.hostile);
    assert_eq!(reader.read_into(&mut b, 0.5).expect("reads"), None, "already hostile: not read");
    assert_eq!(b.reading, None);
}

#[test]
fn the_reader_does_not_overrule_the_allow_list() {
    let (_dir, reader) = load(TinyAdapter { head_bias: 12.0, ..TinyAdapter::default() });
    let reader = reader.expect("loads");
    let analyzer = analyzer();
    for text in ["you guys are crazy fast, ticket solved in 5 mins", "i feel like an idiot, the cable was unplugged"] {
        let mut a = analyzer.analyze(text, 0.0);
        assert!(a.signals.iter().any(|s| s.allowed_by.is_some()), "{text}: the allow-list cancels a match");
        assert_eq!(reader.read_into(&mut a, 0.5).expect("reads"), None, "{text}");
        assert!(!a.hostile, "{text}");
    }
}

// The engine with a real (tiny) reader: reading inline and taking a reading given.

fn engine_with_reader(head_bias: f32) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = tiny::write(dir.path(), &TinyAdapter { head_bias, ..Default::default() });
    let reader = ContextReader::load(&files).expect("tiny reader");
    let mut e = engine();
    e.set_reader(Some(Arc::new(reader)));
    (dir, e)
}

#[test]
fn the_reader_reads_customers_only_and_only_what_the_phrases_leave_open() {
    let (_dir, mut e) = engine_with_reader(12.0);
    let d = say(&mut e, 0, 1, Role::Customer, "people like that should not be allowed near a keyboard");
    assert!(d.analysis.reading.is_some_and(|p| p > 0.99), "{:?}", d.analysis.reading);
    assert!(d.analysis.hostile && !d.analysis.abusive, "raised, but no strike");
    let staff = say(&mut e, 1, 2, Role::Staff, "people like that should not be allowed near a keyboard");
    assert_eq!(staff.analysis.reading, None, "staff are never read");
    assert!(!staff.analysis.hostile);
    let hostile = say(&mut e, 2, 3, Role::Customer, "this is fucking useless");
    assert_eq!(hostile.analysis.reading, None, "already hostile: not read");
    assert_eq!(e.reader_failures(), 0);
}

#[test]
fn a_reading_taken_elsewhere_is_applied_like_one_taken_here() {
    let (_dir, mut inline) = engine_with_reader(12.0);
    let (_dir2, mut given) = engine_with_reader(12.0);
    let msg = Message {
        ts_ms: 1_000_000,
        channel: ChannelId(7),
        author: MemberId(1),
        role: Role::Customer,
        text: "people like that should not be allowed near a keyboard",
        author_name: "maya",
        channel_name: "#support",
    };
    let p =
        given.reader().expect("reader").probability(crate::core::normalize::normalize(msg.text).text()).expect("reads");
    let mut a = Decision::default();
    let mut b = Decision::default();
    inline.process_into(&msg, &mut a);
    given.process_read_into(&msg, Reading::Read(p), &mut b);
    assert_eq!(a.analysis.score, b.analysis.score);
    assert_eq!(a.outcome.level, b.outcome.level);
    let mut c = Decision::default();
    given.process_read_into(&Message { author: MemberId(2), ..msg }, Reading::Off, &mut c);
    assert_eq!(c.analysis.reading, None, "no reading given: phrases alone");
    assert_eq!(c.analysis.score, c.analysis.phrase_score);
}
