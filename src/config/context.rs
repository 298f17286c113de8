//! `[context]` in bot.toml: the context reader's files and whether keel may
//! run without it.

use crate::core::context::Reader;
use crate::diagnostics::{Problem, SourceFile};
use crate::reader::first_stage::FirstStage;
use crate::reader::{ContextError, ContextReader, ReaderFiles, StagedReader};
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
    /// Which reader: the transformer on every message, the first stage in
    /// front of it, or the first stage alone.
    pub reader: ReaderKind,
    /// The first stage's weights, relative to bot.toml.
    pub first_stage: String,
}

/// `[context] reader`: which model reads customers' messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReaderKind {
    /// The transformer reads every message it is asked to (about 23 ms each).
    Transformer,
    /// The first stage reads every message, and the transformer only those
    /// inside the first stage's band (docs/first-stage.md): the default, as
    /// good as the transformer alone or better on every held-out source.
    #[default]
    TwoStage,
    /// The first stage alone (microseconds a message, no transformer loaded).
    FirstStage,
}

impl ReaderKind {
    /// How bot.toml spells it.
    pub fn name(self) -> &'static str {
        match self {
            ReaderKind::Transformer => "transformer",
            ReaderKind::TwoStage => "two-stage",
            ReaderKind::FirstStage => "first-stage",
        }
    }
}

impl Default for RawContext {
    fn default() -> Self {
        RawContext {
            enabled: true,
            model_dir: "models/all-MiniLM-L6-v2".into(),
            adapter: "models/keel-reader.safetensors".into(),
            required: false,
            reader: ReaderKind::default(),
            first_stage: crate::reader::first_stage::DEFAULT_PATH.into(),
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
    /// Which reader.
    pub reader: ReaderKind,
    /// The first stage's weights.
    pub first_stage: PathBuf,
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
    On(Arc<dyn Reader>),
    /// Turned off in bot.toml.
    Disabled,
    /// Wanted but not loadable, and not required: keel judges by phrases alone.
    Unavailable(ContextError),
    /// The two-stage reader was wanted but the transformer's files are
    /// missing (and it is not required): the first stage, which ships with
    /// keel, reads alone.
    FirstStageOnly {
        /// The first stage.
        reader: Arc<dyn Reader>,
        /// What is missing of the transformer.
        missing: ContextError,
    },
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
            reader: raw.reader,
            first_stage: resolve_path(base, &raw.first_stage),
        }
    }

    /// Loads the reader as configured. An error only when it is required
    /// (or its adapter is there but broken: a file an owner edited or
    /// replaced must not be ignored silently).
    pub fn load(&self) -> Result<ReaderState, ContextError> {
        if !self.enabled {
            return Ok(ReaderState::Disabled);
        }
        let loaded = match self.reader {
            ReaderKind::Transformer => ContextReader::load(&self.files).map(|r| Arc::new(r) as Arc<dyn Reader>),
            ReaderKind::TwoStage => match ContextReader::load(&self.files) {
                Ok(second) => self.load_staged(Some(Arc::new(second))),
                Err(missing @ ContextError::Missing { .. }) if !self.required => {
                    return match self.load_staged(None) {
                        Ok(reader) => Ok(ReaderState::FirstStageOnly { reader, missing }),
                        // Both missing: the transformer's files are the ones an owner fetches.
                        Err(ContextError::Missing { .. }) => Ok(ReaderState::Unavailable(missing)),
                        Err(e) => Err(e),
                    };
                }
                Err(e) => Err(e),
            },
            ReaderKind::FirstStage => self.load_staged(None),
        };
        match loaded {
            Ok(r) => Ok(ReaderState::On(r)),
            Err(e @ ContextError::Missing { .. }) if !self.required => Ok(ReaderState::Unavailable(e)),
            Err(e) => Err(e),
        }
    }

    /// The first stage, in front of `second` (the transformer) if given.
    fn load_staged(&self, second: Option<Arc<ContextReader>>) -> Result<Arc<dyn Reader>, ContextError> {
        let first = FirstStage::load(&self.first_stage).map_err(|e| match e {
            crate::reader::first_stage::FirstStageError::Io { path, .. } => ContextError::Missing {
                path,
                hint: "the first stage's weights ship in the repository: models/keel-first-stage.bin",
            },
            other => ContextError::FirstStage(other),
        })?;
        Ok(Arc::new(StagedReader::new(first, second, &self.first_stage)?))
    }

