//! `[forecast]` in bot.toml, and the forecaster's model file.
//!
//! keel ships its trained forecaster in `models/keel-forecaster.toml`
//! (written by `tools/train_forecaster.py`) and carries a copy inside the
//! binary, so the forecast works without the file; `model = PATH` swaps in
//! another one. The file:
//!
//! ```toml
//! bias = -3.2
//! level = 0.31          # the heads-up level chosen on the trainer's dev split
//! [weights]             # one per feature of keel::core::forecast::FEATURE_NAMES
//! last = 1.4
//! # ...
//! [trained]             # provenance, free-form (ignored)
//! ```

use crate::core::forecast::{ForecastModel, FEATURE_NAMES};
use crate::diagnostics::{Problem, SourceFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The shipped model, built into the binary.
pub const BUILTIN: &str = include_str!("../../models/keel-forecaster.toml");
/// Where the shipped model's file is, for messages.
pub const BUILTIN_PATH: &str = "models/keel-forecaster.toml";

/// `[forecast]` as written in bot.toml.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawForecast {
    /// Forecast conversations at all.
    pub enabled: bool,
    /// Another model file, relative to bot.toml (default: the built-in one).
    pub model: Option<String>,
    /// The heads-up level, 0–1 (default: the model's own `level`).
    pub heads_up_at: Option<f32>,
}

impl Default for RawForecast {
    fn default() -> Self {
        RawForecast { enabled: true, model: None, heads_up_at: None }
    }
}

/// The forecast's settings, the model file's path resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastConfig {
    /// Forecast conversations at all.
    pub enabled: bool,
    /// Another model file (`None`: the built-in one).
    pub model: Option<PathBuf>,
    /// The heads-up level set in bot.toml, if any.
    pub heads_up_at: Option<f32>,
}

impl Default for ForecastConfig {
    fn default() -> Self {
        ForecastConfig::resolve(RawForecast::default(), Path::new(""))
    }
}

/// A model and the heads-up level to use with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecaster {
    /// The trained model.
    pub model: ForecastModel,
    /// Forecasts at or above this level warn (bot.toml's, else the model's).
    pub level: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    bias: Spanned<f32>,
    level: Spanned<f32>,
    weights: Spanned<BTreeMap<String, f32>>,
    #[serde(default)]
    #[allow(dead_code)]
    trained: Option<toml::Table>,
}

/// Reads a model file's text (`path` names it in problems).
pub fn parse_model(path: &Path, text: &str) -> Result<Forecaster, Problem> {
    let src = SourceFile::new(path, text);
    let file: ModelFile = toml::from_str(text).map_err(|e| src.toml_problem(&e))?;
    let level = *file.level.get_ref();
    if !(level > 0.0 && level <= 1.0) {
        return Err(src.key_problem(
            "level",
            Some(file.level.span()),
            format!("must be above 0 and at most 1, found {level}"),
        ));
    }
    let weights = file.weights.get_ref().iter().map(|(k, v)| (k.as_str(), *v));
    let model = ForecastModel::new(weights, *file.bias.get_ref()).map_err(|e| {
        let unknown = file.weights.get_ref().keys().find(|k| !FEATURE_NAMES.contains(&k.as_str()));
        let key = unknown.map_or("weights".to_string(), |k| format!("weights.{k}"));
        src.key_problem(&key, Some(file.weights.span()), e.to_string())
    })?;
    Ok(Forecaster { model, level })
}

/// The built-in model.
pub fn builtin() -> Forecaster {
    match parse_model(Path::new(BUILTIN_PATH), BUILTIN) {
        Ok(f) => f,
        // A test holds the shipped file to parsing; this cannot happen in a build.
        Err(p) => panic!("the built-in forecaster does not parse: {p}"),
    }
}

impl ForecastConfig {
    /// The settings with the model path resolved against `base`.
    pub fn resolve(raw: RawForecast, base: &Path) -> ForecastConfig {
        let model = raw.model.map(|m| {
            let p = Path::new(&m);
            if p.is_absolute() || base == Path::new("") {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        });
        ForecastConfig { enabled: raw.enabled, model, heads_up_at: raw.heads_up_at }
    }

    /// The forecaster to use (`None` when turned off); a model file that
    /// cannot be read is a problem naming it.
    pub fn load(&self) -> Result<Option<Forecaster>, Problem> {
        if !self.enabled {
            return Ok(None);
        }
        let mut f = match &self.model {
            None => builtin(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| Problem::file(path, e.to_string()))?;
                parse_model(path, &text)?
            }
        };
        if let Some(level) = self.heads_up_at {
            f.level = level;
        }
        Ok(Some(f))
    }
}

/// Checks `[forecast]`.
pub(super) fn check(src: &SourceFile<'_>, f: &Spanned<RawForecast>, out: &mut Vec<Problem>) {
    let raw = f.get_ref();
    if let Some(level) = raw.heads_up_at {
        if !(level > 0.0 && level <= 1.0) {
            out.push(src.key_problem(
                "forecast.heads_up_at",
                Some(f.span()),
                format!("must be above 0 and at most 1, found {level}"),
            ));
        }
    }
    if raw.model.as_deref().is_some_and(|m| m.trim().is_empty()) {
        out.push(src.key_problem(
            "forecast.model",
            Some(f.span()),
            "must name a file (or leave it out for the built-in model)",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses_and_matches_the_file() {
        let f = builtin();
        assert!(f.level > 0.0 && f.level <= 1.0);
        let on_disk = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(BUILTIN_PATH)).unwrap();
        assert_eq!(on_disk, BUILTIN);
    }

    #[test]
    fn a_broken_model_file_names_its_line_and_key() {
        let path = Path::new("f.toml");
        let mut text = String::from("bias = -1.0\nlevel = 0.4\n[weights]\n");
        for name in FEATURE_NAMES {
            text.push_str(&format!("{name} = 0.5\n"));
        }
        assert!(parse_model(path, &text).is_ok());
        let p = parse_model(path, &text.replace("level = 0.4", "level = 1.5")).unwrap_err();
        assert_eq!((p.line, p.key.as_str()), (2, "level"), "{p}");
        let p = parse_model(path, &text.replace("mean = 0.5\n", "")).unwrap_err();
        assert!(p.message.contains("no weight for the feature `mean`"), "{p}");
        let p = parse_model(path, &text.replace("mean =", "mood =")).unwrap_err();
        assert_eq!(p.key, "[weights] mood", "{p}");
        let p = parse_model(path, &text.replace("last = 0.5", "last = \"high\"")).unwrap_err();
        assert_eq!(p.line, 4, "{p}");
    }

    #[test]
    fn bot_toml_can_turn_it_off_or_move_the_level() {
        let c = ForecastConfig::resolve(
            RawForecast { heads_up_at: Some(0.5), ..RawForecast::default() },
            Path::new("/srv"),
        );
        assert_eq!(c.load().unwrap().unwrap().level, 0.5);
        let c = ForecastConfig::resolve(RawForecast { enabled: false, ..RawForecast::default() }, Path::new("/srv"));
        assert_eq!(c.load().unwrap(), None);
        let c = ForecastConfig::resolve(
            RawForecast { model: Some("no.toml".into()), ..RawForecast::default() },
            Path::new("/srv"),
        );
        assert_eq!(c.load().unwrap_err().file, Path::new("/srv/no.toml"));
    }
}
