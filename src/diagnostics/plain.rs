//! serde's and toml's error messages in an owner's words.
//!
//! `invalid value: integer `-5`, expected u64` speaks Rust; the owner needs
//! "must be a whole number of seconds ≥ 0, found -5". [`translate`] reads the
//! few shapes serde's messages come in (a wrong type or value, an unknown
//! variant or field, a missing field) and says what the key takes, using the
//! key's name for units (`_secs`, `_days`). Anything else (toml's syntax
//! errors) passes through, with a hint for the commonest typo.

/// A translated message, and the field it is about when the message names
/// one the span does not (an unknown or missing key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plain {
    /// The key below the one the error's place names, if any.
    pub field: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

/// Translates `raw`, a serde or toml message about the key named `leaf`
/// (the last part of its path, for units).
pub fn translate(raw: &str, leaf: &str) -> Plain {
    let raw = raw.trim();
    let plain = |message: String| Plain { field: None, message };
    if let Some(rest) = raw.strip_prefix("invalid type: ").or_else(|| raw.strip_prefix("invalid value: ")) {
        if let Some((found, expected)) = rest.rsplit_once(", expected ") {
            return plain(format!("must be {}, found {}", expected_words(expected, leaf), found_words(found)));
        }
    }
    if let Some(rest) = raw.strip_prefix("unknown variant ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let choices = names(expected).join(", ");
        return plain(format!("must be one of: {choices}; found \"{}\"", found.trim_matches('`')));
    }
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let field = field.trim_matches('`').to_string();
        let known = names(expected);
        let message = match closest(&field, &known) {
            Some(near) => format!("unknown key: did you mean `{near}`? (known here: {})", known.join(", ")),
            None if known.is_empty() => "unknown key: nothing may be set here".to_string(),
            None => format!("unknown key (known here: {})", known.join(", ")),
        };
        return Plain { field: Some(field), message };
    }
    if let Some(rest) = raw.strip_prefix("missing field ") {
        return Plain { field: Some(rest.trim_matches('`').to_string()), message: "is required but missing".into() };
    }
    let text = raw.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ");
    if text.starts_with("invalid basic string") || text.starts_with("invalid literal string") {
        return plain(format!("{text}: a quoted text is not closed on this line (a missing `\"`?)"));
    }
    plain(text)
}

/// The names in serde's "one of `a`, `b`" / "`a` or `b`" / "`a`" lists.
fn names(expected: &str) -> Vec<String> {
    expected.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// What a key takes, from serde's `expected` and the key's name.
fn expected_words(expected: &str, leaf: &str) -> String {
    let unit =
        [("_secs", " of seconds"), ("_days", " of days"), ("_chars", " of characters"), ("_strikes", " of strikes")]
            .iter()
            .find(|(suffix, _)| leaf.ends_with(suffix))
            .map_or("", |(_, unit)| unit);
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => format!("a whole number{unit} ≥ 0"),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => format!("a whole number{unit}"),
        "f32" | "f64" | "a number" => format!("a number{unit}"),
        "a boolean" => "true or false".into(),
        "a string" | "a borrowed string" => "text in quotes".into(),
        "a sequence" => "a list in brackets ([...])".into(),
        e if e.starts_with("struct ") || e == "a map" => "a table".into(),
        e => e.to_string(),
    }
}

/// serde's description of the value found, as written in TOML.
fn found_words(found: &str) -> String {
    for prefix in ["integer ", "floating point ", "boolean ", "character "] {
        if let Some(v) = found.strip_prefix(prefix) {
            return v.trim_matches('`').to_string();
        }
    }
    match found {
        "sequence" => "a list".into(),
        "map" => "a table".into(),
        f => f.strip_prefix("string ").unwrap_or(f).to_string(),
    }
}

/// The known name one or two edits away from `typo`, if there is exactly one.
fn closest<'a>(typo: &str, known: &'a [String]) -> Option<&'a str> {
    let near: Vec<&str> = known
        .iter()
        .map(String::as_str)
        .filter(|k| distance(typo, k) <= 2 || k.starts_with(typo) || typo.starts_with(k))
        .collect();
    match near.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

/// Levenshtein distance in characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, Case};

    #[test]
    fn messages() {
        let cases = [
            Case {
                name: "negative seconds",
                input: ("invalid value: integer `-5`, expected u64", "timeout_secs"),
                expected: "must be a whole number of seconds ≥ 0, found -5",
            },
            Case {
                name: "text for a number",
                input: ("invalid type: string \"ten\", expected f32", "tense_at"),
                expected: "must be a number, found \"ten\"",
            },
            Case {
                name: "float for a count",
                input: ("invalid type: floating point `1.5`, expected u32", "tier1_strikes"),
                expected: "must be a whole number of strikes ≥ 0, found 1.5",
            },
            Case {
                name: "bool",
                input: ("invalid type: string \"yes\", expected a boolean", "enabled"),
                expected: "must be true or false, found \"yes\"",
            },
            Case {
                name: "table for a list",
                input: ("invalid type: map, expected a sequence", "phrases"),
                expected: "must be a list in brackets ([...]), found a table",
            },
            Case {
                name: "unknown variant",
                input: ("unknown variant `angry`, expected one of `calm`, `tense`, `heated`, `abusive`", "at"),
                expected: "must be one of: calm, tense, heated, abusive; found \"angry\"",
            },
            Case {
                name: "two variants",
                input: ("unknown variant `local`, expected `global` or `guild`", "commands"),
                expected: "must be one of: global, guild; found \"local\"",
            },
            Case {
                name: "syntax passes through with a hint",
                input: ("invalid basic string", ""),
                expected: "invalid basic string: a quoted text is not closed on this line (a missing `\"`?)",
            },
            Case { name: "other syntax", input: ("expected `.`, `=`", ""), expected: "expected `.`, `=`" },
        ];
        check("translate", &cases, |(raw, leaf)| translate(raw, leaf).message);
    }

    #[test]
    fn fields() {
        let cases = [
            Case {
                name: "unknown field, near",
                input: "unknown field `retention`, expected one of `path`, `retention_days`, `excerpt_chars`",
                expected: (
                    Some("retention".to_string()),
                    "unknown key: did you mean `retention_days`? (known here: path, retention_days, excerpt_chars)"
                        .to_string(),
                ),
            },
            Case {
                name: "unknown field, far",
                input: "unknown field `colour`, expected `enabled` or `at`",
                expected: (Some("colour".to_string()), "unknown key (known here: enabled, at)".to_string()),
            },
            Case {
                name: "missing field",
                input: "missing field `weight`",
                expected: (Some("weight".to_string()), "is required but missing".to_string()),
            },
        ];
        check("fields", &cases, |raw| {
            let p = translate(raw, "");
            (p.field, p.message)
        });
    }
}
