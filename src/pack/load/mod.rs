//! Reading phrase files and turning them into a validated
//! [`Pack`](crate::core::pack::Pack).
//!
//! Loading is two steps, because a file may refer to names another file
//! defines: [`Builder`] reads each file on its own, checking every field it
//! can check alone, and keeps cross-file references as names; `finish` then
//! resolves them once every file is read. The files follow that split: `check` holds the field validators every table uses, `settings`,
//! `lexicon` (categories, phrases, allow-list) and `responses` (topics,
//! scripts, choice sets, boundaries) read one kind of table each, and
//! `finish` resolves them and assembles the parts that [`Pack::new`] checks.
//!
//! May import what its parent may: `crate::core`, `crate::diagnostics`,
//! the file system, serde and toml.

mod builder;
mod check;
mod finish;
mod lexicon;
mod responses;
mod settings;

use super::raw::RawFile;
use crate::core::pack::Pack;
use crate::diagnostics::{Problem, SourceFile};
use builder::Builder;
use std::path::{Path, PathBuf};

/// Most buttons in one choice set (one row of Discord buttons).
pub const MAX_OPTIONS: usize = 5;
/// Longest button label Discord accepts.
pub const MAX_LABEL_CHARS: usize = 80;

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The files have problems; every one is listed.
    #[error("{} problem(s) in the phrase pack:\n{}", .0.len(), crate::diagnostics::render(.0))]
    Invalid(Vec<Problem>),
}

impl PackError {
    /// The problems found.
    pub fn problems(&self) -> &[Problem] {
        match self {
            PackError::Invalid(p) => p,
        }
    }
}

/// Loads every `*.toml` file in `dir` (sorted by name) as one pack.
pub fn load_dir(dir: &Path) -> Result<Pack, PackError> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        let message = match e.kind() {
            std::io::ErrorKind::NotFound => "no phrases directory here".to_string(),
            _ => format!("cannot read the phrases directory: {e}"),
        };
        PackError::Invalid(vec![Problem::file(dir, message)])
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(PackError::Invalid(vec![Problem::file(dir, "no .toml phrase files in this directory")]));
    }
    load_files(&files)
}

/// Loads the given files as one pack.
pub fn load_files(paths: &[PathBuf]) -> Result<Pack, PackError> {
    let mut problems = Vec::new();
    let mut texts = Vec::new();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(t) => texts.push((path.clone(), t)),
            Err(e) => problems.push(Problem::file(path, format!("cannot read: {e}"))),
        }
    }
    let mut builder = Builder { paths: paths.to_vec(), unparsed: texts.len() < paths.len(), ..Builder::default() };
    let mut first_unparsed = None;
    for (i, (path, text)) in texts.iter().enumerate() {
        let src = SourceFile::new(path, text);
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => builder.add_file(i as u16, &src, raw, &mut problems),
            Err(e) => {
                builder.unparsed = true;
                first_unparsed.get_or_insert(problems.len());
                problems.push(src.toml_problem(&e));
            }
        }
    }
    let (parts, skipped) = builder.finish(&mut problems);
    if let Some(p) = first_unparsed.and_then(|i| problems.get_mut(i)).filter(|_| skipped > 0) {
        let s = if skipped == 1 { "" } else { "s" };
        p.message.push_str(&format!(
            " ({skipped} check{s} of names defined across the pack skipped until this file parses)"
        ));
    }
    if !problems.is_empty() {
        return Err(PackError::Invalid(problems));
    }
    // Every name was resolved above, so the parts fit together; a mismatch
    // is a bug in this loader, reported rather than panicked on.
    Pack::new(parts).map_err(|e| {
        let file = paths.first().map_or(Path::new(""), PathBuf::as_path);
        PackError::Invalid(vec![Problem::file(file, format!("the loaded pack is inconsistent: {e}"))])
    })
}
