//! Prints keel's normalized view of each message: JSON Lines with `text`
//! in, the same lines with `text` normalized out (other fields kept).
//!
//! `tools/train_reader.py` trains the context reader on exactly what the
//! reader sees at run time, so evasion spellings (`1d10t`, `f*ck`) reach
//! the model already folded.
//!
//! ```text
//! cargo run --release --example normalize_jsonl < in.jsonl > out.jsonl
//! ```

use keel::core::normalize::normalize;
use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (i, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        let mut value: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("line {}: {e}", i + 1);
                continue;
            }
        };
        if let Some(text) = value.get("text").and_then(|t| t.as_str()) {
            let normalized = normalize(text).text().to_owned();
            value["text"] = serde_json::Value::String(normalized);
        }
        writeln!(out, "{value}")?;
    }
    Ok(())
}
