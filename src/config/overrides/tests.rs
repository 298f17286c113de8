use super::*;

fn bot_toml() -> GuildConfig {
    GuildConfig {
        moderator_channel: 2,
        moderator_roles: vec![10],
        watch_channels: vec![3],
        ..GuildConfig::unconfigured(1)
    }
}

#[test]
fn keys_set_in_discord_replace_bot_toml_s_and_the_rest_stay() {
    let set = GuildSettings {
        watch_channels: Some(vec![4, 5]),
        actions: ActionSettings { choices: Some(false), ..ActionSettings::default() },
        ..GuildSettings::default()
    };
    let g = set.apply(1, Some(&bot_toml()));
    assert_eq!(g.watch_channels, [4, 5], "a list set in Discord is the list");
    assert_eq!((g.moderator_channel, g.moderator_roles.clone()), (2, vec![10]), "not set: bot.toml's");
    assert!(!g.actions.choices && g.actions.nudges);
    let explained = set.explain(1, Some(&bot_toml()), Mentions::Discord);
    let source = |k: &str| explained.iter().find(|e| e.0 == k).map(|e| (e.1.clone(), e.2)).expect(k);
    assert_eq!(source("watch_channels"), ("<#4> <#5>".to_string(), Source::Discord));
    assert_eq!(source("moderator_channel"), ("<#2>".to_string(), Source::BotToml));
    assert_eq!(source("choices"), ("off".to_string(), Source::Discord));
    assert_eq!(source("nudges"), ("on".to_string(), Source::BotToml));
    let alone = set.explain(1, None, Mentions::Ids);
    assert_eq!(alone.iter().find(|e| e.0 == "moderator_channel").map(|e| e.2), Some(Source::Default));
}

#[test]
fn a_server_set_up_only_in_discord_is_checked_like_a_guild_block() {
    let empty = GuildSettings::default().apply(7, None);
    assert_eq!(
        guild_problems(&empty),
        [
            ("moderator_channel", "must be a channel ID".to_string()),
            ("watch_channels", "keel would watch nothing here: list watch_channels or watch_categories".to_string()),
        ]
    );
    let done =
        GuildSettings { moderator_channel: Some(2), watch_categories: Some(vec![8]), ..GuildSettings::default() };
    assert!(guild_problems(&done.apply(7, None)).is_empty());
}

#[test]
fn watch_only_leaves_nudges_alone() {
    let all_on = GuildActions { delete_severe: true, watch_only: true, ..GuildActions::default() };
    let f = all_on.in_force();
    assert!(f.nudges && f.watch_only);
    assert!(!(f.boundary_messages || f.timeouts || f.escalate || f.delete_severe || f.choices), "{f:?}");
    assert_eq!(GuildActions::default().in_force(), GuildActions::default(), "off: nothing changes");
}

#[test]
fn stored_settings_round_trip_and_bad_ones_say_what_is_wrong() {
    let set = GuildSettings {
        moderator_channel: Some(2),
        actions: ActionSettings { watch_only: Some(true), ..ActionSettings::default() },
        ..GuildSettings::default()
    };
    assert_eq!(set.to_json(), r#"{"moderator_channel":2,"actions":{"watch_only":true}}"#);
    assert_eq!(GuildSettings::from_json(&set.to_json()), Ok(set));
    assert_eq!(GuildSettings::default().to_json(), "{}");
    let bad = GuildSettings::from_json(r#"{"moderator_chanel":2}"#).unwrap_err();
    assert!(bad.contains("unknown field `moderator_chanel`"), "{bad}");
}
