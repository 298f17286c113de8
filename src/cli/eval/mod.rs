//! `keel eval`: precision, recall and macro-F1 of the `hostile` flag on
//! labeled messages (JSON Lines with `text` and `label`, 1 = offensive),
//! each message scored on its own.
//!
//! [`Judge`] is the one place a text is judged; plain evaluation ([`eval`])
//! and the evasion suite ([`suite`]) both go through it, and both read rows
//! with [`rows`], restricted to a [`Split`].

pub mod conversations;
pub mod perturb;
pub mod rng;
pub mod split;
pub mod suite;
pub mod words;

use crate::core::context::{NotRead, Reader, Reading};
use crate::core::score::{Analysis, Analyzer, Scratch};
use serde::Deserialize;
use split::Split;
use std::io::{BufRead, Write};

/// One line of a labeled file.
#[derive(Debug, Clone, Deserialize)]
pub struct Labeled {
    /// The row's id, if any (a string, or a number read as its digits).
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// The message.
    pub text: String,
    /// 1 = offensive; anything else is not.
    pub label: u8,
}

impl Labeled {
    /// The id as text: a string as is, a number as written; `None` without one.
    pub fn id_text(&self) -> Option<String> {
        match &self.id {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        }
    }

    /// True when the row is labeled offensive.
    pub fn offensive(&self) -> bool {
        self.label == 1
    }
}

/// The labeled rows of `input` that belong to `split`, with their line
/// numbers (from 1); blank lines are skipped, a malformed one is an error.
pub fn rows(input: impl BufRead, split: Split) -> impl Iterator<Item = Result<(usize, Labeled), EvalError>> {
    json_lines(input, move |l: &Labeled| split.contains(l.id_text().as_deref()))
}

/// The lines of `input` read as `T`, those `keep` accepts, with their line
/// numbers (from 1); blank lines are skipped, a malformed one is an error.
pub(crate) fn json_lines<T: serde::de::DeserializeOwned>(
    input: impl BufRead,
    keep: impl Fn(&T) -> bool,
) -> impl Iterator<Item = Result<(usize, T), EvalError>> {
    input.lines().enumerate().filter_map(move |(i, line)| {
        let line = match line {
            Ok(l) => l,
            Err(e) => return Some(Err(e.into())),
        };
        if line.trim().is_empty() {
            return None;
        }
        match serde_json::from_str::<T>(&line) {
            Err(e) => Some(Err(EvalError::Line(i + 1, e.to_string()))),
            Ok(l) if keep(&l) => Some(Ok((i + 1, l))),
            Ok(_) => None,
        }
    })
}

/// Judges one text at a time as `keel eval` does: the phrase pack, then,
/// with a context reader, the reader's blend, as the engine judges a
/// customer's message.
pub struct Judge<'a> {
    analyzer: &'a Analyzer,
    reader: Option<&'a dyn Reader>,
    analysis: Analysis,
    scratch: Scratch,
}

impl<'a> Judge<'a> {
    /// A judge with the phrase pack and, if given, the context reader.
    pub fn new(analyzer: &'a Analyzer, reader: Option<&'a dyn Reader>) -> Self {
        Judge { analyzer, reader, analysis: Analysis::default(), scratch: Scratch::default() }
    }

    /// The analysis of `text`; the error is the reader's failure.
    pub fn judge(&mut self, text: &str) -> Result<&Analysis, String> {
        self.analyzer.analyze_into(text, 0.0, &mut self.analysis, &mut self.scratch);
        if let Some(r) = self.reader {
            if let Reading::NotRead(NotRead::Failed(e)) =
                r.blend_reading(&mut self.analysis, self.analyzer.pack().settings().hostile_threshold)
            {
                return Err(e);
            }
        }
        Ok(&self.analysis)
    }
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

/// `a / b`, 0 when `b` is 0.
pub(crate) fn ratio(a: u64, b: u64) -> f64 {
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

/// Scores every labeled line of `input` in `split`; writes a report to
/// `out` and, with `show_errors > 0`, that many misjudged messages of each
/// kind. With a context reader, each message is judged as the engine judges
/// a customer's.
pub fn eval(
    analyzer: &Analyzer,
    reader: Option<&dyn Reader>,
    input: impl BufRead,
    split: Split,
    mut out: impl Write,
    show_errors: usize,
) -> Result<Confusion, EvalError> {
    let mut c = Confusion::default();
    let mut judge = Judge::new(analyzer, reader);
    let mut fps = Vec::new();
    let mut fns = Vec::new();
    for row in rows(input, split) {
        let (line, l) = row?;
        let a = judge.judge(&l.text).map_err(|e| EvalError::Line(line, e))?;
        match (a.hostile, l.offensive()) {
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
    if split != Split::All {
        writeln!(out, "split: {split} (rows by id hash; see docs/evasion.md)")?;
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
