//! Categories, `[[phrase]]` entries and the allow-list: what keel looks for.

use super::builder::{Builder, DeferredEntry, Pending};
use super::check::{check_name, check_unit, origin, parse_phrase, regex_pattern};
use crate::core::pack::CategoryKind;
use crate::core::pack::{Category, Entry, EntryPattern, MAX_CATEGORIES};
use crate::diagnostics::{Problem, SourceFile};
use crate::pack::raw::{RawCategory, RawFile};
use toml::Spanned;

impl Builder {
    /// Reads a file's categories, `[[phrase]]` entries (whose category is
    /// resolved by `finish`) and `[allow]` table.
    pub(super) fn add_lexicon(&mut self, file: u16, src: &SourceFile<'_>, raw: &RawFile, out: &mut Vec<Problem>) {
        for (i, c) in raw.category.iter().enumerate() {
            self.add_category(file, src, i, c, out);
        }
        for (i, p) in raw.phrase.iter().enumerate() {
            let key = format!("phrase[{i}]");
            let r = p.get_ref();
            let pattern = match (&r.text, &r.pattern) {
                (Some(t), None) => self.phrase_pattern(src, file, &format!("{key}.text"), t, out),
                (None, Some(p)) => regex_pattern(src, &format!("{key}.pattern"), p, out),
                _ => {
                    out.push(src.problem(Some(p.span()), key.clone(), "give exactly one of `text` or `pattern`"));
                    None
                }
            };
            let weight = r.weight.as_ref().map(|w| check_unit(src, &format!("{key}.weight"), w, -1.0, 1.0, out));
            if let Some(pattern) = pattern {
                let written = r.text.as_ref().or(r.pattern.as_ref()).map(|s| s.get_ref().clone()).unwrap_or_default();
                let o = origin(src, file, p.span());
                self.deferred_entries.push(Pending {
                    value: DeferredEntry {
                        key,
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
            for (i, a) in allow.phrases.iter().enumerate() {
                match parse_phrase(a.get_ref()) {
                    Ok(p) => self.allow.push(p),
                    Err(m) => out.push(src.problem(Some(a.span()), format!("allow.phrases[{i}]"), m)),
                }
            }
        }
    }

    /// Reads a `[[category]]` with its phrases and patterns.
    pub(super) fn add_category(
        &mut self,
        file: u16,
        src: &SourceFile<'_>,
        i: usize,
        c: &Spanned<RawCategory>,
        out: &mut Vec<Problem>,
    ) {
        let key = format!("category[{i}]");
        let r = c.get_ref();
        check_name(src, &format!("{key}.name"), &r.name, out);
        let name = r.name.get_ref().clone();
        if let Some(j) = self.categories.iter().position(|x| x.name == name) {
            out.push(src.problem(
                Some(r.name.span()),
                format!("{key}.name"),
                format!("category `{name}` is defined twice (first at {})", self.origin_str(self.category_origin[j])),
            ));
            return;
        }
        if self.categories.len() >= MAX_CATEGORIES {
            out.push(src.problem(
                Some(r.name.span()),
                format!("{key}.name"),
                format!("at most {MAX_CATEGORIES} categories"),
            ));
            return;
        }
        let lo = if r.kind == CategoryKind::Cue { -1.0 } else { 0.0 };
        let weight = check_unit(src, &format!("{key}.weight"), &r.weight, lo, 1.0, out);
        let jump_to_tier = match &r.jump_to_tier {
            Some(t) if !(1..=3).contains(t.get_ref()) => {
                out.push(src.problem(Some(t.span()), format!("{key}.jump_to_tier"), "must be 1, 2 or 3"));
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
            jump_to_tier,
            negatable: r.negatable.unwrap_or(true),
            description: r.description.clone(),
        });
        self.category_origin.push(origin(src, file, c.span()));
        let mut parsed = Vec::with_capacity(r.phrases.len() + r.patterns.len());
        for (k, p) in r.phrases.iter().enumerate() {
            parsed.push((p, self.phrase_pattern(src, file, &format!("{key}.phrases[{k}]"), p, out)));
        }
        for (k, p) in r.patterns.iter().enumerate() {
            parsed.push((p, regex_pattern(src, &format!("{key}.patterns[{k}]"), p, out)));
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
                        format!("duplicate phrase `{}` (first at {})", p.get_ref(), self.origin_str(*first)),
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
