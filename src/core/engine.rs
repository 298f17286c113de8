//! The pipeline in one place: a message in, a decision out.
//!
//! [`Engine`] owns the tracker (the only mutable state) and shares the
//! compiled pack through an `Arc`, so a reload swaps in a new analyzer
//! without losing any conversation's state.

use crate::core::context::{wants_reading, NotRead, Reader, Reading};
use crate::core::escalation::{ConversationState, EscalationConfig, Observation, Tracker};
use crate::core::forecast::{CueCategories, ForecastModel};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::policy::{decide, Action, PolicyConfig, Situation, UNKNOWN_ISSUE};
use crate::core::score::{Analysis, Analyzer, Scratch};
use crate::core::Role;
use std::sync::Arc;

/// One message as the core sees it.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    /// When it was sent (Unix ms).
    pub ts_ms: i64,
    /// The channel (or thread) it was sent in.
    pub channel: ChannelId,
    /// Who sent it.
    pub author: MemberId,
    /// What the author is.
    pub role: Role,
    /// The text as sent.
    pub text: &'a str,
    /// How to address the author in rendered text (`{user}`).
    pub author_name: &'a str,
    /// The channel's display name (`{channel}`).
    pub channel_name: &'a str,
}

/// What the engine made of one message.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    /// The message on its own.
    pub analysis: Analysis,
    /// The conversations after it.
    pub outcome: ConversationState,
    /// What to do now.
    pub actions: Vec<Action>,
}

/// Settings of everything after scoring.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineConfig {
    /// Escalation tracking.
    pub escalation: EscalationConfig,
    /// Nudges, choices and boundaries.
    pub policy: PolicyConfig,
    /// The forecaster (`None`: every forecast is 0).
    pub forecaster: Option<ForecastModel>,
}

/// The whole core: analyzer, tracker and policy.
#[derive(Debug)]
pub struct Engine {
    analyzer: Arc<Analyzer>,
    tracker: Tracker,
    policy: PolicyConfig,
    scratch: Scratch,
    reader: Option<Arc<dyn Reader>>,
    reader_failures: u64,
    cue_categories: CueCategories,
}

impl Engine {
    /// An engine with no conversations tracked yet.
    pub fn new(analyzer: Arc<Analyzer>, config: &EngineConfig) -> Engine {
        let mut engine = Engine {
            cue_categories: CueCategories::new(analyzer.pack()),
            analyzer,
            tracker: Tracker::new(config.escalation.clone()),
            policy: config.policy.clone(),
            scratch: Scratch::default(),
            reader: None,
            reader_failures: 0,
        };
        engine.tracker.set_forecaster(config.forecaster.clone());
        engine
    }

    /// Reads customers' messages with `reader` from now on (`None`: phrases alone).
    pub fn set_reader(&mut self, reader: Option<Arc<dyn Reader>>) {
        self.reader = reader;
    }

    /// The context reader in use, if any.
    pub fn reader(&self) -> Option<&Arc<dyn Reader>> {
        self.reader.as_ref()
    }

    /// Messages the reader failed to read (judged by phrases alone).
    pub fn reader_failures(&self) -> u64 {
        self.reader_failures
    }

    /// The analyzer in force.
    pub fn analyzer(&self) -> &Arc<Analyzer> {
        &self.analyzer
    }

    /// Swaps in a new pack (a reload), keeping every conversation's state.
    pub fn set_analyzer(&mut self, analyzer: Arc<Analyzer>) {
        self.cue_categories = CueCategories::new(analyzer.pack());
        self.analyzer = analyzer;
    }

    /// Forecasts conversations with `model` from now on (`None`: every
    /// forecast is 0); see [`crate::core::forecast`].
    pub fn set_forecaster(&mut self, model: Option<ForecastModel>) {
        self.tracker.set_forecaster(model);
    }

    /// Replaces the policy settings (a reload of bot.toml).
    pub fn set_policy(&mut self, policy: PolicyConfig) {
        self.policy = policy;
    }

    /// Replaces the escalation settings (a reload of bot.toml), keeping every conversation.
    pub fn set_escalation(&mut self, escalation: EscalationConfig) {
        self.tracker.set_config(escalation);
    }

    /// Forgives a customer's conversation (pardon, false alarm): it starts
    /// over from calm with no strikes. Returns false when it is not tracked.
    pub fn forgive(&mut self, channel: ChannelId, author: MemberId) -> bool {
        self.tracker.forgive(channel, author)
    }

    /// Seeds a customer's conversation with strikes remembered from before a
    /// restart (see [`Tracker::seed_strikes`]); false when it is already tracked.
    pub fn seed_strikes(&mut self, now_ms: i64, channel: ChannelId, author: MemberId, times_ms: &[i64]) -> bool {
        self.tracker.seed_strikes(now_ms, channel, author, times_ms)
    }

