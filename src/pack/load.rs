//! Reading phrase files and turning them into a validated [`Pack`].

use super::schema::{CategoryKind, Number, RawFile, RawSettings};
use super::{Category, ChoiceOption, ChoiceSet, Entry, EntryPattern, Origin, Pack, Phrase, Script, Settings, Topic};
use crate::core::normalize::normalize;
use crate::core::template::Template;
use crate::core::Level;
use crate::diagnostics::{Problem, SourceFile};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Most categories a pack may define (the tracker keeps a 64-bit set of them).
pub const MAX_CATEGORIES: usize = 64;
/// Most buttons in one choice set (one row of Discord buttons).
pub const MAX_OPTIONS: usize = 5;
/// Longest button label Discord accepts.
pub const MAX_LABEL_CHARS: usize = 80;

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// The files have problems; every one is listed.
    #[error("{} problem(s) in the phrase pack:\n{}", .0.len(), crate::diagnostics::render(.0))]
    Invalid(Vec<Problem>),
}

impl PackError {
    /// The problems found.
    pub fn problems(&self) -> &[Problem] {
        match self {
            PackError::Invalid(p) => p,
        }
    }
}

/// Loads every `*.toml` file in `dir` (sorted by name) as one pack.
pub fn load_dir(dir: &Path) -> Result<Pack, PackError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PackError::Invalid(vec![Problem::file(dir, format!("cannot read the phrases directory: {e}"))]))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(PackError::Invalid(vec![Problem::file(dir, "no .toml phrase files in this directory")]));
    }
    load_files(&files)
}

/// Loads the given files as one pack.
pub fn load_files(paths: &[PathBuf]) -> Result<Pack, PackError> {
    let mut problems = Vec::new();
    let mut texts = Vec::new();
    for path in paths {
        match std::fs::read_to_string(path) {
            Ok(t) => texts.push((path.clone(), t)),
            Err(e) => problems.push(Problem::file(path, format!("cannot read: {e}"))),
        }
    }
    let mut builder = Builder { paths: paths.to_vec(), ..Builder::default() };
    for (i, (path, text)) in texts.iter().enumerate() {
        let src = SourceFile::new(path, text);
        match toml::from_str::<RawFile>(text) {
            Ok(raw) => builder.add_file(i as u16, &src, raw, &mut problems),
            Err(e) => problems.push(src.toml_problem(&e)),
        }
    }
    let pack = builder.finish(&mut problems);
    if problems.is_empty() {
        Ok(pack)
    } else {
        Err(PackError::Invalid(problems))
    }
}

/// Something defined by name, remembered until all files are read so that
/// references across files resolve whatever the file order.
struct Pending<T> {
    value: T,
    file: u16,
    line: u32,
}

#[derive(Default)]
struct Builder {
    paths: Vec<PathBuf>,
    settings: Option<(Settings, Origin)>,
    categories: Vec<Category>,
    category_origin: Vec<Origin>,
    entries: Vec<Entry>,
    /// Raw entries whose category may be defined in a later file.
    deferred_entries: Vec<Pending<DeferredEntry>>,
    seen_phrases: HashMap<(String, bool, bool), Origin>,
    allow: Vec<Phrase>,
    topics: Vec<Topic>,
    topic_origin: Vec<Origin>,
    scripts: Vec<Pending<ScriptWithRefs>>,
    choices: Vec<Pending<(ChoiceSet, Vec<NameRef>)>>,
    boundaries: [Option<(Template, Origin)>; 3],
}

/// A name referring to something defined elsewhere, and where it was written.
type NameRef = (String, Origin);

/// A script with its category and choice-set names still unresolved.
type ScriptWithRefs = (Script, Vec<NameRef>, Option<NameRef>);

/// A `[[phrase]]` entry whose category is resolved once every file is read.
struct DeferredEntry {
    key: String,
    category: String,
    weight: Option<f32>,
    targeted: Option<bool>,
    pattern: EntryPattern,
    written: String,
}

fn origin(src: &SourceFile<'_>, file: u16, span: std::ops::Range<usize>) -> Origin {
    Origin { file, line: src.line_col(span.start).0 as u32 }
}

fn check_unit(src: &SourceFile<'_>, key: &str, v: &Spanned<Number>, lo: f64, hi: f64, out: &mut Vec<Problem>) -> f32 {
    let x = v.get_ref().0;
    if !(lo..=hi).contains(&x) || x.is_nan() {
        out.push(src.problem(Some(v.span()), key, format!("must be between {lo} and {hi}, found {x}")));
    }
    x as f32
}

