//! `keel eval --perturb`: the evasion suite. Every row with a listed word
//! ([`super::words`]) is judged clean and then once per perturbation family
//! ([`super::perturb`]) with only those words rewritten; the report says how
//! much of the clean recall each family keeps and how many false alarms it
//! adds. Rows are judged by the same [`Judge`] as plain `keel eval`.

use super::perturb::{perturb_text, Family};
use super::rng::Rng;
use super::split::{fnv1a64, Split};
use super::{ratio, rows, EvalError, Judge};
use serde::Serialize;
use std::io::{BufRead, Write};

/// The seed when `--seed` is not given (the issue the suite was built for).
pub const DEFAULT_SEED: u64 = 12;

/// How the suite runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Drives every rewrite; the same seed gives the same rewrites.
    pub seed: u64,
    /// Which rows of the file.
    pub split: Split,
    /// How many lost catches and new false alarms to keep per family.
    pub show_errors: usize,
}

/// One family's results.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyResult {
    /// The family's name.
    pub family: &'static str,
    /// Offensive rows with a listed word flagged after the rewrite.
    pub caught: u64,
    /// `caught` over the offensive rows with a listed word.
    pub recall: f64,
    /// `recall` over the clean recall; `None` when nothing was caught clean.
    pub retained: Option<f64>,
    /// Not-offensive rows with a listed word flagged after the rewrite.
    pub false_alarms_listed: u64,
    /// Of those, the ones not flagged clean.
    pub new_false_alarms: u64,
    /// False alarms over every not-offensive row, rewritten where it has a listed word.
    pub false_alarms: u64,
    /// Offensive rows caught clean and missed after the rewrite (up to `show_errors`).
    pub lost: Vec<String>,
    /// Not-offensive rows flagged only after the rewrite (up to `show_errors`).
    pub new_alarms: Vec<String>,
}

/// What the suite measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The seed used.
    pub seed: u64,
    /// The split judged.
    pub split: String,
    /// Rows judged.
    pub rows: u64,
    /// Listed words found (each rewritten once per family).
    pub listed_words: u64,
    /// Offensive rows.
    pub offensive: u64,
    /// Offensive rows with a listed word: the suite's positives.
    pub offensive_listed: u64,
    /// Of those, flagged clean.
    pub caught_clean: u64,
    /// `caught_clean` over `offensive_listed`.
    pub recall_clean: f64,
    /// Not-offensive rows.
    pub negatives: u64,
    /// Not-offensive rows with a listed word.
    pub negatives_listed: u64,
    /// Not-offensive rows flagged clean (the file as is).
    pub false_alarms_clean: u64,
    /// Of those, rows with a listed word.
    pub false_alarms_clean_listed: u64,
    /// Not-offensive rows flagged clean (up to `show_errors`).
    pub alarms: Vec<String>,
    /// Per family, in [`Family::ALL`]'s order.
    pub families: Vec<FamilyResult>,
}