    /// What `{issue}` is in a customer's conversation.
    pub fn issue_label(&mut self, channel: ChannelId, author: MemberId) -> String {
        let topic = self.tracker.memo_mut(channel, author).and_then(|m| m.topic);
        let pack = self.analyzer.pack();
        topic.and_then(|t| pack.topics().get(usize::from(t))).map_or(UNKNOWN_ISSUE.to_string(), |t| t.label.clone())
    }

    /// Why choices may not be offered to a customer now, if they may not
    /// (see [`crate::core::policy::choices_refused`]); an untracked customer may get them.
    pub fn choices_refused(&self, channel: ChannelId, author: MemberId) -> Option<crate::core::policy::ChoicesRefused> {
        let view = self.tracker.conversation(channel, author)?;
        crate::core::policy::choices_refused(view.level, view.memo.last_attack)
    }

    /// The policy settings in force.
    pub fn policy(&self) -> &PolicyConfig {
        &self.policy
    }

    /// The tracker, for status views.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Judges one message, writing the result into `out` (buffers reused).
    /// With a context reader set, the reader reads it here when
    /// [`wants_reading`] says so.
    pub fn process_into(&mut self, msg: &Message<'_>, out: &mut Decision) {
        self.analyze(msg, out);
        let reading = match &self.reader {
            Some(reader) if !msg.role.is_team() => reader.reading(msg.role, &out.analysis),
            _ => Reading::Off,
        };
        if matches!(reading, Reading::NotRead(NotRead::Failed(_))) {
            self.reader_failures += 1;
        }
        self.conclude(msg, &reading, out);
    }

    /// Judges one message with a reading already taken (by the live bot,
    /// off the engine's lock): a [`Reading::Read`] is applied if
    /// [`wants_reading`] still holds and a reader is set (its blend combines
    /// the two); any other reading means judge by phrases alone.
    pub fn process_read_into(&mut self, msg: &Message<'_>, reading: Reading, out: &mut Decision) {
        self.analyze(msg, out);
        self.conclude(msg, &reading, out);
    }

    /// The first half of judging: the message on its own, at the author's message rate.
    fn analyze(&mut self, msg: &Message<'_>, out: &mut Decision) {
        out.actions.clear();
        let rate = if msg.role.is_team() { 0.0 } else { self.tracker.message_rate(msg.channel, msg.author, msg.ts_ms) };
        self.analyzer.analyze_into(msg.text, rate, &mut out.analysis, &mut self.scratch);
    }

    /// The second half: the reading blended in, the conversations tracked and the policy asked.
    fn conclude(&mut self, msg: &Message<'_>, reading: &Reading, out: &mut Decision) {
        if let (Reading::Read(p), Some(reader)) = (reading, &self.reader) {
            if !msg.role.is_team() && wants_reading(msg.role, &out.analysis) {
                let threshold = self.analyzer.pack().settings().hostile_threshold;
                reader.blend().apply(&mut out.analysis, *p, threshold);
            }
        }
        let a = &out.analysis;
        if msg.role.is_team() {
            // Staff never count as customer hostility; their acknowledgements cool.
            let team = self.tracker.observe_team(msg.ts_ms, msg.channel, msg.author, a.cooling);
            // The author's own conversation is calm by definition; the channel's is reported.
            out.outcome = ConversationState {
                channel_level: team.channel_level,
                previous_channel_level: team.previous_channel_level,
                channel_heat: team.channel_heat,
                channel_forecast: team.channel_forecast,
                ..ConversationState::default()
            };
            return;
        }
        let cues = self.cue_categories.cues(a);
        let obs = Observation { score: a.score, cue: a.cue, abusive: a.abusive, cooling: a.cooling, cues };
        out.outcome = self.tracker.observe_customer(msg.ts_ms, msg.channel, msg.author, &obs);
        let mut memo = self.tracker.memo_mut(msg.channel, msg.author).copied().unwrap_or_default();
        let mut channel_memo = self.tracker.channel_memo_mut(msg.channel).copied().unwrap_or_default();
        let sit = Situation {
            analysis: a,
            outcome: &out.outcome,
            now_ms: msg.ts_ms,
            user: msg.author_name,
            channel: msg.channel_name,
        };
        out.actions = decide(&self.policy, self.analyzer.pack(), &sit, msg.text, &mut memo, &mut channel_memo);
        if let Some(m) = self.tracker.memo_mut(msg.channel, msg.author) {
            *m = memo;
        }
        if let Some(m) = self.tracker.channel_memo_mut(msg.channel) {
            *m = channel_memo;
        }
    }

    /// Judges one message.
    pub fn process(&mut self, msg: &Message<'_>) -> Decision {
        let mut d = Decision::default();
        self.process_into(msg, &mut d);
        d
    }
}

#[cfg(test)]
pub(crate) mod tests;
