//! Problems found in files a server owner edits, each with file, line and key.
//!
//! Loading never stops at the first mistake: every problem in every file is
//! collected so that one `keel check` run lists them all. A problem names
//! its key as an owner reads the file (`[boundaries] timeout_secs`,
//! `[[category]] insult, weight`: see [`keys`]) and says what is wrong in
//! plain words, serde's and toml's messages included (see [`plain`]).

mod keys;
mod plain;

pub use keys::{item_key, section_key, KeyIndex};

use std::cell::OnceCell;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One mistake in a configuration or phrase file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in.
    pub file: PathBuf,
    /// 1-based line, or 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, or 0 when unknown.
    pub column: usize,
    /// The key the problem is about (`[[category]] insult, phrases`), or empty.
    pub key: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Problem {
    /// A problem about a whole file (unreadable, missing, ...).
    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        Problem { file: file.to_path_buf(), line: 0, column: 0, key: String::new(), message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A source file's text with a fast way to turn byte offsets into lines.
#[derive(Debug)]
pub struct SourceFile<'a> {
    path: &'a Path,
    text: &'a str,
    line_starts: Vec<usize>,
    keys: OnceCell<KeyIndex>,
}

impl<'a> SourceFile<'a> {
    /// Indexes `text`, read from `path`.
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { path, text, line_starts, keys: OnceCell::new() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.path
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    /// A problem located at `span` (a byte range of this file).
    pub fn problem(&self, span: Option<Range<usize>>, key: impl Into<String>, message: impl Into<String>) -> Problem {
        let (line, column) = span.map_or((0, 0), |s| self.line_col(s.start));
        Problem { file: self.path.to_path_buf(), line, column, key: key.into(), message: message.into() }
    }

    /// Where each key of this file was written (indexed on first use).
    pub fn keys(&self) -> &KeyIndex {
        self.keys.get_or_init(|| KeyIndex::new(self.text))
    }

    /// A problem about the key at `path` (`escalation.tense_at`), located
    /// on the key's own line, or at `fallback` when the key is not written
    /// (its default is what is wrong), and named as an owner reads it.
    pub fn key_problem(&self, path: &str, fallback: Option<Range<usize>>, message: impl Into<String>) -> Problem {
        let span = self.keys().span(path).or(fallback);
        self.problem(span, self.keys().label(path), message)
    }

    /// A problem from a TOML parse or type error, at toml's place, naming
    /// the key found there and saying what it takes in plain words.
    pub fn toml_problem(&self, err: &toml::de::Error) -> Problem {
        let span = err.span();
        let path = span.as_ref().map(|s| self.keys().path_at(s.start)).unwrap_or_default();
        let leaf = path.rsplit('.').next().unwrap_or("");
        let plain = plain::translate(err.message(), leaf);
        let path = match plain.field {
            Some(f) if path.is_empty() => f,
            Some(f) => format!("{path}.{f}"),
            None => path,
        };
        self.problem(span, self.keys().label(&path), plain.message)
    }
}

/// Renders a list of problems one per line.
pub fn render(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&p.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, Case};

    #[test]
    fn line_col_of_offsets() {
        let text = "a = 1\nbb = 2\n\nc = 3";
        let f = SourceFile::new(Path::new("x.toml"), text);
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(6), (2, 1));
        assert_eq!(f.line_col(8), (2, 3));
        assert_eq!(f.line_col(13), (3, 1));
        assert_eq!(f.line_col(14), (4, 1));
        assert_eq!(f.line_col(999), (4, 6));
    }

    #[test]
    fn display_names_file_line_key() {
        let f = SourceFile::new(Path::new("p/lexicon.toml"), "x\ny = 2\n");
        let p = f.problem(Some(2..3), "[[category]] insult, weight", "must be between 0 and 1");
        assert_eq!(p.to_string(), "p/lexicon.toml:2:1: [[category]] insult, weight: must be between 0 and 1");
    }

    #[test]
    fn toml_errors_name_the_key_in_plain_words() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            wait_secs: u64,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: Option<u32>,
            s: Option<S>,
        }
        let cases = [
            Case {
                name: "unknown top-level key",
                input: "a = 1\nb = 2\n",
                expected: "t.toml:2:1: b: unknown key (known here: a, s)",
            },
            Case {
                name: "wrong value in a table",
                input: "[s]\nwait_secs = -5\n",
                expected: "t.toml:2:13: [s] wait_secs: must be a whole number of seconds ≥ 0, found -5",
            },
            Case {
                name: "missing key in a table",
                input: "a = 1\n[s]\n",
                expected: "t.toml:2:1: [s] wait_secs: is required but missing",
            },
        ];
        check("toml_problem", &cases, |text| {
            let f = SourceFile::new(Path::new("t.toml"), text);
            f.toml_problem(&toml::from_str::<T>(text).unwrap_err()).to_string()
        });
    }

    #[test]
    fn key_problems_point_at_the_key_or_the_fallback() {
        let text = "[escalation]\n# heat\ntense_at = 7\n";
        let f = SourceFile::new(Path::new("bot.toml"), text);
        let p = f.key_problem("escalation.tense_at", Some(0..1), "too high");
        assert_eq!(p.to_string(), "bot.toml:3:12: [escalation] tense_at: too high");
        let p = f.key_problem("escalation.heated_at", Some(0..1), "too low");
        assert_eq!(p.to_string(), "bot.toml:1:1: [escalation] heated_at: too low");
    }
}
