//! Field validators shared by every kind of table.
//!
//! Each one checks a single value, pushes a [`Problem`] pointing at its span
//! when it is wrong, and returns something usable anyway, so that loading
//! goes on and reports every mistake in one pass.

use crate::core::normalize::normalize;
use crate::core::pack::{CategoryKind, EntryPattern, Origin, Phrase};
use crate::core::template::Template;
use crate::diagnostics::{Problem, SourceFile};
use crate::pack::raw::Number;
use toml::Spanned;

/// Where `span` of `src` starts, as an [`Origin`] in file number `file`.
pub(super) fn origin(src: &SourceFile<'_>, file: u16, span: std::ops::Range<usize>) -> Origin {
    Origin { file, line: src.line_col(span.start).0 as u32 }
}

/// Checks that `v` lies in `lo..=hi`, and returns it as `f32` either way.
pub(super) fn check_unit(
    src: &SourceFile<'_>,
    key: &str,
    v: &Spanned<Number>,
    lo: f64,
    hi: f64,
    out: &mut Vec<Problem>,
) -> f32 {
    let x = v.get_ref().0;
    if !(lo..=hi).contains(&x) || x.is_nan() {
        out.push(src.problem(Some(v.span()), key, format!("must be between {lo} and {hi}, found {x}")));
    }
    x as f32
}

/// Checks a phrase weight for a category of `kind`: 0 to 1, or -1 to 1 for
/// `cue` categories, where a negative weight is a sign of civility. A
/// `deescalating` category lowers the score with a positive weight.
pub(super) fn check_weight(kind: CategoryKind, w: f64) -> Result<(), String> {
    let lo = if kind == CategoryKind::Cue { -1.0 } else { 0.0 };
    if (lo..=1.0).contains(&w) {
        return Ok(());
    }
    let mut message = format!("must be between {lo} and 1, found {w}");
    if (-1.0..0.0).contains(&w) {
        message.push_str(
            ": only `cue` categories take negative weights (signs of civility); a `deescalating` category lowers the score with a positive weight",
        );
    }
    Err(message)
}

/// Parses a phrase as written (`idiot`, `fuck*`, `*hole`) into its normalized form.
pub(super) fn parse_phrase(written: &str) -> Result<Phrase, String> {
    let trimmed = written.trim();
    let any_start = trimmed.starts_with('*');
    let any_end = trimmed.len() > 1 && trimmed.ends_with('*');
    let core = trimmed.trim_start_matches('*').trim_end_matches('*');
    if core.contains('*') {
        return Err(format!("{written:?}: `*` may only stand at the start or the end of a phrase"));
    }
    let text = phrase_text(core);
    if !text.chars().any(char::is_alphanumeric) {
        return Err(format!("{written:?} has no letters or digits after normalization"));
    }
    Ok(Phrase { text, any_start, any_end })
}

/// A phrase's normalized text, with the letters it repeats three or more
/// times kept as written (`bbb`, the Better Business Bureau): normalization
/// would make them one stretched letter, which the matcher compiles itself.
fn phrase_text(core: &str) -> String {
    let n = normalize(core);
    let mut text = String::with_capacity(n.text().len());
    for (i, c) in n.text().char_indices() {
        if n.is_stretched(i) {
            let (s, e) = n.original_span(i, i + c.len_utf8());
            let times = core.get(s..e).map_or(1, |o| o.chars().count());
            text.extend(std::iter::repeat_n(c, times));
        } else {
            text.push(c);
        }
    }
    text.trim().to_string()
}

/// Checks that a name uses lower-case letters, digits and `-` only.
pub(super) fn check_name(src: &SourceFile<'_>, key: &str, name: &Spanned<String>, out: &mut Vec<Problem>) {
    let n = name.get_ref();
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        out.push(src.problem(Some(name.span()), key, format!("`{n}`: use lower-case letters, digits and `-` only")));
    }
}

/// Parses a reply template; a broken one is reported and left empty.
pub(super) fn template(src: &SourceFile<'_>, key: &str, s: &Spanned<String>, out: &mut Vec<Problem>) -> Template {
    match Template::parse(s.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            out.push(src.problem(Some(s.span()), key, format!("{}, in {:?}", e.message, s.get_ref())));
            Template::default()
        }
    }
}

/// Checks that a regex compiles (within a size limit) and keeps it as written.
pub(super) fn regex_pattern(
    src: &SourceFile<'_>,
    key: &str,
    p: &Spanned<String>,
    out: &mut Vec<Problem>,
) -> Option<EntryPattern> {
    match regex::RegexBuilder::new(p.get_ref()).size_limit(1 << 20).build() {
        Ok(_) => Some(EntryPattern::Regex(p.get_ref().clone())),
        Err(e) => {
            let msg = e.to_string();
            let last = msg.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim();
            let last = last.strip_prefix("error: ").unwrap_or(last);
            out.push(src.problem(Some(p.span()), key, format!("regex {:?} does not compile: {last}", p.get_ref())));
            None
        }
    }
}
