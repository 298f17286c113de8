//! `keel eval`: precision, recall and macro-F1 of the `hostile` flag on
//! labeled messages (JSON Lines with `text` and `label`, 1 = offensive),
//! each message scored on its own.

use crate::core::context::{NotRead, Reader, Reading};
use crate::core::score::{Analysis, Analyzer, Scratch};
use crate::reader::ContextReader;
use serde::Deserialize;
use std::io::{BufRead, Write};

#[derive(Deserialize)]
struct Labeled {
    text: String,
    label: u8,
}

/// Counts of a binary evaluation.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Confusion {
    /// Offensive, flagged.
    pub tp: u64,
    /// Not offensive, flagged.
    pub fp: u64,
    /// Not offensive, not flagged.
    pub tn: u64,
    /// Offensive, not flagged.
    pub fn_: u64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl Confusion {
    /// Precision of the offensive class.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// Recall of the offensive class.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    /// F1 of the offensive class.
    pub fn f1_offensive(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
    /// F1 of the not-offensive class.
    pub fn f1_not_offensive(&self) -> f64 {
        f1(ratio(self.tn, self.tn + self.fn_), ratio(self.tn, self.tn + self.fp))
    }
    /// Mean of both classes' F1.
    pub fn macro_f1(&self) -> f64 {
        f64::midpoint(self.f1_offensive(), self.f1_not_offensive())
    }
}

/// Scores every labeled line of `input`; writes a report to `out` and, with
/// `show_errors > 0`, that many misjudged messages of each kind. With a
/// context reader, each message is judged as the engine judges a customer's.
pub fn eval(
    analyzer: &Analyzer,
    reader: Option<&ContextReader>,
    input: impl BufRead,
    mut out: impl Write,
    show_errors: usize,
) -> Result<Confusion, EvalError> {
    let mut c = Confusion::default();
    let mut a = Analysis::default();
    let mut scratch = Scratch::default();
    let mut fps = Vec::new();
    let mut fns = Vec::new();
    for (i, line) in input.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let l: Labeled = serde_json::from_str(&line).map_err(|e| EvalError::Line(i + 1, e.to_string()))?;
        analyzer.analyze_into(&l.text, 0.0, &mut a, &mut scratch);
        if let Some(r) = reader {
            if let Reading::NotRead(NotRead::Failed(e)) =
                r.blend_reading(&mut a, analyzer.pack().settings().hostile_threshold)
            {
                return Err(EvalError::Line(i + 1, e));
            }
        }
        match (a.hostile, l.label == 1) {
            (true, true) => c.tp += 1,
            (true, false) => {
                c.fp += 1;
                if fps.len() < show_errors {
                    fps.push((a.score, l.text));
                }
            }
            (false, false) => c.tn += 1,
            (false, true) => {
                c.fn_ += 1;
                if fns.len() < show_errors {
                    fns.push((a.score, l.text));
                }
            }
        }
    }
    writeln!(
        out,
        "messages: {}  (offensive {}, not offensive {})",
        c.tp + c.fp + c.tn + c.fn_,
        c.tp + c.fn_,
        c.tn + c.fp
    )?;
    writeln!(out, "tp {}  fp {}  tn {}  fn {}", c.tp, c.fp, c.tn, c.fn_)?;
    writeln!(
        out,
        "offensive:     precision {:.3}  recall {:.3}  F1 {:.3}",
        c.precision(),
        c.recall(),
        c.f1_offensive()
    )?;
    writeln!(out, "not offensive: F1 {:.3}", c.f1_not_offensive())?;
    writeln!(out, "macro-F1: {:.3}", c.macro_f1())?;
    for (title, list) in [("false alarms", &fps), ("missed", &fns)] {
        if !list.is_empty() {
            writeln!(out, "\n{title}:")?;
            for (score, text) in list {
                writeln!(out, "  {score:.2}  {text}")?;
            }
        }
    }
    Ok(c)
}

/// What can go wrong while evaluating.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A line is not `{"text": ..., "label": 0|1}`.
    #[error("line {0}: {1}")]
    Line(usize, String),
}
