use super::*;
use std::path::PathBuf;

fn shipped_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_PATH)
}

fn shipped_bytes() -> Vec<u8> {
    std::fs::read(shipped_path()).expect("models/keel-first-stage.bin is in the repository")
}

fn shipped() -> FirstStage {
    FirstStage::load(shipped_path()).expect("the shipped first stage loads")
}

#[test]
fn the_shipped_model_agrees_with_python_on_every_parity_row() {
    let model = shipped();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/first-stage-parity.jsonl");
    let text = std::fs::read_to_string(&fixture).expect("the parity fixture is in the repository");
    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        let row: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let t = row["text"].as_str().expect("text");
        let want = row["p"].as_f64().expect("p");
        let got = f64::from(model.probability(t));
        assert!((got - want).abs() < 1e-4, "line {}: rust {got}, python {want}: {t:?}", i + 1);
        rows += 1;
    }
    assert!(rows >= 150, "only {rows} parity rows");
}

#[test]
fn empty_text_reads_as_the_bias_alone() {
    let model = shipped();
    let p = model.probability("");
    assert!((f64::from(p) - sigmoid(f64::from(model.bias))).abs() < 1e-7);
    assert_eq!(model.probability(" .,!? "), p, "no word, no feature");
}

#[test]
fn four_thousand_zero_width_characters_read_as_one_long_word() {
    let model = shipped();
    let text = "\u{200b}".repeat(4000);
    let p = model.probability(&text);
    assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    assert_eq!(model.probability(&text), p, "deterministic");
}

#[test]
fn probabilities_stay_in_range_on_extreme_inputs() {
    let model = shipped();
    for text in ["idiot ".repeat(20_000), "x".repeat(100_000), "😀".repeat(5000)] {
        let p = model.probability(&text);
        assert!(p.is_finite() && (0.0..=1.0).contains(&p), "{p}");
    }
}

#[test]
fn the_shipped_model_is_small() {
    let model = shipped();
    assert!(shipped_bytes().len() <= 2 << 20, "at most 2 MB");
    assert_eq!(model.buckets(), shipped_bytes().len() - HEADER_LEN);
}

/// A broken file and the start of what its error must say.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    expected: &'static str,
}

fn with(mut bytes: Vec<u8>, at: usize, value: &[u8]) -> Vec<u8> {
    bytes[at..at + value.len()].copy_from_slice(value);
    bytes
}

#[test]
fn broken_files_are_refused_with_the_file_and_the_fault_named() {
    let good = shipped_bytes();
    let cases = [
        Case { name: "empty", bytes: Vec::new(), expected: "not a first-stage model (bad magic" },
        Case { name: "bad magic", bytes: with(good.clone(), 0, b"KEELFSX"), expected: "not a first-stage model" },
        Case { name: "header cut", bytes: good[..20].to_vec(), expected: "truncated: 20 bytes, but 32 are needed" },
        Case { name: "weights cut", bytes: good[..good.len() - 1].to_vec(), expected: "truncated:" },
        Case { name: "version 2", bytes: with(good.clone(), 8, &2u32.to_le_bytes()), expected: "layout version 2" },
        Case { name: "bits 0", bytes: with(good.clone(), 16, &[0]), expected: "bucket bits 0 out of range" },
        Case { name: "char grams 3..2", bytes: with(good.clone(), 17, &[3, 2]), expected: "character n-grams 3 to 2" },
        Case { name: "trigrams of words", bytes: with(good.clone(), 19, &[3]), expected: "word n-grams up to 3" },
        Case { name: "nan bias", bytes: with(good.clone(), 20, &f32::NAN.to_le_bytes()), expected: "bias NaN" },
        Case { name: "count", bytes: with(good.clone(), 28, &7u32.to_le_bytes()), expected: "7 weights for" },
        Case { name: "trailing", bytes: [good.as_slice(), &[0]].concat(), expected: "1 bytes after the weights" },
    ];
    for case in cases {
        let err = FirstStage::from_bytes(&case.bytes, "models/broken.bin").expect_err(case.name);
        let said = err.to_string();
        assert!(said.starts_with("models/broken.bin: "), "{}: {said}", case.name);
        assert!(said.contains(case.expected), "{}: {said}", case.name);
    }
}

#[test]
fn a_missing_file_is_named_with_how_to_make_it() {
    let err = FirstStage::load("models/no-such-first-stage.bin").expect_err("missing");
    let said = err.to_string();
    assert!(said.starts_with("models/no-such-first-stage.bin: cannot read"), "{said}");
    assert!(said.contains("tools/train_first_stage.py"), "{said}");
}
