//! `keel check` on broken copies of the bundled bot.toml and phrase pack
//! (issue 10, issue 11 item 2): each broken configuration, one fault each,
//! with the exact problems an owner reads and the exit status.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// One way to break a fresh copy of the bundled files.
enum Break {
    /// Replace the first `from` in the file (relative to the copy) with `to`.
    Replace(&'static str, &'static str, &'static str),
    /// Several replacements, in order.
    Edits(&'static [(&'static str, &'static str, &'static str)]),
    /// Append text to a file.
    Append(&'static str, &'static str),
    /// Remove the phrases directory.
    NoPhrases,
    /// Check a bot.toml that is not there.
    NoConfig,
}

struct Case {
    name: &'static str,
    fault: Break,
    /// Exactly the problem `keel check` prints on stderr (then `1 problem(s) found`).
    expected: &'static str,
}

/// Runs `keel check --config bot.toml` in a broken copy; returns
/// (stderr, stdout, success).
fn run(fault: &Break) -> (String, String, bool) {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&root().join("phrases"), &dir.path().join("phrases"));
    std::fs::copy(root().join("bot.toml"), dir.path().join("bot.toml")).expect("copy bot.toml");
    let mut config = "bot.toml";
    let replace = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has no {from:?}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    };
    match fault {
        Break::Replace(file, from, to) => replace(file, from, to),
        Break::Edits(edits) => {
            for (file, from, to) in *edits {
                replace(file, from, to);
            }
        }
        Break::Append(file, extra) => {
            let path = dir.path().join(file);
            let text = std::fs::read_to_string(&path).expect("read");
            std::fs::write(&path, text + extra).expect("write");
        }
        Break::NoPhrases => std::fs::remove_dir_all(dir.path().join("phrases")).expect("rm"),
        Break::NoConfig => config = "elsewhere/bot.toml",
    }
    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["check", "--config", config])
        .current_dir(dir.path())
        .output()
        .expect("keel runs");
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.success(),
    )
}

