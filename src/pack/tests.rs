//! Tests of pack loading: a valid pack loads; every kind of mistake is
//! reported with file, line and key, and all of them in one pass.

use super::*;
use crate::core::pack::{EntryPattern, Pack};
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
                format!("{name}:{}: {}: {}", p.line, p.key, p.message)
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

#[test]
fn each_mistake_is_named_with_file_line_and_key() {
    struct Case {
        name: &'static str,
        extra: &'static str,
        expected: &'static str,
    }
    let cases = [
        Case {
            name: "regex that does not compile",
            extra: "[[phrase]]\ncategory = \"insult\"\npattern = '''(unclosed'''\n",
            expected: "b.toml:3: phrase[0].pattern: regex does not compile",
        },
        Case {
            name: "unknown category",
            extra: "[[phrase]]\ncategory = \"insutl\"\ntext = \"clown\"\n",
            expected: "b.toml:1: phrase[0].category: unknown category `insutl` (known: insult)",
        },
        Case {
            name: "unknown placeholder",
            extra: "[[script]]\nname = \"x\"\nsteps = [\"hi {usr}\"]\nsay = \"ok\"\n",
            expected: "b.toml:3: script[0].steps[0]: unknown placeholder `{usr}`",
        },
        Case {
            name: "weight out of range",
            extra: "[[category]]\nname = \"rude\"\nweight = 1.5\n",
            expected: "b.toml:3: category[0].weight: must be between 0 and 1, found 1.5",
        },
        Case {
            name: "duplicate phrase",
            extra: "[[category]]\nname = \"rude\"\nweight = 0.2\nphrases = [\"IDIOT\"]\n",
            expected: "b.toml:4: category[0].phrases[0]: duplicate phrase `IDIOT` (first at ",
        },
        Case {
            name: "unknown key",
            extra: "[[category]]\nname = \"rude\"\nweight = 0.2\nwieght = 0.3\n",
            expected: "b.toml:4: wieght: unknown field `wieght`",
        },
        Case {
            name: "malformed toml",
            extra: "[[category]\nname = \"rude\"\n",
            expected: "b.toml:1: : ",
        },
        Case {
            name: "choice set naming an unknown topic",
            extra: "[[choices]]\nname = \"c\"\nprompt = \"?\"\ntopics = [\"nope\"]\n[[choices.option]]\nlabel = \"A\"\nreply = \"ok\"\n",
            expected: "b.toml:4: choices.topics: unknown topic `nope`",
        },
        Case {
            name: "boundary tier out of range",
            extra: "[[boundary]]\ntier = 4\ntext = \"x\"\n",
            expected: "b.toml:2: boundary[0].tier: must be 1, 2 or 3, found 4",
        },
        Case {
            name: "star inside a phrase",
            extra: "[[category]]\nname = \"rude\"\nweight = 0.2\nphrases = [\"f*ck\"]\n",
            expected: "b.toml:4: category[0].phrases[0]: `*` may only stand",
        },
    ];
    for c in cases {
        let found = problems(&[("a.toml", MINIMAL), ("b.toml", c.extra)]);
        assert!(
            found.iter().any(|p| p.starts_with(c.expected)),
            "{}: expected a problem starting with {:?}, found {:?}",
            c.name,
            c.expected,
            found
        );
    }
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
