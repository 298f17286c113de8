//! The raw shape of a phrase file, exactly as written, with source spans.
//!
//! These types only describe syntax; `load` turns them into a validated
//! [`Pack`](crate::core::pack::Pack) and reports every semantic problem with its line.

use crate::core::pack::CategoryKind;
use crate::core::Level;
use serde::{Deserialize, Deserializer};
use toml::Spanned;

/// A number written as an integer or a float (`weight = 1` or `weight = 0.5`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// One phrase file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub settings: Option<Spanned<RawSettings>>,
    #[serde(default)]
    pub category: Vec<Spanned<RawCategory>>,
    #[serde(default)]
    pub phrase: Vec<Spanned<RawPhrase>>,
    pub allow: Option<RawAllow>,
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
    #[serde(default)]
    pub script: Vec<Spanned<RawScript>>,
    #[serde(default)]
    pub choices: Vec<Spanned<RawChoices>>,
    #[serde(default)]
    pub boundary: Vec<Spanned<RawBoundary>>,
}

/// `[settings]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    pub language: Option<String>,
    pub hostile_threshold: Option<Spanned<Number>>,
    pub negation_factor: Option<Spanned<Number>>,
    pub untargeted_factor: Option<Spanned<Number>>,
    pub shouting_boost: Option<Spanned<Number>>,
    pub punctuation_boost: Option<Spanned<Number>>,
    pub rate_boost: Option<Spanned<Number>>,
    pub rate_per_minute: Option<Spanned<Number>>,
    pub second_person: Option<Vec<Spanned<String>>>,
    pub third_person: Option<Vec<Spanned<String>>>,
    pub negations: Option<Vec<Spanned<String>>>,
    pub determiners: Option<Vec<Spanned<String>>>,
    pub subjects: Option<Vec<Spanned<String>>>,
    pub first_person: Option<Vec<Spanned<String>>>,
    pub copulas: Option<Vec<Spanned<String>>>,
    pub fillers: Option<Vec<Spanned<String>>>,
    pub groups: Option<Vec<Spanned<String>>>,
    pub possessives: Option<Vec<Spanned<String>>>,
    pub titles: Option<Vec<Spanned<String>>>,
    pub non_names: Option<Vec<Spanned<String>>>,
    pub place_words: Option<Vec<Spanned<String>>>,
    pub praise_slang: Option<Vec<Spanned<String>>>,
    pub exclamation_openers: Option<Vec<Spanned<String>>>,
    pub derived_endings: Option<Vec<Spanned<String>>>,
    pub target_window: Option<Spanned<i64>>,
}

/// `[[category]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCategory {
    pub name: Spanned<String>,
    #[serde(default)]
    pub kind: CategoryKind,
    pub weight: Spanned<Number>,
    #[serde(default)]
    pub targeted: bool,
    #[serde(default)]
    pub severe: bool,
    #[serde(default)]
    pub vocative: bool,
    #[serde(default)]
    pub describes: bool,
    pub unaimed_weight: Option<Spanned<Number>>,
    pub jump_to_tier: Option<Spanned<i64>>,
    pub negatable: Option<bool>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
    #[serde(default)]
    pub patterns: Vec<Spanned<String>>,
}

/// `[[phrase]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhrase {
    pub category: Spanned<String>,
    pub text: Option<Spanned<String>>,
    pub pattern: Option<Spanned<String>>,
    pub weight: Option<Spanned<Number>>,
    pub targeted: Option<bool>,
}

/// `[allow]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAllow {
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
}

/// `[[topic]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub name: Spanned<String>,
    pub label: Spanned<String>,
    #[serde(default)]
    pub phrases: Vec<Spanned<String>>,
}

/// `[[script]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScript {
    pub name: Spanned<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub technique: String,
    #[serde(default)]
    pub when_categories: Vec<Spanned<String>>,
    pub min_level: Option<Level>,
    #[serde(default)]
    pub priority: i64,
    pub steps: Vec<Spanned<String>>,
    pub say: Spanned<String>,
    pub choices: Option<Spanned<String>>,
}

/// `[[choices]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoices {
    pub name: Spanned<String>,
    pub prompt: Spanned<String>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    #[serde(default)]
    pub option: Vec<Spanned<RawOption>>,
}

/// `[[choices.option]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub label: Spanned<String>,
    pub reply: Spanned<String>,
    #[serde(default)]
    pub escalate: bool,
}

/// `[[boundary]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBoundary {
    pub tier: Spanned<i64>,
    pub text: Spanned<String>,
}
