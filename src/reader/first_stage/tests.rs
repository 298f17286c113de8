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
    let header = if model.stages().is_some() { HEADER_LEN + 20 } else { HEADER_LEN };
    assert_eq!(model.buckets(), shipped_bytes().len() - header);
}

/// The shipped weights as a version 1 file (no blend, no band).
fn v1_bytes() -> Vec<u8> {
    let good = shipped_bytes();
    if good[8..12] == 1u32.to_le_bytes() {
        return good;
    }
    let mut v1 = good[..HEADER_LEN].to_vec();
    v1[8..12].copy_from_slice(&1u32.to_le_bytes());
    v1.extend_from_slice(&good[HEADER_LEN + 20..]);
    v1
}

/// The shipped weights as a version 2 file with this blend and band.
fn v2_bytes(tail: [f32; 5]) -> Vec<u8> {
    let v1 = v1_bytes();
    let mut v2 = v1[..HEADER_LEN].to_vec();
    v2[8..12].copy_from_slice(&2u32.to_le_bytes());
    v2.extend(tail.iter().flat_map(|x| x.to_le_bytes()));
    v2.extend_from_slice(&v1[HEADER_LEN..]);
    v2
}

#[test]
fn version_1_and_2_read_the_same_weights() {
    let v1 = FirstStage::from_bytes(&v1_bytes(), "v1.bin").expect("version 1");
    let v2 = FirstStage::from_bytes(&v2_bytes([1.5, 2.0, -3.0, 0.4, 0.6]), "v2.bin").expect("version 2");
    assert_eq!(v1.stages(), None);
    let st = v2.stages().expect("version 2 has stages");
    assert_eq!((st.model, st.lexicon, st.bias, st.band_lo, st.band_hi), (1.5, 2.0, -3.0, 0.4, 0.6));
    for text in ["you are an idiot", "thanks for the help", ""] {
        assert_eq!(v1.probability(text), v2.probability(text), "{text:?}");
    }
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
    let good = v1_bytes();
    let cases = [
        Case { name: "empty", bytes: Vec::new(), expected: "not a first-stage model (bad magic" },
        Case { name: "bad magic", bytes: with(good.clone(), 0, b"KEELFSX"), expected: "not a first-stage model" },
        Case { name: "header cut", bytes: good[..20].to_vec(), expected: "truncated: 20 bytes, but 32 are needed" },
        Case { name: "weights cut", bytes: good[..good.len() - 1].to_vec(), expected: "truncated:" },
        Case { name: "version 3", bytes: with(good.clone(), 8, &3u32.to_le_bytes()), expected: "layout version 3" },
        Case {
            name: "version 2 header cut",
            bytes: with(good[..40].to_vec(), 8, &2u32.to_le_bytes()),
            expected: "truncated: 40 bytes, but 52 are needed",
        },
        Case {
            name: "band upside down",
            bytes: v2_bytes([1.0, 2.0, -1.0, 0.7, 0.3]),
            expected: "band [0.7, 0.3]: need 0 <= lo <= hi <= 1",
        },
        Case { name: "nan blend", bytes: v2_bytes([f32::NAN, 2.0, -1.0, 0.3, 0.7]), expected: "must be finite" },
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
