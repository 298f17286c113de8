//! Deciding what to do: from a conversation's state to actions as plain data.
//!
//! The policy never talks to Discord; it returns [`Action`]s that the live
//! bot executes and `keel replay` prints. Cooldowns live in the
//! conversation's [`ActionMemo`], so nobody is nudged or warned twice for
//! the same thing.

use crate::core::escalation::{ActionMemo, ConversationState};
use crate::core::pack::{CategoryKind, ChoiceSet, Pack, Script};
use crate::core::score::Analysis;
use crate::core::template::Vars;
use crate::core::Level;
use serde::Deserialize;

/// When moderators are nudged (`[nudge]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NudgeConfig {
    /// Nudge when a customer's conversation reaches this level.
    pub at: Level,
    /// Nudge when the channel's conversation as a whole reaches this level.
    pub channel_at: Level,
    /// After a nudge, the same conversation is nudged again within this many
    /// seconds only if its level rises.
    pub cooldown_secs: u64,
}

impl Default for NudgeConfig {
    fn default() -> Self {
        NudgeConfig { at: Level::Tense, channel_at: Level::Heated, cooldown_secs: 600 }
    }
}

/// When customers are offered choices (`[choices]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChoicesConfig {
    /// Offer choices automatically at all.
    pub enabled: bool,
    /// Offer them when a customer's conversation reaches this level.
    pub at: Level,
    /// At most one offer per conversation within this many seconds.
    pub cooldown_secs: u64,
    /// Offered buttons stop working after this many seconds.
    pub expire_secs: u64,
}

impl Default for ChoicesConfig {
    fn default() -> Self {
        ChoicesConfig { enabled: true, at: Level::Tense, cooldown_secs: 1800, expire_secs: 3600 }
    }
}

/// The boundary ladder (`[boundaries]` in bot.toml).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BoundaryConfig {
    /// Apply boundaries at all.
    pub enabled: bool,
    /// Strikes (abusive messages within the strike window) for tier 1, the boundary message.
    pub tier1_strikes: u32,
    /// Strikes for tier 2, a timeout.
    pub tier2_strikes: u32,
    /// Strikes for tier 3, calling human moderators.
    pub tier3_strikes: u32,
    /// Length of a tier-2 timeout, in seconds (Discord allows up to 28 days).
    pub timeout_secs: u64,
    /// The same tier is repeated for the same person at most once in this many seconds.
    pub repeat_cooldown_secs: u64,
}

impl Default for BoundaryConfig {
    fn default() -> Self {
        BoundaryConfig {
            enabled: true,
            tier1_strikes: 1,
            tier2_strikes: 2,
            tier3_strikes: 3,
            timeout_secs: 600,
            repeat_cooldown_secs: 300,
        }
    }
}

/// All the policy's settings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PolicyConfig {
    /// Moderator nudges.
    pub nudge: NudgeConfig,
    /// Customer choices.
    pub choices: ChoicesConfig,
    /// The boundary ladder.
    pub boundaries: BoundaryConfig,
}

/// Whose conversation a nudge is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NudgeScope {
    /// One customer's conversation.
    Author,
    /// The channel's conversation as a whole.
    Channel,
}

/// Something the bot should do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Privately nudge moderators with a de-escalation script.
    NudgeModerators {
        /// The script's name.
        script: String,
        /// The script rendered for this conversation.
        text: String,
        /// The line the team can post to the customer, rendered.
        say: String,
        /// Whose conversation.
        scope: NudgeScope,
        /// The level that triggered it.
        level: Level,
        /// The conversation's trend.
        trend: f32,
        /// Why: the phrases that counted, as `category: "phrase"`.
        reasons: Vec<String>,
    },
    /// Offer the customer a choice set as buttons.
    OfferChoices {
        /// The set's name.
        set: String,
        /// The question, rendered for this conversation.
        prompt: String,
        /// The options, rendered: (button label, reply when chosen, calls a person).
        options: Vec<(String, String, bool)>,
    },
    /// A boundary message at a tier.
    Boundary {
        /// 1, 2 or 3.
        tier: u8,
        /// The message, rendered.
        text: String,
    },
    /// Time the customer out.
    Timeout {
        /// For how long.
        seconds: u64,
    },
    /// Call human moderators.
    Escalate,
}

/// What the policy needs to know about one customer message.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    /// The message's analysis.
    pub analysis: &'a Analysis,
    /// The conversations' state after it.
    pub outcome: &'a ConversationState,
    /// The message's time (Unix ms).
    pub now_ms: i64,
    /// Placeholder values (`{user}`, `{channel}`; `{issue}` is filled here).
    pub user: &'a str,
    /// The channel's display name.
    pub channel: &'a str,
}

