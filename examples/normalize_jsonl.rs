//! Prints the text keel's context reader reads for each message: JSON Lines
//! with `text` in, the same lines with `text` replaced by the reader's text
//! out (other fields kept).
//!
//! The reader's text is what the engine hands the reader at run time: the
//! message analysed by the default phrase pack (loaded from `bot.toml` /
//! `phrases/` as `keel eval` loads it), normalized, without the hits the
//! phrases discounted ([`keel::core::context::reader_text`]). Training
//! scripts (`tools/train_reader.py`, `tools/train_first_stage.py`) fit on
//! exactly that, so evasion spellings (`1d10t`, `f*ck`) reach the models
//! already folded.
//!
//! With `--reading`, each line also gets:
//! - `reading`: the transformer's probability for that text (`null` when
//!   the text has nothing alphanumeric to read), whatever `[context] reader`
//!   says: the trainers fit against the transformer alone,
//! - `phrases`: whether the phrases alone find the message hostile,
//! - `hostile`: whether keel finds it hostile with the transformer's blend,
//!   as `keel eval` judges it with `reader = "transformer"`.
//!
//! With `--stages` as well (for `tools/fit_stages.py`), each line also gets
//! what fitting the first stage's blend needs:
//! - `first`: the first stage's probability (`null` as for `reading`),
//! - `reads`: whether the engine would ask a reader at all (a customer's
//!   message the phrases did not find hostile, with something to read),
//! - `phrase_score`, `cooling_factor` (what [`Blend::apply`] multiplies the
//!   blend by), `blend` (the transformer's three weights) and `threshold`.
//!
//! ```text
//! cargo run --release --example normalize_jsonl [-- --reading [--stages]] < in.jsonl > out.jsonl
//! ```

use anyhow::{bail, Context};
use keel::config::{load_all, ReaderKind, ReaderState};
use keel::core::context::{reader_text, stands_down, Blend, Reader};
use keel::core::score::{Analysis, Scratch, MAX_COOLING_EFFECT};
use keel::core::Role;
use keel::reader::first_stage::FirstStage;
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};

/// The context reader, remembering the last probability it was asked for,
/// so that judging a message with the blend and taking its reading cost one
/// read.
#[derive(Debug)]
struct Remembering {
    reader: Arc<dyn Reader>,
    last: Mutex<Option<(String, f32)>>,
}

impl Reader for Remembering {
    fn probability(&self, normalized: &str) -> Result<f32, String> {
        let mut last = self.last.lock().map_err(|e| e.to_string())?;
        if let Some((t, p)) = last.as_ref() {
            if t == normalized {
                return Ok(*p);
            }
        }
        let p = self.reader.probability(normalized)?;
        *last = Some((normalized.to_owned(), p));
        Ok(p)
    }

    fn blend(&self) -> &Blend {
        self.reader.blend()
    }
}

fn main() -> anyhow::Result<()> {
    let (mut with_reading, mut with_stages) = (false, false);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--reading" => with_reading = true,
            "--stages" => with_stages = true,
            other => bail!("unknown argument {other:?} (expected --reading, --stages)"),
        }
    }
    if with_stages && !with_reading {
        bail!("--stages needs --reading");
    }
    let mut loaded = load_all(None).context("cannot load bot.toml and the phrase pack")?;
    loaded.config.context.reader = ReaderKind::Transformer;
    let first = if with_stages { Some(FirstStage::load(&loaded.config.context.first_stage)?) } else { None };
    let reader = if with_reading {
        match loaded.config.context.load()? {
            ReaderState::On(r) => Some(Remembering { reader: r, last: Mutex::new(None) }),
            other => bail!("--reading needs the context reader, which is not on: {other:?}"),
        }
    } else {
        None
    };
    let threshold = loaded.analyzer.pack().settings().hostile_threshold;
    let mut analysis = Analysis::default();
    let mut scratch = Scratch::default();
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
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
            loaded.analyzer.analyze_into(text, 0.0, &mut analysis, &mut scratch);
            let read = reader_text(&analysis).into_owned();
            if let Some(r) = &reader {
                value["phrases"] = analysis.hostile.into();
                let has_text = read.chars().any(char::is_alphanumeric);
                if let Some(first) = &first {
                    value["first"] = has_text.then(|| first.probability(&read)).into();
                    value["reads"] = (has_text && stands_down(Role::Customer, &analysis).is_none()).into();
                    value["phrase_score"] = analysis.phrase_score.into();
                    value["cooling_factor"] = (1.0 - MAX_COOLING_EFFECT * analysis.cooling.clamp(0.0, 1.0)).into();
                    let b = r.blend();
                    value["blend"] = vec![b.model, b.lexicon, b.bias].into();
                    value["threshold"] = threshold.into();
                }
                let reading = if has_text {
                    Some(r.probability(&read).map_err(anyhow::Error::msg).with_context(|| format!("line {}", i + 1))?)
                } else {
                    None
                };
                r.blend_reading(&mut analysis, threshold);
                value["hostile"] = analysis.hostile.into();
                value["reading"] = reading.into();
            }
            value["text"] = read.into();
        }
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(())
}
