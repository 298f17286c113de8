//! Servers' settings from `/keel setup`: saved whole, replaced, forgotten, kept across a reopen.

use super::{open, temp};
use crate::store::StoredSettings;

fn settings(guild: u64, json: &str, at: i64) -> StoredSettings {
    StoredSettings { guild, json: json.to_string(), updated_ms: at, updated_by: 9 }
}

#[test]
fn settings_are_saved_replaced_and_forgotten() {
    let t = temp();
    {
        let mut s = open(&t);
        assert!(s.guild_settings().unwrap().is_empty());
        s.save_guild_settings(&settings(1, r#"{"moderator_channel":5}"#, 10)).unwrap();
        s.save_guild_settings(&settings(2, "{}", 11)).unwrap();
        s.save_guild_settings(&settings(1, r#"{"moderator_channel":6}"#, 12)).unwrap();
    }
    let mut s = open(&t);
    let all = s.guild_settings().unwrap();
    assert_eq!(all, [settings(1, r#"{"moderator_channel":6}"#, 12), settings(2, "{}", 11)], "replaced, kept on reopen");
    assert_eq!(s.settings_of(2).unwrap(), Some(settings(2, "{}", 11)));
    assert!(s.forget_guild_settings(1).unwrap());
    assert!(!s.forget_guild_settings(1).unwrap(), "nothing left to forget");
    assert_eq!(s.settings_of(1).unwrap(), None);
    assert_eq!(s.guild_settings().unwrap().len(), 1);
}

#[test]
fn a_purge_keeps_settings() {
    let t = temp();
    let mut s = open(&t);
    s.save_guild_settings(&settings(1, "{}", 10)).unwrap();
    s.purge(i64::MAX).unwrap();
    assert_eq!(s.guild_settings().unwrap().len(), 1, "settings are not records of conversations");
}