/// The generator for one row and family: the same whatever else is in the
/// file, so a row's rewrite depends only on the seed, its id (or line) and
/// the family.
fn row_rng(seed: u64, key: &str, family: Family) -> Rng {
    let index = Family::ALL.iter().position(|f| *f == family).unwrap_or(0) as u64 + 1;
    Rng::new(seed ^ fnv1a64(key.as_bytes()) ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn row_key(id: Option<String>, line: usize) -> String {
    id.unwrap_or_else(|| format!("line {line}"))
}

/// Runs the suite over `input`'s rows.
pub fn run(judge: &mut Judge<'_>, input: impl BufRead, options: Options) -> Result<Report, EvalError> {
    let mut r = Report {
        seed: options.seed,
        split: options.split.to_string(),
        rows: 0,
        listed_words: 0,
        offensive: 0,
        offensive_listed: 0,
        caught_clean: 0,
        recall_clean: 0.0,
        negatives: 0,
        negatives_listed: 0,
        false_alarms_clean: 0,
        false_alarms_clean_listed: 0,
        alarms: Vec::new(),
        families: Family::ALL
            .iter()
            .map(|f| FamilyResult {
                family: f.name(),
                caught: 0,
                recall: 0.0,
                retained: None,
                false_alarms_listed: 0,
                new_false_alarms: 0,
                false_alarms: 0,
                lost: Vec::new(),
                new_alarms: Vec::new(),
            })
            .collect(),
    };
    for row in rows(input, options.split) {
        let (line, l) = row?;
        let mut hostile = |text: &str| judge.judge(text).map(|a| a.hostile).map_err(|e| EvalError::Line(line, e));
        let clean = hostile(&l.text)?;
        let listed = super::words::listed_spans(&l.text).len() as u64;
        let offensive = l.offensive();
        r.rows += 1;
        r.listed_words += listed;
        if offensive {
            r.offensive += 1;
        } else {
            r.negatives += 1;
            r.false_alarms_clean += u64::from(clean);
            if clean && r.alarms.len() < options.show_errors {
                r.alarms.push(l.text.clone());
            }
        }
        if listed == 0 {
            continue;
        }
        if offensive {
            r.offensive_listed += 1;
            r.caught_clean += u64::from(clean);
        } else {
            r.negatives_listed += 1;
            r.false_alarms_clean_listed += u64::from(clean);
        }
        let key = row_key(l.id_text(), line);
        for (family, result) in Family::ALL.into_iter().zip(&mut r.families) {
            let text = perturb_text(family, &l.text, &mut row_rng(options.seed, &key, family)).unwrap_or_default();
            let flagged = hostile(&text)?;
            if offensive {
                result.caught += u64::from(flagged);
                if clean && !flagged && result.lost.len() < options.show_errors {
                    result.lost.push(text);
                }
            } else {
                result.false_alarms_listed += u64::from(flagged);
                if flagged && !clean {
                    result.new_false_alarms += 1;
                    if result.new_alarms.len() < options.show_errors {
                        result.new_alarms.push(text);
                    }
                }
            }
        }
    }
    r.recall_clean = ratio(r.caught_clean, r.offensive_listed);
    for f in &mut r.families {
        f.recall = ratio(f.caught, r.offensive_listed);
        f.retained = (r.caught_clean > 0).then(|| ratio(f.caught, r.caught_clean));
        f.false_alarms = r.false_alarms_clean - r.false_alarms_clean_listed + f.false_alarms_listed;
    }
    Ok(r)
}

/// Writes `input`'s rows in `split` as JSON Lines (`id`, `label`, `text`)
/// with every listed word rewritten by `family`, exactly as the suite judges
/// them: to read the rewrites, or to feed them to another filter.
pub fn emit(
    input: impl BufRead,
    split: Split,
    seed: u64,
    family: Family,
    mut out: impl Write,
) -> Result<(), EvalError> {
    for row in rows(input, split) {
        let (line, l) = row?;
        let key = row_key(l.id_text(), line);
        let text = perturb_text(family, &l.text, &mut row_rng(seed, &key, family)).unwrap_or_else(|| l.text.clone());
        let mut obj = serde_json::Map::new();
        if let Some(id) = l.id {
            obj.insert("id".into(), id);
        }
        obj.insert("label".into(), l.label.into());
        obj.insert("text".into(), text.into());
        writeln!(out, "{}", serde_json::Value::Object(obj))?;
    }
    Ok(())
}

/// `text` with its invisible characters (zero-width, combining marks,
/// controls) written as `\u{..}`, so a disguise can be read on a terminal.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            let invisible =
                c.is_control() || super::perturb::ZERO_WIDTH.contains(&c) || ('\u{0300}'..='\u{036F}').contains(&c);
            if invisible {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Writes the report as a table.
pub fn write_table(r: &Report, mut out: impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "evasion suite: seed {}, split {}, {} rows, {} listed words",
        r.seed, r.split, r.rows, r.listed_words
    )?;
    writeln!(
        out,
        "offensive: {}, {} with a listed word, {} of those caught clean (recall {:.3})",
        r.offensive, r.offensive_listed, r.caught_clean, r.recall_clean
    )?;
    writeln!(
        out,
        "not offensive: {}, {} with a listed word; false alarms on the file as is: {} ({} with a listed word)",
        r.negatives, r.negatives_listed, r.false_alarms_clean, r.false_alarms_clean_listed
    )?;
    writeln!(out)?;
    writeln!(out, "family        caught  recall  retained   FA listed  new FA   FA all")?;
    writeln!(
        out,
        "{:<12}  {:>6}  {:>6.3}  {:>8}  {:>10}  {:>6}  {:>7}",
        "clean",
        r.caught_clean,
        r.recall_clean,
        if r.caught_clean > 0 { "1.000" } else { "-" },
        r.false_alarms_clean_listed,
        "-",
        r.false_alarms_clean
    )?;
    for f in &r.families {
        writeln!(
            out,
            "{:<12}  {:>6}  {:>6.3}  {:>8}  {:>10}  {:>6}  {:>7}",
            f.family,
            f.caught,
            f.recall,
            f.retained.map_or_else(|| "-".to_string(), |x| format!("{x:.3}")),
            f.false_alarms_listed,
            f.new_false_alarms,
            f.false_alarms
        )?;
    }
    writeln!(out)?;
    writeln!(out, "recall and retained: on the offensive rows with a listed word (retained = recall / clean recall);")?;
    writeln!(out, "FA listed: not-offensive rows with a listed word flagged; new FA: of those, not flagged clean;")?;
    writeln!(out, "FA all: false alarms over every not-offensive row.")?;
    if !r.alarms.is_empty() {
        writeln!(out, "\nfalse alarms on the file as is:")?;
        for text in &r.alarms {
            writeln!(out, "  {}", visible(text))?;
        }
    }
    for f in &r.families {
        for (title, list) in [("caught clean, missed", &f.lost), ("new false alarms", &f.new_alarms)] {
            if !list.is_empty() {
                writeln!(out, "\n{} — {title}:", f.family)?;
                for text in list {
                    writeln!(out, "  {}", visible(text))?;
                }
            }
        }
    }
    Ok(())
}