/// `{issue}` when no topic was recognised.
pub const UNKNOWN_ISSUE: &str = "the issue";

fn elapsed(now_ms: i64, since_ms: i64, secs: u64) -> bool {
    since_ms == 0 || now_ms.saturating_sub(since_ms) >= (secs as i64).saturating_mul(1000)
}

/// The script that fits a conversation best: the highest priority among
/// those whose level and categories fit, preferring ones that fit this
/// very message on a tie.
pub fn choose_script(pack: &Pack, level: Level, seen: u64, current: u64) -> Option<&Script> {
    let fits = |s: &Script, set: u64| s.when_categories.iter().any(|&c| set & (1u64 << c.min(63)) != 0);
    // `max_by_key` keeps the last of equals; iterating backwards makes that the first written.
    pack.scripts()
        .iter()
        .rev()
        .filter(|s| s.min_level <= level && (s.when_categories.is_empty() || fits(s, seen | current)))
        .max_by_key(|s| (s.priority, fits(s, current)))
}

/// Renders a script for moderators: what it is for, the steps, the suggested line.
pub fn render_script(script: &Script, vars: &Vars<'_>) -> String {
    let mut text = String::new();
    if !script.description.is_empty() {
        text.push_str(&script.description);
        text.push('\n');
    }
    for (i, step) in script.steps.iter().enumerate() {
        text.push_str(&format!("{}. {}\n", i + 1, step.render(vars)));
    }
    text.push_str("Suggested reply: ");
    text.push_str(&script.say.render(vars));
    text
}

/// A choice set rendered for one conversation.
pub fn render_choices(set: &ChoiceSet, vars: &Vars<'_>) -> Action {
    Action::OfferChoices {
        set: set.name.clone(),
        prompt: set.prompt.render(vars),
        options: set.options.iter().map(|o| (o.label.clone(), o.reply.render(vars), o.escalate)).collect(),
    }
}

/// The closing line of a nudge: why keel spoke up now.
fn why_line(scope: NudgeScope, level: Level, trend: f32, reasons: &[String]) -> String {
    let whose = match scope {
        NudgeScope::Author => "conversation",
        NudgeScope::Channel => "channel as a whole",
    };
    let mut line = format!("\nWhy: the {whose} is {level} (trend {trend:+.2})");
    if !reasons.is_empty() {
        line.push_str("; this message: ");
        line.push_str(&reasons.join(", "));
    }
    line
}

/// The phrases that counted toward hostility, as `category: "phrase"`, and
/// the context reader's reading when it raised the score.
pub fn reasons(pack: &Pack, analysis: &Analysis, original: &str) -> Vec<String> {
    analysis
        .signals
        .iter()
        .filter(|s| s.weight > 0.0 && s.kind == CategoryKind::Hostile)
        .map(|s| format!("{}: \"{}\"", pack.categories()[s.category].name, original.get(s.start..s.end).unwrap_or("")))
        .chain(
            analysis
                .reading
                .filter(|_| analysis.score > analysis.phrase_score)
                .map(|p| format!("the context reader reads this as hostile: {p:.2}")),
        )
        .collect()
}

/// True when a message attacks someone: a strike (abuse), or hostile with a
/// hostile phrase aimed at a person ("you're useless, this is a joke").
pub fn is_attack(a: &Analysis) -> bool {
    a.abusive || (a.hostile && a.aimed)
}

/// Why choices may not be offered to a customer now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoicesRefused {
    /// The customer's conversation is abusive.
    Abusive,
    /// Their last message attacked someone.
    Attack,
}

impl ChoicesRefused {
    /// What a moderator is told when they try from a nudge.
    pub fn explain(self) -> &'static str {
        match self {
            ChoicesRefused::Abusive => "their conversation is abusive",
            ChoicesRefused::Attack => "their last message attacked someone",
        }
    }
}

/// Whether choices may be offered to a customer whose conversation is at
/// `level` and whose last message was an attack (`attack`).
///
/// Choices give a customer back some control; offered in answer to abuse
/// they read as a reward for it, and they undercut the boundary that abuse
/// meets. A moderator may still offer them on purpose with `/keel offer`.
pub fn choices_refused(level: Level, attack: bool) -> Option<ChoicesRefused> {
    if level == Level::Abusive {
        Some(ChoicesRefused::Abusive)
    } else if attack {
        Some(ChoicesRefused::Attack)
    } else {
        None
    }
}

