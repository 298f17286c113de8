//! Topics, scripts, choice sets and boundaries: what keel says, and when.

use super::builder::{Builder, Pending};
use super::check::{check_name, origin, parse_phrase, template};
use super::{MAX_LABEL_CHARS, MAX_OPTIONS};
use crate::core::pack::{ChoiceOption, ChoiceSet, Script, Topic};
use crate::core::Level;
use crate::diagnostics::{item_key, Problem, SourceFile};
use crate::pack::raw::RawFile;

impl Builder {
    /// Reads a file's topics, scripts, choice sets and boundaries. Names
    /// they refer to (categories, topics, choice sets) are resolved by
    /// `finish`; a boundary tier may be defined once in the whole pack.
    pub(super) fn add_responses(&mut self, file: u16, src: &SourceFile<'_>, raw: &RawFile, out: &mut Vec<Problem>) {
        for t in &raw.topic {
            let r = t.get_ref();
            let key = |field: &str| item_key("topic", r.name.get_ref(), field);
            check_name(src, &key("name"), &r.name, out);
            if let Some(j) = self.topics.iter().position(|x| &x.name == r.name.get_ref()) {
                out.push(src.problem(
                    Some(r.name.span()),
                    key("name"),
                    format!(
                        "topic `{}` is defined twice (first at {})",
                        r.name.get_ref(),
                        self.origin_str(self.topic_origin[j])
                    ),
                ));
            }
            if r.label.get_ref().contains(['{', '}']) || r.label.get_ref().trim().is_empty() {
                out.push(src.problem(
                    Some(r.label.span()),
                    key("label"),
                    format!("must be plain, non-empty text (no `{{` or `}}`), found {:?}", r.label.get_ref()),
                ));
            }
            if r.phrases.is_empty() {
                out.push(src.problem(Some(t.span()), key("phrases"), "a topic needs at least one phrase"));
            }
            let mut phrases = Vec::new();
            for p in &r.phrases {
                match parse_phrase(p.get_ref()) {
                    Ok(ph) => phrases.push(ph),
                    Err(m) => out.push(src.problem(Some(p.span()), key("phrases"), m)),
                }
            }
            self.topics.push(Topic {
                name: r.name.get_ref().clone(),
                label: r.label.get_ref().trim().to_string(),
                phrases,
            });
            self.topic_origin.push(origin(src, file, t.span()));
        }
        for s in &raw.script {
            let r = s.get_ref();
            let key = |field: &str| item_key("script", r.name.get_ref(), field);
            check_name(src, &key("name"), &r.name, out);
            if r.steps.is_empty() {
                out.push(src.problem(Some(s.span()), key("steps"), "a script needs at least one step"));
            }
            let steps = r
                .steps
                .iter()
                .enumerate()
                .map(|(k, st)| template(src, &key(&format!("step {}", k + 1)), st, out))
                .collect();
            let say = template(src, &key("say"), &r.say, out);
            let when = r.when_categories.iter().map(|c| (c.get_ref().clone(), origin(src, file, c.span()))).collect();
            let choices = r.choices.as_ref().map(|c| (c.get_ref().clone(), origin(src, file, c.span())));
            let script = Script {
                name: r.name.get_ref().clone(),
                description: r.description.clone(),
                technique: r.technique.clone(),
                when_categories: Vec::new(),
                min_level: r.min_level.unwrap_or(Level::Tense),
                priority: r.priority,
                steps,
                say,
                choices: None,
            };
            let o = origin(src, file, s.span());
            self.scripts.push(Pending { value: (script, when, choices), file, line: o.line });
        }
        for c in &raw.choices {
            let r = c.get_ref();
            let key = |field: &str| item_key("choices", r.name.get_ref(), field);
            check_name(src, &key("name"), &r.name, out);
            let prompt = template(src, &key("prompt"), &r.prompt, out);
            if r.option.is_empty() || r.option.len() > MAX_OPTIONS {
                out.push(src.problem(
                    Some(c.span()),
                    key("option"),
                    format!("a choice set needs 1 to {MAX_OPTIONS} options, found {}", r.option.len()),
                ));
            }
            let mut options = Vec::new();
            for (k, o) in r.option.iter().enumerate() {
                let ro = o.get_ref();
                let label = ro.label.get_ref().trim();
                let n = label.chars().count();
                if n == 0 || n > MAX_LABEL_CHARS {
                    out.push(src.problem(
                        Some(ro.label.span()),
                        key(&format!("option {}, label", k + 1)),
                        format!("a button label needs 1 to {MAX_LABEL_CHARS} characters, found {n} in {label:?}"),
                    ));
                }
                let reply = template(src, &key(&format!("option {}, reply", k + 1)), &ro.reply, out);
                options.push(ChoiceOption { label: label.to_string(), reply, escalate: ro.escalate });
            }
            let topics = r.topics.iter().map(|t| (t.get_ref().clone(), origin(src, file, t.span()))).collect();
            let set = ChoiceSet { name: r.name.get_ref().clone(), prompt, topics: Vec::new(), options };
            let o = origin(src, file, c.span());
            self.choices.push(Pending { value: (set, topics), file, line: o.line });
        }
        for (i, b) in raw.boundary.iter().enumerate() {
            let r = b.get_ref();
            let tier = *r.tier.get_ref();
            let key = |field: &str| item_key("boundary", &format!("tier {tier}"), field);
            if !(1..=3).contains(&tier) {
                out.push(src.problem(
                    Some(r.tier.span()),
                    item_key("boundary", &format!("#{}", i + 1), "tier"),
                    format!("must be 1, 2 or 3, found {tier}"),
                ));
                continue;
            }
            let t = template(src, &key("text"), &r.text, out);
            let slot = &mut self.boundaries[(tier - 1) as usize];
            let here = origin(src, file, b.span());
            if let Some((_, first)) = slot {
                let first = *first;
                out.push(src.problem(
                    Some(r.tier.span()),
                    key("tier"),
                    format!("tier {tier} is defined twice (first at {})", self.origin_str(first)),
                ));
            } else {
                *slot = Some((t, here));
            }
        }
    }
}
