//! The `[settings]` table: scoring knobs and word lists, with defaults.

use super::builder::Builder;
use super::check::{check_unit, origin};
use crate::core::normalize::normalize;
use crate::core::pack::Settings;
use crate::diagnostics::{section_key, Problem, SourceFile};
use crate::pack::raw::{Number, RawFile, RawSettings};
use toml::Spanned;

impl Builder {
    /// Reads a file's `[settings]` table; only one is allowed in the whole pack.
    pub(super) fn add_settings(&mut self, file: u16, src: &SourceFile<'_>, raw: &RawFile, out: &mut Vec<Problem>) {
        if let Some(s) = &raw.settings {
            let here = origin(src, file, s.span());
            if let Some((_, first)) = &self.settings {
                out.push(src.problem(
                    Some(s.span()),
                    "[settings]",
                    format!("[settings] is defined twice (first at {})", self.origin_str(*first)),
                ));
            } else {
                self.settings = Some((settings(src, s.get_ref(), out), here));
            }
        }
    }
}

/// A word list, normalized like messages, or `default` when missing.
fn words(list: Option<&Vec<Spanned<String>>>, default: &[String]) -> Vec<String> {
    match list {
        Some(l) => l.iter().map(|w| normalize(w.get_ref()).text().trim().to_string()).collect(),
        None => default.to_vec(),
    }
}

/// Reads `[settings]`, defaulting every missing value.
fn settings(src: &SourceFile<'_>, raw: &RawSettings, out: &mut Vec<Problem>) -> Settings {
    let d = Settings::default();
    let unit = |key: &str, v: &Option<Spanned<Number>>, dflt: f32, out: &mut Vec<Problem>| {
        v.as_ref().map_or(dflt, |v| check_unit(src, &section_key("settings", key), v, 0.0, 1.0, out))
    };
    let rate_per_minute = raw.rate_per_minute.as_ref().map_or(d.rate_per_minute, |v| {
        check_unit(src, &section_key("settings", "rate_per_minute"), v, 0.1, 10_000.0, out)
    });
    let target_window = match &raw.target_window {
        Some(w) if !(1..=16).contains(w.get_ref()) => {
            out.push(src.problem(
                Some(w.span()),
                section_key("settings", "target_window"),
                format!("must be between 1 and 16, found {}", w.get_ref()),
            ));
            d.target_window
        }
        Some(w) => *w.get_ref() as usize,
        None => d.target_window,
    };
    Settings {
        language: raw.language.clone().unwrap_or(d.language.clone()),
        hostile_threshold: unit("hostile_threshold", &raw.hostile_threshold, d.hostile_threshold, out),
        negation_factor: unit("negation_factor", &raw.negation_factor, d.negation_factor, out),
        untargeted_factor: unit("untargeted_factor", &raw.untargeted_factor, d.untargeted_factor, out),
        shouting_boost: unit("shouting_boost", &raw.shouting_boost, d.shouting_boost, out),
        punctuation_boost: unit("punctuation_boost", &raw.punctuation_boost, d.punctuation_boost, out),
        rate_boost: unit("rate_boost", &raw.rate_boost, d.rate_boost, out),
        rate_per_minute,
        second_person: words(raw.second_person.as_ref(), &d.second_person),
        third_person: words(raw.third_person.as_ref(), &d.third_person),
        negations: words(raw.negations.as_ref(), &d.negations),
        determiners: words(raw.determiners.as_ref(), &d.determiners),
        subjects: words(raw.subjects.as_ref(), &d.subjects),
        first_person: words(raw.first_person.as_ref(), &d.first_person),
        copulas: words(raw.copulas.as_ref(), &d.copulas),
        fillers: words(raw.fillers.as_ref(), &d.fillers),
        groups: words(raw.groups.as_ref(), &d.groups),
        possessives: words(raw.possessives.as_ref(), &d.possessives),
        titles: words(raw.titles.as_ref(), &d.titles),
        non_names: words(raw.non_names.as_ref(), &d.non_names),
        place_words: words(raw.place_words.as_ref(), &d.place_words),
        praise_slang: words(raw.praise_slang.as_ref(), &d.praise_slang),
        exclamation_openers: words(raw.exclamation_openers.as_ref(), &d.exclamation_openers),
        derived_endings: words(raw.derived_endings.as_ref(), &d.derived_endings),
        target_window,
    }
}