/// Parses a phrase as written (`idiot`, `fuck*`, `*hole`) into its normalized form.
fn parse_phrase(written: &str) -> Result<Phrase, String> {
    let trimmed = written.trim();
    let any_start = trimmed.starts_with('*');
    let any_end = trimmed.len() > 1 && trimmed.ends_with('*');
    let core = trimmed.trim_start_matches('*').trim_end_matches('*');
    if core.contains('*') {
        return Err("`*` may only stand at the start or the end of a phrase".into());
    }
    let text = normalize(core).text().trim().to_string();
    if !text.chars().any(char::is_alphanumeric) {
        return Err(format!("phrase `{written}` has no letters or digits after normalization"));
    }
    Ok(Phrase { text, any_start, any_end })
}

fn check_name(src: &SourceFile<'_>, key: &str, name: &Spanned<String>, out: &mut Vec<Problem>) {
    let n = name.get_ref();
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
        out.push(src.problem(Some(name.span()), key, format!("`{n}`: use lower-case letters, digits and `-` only")));
    }
}

fn template(src: &SourceFile<'_>, key: &str, s: &Spanned<String>, out: &mut Vec<Problem>) -> Template {
    match Template::parse(s.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            out.push(src.problem(Some(s.span()), key, e.message));
            Template::default()
        }
    }
}

fn words(list: &Option<Vec<Spanned<String>>>, default: &[String]) -> Vec<String> {
    match list {
        Some(l) => l.iter().map(|w| normalize(w.get_ref()).text().trim().to_string()).collect(),
        None => default.to_vec(),
    }
}

