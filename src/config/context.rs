//! `[context]` in bot.toml: the context reader's files and whether keel may
//! run without it.

use crate::diagnostics::{Problem, SourceFile};
use crate::reader::{ContextError, ContextReader, ReaderFiles};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml::Spanned;

/// `[context]` as written in bot.toml (paths not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawContext {
    /// Read messages with the context reader when its files are there.
    pub enabled: bool,
    /// The base sentence model's directory, relative to bot.toml.
    pub model_dir: String,
    /// keel's adapter file, relative to bot.toml.
    pub adapter: String,
    /// Refuse to start (and fail `keel check`) when the reader cannot be loaded.
    pub required: bool,
}

impl Default for RawContext {
    fn default() -> Self {
        RawContext {
            enabled: true,
            model_dir: "models/all-MiniLM-L6-v2".into(),
            adapter: "models/keel-reader.safetensors".into(),
            required: false,
        }
    }
}

/// The context reader's settings, paths resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextConfig {
    /// Read messages with the context reader when its files are there.
    pub enabled: bool,
    /// Where its files are.
    pub files: ReaderFiles,
    /// Missing or broken files are an error instead of a note.
    pub required: bool,
}

impl Default for ContextConfig {
    fn default() -> Self {
        ContextConfig::resolve(RawContext::default(), Path::new(""))
    }
}

fn resolve_path(base: &Path, p: &str) -> PathBuf {
    let path = Path::new(p);
    if path.is_absolute() || base == Path::new("") {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// What came of loading the reader.
#[derive(Debug)]
pub enum ReaderState {
    /// Loaded and in use.
    On(Arc<ContextReader>),
    /// Turned off in bot.toml.
    Disabled,
    /// Wanted but not loadable, and not required: keel judges by phrases alone.
    Unavailable(ContextError),
}

impl ContextConfig {
    /// The settings with paths resolved against `base` (bot.toml's directory).
    pub fn resolve(raw: RawContext, base: &Path) -> ContextConfig {
        ContextConfig {
            enabled: raw.enabled,
            files: ReaderFiles {
                model_dir: resolve_path(base, &raw.model_dir),
                adapter: resolve_path(base, &raw.adapter),
            },
            required: raw.required,
        }
    }

    /// Loads the reader as configured. An error only when it is required
    /// (or its adapter is there but broken: a file an owner edited or
    /// replaced must not be ignored silently).
    pub fn load(&self) -> Result<ReaderState, ContextError> {
        if !self.enabled {
            return Ok(ReaderState::Disabled);
        }
        match ContextReader::load(&self.files) {
            Ok(r) => Ok(ReaderState::On(Arc::new(r))),
            Err(e @ ContextError::Missing { .. }) if !self.required => Ok(ReaderState::Unavailable(e)),
            Err(e) => Err(e),
        }
    }
}

/// Checks `[context]`: both paths must be non-empty.
pub(super) fn check(src: &SourceFile<'_>, c: &Spanned<RawContext>, out: &mut Vec<Problem>) {
    let raw = c.get_ref();
    for (key, value) in [("model_dir", &raw.model_dir), ("adapter", &raw.adapter)] {
        if value.trim().is_empty() {
            out.push(src.key_problem(&format!("context.{key}"), Some(c.span()), "must name a path"));
        }
    }
}
