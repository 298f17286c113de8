//! Tests of pack loading: a valid pack loads; every kind of mistake is
//! reported with file, line and key, and all of them in one pass.

use super::*;
use crate::core::pack::{EntryPattern, Pack};
use crate::testing::{check, Case};
use std::io::Write;

/// A minimal valid pack: one category, one script, three boundaries.
pub(crate) const MINIMAL: &str = r#"
[[category]]
name = "insult"
weight = 0.6
phrases = ["idiot", "moron*"]

[[script]]
name = "calm"
steps = ["Acknowledge {user}'s problem with {issue}."]
say = "I'm sorry about {issue}, {user}."

[[boundary]]
tier = 1
text = "Let's keep it respectful, {user}."
[[boundary]]
tier = 2
text = "A short pause, {user}."
[[boundary]]
tier = 3
text = "A moderator is on the way, {user}."
"#;

fn pack_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let mut f = std::fs::File::create(dir.path().join(name)).expect("create");
        f.write_all(text.as_bytes()).expect("write");
    }
    dir
}

fn problems(files: &[(&str, &str)]) -> Vec<String> {
    let dir = pack_dir(files);
    match load_dir(dir.path()) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .iter()
            .map(|p| {
                let name = p.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let message = p.message.replace(&format!("{}/", dir.path().display()), "");
                format!("{name}:{}: {}: {message}", p.line, p.key)
            })
            .collect(),
    }
}

#[test]
fn minimal_pack_loads() {
    let dir = pack_dir(&[("a.toml", MINIMAL)]);
    let pack = load_dir(dir.path()).expect("loads");
    assert_eq!(pack.categories().len(), 1);
    assert_eq!(pack.entries().len(), 2);
    let EntryPattern::Phrase(p) = &pack.entries()[1].pattern else { panic!("phrase expected") };
    assert_eq!((p.text.as_str(), p.any_start, p.any_end), ("moron", false, true));
    assert_eq!(pack.entries()[1].origin.line, 5);
}

/// A pack of [`MINIMAL`] plus `extra` as b.toml: every problem, exactly.
fn with_extra(extra: &str) -> Vec<String> {
    problems(&[("a.toml", MINIMAL), ("b.toml", extra)])
}

#[test]
fn each_mistake_is_named_with_file_line_and_key() {
    let cases: &[Case<&str, &[&str]>] = &[
        Case {
            name: "regex that does not compile",
            input: "[[phrase]]\ncategory = \"insult\"\npattern = '''(unclosed'''\n",
            expected: &["b.toml:3: [[phrase]] in insult, pattern: regex \"(unclosed\" does not compile: unclosed group"],
        },
        Case {
            name: "regex in a category",
            input: "[[category]]\nname = \"rude\"\nweight = 0.2\npatterns = ['''a+''', '''[z''']\n",
            expected: &["b.toml:4: [[category]] rude, patterns: regex \"[z\" does not compile: unclosed character class"],
        },
        Case {
            name: "unknown category",
            input: "[[phrase]]\ncategory = \"insutl\"\ntext = \"clown\"\n",
            expected: &["b.toml:1: [[phrase]] in insutl, category: unknown category `insutl` (known: insult)"],
        },
        Case {
            name: "unknown placeholder",
            input: "[[script]]\nname = \"x\"\nsteps = [\"ok\", \"hi {usr}\"]\nsay = \"ok\"\n",
            expected: &["b.toml:3: [[script]] x, step 2: unknown placeholder `{usr}` (known: {user}, {issue}, {channel}), in \"hi {usr}\""],
        },
        Case {
            name: "weight out of range",
            input: "[[category]]\nname = \"rude\"\nweight = 1.5\n",
            expected: &["b.toml:3: [[category]] rude, weight: must be between 0 and 1, found 1.5"],
        },
        Case {
            name: "duplicate phrase",
            input: "[[category]]\nname = \"rude\"\nweight = 0.2\nphrases = [\"IDIOT\"]\n",
            expected: &["b.toml:4: [[category]] rude, phrases: duplicate phrase \"IDIOT\" (first at a.toml:5)"],
        },
        Case {
            name: "unknown key",
            input: "[[category]]\nname = \"rude\"\nweight = 0.2\nwieght = 0.3\n",
            expected: &["b.toml:4: [[category]] rude, wieght: unknown key: did you mean `weight`? (known here: name, kind, weight, targeted, severe, vocative, describes, unaimed_weight, jump_to_tier, negatable, description, phrases, patterns)"],
        },
        Case {
            name: "unknown kind",
            input: "[[category]]\nname = \"rude\"\nkind = \"angry\"\nweight = 0.2\n",
            expected: &["b.toml:3: [[category]] rude, kind: must be one of: hostile, deescalating, cue; found \"angry\""],
        },
        Case {
            name: "malformed toml",
            input: "[[category]\nname = \"rude\"\n",
            expected: &["b.toml:1: : invalid table header; expected `.`, `]]`"],
        },
        Case {
            name: "choice set naming an unknown topic",
            input: "[[choices]]\nname = \"c\"\nprompt = \"?\"\ntopics = [\"nope\"]\n[[choices.option]]\nlabel = \"A\"\nreply = \"ok\"\n",
            expected: &["b.toml:4: [[choices]] c, topics: unknown topic `nope` (known: none)"],
        },
        Case {
            name: "boundary tier out of range",
            input: "[[boundary]]\ntier = 4\ntext = \"x\"\n",
            expected: &["b.toml:2: [[boundary]] #1, tier: must be 1, 2 or 3, found 4"],
        },
        Case {
            name: "star inside a phrase",
            input: "[[category]]\nname = \"rude\"\nweight = 0.2\nphrases = [\"f*ck\"]\n",
            expected: &["b.toml:4: [[category]] rude, phrases: \"f*ck\": `*` may only stand at the start or the end of a phrase"],
        },
        Case {
            name: "phrase weight above 1",
            input: "[[phrase]]\ncategory = \"insult\"\ntext = \"clown\"\nweight = 2\n",
            expected: &["b.toml:4: [[phrase]] in insult, weight: must be between 0 and 1, found 2"],
        },
        Case {
            name: "negative weight outside a cue category",
            input: "[[phrase]]\ncategory = \"insult\"\ntext = \"clown\"\nweight = -0.5\n",
            expected: &["b.toml:4: [[phrase]] in insult, weight: must be between 0 and 1, found -0.5: only `cue` categories take negative weights (signs of civility); a `deescalating` category lowers the score with a positive weight"],
        },
        Case {
            name: "cue weight below -1",
            input: "[[category]]\nname = \"hint\"\nkind = \"cue\"\nweight = -1.5\n",
            expected: &["b.toml:4: [[category]] hint, weight: must be between -1 and 1, found -1.5"],
        },
    ];
    check("pack problems", cases, |extra| with_extra(extra));
}

