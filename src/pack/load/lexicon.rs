//! Categories, `[[phrase]]` entries and the allow-list: what keel looks for.

use super::builder::{Builder, DeferredEntry, Pending};
use super::check::{check_name, check_weight, origin, parse_phrase, regex_pattern};
use crate::core::pack::{Category, Entry, EntryPattern, MAX_CATEGORIES};
use crate::diagnostics::{item_key, section_key, Problem, SourceFile};
use crate::pack::raw::{RawCategory, RawFile};
use toml::Spanned;

impl Builder {
    /// Reads a file's categories, `[[phrase]]` entries (whose category is
    /// resolved by `finish`) and `[allow]` table.
    pub(super) fn add_lexicon(&mut self, file: u16, src: &SourceFile<'_>, raw: &RawFile, out: &mut Vec<Problem>) {
        for c in &raw.category {
            self.add_category(file, src, c, out);
        }
        for p in &raw.phrase {
            let r = p.get_ref();
            let ident = format!("in {}", r.category.get_ref());
            let key = |field: &str| item_key("phrase", &ident, field);
            let pattern = match (&r.text, &r.pattern) {
                (Some(t), None) => self.phrase_pattern(src, file, &key("text"), t, out),
                (None, Some(p)) => regex_pattern(src, &key("pattern"), p, out),
                _ => {
                    out.push(src.problem(Some(p.span()), key(""), "give exactly one of `text` or `pattern`"));
                    None
                }
            };
            // Checked once the category, and so its kind, is known.
            let weight = r.weight.as_ref().map(|w| (w.get_ref().0, src.problem(Some(w.span()), key("weight"), "")));
            if let Some(pattern) = pattern {
                let written = r.text.as_ref().or(r.pattern.as_ref()).map(|s| s.get_ref().clone()).unwrap_or_default();
                let o = origin(src, file, p.span());
                self.deferred_entries.push(Pending {
                    value: DeferredEntry {
                        key: key(""),
                        category: r.category.get_ref().clone(),
                        weight,
                        targeted: r.targeted,
                        pattern,
                        written,
                    },
                    file,
                    line: o.line,
                });
            }
        }
        if let Some(allow) = &raw.allow {
            for a in &allow.phrases {
                match parse_phrase(a.get_ref()) {
                    Ok(p) => self.allow.push(p),
                    Err(m) => out.push(src.problem(Some(a.span()), section_key("allow", "phrases"), m)),
                }
            }
        }
    }

    /// Reads a `[[category]]` with its phrases and patterns.
    pub(super) fn add_category(
        &mut self,
        file: u16,
        src: &SourceFile<'_>,
        c: &Spanned<RawCategory>,
        out: &mut Vec<Problem>,
    ) {
        let r = c.get_ref();
        let name = r.name.get_ref().clone();
        let key = |field: &str| item_key("category", r.name.get_ref(), field);
        check_name(src, &key("name"), &r.name, out);
        if let Some(j) = self.categories.iter().position(|x| x.name == name) {
            out.push(src.problem(
                Some(r.name.span()),
                key("name"),
                format!("category `{name}` is defined twice (first at {})", self.origin_str(self.category_origin[j])),
            ));
            return;
        }
        if self.categories.len() >= MAX_CATEGORIES {
            out.push(src.problem(Some(r.name.span()), key("name"), format!("at most {MAX_CATEGORIES} categories")));
            return;
        }
        let weight = r.weight.get_ref().0;
        if let Err(m) = check_weight(r.kind, weight) {
            out.push(src.problem(Some(r.weight.span()), key("weight"), m));
        }
        let weight = weight as f32;
        let unaimed_weight = r.unaimed_weight.as_ref().and_then(|u| {
            let w = u.get_ref().0;
            if !(0.0..=1.0).contains(&w) {
                out.push(src.problem(
                    Some(u.span()),
                    key("unaimed_weight"),
                    format!("must be between 0 and 1, found {w}"),
                ));
                None
            } else if !r.severe {
                out.push(src.problem(
                    Some(u.span()),
                    key("unaimed_weight"),
                    "only a severe category has one (add `severe = true`, or remove it)".to_string(),
                ));
                None
            } else {
                Some(w as f32)
            }
        });
        let jump_to_tier = match &r.jump_to_tier {
            Some(t) if !(1..=3).contains(t.get_ref()) => {
                out.push(src.problem(
                    Some(t.span()),
                    key("jump_to_tier"),
                    format!("must be 1, 2 or 3, found {}", t.get_ref()),
                ));
                None
            }
            Some(t) => Some(*t.get_ref() as u8),
            None => None,
        };
        let index = self.categories.len();
        self.categories.push(Category {
            name,
            kind: r.kind,
            weight,
            targeted: r.targeted,
            severe: r.severe,
            vocative: r.vocative,
            describes: r.describes,
            unaimed_weight,
            jump_to_tier,
            negatable: r.negatable.unwrap_or(true),
            description: r.description.clone(),
        });
        self.category_origin.push(origin(src, file, c.span()));
        let mut parsed = Vec::with_capacity(r.phrases.len() + r.patterns.len());
        for p in &r.phrases {
            parsed.push((p, self.phrase_pattern(src, file, &key("phrases"), p, out)));
        }
        for p in &r.patterns {
            parsed.push((p, regex_pattern(src, &key("patterns"), p, out)));
        }
        for (p, pattern) in parsed {
            if let Some(pattern) = pattern {
                self.entries.push(Entry {
                    category: index,
                    pattern,
                    written: p.get_ref().clone(),
                    weight,
                    targeted: r.targeted,
                    origin: origin(src, file, p.span()),
                });
            }
        }
    }

    /// Parses a phrase, rejecting one already defined anywhere in the pack.
    fn phrase_pattern(
        &mut self,
        src: &SourceFile<'_>,
        file: u16,
        key: &str,
        p: &Spanned<String>,
        out: &mut Vec<Problem>,
    ) -> Option<EntryPattern> {
        match parse_phrase(p.get_ref()) {
            Ok(ph) => {
                let here = origin(src, file, p.span());
                let id = (ph.text.clone(), ph.any_start, ph.any_end);
                if let Some(first) = self.seen_phrases.get(&id) {
                    out.push(src.problem(
                        Some(p.span()),
                        key,
                        format!("duplicate phrase {:?} (first at {})", p.get_ref(), self.origin_str(*first)),
                    ));
                    return None;
                }
                self.seen_phrases.insert(id, here);
                Some(EntryPattern::Phrase(ph))
            }
            Err(m) => {
                out.push(src.problem(Some(p.span()), key, m));
                None
            }
        }
    }
}
