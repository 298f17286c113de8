//! Resolving names across files and assembling the parts of a [`Pack`](crate::core::pack::Pack).
//!
//! Runs once every file is read, so a category, topic or choice set may be
//! used in a file that comes before the one defining it. Problems found here
//! carry the line recorded when the reference was read.

use super::builder::Builder;
use super::check::check_weight;
use crate::core::pack::{Category, ChoiceSet, Entry, Origin, PackParts, Script};
use crate::core::template::Template;
use crate::diagnostics::{item_key, Problem};
use std::path::PathBuf;

impl Builder {
    /// Resolves names across files, checks what the pack as a whole needs
    /// (a script, all three boundaries) and returns the parts of the pack.
    ///
    /// When a file did not parse, what it defines is unknown: names that do
    /// not resolve and whole-pack needs are then not reported (they would
    /// bury the one real mistake), only counted; the count comes back with
    /// the parts.
    pub(super) fn finish(mut self, out: &mut Vec<Problem>) -> (PackParts, usize) {
        let paths = self.paths.clone();
        let paths = paths.as_slice();
        let complete = !self.unparsed;
        let mut skipped = 0;
        let mut unresolved = |late: &mut Vec<Problem>, p: Problem| {
            if complete {
                late.push(p);
            } else {
                skipped += 1;
            }
        };
        let cat = |name: &str, cats: &[Category]| cats.iter().position(|c| c.name == name);
        let mut late = Vec::new();
        for d in std::mem::take(&mut self.deferred_entries) {
            let e = d.value;
            let here = Origin { file: d.file, line: d.line };
            match cat(&e.category, &self.categories) {
                Some(ci) => {
                    let c = &self.categories[ci];
                    if let Some((w, at)) = &e.weight {
                        if let Err(message) = check_weight(c.kind, *w) {
                            late.push(Problem { message, ..at.clone() });
                        }
                    }
                    self.entries.push(Entry {
                        category: ci,
                        pattern: e.pattern,
                        written: e.written,
                        weight: e.weight.map_or(c.weight, |(w, _)| w as f32),
                        targeted: e.targeted.unwrap_or(c.targeted),
                        origin: here,
                    });
                }
                None => unresolved(
                    &mut late,
                    located(
                        paths,
                        here,
                        &format!("{}, category", e.key),
                        unknown("category", &e.category, self.categories.iter().map(|c| c.name.as_str())),
                    ),
                ),
            }
        }
        let mut choice_sets = Vec::new();
        for c in std::mem::take(&mut self.choices) {
            let (mut set, topics) = c.value;
            for (t, o) in topics {
                match self.topics.iter().position(|x| x.name == t) {
                    Some(i) => set.topics.push(i),
                    None => unresolved(
                        &mut late,
                        located(
                            paths,
                            o,
                            &item_key("choices", &set.name, "topics"),
                            unknown("topic", &t, self.topics.iter().map(|x| x.name.as_str())),
                        ),
                    ),
                }
            }
            if let Some(first) = choice_sets.iter().position(|x: &(ChoiceSet, Origin)| x.0.name == set.name) {
                let o = choice_sets[first].1;
                late.push(located(
                    paths,
                    Origin { file: c.file, line: c.line },
                    &item_key("choices", &set.name, "name"),
                    format!("choice set `{}` is defined twice (first at {})", set.name, self.origin_str(o)),
                ));
            }
            choice_sets.push((set, Origin { file: c.file, line: c.line }));
        }
        let mut scripts: Vec<Script> = Vec::new();
        for s in std::mem::take(&mut self.scripts) {
            let (mut script, when, choices) = s.value;
            for (name, o) in when {
                match cat(&name, &self.categories) {
                    Some(i) => script.when_categories.push(i),
                    None => unresolved(
                        &mut late,
                        located(
                            paths,
                            o,
                            &item_key("script", &script.name, "when_categories"),
                            unknown("category", &name, self.categories.iter().map(|c| c.name.as_str())),
                        ),
                    ),
                }
            }
            if let Some((name, o)) = choices {
                match choice_sets.iter().position(|x| x.0.name == name) {
                    Some(i) => script.choices = Some(i),
                    None => unresolved(
                        &mut late,
                        located(
                            paths,
                            o,
                            &item_key("script", &script.name, "choices"),
                            unknown("choice set", &name, choice_sets.iter().map(|x| x.0.name.as_str())),
                        ),
                    ),
                }
            }
            if scripts.iter().any(|x| x.name == script.name) {
                late.push(located(
                    paths,
                    Origin { file: s.file, line: s.line },
                    &item_key("script", &script.name, "name"),
                    format!("script `{}` is defined twice", script.name),
                ));
            }
            scripts.push(script);
        }
        if scripts.is_empty() && !paths.is_empty() {
            unresolved(
                out,
                Problem::file(
                    &paths[0],
                    "no [[script]] is defined anywhere in the pack: moderators' nudges need at least one",
                ),
            );
        }
        let mut boundaries: [Template; 3] = Default::default();
        for (i, b) in self.boundaries.iter().enumerate() {
            match b {
                Some((t, _)) => boundaries[i] = t.clone(),
                None if !paths.is_empty() => unresolved(
                    out,
                    Problem::file(
                        &paths[0],
                        format!("no [[boundary]] with tier = {} is defined anywhere in the pack", i + 1),
                    ),
                ),
                None => {}
            }
        }
        out.extend(late);
        let parts = PackParts {
            settings: self.settings.map(|s| s.0).unwrap_or_default(),
            categories: self.categories,
            entries: self.entries,
            allow: self.allow,
            topics: self.topics,
            scripts,
            choice_sets: choice_sets.into_iter().map(|x| x.0).collect(),
            boundaries,
            files: self.paths,
        };
        (parts, skipped)
    }
}

/// A problem at a recorded origin, for references checked after reading.
fn located(paths: &[PathBuf], o: Origin, key: &str, message: String) -> Problem {
    let file = paths.get(o.file as usize).cloned().unwrap_or_default();
    Problem { file, line: o.line as usize, column: 0, key: key.into(), message }
}

/// "unknown category `x` (known: a, b)".
fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    format!("unknown {what} `{name}` (known: {})", if known.is_empty() { "none".to_string() } else { known.join(", ") })
}