#[test]
fn a_file_that_does_not_parse_hides_no_other_mistake_but_causes_none() {
    let typo = "[[category]]\nname = \"insult\nweight = 0.5\n";
    let uses = "[[script]]\nname = \"s\"\nwhen_categories = [\"insult\"]\nsteps = [\"{usr}\"]\nsay = \"ok\"\n";
    let found = problems(&[("a.toml", typo), ("b.toml", uses)]);
    assert_eq!(
        found,
        [
            "a.toml:2: : invalid basic string: a quoted text is not closed on this line (a missing `\"`?) (4 checks of names defined across the pack skipped until this file parses)",
            "b.toml:4: [[script]] s, step 1: unknown placeholder `{usr}` (known: {user}, {issue}, {channel}), in \"{usr}\"",
        ]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let extra = "[[category]]\nname = \"rude\"\nweight = 2\npatterns = ['''(''']\n[[script]]\nname = \"s\"\nsteps = [\"{x}\"]\nsay = \"{y}\"\n";
    let found = problems(&[("a.toml", MINIMAL), ("b.toml", extra)]);
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn references_resolve_across_files_in_any_order() {
    let later = "[[category]]\nname = \"late\"\nweight = 0.3\n";
    let earlier = "[[phrase]]\ncategory = \"late\"\ntext = \"slowpoke\"\n";
    let dir = pack_dir(&[("a.toml", MINIMAL), ("0.toml", earlier), ("z.toml", later)]);
    let pack = load_dir(dir.path()).expect("loads");
    let late = pack.category_index("late").expect("category");
    assert!(pack.entries().iter().any(|e| e.category == late && e.written == "slowpoke"));
}

#[test]
fn missing_pieces_are_problems() {
    let found = problems(&[("a.toml", "[[category]]\nname = \"x\"\nweight = 0.1\n")]);
    assert!(found.iter().any(|p| p.contains("no [[script]]")), "{found:?}");
    assert!(found.iter().any(|p| p.contains("tier = 1")), "{found:?}");
    let empty = tempfile::tempdir().expect("dir");
    let err = load_dir(empty.path()).expect_err("no files");
    assert!(err.problems()[0].message.contains("no .toml"));
}

#[test]
fn garbage_never_panics() {
    let inputs = [
        "\u{0}\u{1}\u{2}",
        "[[category]]\nname = 5\n",
        "category = 3",
        "[settings]\nhostile_threshold = \"high\"\n",
        "[settings]\ntarget_window = -3\n",
        "[[phrase]]\ncategory = \"insult\"\ntext = \"***\"\n",
        "[[phrase]]\ncategory = \"insult\"\n",
        "[allow]\nphrases = [\"\u{200b}\u{200b}\"]\n",
        &"[[category]]\nname = \"a\"\nweight = 0.1\nphrases = [\"".repeat(50),
    ];
    for extra in inputs {
        let found = problems(&[("a.toml", MINIMAL), ("b.toml", extra)]);
        assert!(!found.is_empty(), "{extra:?} should be a problem");
    }
}

/// Loads a pack made of [`MINIMAL`] plus `extra` (for tests elsewhere in the crate).
pub(crate) fn pack_with(extra: &str) -> Pack {
    let dir = pack_dir(&[("a.toml", MINIMAL), ("b.toml", extra)]);
    match load_dir(dir.path()) {
        Ok(p) => p,
        Err(e) => panic!("test pack does not load: {e}"),
    }
}