fn settings(src: &SourceFile<'_>, raw: &RawSettings, out: &mut Vec<Problem>) -> Settings {
    let d = Settings::default();
    let unit = |key: &str, v: &Option<Spanned<Number>>, dflt: f32, out: &mut Vec<Problem>| {
        v.as_ref().map_or(dflt, |v| check_unit(src, &format!("settings.{key}"), v, 0.0, 1.0, out))
    };
    let rate_per_minute = raw
        .rate_per_minute
        .as_ref()
        .map_or(d.rate_per_minute, |v| check_unit(src, "settings.rate_per_minute", v, 0.1, 10_000.0, out));
    let target_window = match &raw.target_window {
        Some(w) if !(1..=16).contains(w.get_ref()) => {
            out.push(src.problem(Some(w.span()), "settings.target_window", "must be between 1 and 16"));
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
        second_person: words(&raw.second_person, &d.second_person),
        third_person: words(&raw.third_person, &d.third_person),
        negations: words(&raw.negations, &d.negations),
        determiners: words(&raw.determiners, &d.determiners),
        target_window,
    }
}

impl Builder {
    fn add_file(&mut self, file: u16, src: &SourceFile<'_>, raw: RawFile, out: &mut Vec<Problem>) {
        if let Some(s) = &raw.settings {
            let here = origin(src, file, s.span());
            if let Some((_, first)) = &self.settings {
                out.push(src.problem(
                    Some(s.span()),
                    "settings",
                    format!("[settings] is defined twice (first at {})", self.origin_str(*first)),
                ));
            } else {
                self.settings = Some((settings(src, s.get_ref(), out), here));
            }
        }
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
        for (i, t) in raw.topic.iter().enumerate() {
            let key = format!("topic[{i}]");
            let r = t.get_ref();
            check_name(src, &format!("{key}.name"), &r.name, out);
            if let Some(j) = self.topics.iter().position(|x| &x.name == r.name.get_ref()) {
                out.push(src.problem(
                    Some(r.name.span()),
                    format!("{key}.name"),
                    format!(
                        "topic `{}` is defined twice (first at {})",
                        r.name.get_ref(),
                        self.origin_str(self.topic_origin[j])
                    ),
                ));
            }
            if r.label.get_ref().contains(['{', '}']) || r.label.get_ref().trim().is_empty() {
                out.push(src.problem(Some(r.label.span()), format!("{key}.label"), "must be plain, non-empty text"));
            }
            if r.phrases.is_empty() {
                out.push(src.problem(Some(t.span()), format!("{key}.phrases"), "a topic needs at least one phrase"));
            }
            let mut phrases = Vec::new();
            for (k, p) in r.phrases.iter().enumerate() {
                match parse_phrase(p.get_ref()) {
                    Ok(ph) => phrases.push(ph),
                    Err(m) => out.push(src.problem(Some(p.span()), format!("{key}.phrases[{k}]"), m)),
                }
            }
            self.topics.push(Topic {
                name: r.name.get_ref().clone(),
                label: r.label.get_ref().trim().to_string(),
                phrases,
            });
            self.topic_origin.push(origin(src, file, t.span()));
        }
        for (i, s) in raw.script.iter().enumerate() {
            let key = format!("script[{i}]");
            let r = s.get_ref();
            check_name(src, &format!("{key}.name"), &r.name, out);
            if r.steps.is_empty() {
                out.push(src.problem(Some(s.span()), format!("{key}.steps"), "a script needs at least one step"));
            }
            let steps = r
                .steps
                .iter()
                .enumerate()
                .map(|(k, st)| template(src, &format!("{key}.steps[{k}]"), st, out))
                .collect();
            let say = template(src, &format!("{key}.say"), &r.say, out);
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
        for (i, c) in raw.choices.iter().enumerate() {
            let key = format!("choices[{i}]");
            let r = c.get_ref();
            check_name(src, &format!("{key}.name"), &r.name, out);
            let prompt = template(src, &format!("{key}.prompt"), &r.prompt, out);
            if r.option.is_empty() || r.option.len() > MAX_OPTIONS {
                out.push(src.problem(
                    Some(c.span()),
                    format!("{key}.option"),
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
                        format!("{key}.option[{k}].label"),
                        format!("a button label needs 1 to {MAX_LABEL_CHARS} characters, found {n}"),
                    ));
                }
                let reply = template(src, &format!("{key}.option[{k}].reply"), &ro.reply, out);
                options.push(ChoiceOption { label: label.to_string(), reply, escalate: ro.escalate });
            }
            let topics = r.topics.iter().map(|t| (t.get_ref().clone(), origin(src, file, t.span()))).collect();
            let set = ChoiceSet { name: r.name.get_ref().clone(), prompt, topics: Vec::new(), options };
            let o = origin(src, file, c.span());
            self.choices.push(Pending { value: (set, topics), file, line: o.line });
        }
        for (i, b) in raw.boundary.iter().enumerate() {
            let key = format!("boundary[{i}]");
            let r = b.get_ref();
            let tier = *r.tier.get_ref();
            if !(1..=3).contains(&tier) {
                out.push(src.problem(
                    Some(r.tier.span()),
                    format!("{key}.tier"),
                    format!("must be 1, 2 or 3, found {tier}"),
                ));
                continue;
            }
            let t = template(src, &format!("{key}.text"), &r.text, out);
            let slot = &mut self.boundaries[(tier - 1) as usize];
            let here = origin(src, file, b.span());
            if let Some((_, first)) = slot {
                let first = *first;
                out.push(src.problem(
                    Some(r.tier.span()),
                    format!("{key}.tier"),
                    format!("tier {tier} is defined twice (first at {})", self.origin_str(first)),
                ));
            } else {
                *slot = Some((t, here));
            }
        }
    }

    fn add_category(
        &mut self,
        file: u16,
        src: &SourceFile<'_>,
        i: usize,
        c: &Spanned<super::schema::RawCategory>,
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
            jump_to_tier,
            negatable: r.negatable.unwrap_or(true),
            description: r.description.clone(),
        });
        self.category_origin.push(origin(src, file, c.span()));
        for (k, p) in r.phrases.iter().enumerate() {
            if let Some(pattern) = self.phrase_pattern(src, file, &format!("{key}.phrases[{k}]"), p, out) {
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
        for (k, p) in r.patterns.iter().enumerate() {
            if let Some(pattern) = regex_pattern(src, &format!("{key}.patterns[{k}]"), p, out) {
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

    fn origin_str(&self, o: Origin) -> String {
        let file = self.paths.get(o.file as usize).map(|p| p.display().to_string()).unwrap_or_default();
        format!("{file}:{}", o.line)
    }

    fn finish(mut self, out: &mut Vec<Problem>) -> Pack {
        let paths = self.paths.clone();
        let paths = paths.as_slice();
        let cat = |name: &str, cats: &[Category]| cats.iter().position(|c| c.name == name);
        let mut late = Vec::new();
        for d in std::mem::take(&mut self.deferred_entries) {
            let e = d.value;
            let here = Origin { file: d.file, line: d.line };
            match cat(&e.category, &self.categories) {
                Some(ci) => {
                    let c = &self.categories[ci];
                    let lo = if c.kind == CategoryKind::Cue { -1.0 } else { 0.0 };
                    let w = e.weight.unwrap_or(c.weight);
                    if w < lo {
                        late.push(located(
                            paths,
                            here,
                            &format!("{}.weight", e.key),
                            format!("must be between {lo} and 1, found {w}"),
                        ));
                    }
                    self.entries.push(Entry {
                        category: ci,
                        pattern: e.pattern,
                        written: e.written,
                        weight: w,
                        targeted: e.targeted.unwrap_or(c.targeted),
                        origin: here,
                    });
                }
                None => late.push(located(
                    paths,
                    here,
                    &format!("{}.category", e.key),
                    unknown("category", &e.category, self.categories.iter().map(|c| c.name.as_str())),
                )),
            }
        }
        let mut choice_sets = Vec::new();
        for c in std::mem::take(&mut self.choices) {
            let (mut set, topics) = c.value;
            for (t, o) in topics {
                match self.topics.iter().position(|x| x.name == t) {
                    Some(i) => set.topics.push(i),
                    None => late.push(located(
                        paths,
                        o,
                        "choices.topics",
                        unknown("topic", &t, self.topics.iter().map(|x| x.name.as_str())),
                    )),
                }
            }
            if let Some(first) = choice_sets.iter().position(|x: &(ChoiceSet, Origin)| x.0.name == set.name) {
                let o = choice_sets[first].1;
                late.push(located(
                    paths,
                    Origin { file: c.file, line: c.line },
                    "choices.name",
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
                    None => late.push(located(
                        paths,
                        o,
                        "script.when_categories",
                        unknown("category", &name, self.categories.iter().map(|c| c.name.as_str())),
                    )),
                }
            }
            if let Some((name, o)) = choices {
                match choice_sets.iter().position(|x| x.0.name == name) {
                    Some(i) => script.choices = Some(i),
                    None => late.push(located(
                        paths,
                        o,
                        "script.choices",
                        unknown("choice set", &name, choice_sets.iter().map(|x| x.0.name.as_str())),
                    )),
                }
            }
            if scripts.iter().any(|x| x.name == script.name) {
                late.push(located(
                    paths,
                    Origin { file: s.file, line: s.line },
                    "script.name",
                    format!("script `{}` is defined twice", script.name),
                ));
            }
            scripts.push(script);
        }
        if scripts.is_empty() && !paths.is_empty() {
            out.push(Problem::file(
                &paths[0],
                "no [[script]] is defined anywhere in the pack: moderators' nudges need at least one",
            ));
        }
        let mut boundaries: [Template; 3] = Default::default();
        for (i, b) in self.boundaries.iter().enumerate() {
            match b {
                Some((t, _)) => boundaries[i] = t.clone(),
                None if !paths.is_empty() => out.push(Problem::file(
                    &paths[0],
                    format!("no [[boundary]] with tier = {} is defined anywhere in the pack", i + 1),
                )),
                None => {}
            }
        }
        out.extend(late);
        Pack {
            settings: self.settings.map(|s| s.0).unwrap_or_default(),
            categories: self.categories,
            entries: self.entries,
            allow: self.allow,
            topics: self.topics,
            scripts,
            choice_sets: choice_sets.into_iter().map(|x| x.0).collect(),
            boundaries,
            files: self.paths,
        }
    }
}

fn located(paths: &[PathBuf], o: Origin, key: &str, message: String) -> Problem {
    let file = paths.get(o.file as usize).cloned().unwrap_or_default();
    Problem { file, line: o.line as usize, column: 0, key: key.into(), message }
}

fn unknown<'a>(what: &str, name: &str, known: impl Iterator<Item = &'a str>) -> String {
    let known: Vec<&str> = known.collect();
    format!("unknown {what} `{name}` (known: {})", if known.is_empty() { "none".to_string() } else { known.join(", ") })
}

fn regex_pattern(src: &SourceFile<'_>, key: &str, p: &Spanned<String>, out: &mut Vec<Problem>) -> Option<EntryPattern> {
    match regex::RegexBuilder::new(p.get_ref()).size_limit(1 << 20).build() {
        Ok(_) => Some(EntryPattern::Regex(p.get_ref().clone())),
        Err(e) => {
            let msg = e.to_string();
            let last = msg.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
            out.push(src.problem(Some(p.span()), key, format!("regex does not compile: {last}")));
            None
        }
    }
}
