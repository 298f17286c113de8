use super::{apply, Edit};
use crate::bot::testing::guild;
use crate::config::GuildSettings;
use crate::config::GuildSetup;

fn from_bot_toml() -> GuildSetup {
    GuildSetup::new(1, Some(guild()), GuildSettings::default())
}

#[test]
fn edits_start_from_the_value_in_force_and_say_what_changed() {
    struct Case {
        name: &'static str,
        edit: Edit,
        expected: Result<&'static str, &'static str>,
        check: fn(&GuildSettings),
    }
    let cases = [
        Case {
            name: "watching a channel keeps bot.toml's",
            edit: Edit::Watch { channel: 4, category: false },
            expected: Ok("keel now watches the channel <#4>."),
            check: |s| assert_eq!(s.watch_channels, Some(vec![3, 4])),
        },
        Case {
            name: "a category goes to the category list",
            edit: Edit::Watch { channel: 8, category: true },
            expected: Ok("keel now watches the category <#8>."),
            check: |s| assert_eq!((s.watch_categories.clone(), s.watch_channels.clone()), (Some(vec![8]), None)),
        },
        Case {
            name: "watching twice changes nothing",
            edit: Edit::Watch { channel: 3, category: false },
            expected: Err("keel already watches the channel <#3>."),
            check: |_| {},
        },
        Case {
            name: "unwatching the last channel empties the list",
            edit: Edit::Unwatch { channel: 3 },
            expected: Ok("keel no longer watches <#3>."),
            check: |s| assert_eq!(s.watch_channels, Some(vec![])),
        },
        Case {
            name: "a role added",
            edit: Edit::Role { moderator: false, role: 21, remove: false },
            expected: Ok("<@&21> is now a support staff role."),
            check: |s| assert_eq!(s.staff_roles, Some(vec![20, 21])),
        },
        Case {
            name: "removing a role that is not one",
            edit: Edit::Role { moderator: true, role: 99, remove: true },
            expected: Err("<@&99> is not a moderator role."),
            check: |_| {},
        },
        Case {
            name: "watch-only on",
            edit: Edit::Action { name: "watch_only".into(), on: true },
            expected: Ok("Watch-only is on: keel nudges moderators and does nothing else on its own (no messages to customers, no timeouts, no escalation pings)."),
            check: |s| assert_eq!(s.actions.watch_only, Some(true)),
        },
        Case {
            name: "an action already in that state",
            edit: Edit::Action { name: "nudges".into(), on: true },
            expected: Err("`nudges` already is on."),
            check: |_| {},
        },
        Case {
            name: "nothing to reset",
            edit: Edit::Reset,
            expected: Err("Nothing was set from Discord: keel already uses bot.toml alone here."),
            check: |_| {},
        },
    ];
    for c in cases {
        let got = apply(&from_bot_toml(), &c.edit);
        assert_eq!(got.as_ref().map(|(_, t)| t.as_str()).map_err(String::as_str), c.expected, "{}", c.name);
        if let Ok((settings, _)) = &got {
            (c.check)(settings);
        }
    }
}

#[test]
fn a_server_unknown_to_bot_toml_is_active_once_its_channels_are_set() {
    let mut setup = GuildSetup::new(5, None, GuildSettings::default());
    assert_eq!(setup.problems.len(), 2, "{:?}", setup.problems);
    assert!(setup
        .describe()
        .starts_with("keel is **not active** in this server yet:\n- `moderator_channel`: must be a channel ID"));
    for edit in [Edit::Watch { channel: 30, category: false }, Edit::ModeratorChannel(31)] {
        let (settings, _) = apply(&setup, &edit).expect("a change");
        setup = GuildSetup::new(5, None, settings);
    }
    assert!(setup.problems.is_empty(), "{:?}", setup.problems);
    assert!(setup.describe().contains("- `moderator_channel`: <#31> (set in Discord)"), "{}", setup.describe());
    assert!(setup.describe().contains("- `nudges`: on (default)"), "{}", setup.describe());
}

#[test]
fn watch_only_is_in_force_in_the_setup() {
    let (settings, _) =
        apply(&from_bot_toml(), &Edit::Action { name: "watch_only".into(), on: true }).expect("a change");
    let setup = GuildSetup::new(1, Some(guild()), settings);
    assert!(
        setup.in_force.actions.nudges && !setup.in_force.actions.boundary_messages && !setup.in_force.actions.timeouts
    );
}