    /// What reads, in words, for `keel check` and the log.
    pub fn describe(&self) -> String {
        let transformer = format!("{} with {}", self.files.model_dir.display(), self.files.adapter.display());
        match self.reader {
            ReaderKind::Transformer => transformer,
            ReaderKind::TwoStage => {
                format!("two-stage: {} first, then {transformer} inside its band", self.first_stage.display())
            }
            ReaderKind::FirstStage => format!("first stage alone: {}", self.first_stage.display()),
        }
    }
}

/// Checks `[context]`: both paths must be non-empty.
pub(super) fn check(src: &SourceFile<'_>, c: &Spanned<RawContext>, out: &mut Vec<Problem>) {
    let raw = c.get_ref();
    for (key, value) in [("model_dir", &raw.model_dir), ("adapter", &raw.adapter), ("first_stage", &raw.first_stage)] {
        if value.trim().is_empty() {
            out.push(src.key_problem(&format!("context.{key}"), Some(c.span()), "must name a path"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn context(toml: &str) -> ContextConfig {
        Config::parse(Path::new("/srv/keel/bot.toml"), toml).expect("parses").context
    }

    #[test]
    fn the_reader_is_two_stage_unless_bot_toml_says_otherwise() {
        let c = context("");
        assert_eq!(c.reader, ReaderKind::TwoStage);
        assert_eq!(context("[context]\nreader = \"transformer\"\n").reader, ReaderKind::Transformer);
        assert_eq!(c.first_stage, Path::new("/srv/keel/models/keel-first-stage.bin"));
        let c = context("[context]\nreader = \"two-stage\"\nfirst_stage = \"fs.bin\"\n");
        assert_eq!(c.reader, ReaderKind::TwoStage);
        assert_eq!(c.first_stage, Path::new("/srv/keel/fs.bin"));
        assert!(c.describe().starts_with("two-stage: /srv/keel/fs.bin first"), "{}", c.describe());
        assert_eq!(context("[context]\nreader = \"first-stage\"\n").reader, ReaderKind::FirstStage);
    }

    #[test]
    fn an_unknown_reader_is_refused_with_its_key() {
        let err = Config::parse(Path::new("bot.toml"), "[context]\nreader = \"gpt\"\n").expect_err("unknown");
        let said = err.to_string();
        assert!(said.contains("gpt") && said.contains("two-stage"), "{said}");
    }

    #[test]
    fn a_missing_first_stage_is_a_note_unless_required() {
        let mut c = context("[context]\nreader = \"first-stage\"\nfirst_stage = \"no/such.bin\"\n");
        assert!(matches!(c.load(), Ok(ReaderState::Unavailable(ContextError::Missing { .. }))));
        c.required = true;
        let err = c.load().expect_err("required");
        assert!(err.to_string().contains("no/such.bin"), "{err}");
    }

    #[test]
    fn the_shipped_first_stage_reads_alone() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut c =
            ContextConfig::resolve(RawContext { reader: ReaderKind::FirstStage, ..RawContext::default() }, root);
        c.required = true;
        let Ok(ReaderState::On(reader)) = c.load() else { panic!("the shipped first stage loads") };
        let p = reader.probability("you are a useless idiot").expect("reads");
        let q = reader.probability("thanks, that fixed it").expect("reads");
        assert!(p > q, "{p} vs {q}");
    }

    #[test]
    fn two_stage_without_the_transformer_reads_with_the_first_stage_unless_required() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let raw = RawContext { model_dir: "no/such/model".into(), ..RawContext::default() };
        let mut c = ContextConfig::resolve(raw, root);
        let Ok(ReaderState::FirstStageOnly { reader, missing }) = c.load() else {
            panic!("the first stage reads when the transformer is missing")
        };
        assert!(missing.to_string().contains("no/such/model"), "{missing}");
        assert!(reader.probability("you are a useless idiot").expect("reads") > 0.5);
        c.first_stage = root.join("no/such.bin");
        assert!(matches!(c.load(), Ok(ReaderState::Unavailable(ContextError::Missing { .. }))));
        c.required = true;
        let err = c.load().expect_err("required");
        assert!(err.to_string().contains("no/such/model"), "{err}");
    }
}