const CASES: &[Case] = &[
    Case {
        name: "negative timeout: the key, plain words",
        fault: Break::Replace("bot.toml", "timeout_secs = 600", "timeout_secs = -5"),
        expected: "bot.toml:85:16: [boundaries] timeout_secs: must be a whole number of seconds ≥ 0, found -5\n",
    },
    Case {
        name: "unknown level: the listed values",
        fault: Break::Replace("bot.toml", "at = \"tense\"", "at = \"angry\""),
        expected: "bot.toml:49:6: [nudge] at: must be one of: calm, tense, heated, abusive; found \"angry\"\n",
    },
    Case {
        name: "level out of range: the key's own line",
        fault: Break::Replace("bot.toml", "tense_at = 0.30", "tense_at = 7"),
        expected: "bot.toml:24:12: [escalation] tense_at: must be a number above 0 and at most 1, found 7\n",
    },
    Case {
        name: "levels that do not rise: the key's own line",
        fault: Break::Replace("bot.toml", "heated_at = 0.55", "heated_at = 0.2"),
        expected: "bot.toml:25:13: [escalation] heated_at: levels must rise (tense_at < heated_at < abusive_at): must be above tense_at = 0.3, found 0.2\n",
    },
    Case {
        name: "strikes that fall: the key's own line",
        fault: Break::Replace("bot.toml", "tier3_strikes = 3", "tier3_strikes = 1"),
        expected: "bot.toml:83:17: [boundaries] tier3_strikes: strikes must not fall from tier to tier: must be at least tier2_strikes = 2, found 1\n",
    },
    Case {
        name: "unknown key: the nearest known one",
        fault: Break::Replace("bot.toml", "retention_days = 90", "retention = 90"),
        expected: "bot.toml:167:1: [storage] retention: unknown key: did you mean `retention_days`? (known here: path, retention_days, store_excerpts, excerpt_chars)\n",
    },
    Case {
        name: "lexicon typo: the root cause once, no cascade",
        fault: Break::Replace("phrases/lexicon.toml", "name = \"threat\"", "name = \"threat"),
        expected: "phrases/lexicon.toml:{line of phrases/lexicon.toml: name = \"threat\"}:15: invalid basic string: a quoted text is not closed on this line (a missing `\"`?) (18 checks of names defined across the pack skipped until this file parses)\n",
    },
    Case {
        name: "bad regex in a [[phrase]]: its category and the text",
        fault: Break::Append("phrases/lexicon.toml", "\n[[phrase]]\ncategory = \"insult\"\npattern = \"(unclosed\"\n"),
        expected: "phrases/lexicon.toml:{lines of phrases/lexicon.toml + 4}:11: [[phrase]] in insult, pattern: regex \"(unclosed\" does not compile: unclosed group\n",
    },
    Case {
        name: "bad regex in a category: its name and the text",
        fault: Break::Replace("phrases/lexicon.toml", "\npatterns = [", "\npatterns = [\"(bad\", "),
        expected: "phrases/lexicon.toml:{line of phrases/lexicon.toml: patterns = [}:13: [[category]] identity-attack, patterns: regex \"(bad\" does not compile: unclosed group\n",
    },
    Case {
        name: "bad script step: the script's name, the step from 1 and the text",
        fault: Break::Replace("phrases/scripts.toml", "steps = [", "steps = [\"Hi {nme}\", "),
        expected: "phrases/scripts.toml:55:10: [[script]] safety-first, step 1: unknown placeholder `{nme}` (known: {user}, {issue}, {channel}), in \"Hi {nme}\"\n",
    },
    Case {
        name: "category weight out of range",
        fault: Break::Replace("phrases/lexicon.toml", "\nweight = 0.6 ", "\nweight = 7 "),
        expected: "phrases/lexicon.toml:{line of phrases/lexicon.toml: weight = 0.6 }:10: [[category]] insult, weight: must be between 0 and 1, found 7\n",
    },
    Case {
        name: "phrase weight out of range: the same range as the docs",
        fault: Break::Append("phrases/lexicon.toml", "\n[[phrase]]\ncategory = \"insult\"\ntext = \"zorglub\"\nweight = 2\n"),
        expected: "phrases/lexicon.toml:{lines of phrases/lexicon.toml + 5}:10: [[phrase]] in insult, weight: must be between 0 and 1, found 2\n",
    },
    Case {
        name: "negative phrase weight: what negative weights are for",
        fault: Break::Append("phrases/lexicon.toml", "\n[[phrase]]\ncategory = \"insult\"\ntext = \"zorglub\"\nweight = -0.5\n"),
        expected: "phrases/lexicon.toml:{lines of phrases/lexicon.toml + 5}:10: [[phrase]] in insult, weight: must be between 0 and 1, found -0.5: only `cue` categories take negative weights (signs of civility); a `deescalating` category lowers the score with a positive weight\n",
    },
    Case {
        name: "missing phrases directory: at `phrases =`, where it looked",
        fault: Break::NoPhrases,
        expected: "bot.toml:11:11: phrases: no such directory: phrases (the path is relative to this file's directory)\n",
    },
    Case {
        name: "missing --config file: one problem",
        fault: Break::NoConfig,
        expected: "elsewhere/bot.toml: no such file\n",
    },
    Case {
        name: "required reader without its model: a problem, no ok",
        fault: Break::Edits(&[
            ("bot.toml", "required = false", "required = true"),
            ("bot.toml", "model_dir = \"models/all-MiniLM-L6-v2\"", "model_dir = \"nowhere\""),
        ]),
        expected: "bot.toml:156:12: [context] required: true, but the context reader cannot be loaded: nowhere/config.json: not found (run tools/fetch-model.sh to fetch the base model)\n",
    },
];

/// `expected` with its line placeholders filled in from the bundled files,
/// so that editing the lexicon does not move the expectations:
/// `{line of FILE: NEEDLE}` is the line where NEEDLE first starts a line of
/// FILE, `{lines of FILE + N}` the file's line count plus N (a line appended).
fn with_lines(expected: &str) -> String {
    let mut out = String::new();
    let mut rest = expected;
    while let Some(open) = rest.find("{line") {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("a closed placeholder");
        let spec = &rest[open + 1..close];
        let line = if let Some(spec) = spec.strip_prefix("line of ") {
            let (file, needle) = spec.split_once(": ").expect("FILE: NEEDLE");
            let text = std::fs::read_to_string(file).expect("bundled file");
            1 + text.lines().position(|l| l.starts_with(needle)).unwrap_or_else(|| panic!("{needle:?} not in {file}"))
        } else {
            let spec = spec.strip_prefix("lines of ").expect("line of / lines of");
            let (file, n) = spec.split_once(" + ").expect("FILE + N");
            let text = std::fs::read_to_string(file).expect("bundled file");
            text.lines().count() + n.parse::<usize>().expect("a number")
        };
        out.push_str(&line.to_string());
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn broken_configurations_are_reported_exactly() {
    let mut failures = Vec::new();
    for case in CASES {
        let (err, out, ok) = run(&case.fault);
        let expected = format!("{}1 problem(s) found\n", with_lines(case.expected));
        if err != expected || ok || !out.is_empty() {
            failures.push(format!("{}: printed\n{err}{out}(success: {ok})\nexpected\n{expected}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}
