//! `[storage]` in bot.toml: where keel keeps its memory and for how long.

use crate::diagnostics::{Problem, SourceFile};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Longest excerpt of a message keel may keep, in characters.
pub const MAX_EXCERPT_CHARS: usize = 2000;

/// `[storage]` as written in bot.toml (the path not yet resolved).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RawStorage {
    /// The `SQLite` file, relative to bot.toml.
    pub path: String,
    /// Cases and strikes older than this many days are deleted.
    pub retention_days: u32,
    /// Keep short excerpts of customers' messages in cases.
    pub store_excerpts: bool,
    /// Longest excerpt, in characters.
    pub excerpt_chars: usize,
}

impl Default for RawStorage {
    fn default() -> Self {
        RawStorage { path: "keel.db".into(), retention_days: 90, store_excerpts: false, excerpt_chars: 80 }
    }
}

/// Where keel keeps cases, strikes and follow-ups, and how much of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageConfig {
    /// The `SQLite` file, resolved against bot.toml's directory.
    pub path: PathBuf,
    /// Cases and strikes older than this many days are deleted.
    pub retention_days: u32,
    /// Keep short excerpts of customers' messages in cases.
    pub store_excerpts: bool,
    /// Longest excerpt, in characters.
    pub excerpt_chars: usize,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig::resolve(RawStorage::default(), Path::new("."))
    }
}

impl StorageConfig {
    /// The settings with `path` resolved against `base` (bot.toml's directory).
    pub fn resolve(raw: RawStorage, base: &Path) -> StorageConfig {
        let path = Path::new(&raw.path);
        let path = if path.is_absolute() || base == Path::new("") { path.to_path_buf() } else { base.join(path) };
        StorageConfig {
            path,
            retention_days: raw.retention_days,
            store_excerpts: raw.store_excerpts,
            excerpt_chars: raw.excerpt_chars,
        }
    }

    /// What of `text` may be stored: nothing unless excerpts are on, else
    /// its first `excerpt_chars` characters (with `…` when cut).
    pub fn excerpt(&self, text: &str) -> Option<String> {
        if !self.store_excerpts {
            return None;
        }
        let mut chars = text.char_indices();
        match chars.nth(self.excerpt_chars) {
            None => Some(text.to_string()),
            Some((end, _)) => Some(format!("{}…", &text[..end])),
        }
    }

    /// The retention cut-off at `now_ms`: what is older is purged.
    pub fn purge_before_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(i64::from(self.retention_days) * 86_400_000)
    }
}

/// Checks `[storage]`, adding a problem per bad key.
pub fn check(src: &SourceFile<'_>, s: &Spanned<RawStorage>, out: &mut Vec<Problem>) {
    let c = s.get_ref();
    let mut bad = |key: &str, msg: String| out.push(src.key_problem(&format!("storage.{key}"), Some(s.span()), msg));
    if c.path.trim().is_empty() {
        bad("path", "must name a file (for example \"keel.db\")".into());
    }
    if c.retention_days == 0 {
        bad("retention_days", "must be at least 1 day".into());
    }
    if !(1..=MAX_EXCERPT_CHARS).contains(&c.excerpt_chars) {
        bad("excerpt_chars", format!("must be between 1 and {MAX_EXCERPT_CHARS}, found {}", c.excerpt_chars));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    struct Case {
        name: &'static str,
        toml: &'static str,
        expected: Result<StorageConfig, &'static str>,
    }

    fn cfg(path: &str, retention_days: u32, store_excerpts: bool, excerpt_chars: usize) -> StorageConfig {
        StorageConfig { path: PathBuf::from(path), retention_days, store_excerpts, excerpt_chars }
    }

    #[test]
    fn storage_section() {
        let cases = [
            Case {
                name: "absent: defaults beside bot.toml",
                toml: "",
                expected: Ok(cfg("/srv/keel/keel.db", 90, false, 80)),
            },
            Case {
                name: "every key",
                toml:
                    "[storage]\npath = \"data/k.db\"\nretention_days = 30\nstore_excerpts = true\nexcerpt_chars = 40\n",
                expected: Ok(cfg("/srv/keel/data/k.db", 30, true, 40)),
            },
            Case {
                name: "absolute path kept",
                toml: "[storage]\npath = \"/var/lib/keel.db\"\n",
                expected: Ok(cfg("/var/lib/keel.db", 90, false, 80)),
            },
            Case {
                name: "empty path",
                toml: "\n[storage]\npath = \" \"\n",
                expected: Err("bot.toml:3:8: [storage] path: must name a file"),
            },
            Case {
                name: "zero retention",
                toml: "[storage]\nretention_days = 0\n",
                expected: Err("bot.toml:2:18: [storage] retention_days: must be at least 1 day"),
            },
            Case {
                name: "excerpt too long",
                toml: "[storage]\nexcerpt_chars = 5000\n",
                expected: Err("bot.toml:2:17: [storage] excerpt_chars: must be between 1 and 2000, found 5000"),
            },
            Case {
                name: "unknown key",
                toml: "[storage]\nretention = 3\n",
                expected: Err("bot.toml:2:1: [storage] retention: unknown key: did you mean `retention_days`?"),
            },
        ];
        for case in cases {
            let got = Config::parse(Path::new("/srv/keel/bot.toml"), case.toml);
            match (&case.expected, got) {
                (Ok(want), Ok(c)) => assert_eq!(&c.storage, want, "{}", case.name),
                (Err(want), Err(e)) => {
                    let text = e.to_string().replace("/srv/keel/", "");
                    assert!(text.contains(want), "{}: {text}", case.name);
                }
                (want, got) => panic!("{}: expected {want:?}, got {got:?}", case.name),
            }
        }
    }

    #[test]
    fn excerpts() {
        let on = cfg("k.db", 90, true, 5);
        let cases: [(&str, &StorageConfig, &str, Option<&str>); 4] = [
            ("off stores nothing", &cfg("k.db", 90, false, 5), "hello world", None),
            ("short kept whole", &on, "hi", Some("hi")),
            ("exact length kept whole", &on, "hello", Some("hello")),
            ("cut on characters", &on, "héllo wörld", Some("héllo…")),
        ];
        for (name, c, text, want) in cases {
            assert_eq!(c.excerpt(text).as_deref(), want, "{name}");
        }
    }
}
