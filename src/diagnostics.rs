//! Problems found in files a server owner edits, each with file, line and key.
//!
//! Loading never stops at the first mistake: every problem in every file is
//! collected so that one `keel check` run lists them all.

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
    /// The key the problem is about (`category[2].phrases[5]`), or empty.
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
}

impl<'a> SourceFile<'a> {
    /// Indexes `text`, read from `path`.
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile { path, text, line_starts }
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

    /// A problem from a TOML parse or type error, keeping toml's location and
    /// the key it names.
    pub fn toml_problem(&self, err: &toml::de::Error) -> Problem {
        // toml's message is a single descriptive line; its span gives the place.
        let message = err.message().trim().to_string();
        let key = key_from_message(&message);
        self.problem(err.span(), key, message)
    }
}

/// toml reports unknown or missing fields as "... field `name` ..."; surface that name as the key.
fn key_from_message(message: &str) -> String {
    let mut parts = message.split('`');
    match (parts.next(), parts.next()) {
        (Some(_), Some(k)) if message.contains("field") => k.to_string(),
        _ => String::new(),
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
        let p = f.problem(Some(2..3), "category[0].weight", "must be between 0 and 1");
        assert_eq!(p.to_string(), "p/lexicon.toml:2:1: category[0].weight: must be between 0 and 1");
    }

    #[test]
    fn toml_errors_keep_line_and_key() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let text = "a = 1\nb = 2\n";
        let f = SourceFile::new(Path::new("t.toml"), text);
        let err = toml::from_str::<T>(text).unwrap_err();
        let p = f.toml_problem(&err);
        assert_eq!(p.line, 2);
        assert_eq!(p.key, "b");
    }
}