/// Decides the actions for one customer message, updating the memos.
pub fn decide(
    cfg: &PolicyConfig,
    pack: &Pack,
    sit: &Situation<'_>,
    original: &str,
    memo: &mut ActionMemo,
    channel_memo: &mut ActionMemo,
) -> Vec<Action> {
    let a = sit.analysis;
    let o = sit.outcome;
    let now = sit.now_ms;
    memo.categories_seen |= a.categories;
    channel_memo.categories_seen |= a.categories;
    if let Some(t) = a.topic {
        memo.topic = Some(t as u16);
        channel_memo.topic = Some(t as u16);
    }
    let issue = memo.topic.and_then(|t| pack.topics().get(t as usize)).map_or(UNKNOWN_ISSUE, |t| t.label.as_str());
    let vars = Vars { user: sit.user, issue, channel: sit.channel };
    let mut actions = Vec::new();

    // A conversation that has cooled below the nudge level may be nudged afresh later.
    if o.level < cfg.nudge.at {
        memo.nudged_level = Level::Calm;
        if o.level == Level::Calm {
            memo.categories_seen = a.categories;
        }
    }
    if o.channel_level < cfg.nudge.channel_at {
        channel_memo.nudged_level = Level::Calm;
    }

    let script = choose_script(pack, o.level.max(o.channel_level), memo.categories_seen, a.categories);
    let author_nudge = o.level >= cfg.nudge.at
        && (o.level > memo.nudged_level
            || (o.trend > 0.0 && elapsed(now, memo.last_nudge_ms, cfg.nudge.cooldown_secs)));
    let channel_nudge = !author_nudge
        && o.channel_level >= cfg.nudge.channel_at
        && (o.channel_level > channel_memo.nudged_level
            || (o.trend > 0.0 && elapsed(now, channel_memo.last_nudge_ms, cfg.nudge.cooldown_secs)));
    if let (Some(s), true) = (script, author_nudge || channel_nudge) {
        let (scope, level) =
            if author_nudge { (NudgeScope::Author, o.level) } else { (NudgeScope::Channel, o.channel_level) };
        let reasons = reasons(pack, a, original);
        let mut text = render_script(s, &vars);
        text.push_str(&why_line(scope, level, o.trend, &reasons));
        actions.push(Action::NudgeModerators {
            script: s.name.clone(),
            text,
            say: s.say.render(&vars),
            scope,
            level,
            trend: o.trend,
            reasons,
        });
        if author_nudge {
            memo.nudged_level = memo.nudged_level.max(o.level);
            memo.last_nudge_ms = now;
        }
        channel_memo.nudged_level = channel_memo.nudged_level.max(o.channel_level);
        channel_memo.last_nudge_ms = now;
    }

    memo.last_attack = is_attack(a);
    if cfg.choices.enabled
        && choices_refused(o.level, memo.last_attack).is_none()
        && o.level >= cfg.choices.at
        && elapsed(now, memo.last_choices_ms, cfg.choices.cooldown_secs)
    {
        if let Some(set) = choose_choices(pack, script, memo.topic.map(usize::from)) {
            actions.push(render_choices(&pack.choice_sets()[set], &vars));
            memo.last_choices_ms = now;
        }
    }

    if cfg.boundaries.enabled && a.abusive {
        let b = &cfg.boundaries;
        let by_strikes = [b.tier3_strikes, b.tier2_strikes, b.tier1_strikes]
            .iter()
            .position(|&need| need > 0 && o.strikes >= need)
            .map_or(0, |i| 3 - i as u8);
        let tier = by_strikes.max(a.jump_to_tier).min(3);
        let repeat = tier == memo.boundary_tier && elapsed(now, memo.last_boundary_ms, b.repeat_cooldown_secs);
        if tier > 0 && (tier > memo.boundary_tier || repeat) {
            let text = pack.boundaries()[(tier - 1) as usize].render(&vars);
            actions.push(Action::Boundary { tier, text });
            match tier {
                2 => actions.push(Action::Timeout { seconds: b.timeout_secs }),
                3 => actions.push(Action::Escalate),
                _ => {}
            }
            memo.boundary_tier = tier;
            memo.last_boundary_ms = now;
        }
    }
    actions
}

/// The choice set for a conversation: the script's own set if it fits the
/// topic, else the first set made for the topic, else a set for any topic.
fn choose_choices(pack: &Pack, script: Option<&Script>, topic: Option<usize>) -> Option<usize> {
    let fits = |i: usize| {
        let set = &pack.choice_sets()[i];
        set.topics.is_empty() || topic.is_some_and(|t| set.topics.contains(&t))
    };
    let from_script = script.and_then(|s| s.choices).filter(|&i| fits(i));
    let for_topic = || topic.and_then(|t| pack.choice_sets().iter().position(|c| c.topics.contains(&t)));
    let generic = || pack.choice_sets().iter().position(|c| c.topics.is_empty());
    from_script.or_else(for_topic).or_else(generic)
}

#[cfg(test)]
mod tests;
