//! Where each key of a TOML file was written, and how to name it for an owner.
//!
//! A check that runs after deserializing (a range, one key against another,
//! a file that is not there) knows the key it is about, not where it stands;
//! [`KeyIndex`] reads the file once more as a tree of spans so the problem
//! can point at the key's own line. The same tree turns a key path into the
//! words an owner reads (`[boundaries] timeout_secs`, `[[category]] insult,
//! weight`), and a byte offset from toml's own errors back into a key path.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// One value of the file: a table, an array or a plain value (strings kept,
/// as names identify the tables of an array).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Table(BTreeMap<String, Spanned<Node>>),
    Array(Vec<Spanned<Node>>),
    Text(String),
    Other(String),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any TOML value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Other(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Other(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Other(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Other(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Text(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut t = BTreeMap::new();
                while let Some((k, v)) = map.next_entry::<String, Spanned<Node>>()? {
                    t.insert(k, v);
                }
                Ok(Node::Table(t))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Spanned<Node>>()? {
                    items.push(v);
                }
                Ok(Node::Array(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys of one TOML file with their places; empty when the file does
/// not parse (its syntax error is then the only problem worth showing).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct KeyIndex {
    root: BTreeMap<String, Spanned<Node>>,
}

/// The keys that identify one table of an array, in the order tried, and
/// how the identity is written (`insult`, `tier 2`, `in insult`).
const IDENTITY_KEYS: [(&str, &str); 4] = [("name", ""), ("id", ""), ("tier", "tier "), ("category", "in ")];

impl KeyIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        KeyIndex { root: toml::from_str(text).unwrap_or_default() }
    }

    /// The byte span of the value at `path` (`escalation.tense_at`,
    /// `guild.0.id`), if it was written.
    pub fn span(&self, path: &str) -> Option<Range<usize>> {
        let mut parts = path.split('.');
        let mut node = self.root.get(parts.next()?)?;
        for part in parts {
            node = match node.get_ref() {
                Node::Table(t) => t.get(part)?,
                Node::Array(a) => a.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node.span())
    }

    /// The path of the innermost value whose span holds `offset` (where a
    /// toml error points), or empty at the top level.
    pub fn path_at(&self, offset: usize) -> String {
        let mut path: Vec<String> = Vec::new();
        let mut table = &self.root;
        let mut items: Option<&Vec<Spanned<Node>>> = None;
        loop {
            let children: Vec<(String, &Spanned<Node>)> = match items {
                Some(a) => a.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
                None => table.iter().map(|(k, v)| (k.clone(), v)).collect(),
            };
            // A value holding the offset; else the last table begun before
            // it (a `[guild.actions]` lies outside its `[[guild]]`'s span).
            let found = children.iter().find(|(_, v)| v.span().contains(&offset)).cloned().or_else(|| {
                children
                    .iter()
                    .filter(|(_, v)| v.span().start <= offset && !matches!(v.get_ref(), Node::Text(_) | Node::Other(_)))
                    .max_by_key(|(_, v)| v.span().start)
                    .cloned()
            });
            let Some((name, value)) = found else { break };
            path.push(name);
            match value.get_ref() {
                Node::Table(t) => {
                    table = t;
                    items = None;
                }
                Node::Array(a) => items = Some(a),
                _ => break,
            }
        }
        path.join(".")
    }

    /// What an owner calls the key at `path`: `[boundaries] timeout_secs`,
    /// `[[category]] insult, weight`, `[[guild]] 42, actions.nudges`,
    /// `phrases` (a top-level key). Indexes into plain lists are dropped: the
    /// message quotes the offending item instead.
    pub fn label(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
        let Some((&first, rest)) = parts.split_first() else { return String::new() };
        let Some(top) = self.root.get(first) else {
            return if rest.is_empty() { first.to_string() } else { section_key(first, &rest.join(".")) };
        };
        match (top.get_ref(), rest.split_first()) {
            (Node::Table(_), _) => section_key(first, &rest.join(".")),
            (Node::Array(items), Some((index, fields))) if index.parse::<usize>().is_ok() => {
                let i: usize = index.parse().unwrap_or(0);
                let ident = match items.get(i).map(Spanned::get_ref) {
                    Some(Node::Table(t)) => identity(t, i),
                    _ => format!("#{}", i + 1),
                };
                let fields: Vec<&str> = fields.iter().copied().filter(|f| f.parse::<usize>().is_err()).collect();
                item_key(first, &ident, &fields.join("."))
            }
            _ => first.to_string(),
        }
    }
}

/// How one table of an array is told apart: its name, id, tier or
/// category, else its 1-based place.
fn identity(t: &BTreeMap<String, Spanned<Node>>, i: usize) -> String {
    IDENTITY_KEYS
        .iter()
        .find_map(|(key, prefix)| match t.get(*key).map(Spanned::get_ref) {
            Some(Node::Text(v) | Node::Other(v)) => Some(format!("{prefix}{v}")),
            _ => None,
        })
        .unwrap_or_else(|| format!("#{}", i + 1))
}

/// `[section] field` (or `[section]` alone).
pub fn section_key(section: &str, field: &str) -> String {
    if field.is_empty() {
        format!("[{section}]")
    } else {
        format!("[{section}] {field}")
    }
}

/// `[[table]] ident, field` (or `[[table]] ident` alone): one table of an
/// array, named by what identifies it.
pub fn item_key(table: &str, ident: &str, field: &str) -> String {
    if field.is_empty() {
        format!("[[{table}]] {ident}")
    } else {
        format!("[[{table}]] {ident}, {field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{check, Case};

    const TEXT: &str = "phrases = \"p\"\n[boundaries]\ntimeout_secs = -5\n\n[[category]]\nname = \"insult\"\nweight = 7\npatterns = [\"a\", \"(b\"]\n\n[[phrase]]\ncategory = \"insult\"\ntext = \"x\"\n\n[[boundary]]\ntier = 2\ntext = \"t\"\n\n[[guild]]\nid = 42\n[guild.actions]\nnudges = 3\n";

    #[test]
    fn labels() {
        let index = KeyIndex::new(TEXT);
        let cases = [
            Case { name: "top-level key", input: "phrases", expected: "phrases" },
            Case { name: "section key", input: "boundaries.timeout_secs", expected: "[boundaries] timeout_secs" },
            Case { name: "unwritten section", input: "escalation.tense_at", expected: "[escalation] tense_at" },
            Case { name: "named item", input: "category.0.weight", expected: "[[category]] insult, weight" },
            Case {
                name: "list index dropped",
                input: "category.0.patterns.1",
                expected: "[[category]] insult, patterns",
            },
            Case { name: "phrase by category", input: "phrase.0.text", expected: "[[phrase]] in insult, text" },
            Case { name: "boundary by tier", input: "boundary.0", expected: "[[boundary]] tier 2" },
            Case { name: "guild by id", input: "guild.0.actions.nudges", expected: "[[guild]] 42, actions.nudges" },
        ];
        check("label", &cases, |path| index.label(path));
    }

    #[test]
    fn spans_and_paths() {
        let index = KeyIndex::new(TEXT);
        let at = |path: &str| index.span(path).map(|s| &TEXT[s]);
        assert_eq!(at("boundaries.timeout_secs"), Some("-5"));
        assert_eq!(at("category.0.patterns.1"), Some("\"(b\""));
        assert_eq!(at("category.1.weight"), None);
        let offset = TEXT.find("-5").unwrap();
        assert_eq!(index.path_at(offset), "boundaries.timeout_secs");
        assert_eq!(index.path_at(TEXT.find("7\n").unwrap()), "category.0.weight");
        assert_eq!(index.path_at(TEXT.find("3\n").unwrap()), "guild.0.actions.nudges");
        assert_eq!(index.path_at(0), "");
    }

    #[test]
    fn broken_text_gives_an_empty_index() {
        assert_eq!(KeyIndex::new("a = \"unclosed\n"), KeyIndex::default());
    }
}
