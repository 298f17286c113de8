//! The `keel` binary end to end: check, replay and explain on the bundled
//! bot.toml, phrase pack and examples, and on broken inputs.

#[allow(dead_code)] // this crate uses part of the helpers
mod support {
    pub mod binary;
}

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};
use support::binary::root;

/// Runs `keel ARGS` in the repository's root, with `stdin` as its input if any.
fn keel(args: &[&str], stdin: Option<&str>) -> Output {
    support::binary::keel(args, stdin.unwrap_or(""))
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect()
}

fn action_kinds(line: &Value) -> Vec<String> {
    line["actions"].as_array().expect("actions").iter().map(|a| a["kind"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn bundled_configuration_checks_clean() {
    let out = keel(&["check", "--config", "bot.toml"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok:"));
}

#[test]
fn calm_example_produces_no_action() {
    let out = keel(&["replay", "--config", "bot.toml", "examples/calm.jsonl"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = lines(&out);
    assert_eq!(lines.len(), 8);
    for l in &lines {
        assert!(action_kinds(l).is_empty(), "{l}");
        assert_eq!(l["level"], "calm", "{l}");
        assert_eq!(l["hostile"], false, "{l}");
    }
}

#[test]
fn escalating_example_climbs_in_order() {
    let out = keel(&["replay", "--config", "bot.toml", "examples/escalating.jsonl"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = lines(&out);
    let all: Vec<String> = lines.iter().flat_map(action_kinds).collect();
    let pos = |k: &str| all.iter().position(|x| x == k).unwrap_or_else(|| panic!("no {k} in {all:?}"));
    assert!(pos("nudge_moderators") < pos("offer_choices"), "{all:?}");
    assert!(pos("offer_choices") < pos("boundary"), "{all:?}");
    assert!(pos("boundary") < pos("timeout"), "{all:?}");
    // Staff lines never carry a raised level of their own.
    for (l, role) in lines.iter().zip(["c", "s", "c", "c", "s", "c", "c", "s", "c"]) {
        if role == "s" {
            assert_eq!(l["level"], "calm", "{l}");
            assert!(action_kinds(l).is_empty(), "{l}");
        }
    }
    let last = lines.last().expect("lines");
    assert_eq!(last["level"], "abusive", "{last}");
}

#[test]
fn output_follows_the_contract() {
    let input = r#"{"id":"m1","ts":"2026-11-22T10:00:00Z","guild":"g1","channel":"c1","author":"u1","role":"customer","text":"you absolute idiot","extra":"ignored"}"#;
    let out = keel(&["replay", "--config", "bot.toml", "-"], Some(input));
    assert!(out.status.success());
    let raw = String::from_utf8_lossy(&out.stdout).to_string();
    let order = [
        "id",
        "score",
        "hostile",
        "level",
        "channel_level",
        "trend",
        "signals",
        "actions",
        "forecast",
        "channel_forecast",
    ];
    let at: Vec<usize> =
        order.iter().map(|k| raw.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("no {k}: {raw}"))).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "keys out of order: {raw}");
    let l = &lines(&out)[0];
    assert_eq!(l.as_object().expect("object").len(), order.len(), "no extra keys: {raw}");
    assert_eq!(l["id"], "m1");
    for k in ["forecast", "channel_forecast"] {
        let f = l[k].as_f64().unwrap_or_else(|| panic!("{k} is a number: {l}"));
        assert!((0.0..=1.0).contains(&f), "{k}: {l}");
    }
    let signals = l["signals"].as_array().expect("signals");
    let s = signals.iter().find(|s| s["category"] == "insult").unwrap_or_else(|| panic!("no insult: {l}"));
    assert_eq!(s["phrase"], "idiot");
    let (start, end) = (s["start"].as_u64().expect("start") as usize, s["end"].as_u64().expect("end") as usize);
    assert_eq!(&"you absolute idiot"[start..end], "idiot");
    assert!(l["score"].as_f64().expect("score") > 0.5);
}

#[test]
fn replay_is_deterministic() {
    let a = keel(&["replay", "--config", "bot.toml", "examples/escalating.jsonl"], None);
    let b = keel(&["replay", "--config", "bot.toml", "examples/escalating.jsonl"], None);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn malformed_lines_are_reported_and_skipped() {
    let input = [
        r#"{"id":"a","channel":"c","author":"u","text":"hello"}"#,
        r#"{"id":"b","channel":"c","author":"u"}"#,
        "not json at all",
        r#"{"id":"c","channel":"c","author":"u","text":"hi","ts":"yesterday"}"#,
        "",
        r#"{"id":"d","channel":"c","author":"u","text":"thanks","role":"moderator","ts":1795000000000}"#,
        r#"{"id":"e","channel":"c","author":"u","text":"x","role":"king"}"#,
    ]
    .join("\n");
    let out = keel(&["replay", "--config", "bot.toml"], Some(&input));
    assert!(!out.status.success(), "malformed lines make the exit status non-zero");
    let ids: Vec<Value> = lines(&out).iter().map(|l| l["id"].clone()).collect();
    assert_eq!(ids, ["a", "d"]);
    let err = String::from_utf8_lossy(&out.stderr);
    for n in [2, 3, 4, 7] {
        assert!(err.contains(&format!("line {n}:")), "line {n} not reported: {err}");
    }
    assert!(err.contains("missing field `text`"), "{err}");
}

#[test]
fn explain_shows_normalization_matches_and_allow_list() {
    let out = keel(&["explain", "--config", "bot.toml", "you are an 1d10t"], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("normalized: you are an idiot"), "{text}");
    assert!(text.contains("insult"), "{text}");
    let out = keel(&["explain", "--config", "bot.toml"], Some("I'm such an idiot, I forgot my password"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("cancelled by allow-list"), "{text}");
    assert!(text.contains("not hostile"), "{text}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
    }
}

#[test]
fn broken_phrase_file_is_reported_precisely() {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&root().join("phrases"), &dir.path().join("phrases"));
    std::fs::copy(root().join("bot.toml"), dir.path().join("bot.toml")).expect("copy bot.toml");
    let broken = "# a broken file\n[[phrase]]\ncategory = \"insult\"\npattern = '''(oops'''\n\n[[phrase]]\ncategory = \"no-such-category\"\ntext = \"x\"\n";
    std::fs::write(dir.path().join("phrases/zz-broken.toml"), broken).expect("write");
    let config = dir.path().join("bot.toml");
    let config = config.to_str().expect("utf-8 path");

    let out = keel(&["check", "--config", config], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zz-broken.toml:4:"), "{err}");
    assert!(err.contains("[[phrase]] in insult, pattern: regex \"(oops\" does not compile"), "{err}");
    assert!(err.contains("zz-broken.toml:6:"), "{err}");
    assert!(err.contains("unknown category `no-such-category`"), "{err}");

    let out = keel(&["replay", "--config", config, "examples/calm.jsonl"], None);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("zz-broken.toml:4:"), "{err}");
}

#[test]
fn broken_bot_toml_is_reported_precisely() {
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&root().join("phrases"), &dir.path().join("phrases"));
    std::fs::write(dir.path().join("bot.toml"), "[escalation]\nhalf_life_secs = 600.0\ntense_att = 0.3\n")
        .expect("write");
    let config = dir.path().join("bot.toml");
    let out = keel(&["check", "--config", config.to_str().expect("utf-8")], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bot.toml:3:"), "{err}");
    assert!(err.contains("tense_att"), "{err}");
}

/// A customer who relapses into abuse after a boundary climbs the ladder as
/// bot.toml promises: boundary, then a timeout, then the moderators; and is
/// never offered choices in answer to abuse (issue 9).
#[test]
fn a_relapse_after_a_boundary_reaches_the_timeout_and_the_moderators() {
    let out = keel(&["replay", "--config", "bot.toml", "tests/fixtures/relapse.jsonl"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = lines(&out);
    let kinds: Vec<(String, Vec<String>)> =
        lines.iter().map(|l| (l["id"].as_str().unwrap_or("").to_string(), action_kinds(l))).collect();
    let of = |id: &str| kinds.iter().find(|k| k.0 == id).map(|k| k.1.clone()).unwrap_or_default();
    let tier = |id: &str| {
        lines.iter().find(|l| l["id"] == id).and_then(|l| {
            l["actions"].as_array()?.iter().find(|a| a["kind"] == "boundary").and_then(|a| a["tier"].as_u64())
        })
    };
    assert_eq!(tier("r2"), Some(1), "the first abuse meets the boundary message: {kinds:?}");
    // "Are you stupid or just lazy? Answer me, moron." is the second strike.
    assert_eq!(tier("r4"), Some(2), "{kinds:?}");
    assert!(of("r4").contains(&"timeout".to_string()), "{kinds:?}");
    // "And you're still the same useless idiots, ..." is the third.
    assert_eq!(tier("r5"), Some(3), "{kinds:?}");
    assert!(of("r5").contains(&"escalate".to_string()), "{kinds:?}");
    for id in ["r2", "r4", "r5", "r6"] {
        assert!(!of(id).contains(&"offer_choices".to_string()), "no choices in answer to abuse at {id}: {kinds:?}");
        assert_eq!(lines.iter().find(|l| l["id"] == id).expect("line")["level"], "abusive", "{id}");
    }
}

/// The text format's row of the message `id` (its third column).
fn text_row<'a>(text: &'a str, id: &str) -> &'a str {
    text.lines()
        .find(|l| l.split_whitespace().nth(2) == Some(id))
        .unwrap_or_else(|| panic!("no row for {id} in\n{text}"))
}

/// Issue 11, item 1: `--format text` reads like a report, and says in words
/// what the JSON Lines of the same run say.
#[test]
fn replay_text_format_reads_like_a_report() {
    let json = keel(&["replay", "--config", "bot.toml", "--format", "json", "examples/escalating.jsonl"], None);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    let out = keel(&["replay", "--config", "bot.toml", "--format", "text", "examples/escalating.jsonl"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let lines = lines(&json);
    let roles = ["customer", "staff", "customer", "customer", "staff", "customer", "customer", "staff", "customer"];
    let (mut nudges, mut choices, mut boundaries, mut timeouts) = (0, 0, 0, 0);
    for (l, role) in lines.iter().zip(roles) {
        let id = l["id"].as_str().expect("id");
        let row = text_row(&text, id);
        assert!(row.starts_with("10:"), "a row starts with its time: {row}");
        assert!(row.contains(&format!("({role})")), "{row}");
        assert!(row.contains(&format!("{:.2}", l["score"].as_f64().expect("score"))), "{row}");
        assert!(row.contains(l["channel_level"].as_str().expect("channel level")), "{row}");
        if role == "staff" {
            // The customer's conversation, not the team member's own calm.
            assert!(row.contains("maya: "), "{row}");
        } else {
            assert!(row.contains(l["level"].as_str().expect("level")), "{row}");
        }
        for a in l["actions"].as_array().expect("actions") {
            let words = match a["kind"].as_str().expect("kind") {
                "nudge_moderators" => {
                    nudges += 1;
                    format!("nudged moderators (script: {})", a["script"].as_str().expect("script"))
                }
                "offer_choices" => {
                    choices += 1;
                    "offered choices: ".to_string()
                }
                "boundary" => {
                    boundaries += 1;
                    format!("boundary message (tier {})", a["tier"])
                }
                "timeout" => {
                    timeouts += 1;
                    assert_eq!(a["seconds"], 600, "{a}");
                    "timed out 10 min".to_string()
                }
                "escalate" => "escalated to moderators".to_string(),
                other => panic!("unknown action {other}"),
            };
            assert!(row.contains(&words), "{words:?} in {row}");
        }
        // Phrases as the owner wrote them, never a compiled pattern or a byte offset.
        for s in l["signals"].as_array().expect("signals") {
            let phrase = s["phrase"].as_str().expect("phrase");
            if !phrase.contains('\\') {
                assert!(row.contains(phrase), "{phrase:?} in {row}");
            }
        }
        assert!(!row.contains("\\s") && !row.contains("\\b") && !row.contains("(?m)"), "no regex: {row}");
    }
    assert!(nudges > 0 && choices > 0 && boundaries > 0 && timeouts > 0, "the example climbs the ladder");
    assert!(text_row(&text, "e7").contains("insult: idiot"), "{text}");
    assert!(text_row(&text, "e7").contains("profanity: fuck*"), "{text}");
    assert!(!text.contains("\\n"), "no escaped newlines: {text}");
    assert!(!text.contains("Suggested reply"), "full nudge texts only with --verbose: {text}");
    for want in [
        "summary: 9 message(s) read (6 from customers, 3 from the team), 1 conversation(s) in 1 channel(s)".to_string(),
        format!("  nudges       {nudges} ("),
        format!("  choices      {choices}"),
        format!("  boundaries   {boundaries} ("),
        format!("  timeouts     {timeouts} ("),
        "  escalations  0".to_string(),
    ] {
        assert!(text.contains(&want), "{want:?} in\n{text}");
    }

    let verbose =
        keel(&["replay", "--config", "bot.toml", "--format", "text", "-v", "examples/escalating.jsonl"], None);
    let verbose = String::from_utf8(verbose.stdout).expect("utf-8");
    assert!(verbose.contains("Suggested reply"), "{verbose}");
    assert!(verbose.contains(text_row(&text, "e9")), "the same rows: {verbose}");
}

/// `--format json` is the public contract, byte for byte the same as the
/// output through a pipe (the default, which the goldens record).
#[test]
fn replay_format_json_is_the_piped_output() {
    for input in ["examples/escalating.jsonl", "tests/fixtures/relapse.jsonl"] {
        let piped = keel(&["replay", "--config", "bot.toml", input], None);
        let json = keel(&["replay", "--config", "bot.toml", "--format", "json", "--verbose", input], None);
        let auto = keel(&["replay", "--config", "bot.toml", "--format", "auto", input], None);
        assert!(piped.status.success());
        assert_eq!(piped.stdout, json.stdout, "{input}");
        assert_eq!(piped.stdout, auto.stdout, "{input}");
    }
}

/// A malformed line is counted in the text format's summary too, and the
/// exit status is still 1.
#[test]
fn replay_text_format_counts_malformed_lines() {
    let input = "{\"id\":\"a\",\"channel\":\"c\",\"author\":\"u\",\"text\":\"hello\"}\nnot json\n";
    let out = keel(&["replay", "--config", "bot.toml", "--format", "text"], Some(input));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("skipped      1 malformed line(s)"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2:"));
}

/// Issue 11, item 3: placeholders that say what they are, an example per
/// subcommand, replay's fields, eval's labels and the exit codes.
#[test]
fn help_says_what_the_program_does() {
    let top = keel(&["--help"], None);
    assert!(top.status.success());
    let top = String::from_utf8_lossy(&top.stdout);
    for want in ["Exit codes:", "  0  ", "  1  ", "  2  "] {
        assert!(top.contains(want), "{want:?} in\n{top}");
    }
    for sub in ["run", "check", "replay", "explain", "eval", "report"] {
        let out = keel(&[sub, "--help"], None);
        assert!(out.status.success(), "{sub}");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(help.contains("Example"), "{sub} has an example:\n{help}");
        for vague in ["<CONFIG>", "<DB>", "<GUILD>", "<DAYS>", "<ERRORS>"] {
            assert!(!help.contains(vague), "{sub}: {vague} in\n{help}");
        }
    }
    let replay = String::from_utf8_lossy(&keel(&["replay", "--help"], None).stdout).to_string();
    for want in ["--config <PATH>", "[FILE]", "JSON Lines", "\"role\"", "staff or moderator", "--format"] {
        assert!(replay.contains(want), "{want:?} in\n{replay}");
    }
    let eval = String::from_utf8_lossy(&keel(&["eval", "--help"], None).stdout).to_string();
    assert!(eval.contains("1 = offensive, 0 = not offensive"), "{eval}");
    assert!(eval.contains("--errors <N>"), "{eval}");
    let report = String::from_utf8_lossy(&keel(&["report", "--help"], None).stdout).to_string();
    for want in ["--db <PATH>", "--days <N>", "--guild <ID>", "--config <PATH>"] {
        assert!(report.contains(want), "{want:?} in\n{report}");
    }
}

/// The exit codes the help promises: 2 for a usage error or a file that
/// cannot be read.
#[test]
fn usage_errors_and_unreadable_files_exit_with_2() {
    let out = keel(&["replay", "--format", "yaml", "examples/calm.jsonl"], None);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = keel(&["replay", "--config", "bot.toml", "no/such/transcript.jsonl"], None);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = keel(&["report", "--db", "no/such/keel.db"], None);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `keel report` without `--db` opens bot.toml's `[storage] path`,
/// resolved against bot.toml's directory: with `--config`, and as
/// ./bot.toml in the working directory.
#[test]
fn report_finds_the_database_from_bot_toml() {
    use keel::core::Level;
    use keel::store::{Conversation, Event, EventKind, Store};
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::create_dir_all(dir.path().join("data")).expect("mkdir");
    std::fs::write(dir.path().join("bot.toml"), "[storage]\npath = \"data/memory.db\"\n").expect("write bot.toml");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis();
    let now = i64::try_from(now).expect("ms");
    {
        let mut store = Store::open(dir.path().join("data/memory.db")).expect("db");
        let c = Conversation::from_raw(5, 6, 7);
        let scored =
            EventKind::Scored { score: 0.7, level: Level::Heated, channel_level: Level::Tense, signals: Vec::new() };
        store.record(&Event::new(c, now - 60_000, scored)).expect("record");
        store.record(&Event::new(c, now - 30_000, EventKind::Boundary { tier: 1 })).expect("record");
    }
    let config = dir.path().join("bot.toml");
    let out = keel(&["report", "--config", config.to_str().expect("utf-8"), "--days", "2"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("1 opened"), "{text}");
    assert!(text.contains("boundaries     1 (tier 1: 1"), "{text}");

    let out = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["report", "--days", "2"])
        .current_dir(dir.path())
        .output()
        .expect("keel runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), text, "./bot.toml is the default");
}

#[test]
fn check_with_the_database_shows_each_server_s_settings_and_their_source() {
    use keel::store::{Store, StoredSettings};
    let dir = tempfile::tempdir().expect("tmp");
    let guild_block = "[[guild]]\nid = 1\nmoderator_channel = 2\nwatch_channels = [3]\n";
    std::fs::write(dir.path().join("bot.toml"), format!("phrases = {:?}\n{guild_block}", root().join("phrases")))
        .expect("write bot.toml");
    let db = dir.path().join("keel.db");
    {
        let mut store = Store::open(&db).expect("db");
        let row = |guild, json: &str| StoredSettings { guild, json: json.into(), updated_ms: 1, updated_by: 9 };
        store.save_guild_settings(&row(1, r#"{"watch_channels":[3,4],"actions":{"watch_only":true}}"#)).expect("save");
        store.save_guild_settings(&row(5, r#"{"watch_channels":[50]}"#)).expect("save");
    }
    let (config, db_arg) = (dir.path().join("bot.toml"), db.to_str().expect("utf-8").to_string());
    let out = keel(&["check", "--config", config.to_str().expect("utf-8"), "--db", &db_arg], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for want in [
        "settings in force (1 from bot.toml, 2 set in Discord in ",
        "server 1: active\n    moderator_channel = 2  (bot.toml)\n",
        "    watch_channels = 3 4  (set in Discord)\n",
        "    watch_only = on  (set in Discord)\n    nudges = on  (bot.toml)\n    boundary_messages = off by watch-only  (bot.toml)\n",
        "server 5: not active (moderator_channel: must be a channel ID)\n    moderator_channel = not set  (default)\n",
        "    watch_channels = 50  (set in Discord)\n",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    // A row keel cannot read is a problem, named by server; the others still show.
    {
        let mut store = Store::open(&db).expect("db");
        let bad = StoredSettings { guild: 5, json: r#"{"watch_chanels":[50]}"#.into(), updated_ms: 2, updated_by: 9 };
        store.save_guild_settings(&bad).expect("save");
    }
    let out = keel(&["check", "--config", config.to_str().expect("utf-8"), "--db", &db_arg], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("server 5: stored settings are not valid: unknown field `watch_chanels`"), "{err}");
    assert!(err.contains("(keel ignores them and uses bot.toml alone)"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("server 1: active"));
}
