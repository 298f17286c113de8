//! `keel eval --conversations`: does keel warn before a conversation turns
//! abusive, and how often does it warn about one that never does?
//!
//! Input: JSON Lines, one conversation per line, as in
//! `../shared/data/extra/oss-derailment-train.jsonl`:
//!
//! ```json
//! {"id": "c1", "label": 1, "derail_index": 3,
//!  "messages": [{"author": "ana", "text": "...", "role": "customer"}, ...]}
//! ```
//!
//! `label` 1: the conversation turns; `derail_index` is its first abusive
//! message (default: the last). A message's `role` is `customer`, `staff`
//! or `moderator`; without one, GitHub's `author_association` OWNER, MEMBER
//! or COLLABORATOR counts as staff and anything else as a customer.
//!
//! Each conversation runs through a fresh engine, as `keel replay` would
//! run it (one channel, a minute between messages), up to the message
//! before the one being forecast: the first abusive message of a
//! conversation that turns, the last message of one that does not. keel
//! *warns* when it nudged the moderators or the forecast (the author's or
//! the channel's) reached the heads-up level in that stretch; the highest
//! forecast there ranks conversations for ROC-AUC.

use super::split::Split;
use super::{json_lines, ratio, Confusion, EvalError};
use crate::cli::ids::key;
use crate::core::context::Reader;
use crate::core::engine::{Decision, Engine, EngineConfig, Message};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::policy::Action;
use crate::core::score::Analyzer;
use crate::core::Role;
use serde::Deserialize;
use serde_json::Value;
use std::io::{BufRead, Write};
use std::sync::Arc;

/// One conversation of the input.
#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    /// Its id (decides `--split`).
    #[serde(default)]
    pub id: Option<Value>,
    /// 1: it turns abusive.
    pub label: u8,
    /// Its messages, in order.
    pub messages: Vec<Turn>,
    /// The first abusive message, for one that turns.
    #[serde(default)]
    pub derail_index: Option<usize>,
}

/// One message of a conversation.
#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    /// Who wrote it (a string or a number).
    pub author: Value,
    /// What they wrote.
    pub text: String,
    /// Their role, if given.
    #[serde(default)]
    pub role: Option<Role>,
    /// GitHub's author association, used when `role` is not given.
    #[serde(default)]
    pub author_association: Option<String>,
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl Turn {
    /// The author's role.
    pub fn role(&self) -> Role {
        self.role.unwrap_or(match self.author_association.as_deref() {
            Some("OWNER" | "MEMBER" | "COLLABORATOR") => Role::Staff,
            _ => Role::Customer,
        })
    }
}

impl Conversation {
    /// The id as text (`line N` without one).
    pub fn id_text(&self, line: usize) -> String {
        self.id.as_ref().map_or_else(|| format!("line {line}"), text_of)
    }

    /// The messages judged: those before the one being forecast.
    pub fn judged(&self) -> &[Turn] {
        let end = match (self.label, self.derail_index) {
            (1, Some(d)) => d.min(self.messages.len()),
            _ => self.messages.len().saturating_sub(1),
        };
        &self.messages[..end]
    }
}

/// What keel made of one judged message.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The message's role.
    pub role: Role,
    /// The author's conversation's forecast after it.
    pub forecast: f32,
    /// The channel's forecast after it.
    pub channel_forecast: f32,
    /// keel nudged the moderators on it.
    pub nudged: bool,
    /// The author's and the channel's forecast features after it.
    pub features: ([f32; 12], [f32; 12]),
}

/// Runs conversations through fresh engines.
pub struct Runner<'a> {
    analyzer: Arc<Analyzer>,
    config: &'a EngineConfig,
    reader: Option<Arc<dyn Reader>>,
    decision: Decision,
}

impl<'a> Runner<'a> {
    /// A runner with keel's configuration and reader.
    pub fn new(analyzer: Arc<Analyzer>, config: &'a EngineConfig, reader: Option<Arc<dyn Reader>>) -> Self {
        Runner { analyzer, config, reader, decision: Decision::default() }
    }

    /// The judged messages of `conv`, one step each.
    pub fn run(&mut self, conv: &Conversation, line: usize) -> Vec<Step> {
        let mut engine = Engine::new(self.analyzer.clone(), self.config);
        engine.set_reader(self.reader.clone());
        let channel_name = conv.id_text(line);
        let channel = ChannelId(key(&channel_name));
        let mut steps = Vec::with_capacity(conv.judged().len());
        for (i, turn) in conv.judged().iter().enumerate() {
            let author_name = text_of(&turn.author);
            let author = MemberId(key(&author_name));
            let msg = Message {
                ts_ms: i as i64 * 60_000,
                channel,
                author,
                role: turn.role(),
                text: &turn.text,
                author_name: &author_name,
                channel_name: &channel_name,
            };
            engine.process_into(&msg, &mut self.decision);
            let (a, c) = engine.tracker().forecast_states(channel, author);
            steps.push(Step {
                role: msg.role,
                forecast: self.decision.outcome.forecast,
                channel_forecast: self.decision.outcome.channel_forecast,
                nudged: self.decision.actions.iter().any(|x| matches!(x, Action::NudgeModerators { .. })),
                features: (a.features(), c.features()),
            });
        }
        steps
    }
}

/// The conversations of `input` in `split`, with their line numbers.
pub fn conversations(
    input: impl BufRead,
    split: Split,
) -> impl Iterator<Item = Result<(usize, Conversation), EvalError>> {
    json_lines(input, move |c: &Conversation| split.contains(c.id.as_ref().map(text_of).as_deref()))
}

/// One conversation's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// It turns abusive.
    pub turns: bool,
    /// The highest forecast (author's or channel's) before the turn.
    pub peak: f32,
    /// keel nudged the moderators before the turn.
    pub nudged: bool,
}

impl Outcome {
    /// The outcome of a conversation from its steps.
    pub fn of(conv: &Conversation, steps: &[Step]) -> Outcome {
        Outcome {
            turns: conv.label == 1,
            peak: steps.iter().map(|s| s.forecast.max(s.channel_forecast)).fold(0.0, f32::max),
            nudged: steps.iter().any(|s| s.nudged),
        }
    }
}

/// Warning rates over a set of conversations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Share of all conversations judged right (warned iff it turns).
    pub accuracy: f64,
    /// Share of warnings that were about a conversation that turns.
    pub precision: f64,
    /// Share of the conversations that turn that were warned about.
    pub recall: f64,
    /// Share of the conversations that stay civil that were warned about.
    pub false_alarms: f64,
}

/// The rates of `warned` over `outcomes`.
pub fn rates(outcomes: &[Outcome], warned: impl Fn(&Outcome) -> bool) -> Rates {
    let mut c = Confusion::default();
    for o in outcomes {
        match (o.turns, warned(o)) {
            (true, true) => c.tp += 1,
            (false, true) => c.fp += 1,
            (false, false) => c.tn += 1,
            (true, false) => c.fn_ += 1,
        }
    }
    Rates {
        accuracy: ratio(c.tp + c.tn, outcomes.len() as u64),
        precision: c.precision(),
        recall: c.recall(),
        false_alarms: ratio(c.fp, c.fp + c.tn),
    }
}

/// ROC-AUC of `peak` separating conversations that turn from those that do
/// not (ties count half); 0.5 when either kind is missing.
pub fn roc_auc(outcomes: &[Outcome]) -> f64 {
    let pos: Vec<f32> = outcomes.iter().filter(|o| o.turns).map(|o| o.peak).collect();
    let neg: Vec<f32> = outcomes.iter().filter(|o| !o.turns).map(|o| o.peak).collect();
    if pos.is_empty() || neg.is_empty() {
        return 0.5;
    }
    let mut wins = 0.0;
    for p in &pos {
        for n in &neg {
            wins += match p.partial_cmp(n) {
                Some(std::cmp::Ordering::Greater) => 1.0,
                Some(std::cmp::Ordering::Equal) => 0.5,
                _ => 0.0,
            };
        }
    }
    wins / (pos.len() * neg.len()) as f64
}

/// What `keel eval --conversations` prints and how.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Which conversations.
    pub split: Split,
    /// The heads-up level (`None`: no forecaster, nudges only).
    pub level: Option<f32>,
    /// Print every judged message's features as JSON Lines instead (for
    /// `tools/train_forecaster.py`).
    pub features: bool,
}

/// Runs `keel eval --conversations` over `input`, writing the report (or
/// the features) to `out`.
pub fn eval(
    runner: &mut Runner<'_>,
    input: impl BufRead,
    options: Options,
    mut out: impl Write,
) -> Result<(), EvalError> {
    let mut outcomes = Vec::new();
    for row in conversations(input, options.split) {
        let (line, conv) = row?;
        let steps = runner.run(&conv, line);
        if options.features {
            let id = conv.id_text(line);
            for (i, s) in steps.iter().enumerate() {
                let row = serde_json::json!({
                    "conversation": id, "label": conv.label, "step": i, "steps": steps.len(),
                    "role": s.role, "nudged": s.nudged, "forecast": s.forecast,
                    "channel_forecast": s.channel_forecast, "author": s.features.0, "channel": s.features.1,
                });
                writeln!(out, "{row}")?;
            }
            continue;
        }
        outcomes.push(Outcome::of(&conv, &steps));
    }
    if options.features {
        return Ok(());
    }
    let turns = outcomes.iter().filter(|o| o.turns).count();
    writeln!(
        out,
        "conversations: {} ({turns} turn abusive, {} stay civil), judged up to the message before the turn (or the last)",
        outcomes.len(),
        outcomes.len() - turns
    )?;
    let line = |r: Rates| {
        format!(
            "accuracy {:.3}  precision {:.3}  recall {:.3}  false alarms {:.3}",
            r.accuracy, r.precision, r.recall, r.false_alarms
        )
    };
    match options.level {
        Some(level) => {
            let r = rates(&outcomes, |o| o.nudged || o.peak >= level);
            writeln!(out, "warned (a nudge, or a forecast at or above {level:.2}): {}", line(r))?;
            writeln!(out, "ROC-AUC of the highest forecast: {:.3}", roc_auc(&outcomes))?;
        }
        None => writeln!(out, "no forecaster ([forecast] enabled = false): nudges only")?,
    }
    writeln!(out, "nudges alone: {}", line(rates(&outcomes, |o| o.nudged)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(line: &str) -> Conversation {
        serde_json::from_str(line).expect("a conversation")
    }

    #[test]
    fn the_judged_stretch_ends_before_the_turn_or_the_last_message() {
        let msgs = r#"[{"author":"a","text":"1"},{"author":1,"text":"2","author_association":"MEMBER"},{"author":"a","text":"3"}]"#;
        let turns = conv(&format!(r#"{{"id":"t","label":1,"derail_index":1,"messages":{msgs}}}"#));
        assert_eq!(turns.judged().len(), 1);
        let civil = conv(&format!(r#"{{"id":"c","label":0,"messages":{msgs}}}"#));
        assert_eq!(civil.judged().len(), 2);
        assert_eq!(civil.messages[1].role(), Role::Staff);
        assert_eq!(civil.messages[0].role(), Role::Customer);
        let last = conv(&format!(r#"{{"label":1,"messages":{msgs}}}"#));
        assert_eq!((last.judged().len(), last.id_text(7)), (2, "line 7".to_string()));
    }

    #[test]
    fn rates_and_roc_auc_count_what_they_say() {
        let o = |turns, peak, nudged| Outcome { turns, peak, nudged };
        let all = [o(true, 0.9, false), o(true, 0.2, true), o(false, 0.5, false), o(false, 0.1, false)];
        let r = rates(&all, |x| x.nudged || x.peak >= 0.4);
        assert_eq!((r.recall, r.false_alarms, r.precision, r.accuracy), (1.0, 0.5, 2.0 / 3.0, 0.75));
        // 0.9 beats both civil peaks, 0.2 beats one: 3 of 4 pairs.
        assert_eq!(roc_auc(&all), 0.75);
        assert_eq!(roc_auc(&all[..2]), 0.5);
    }

    #[test]
    fn a_conversation_warms_its_forecast_and_a_team_reply_counts_as_staff() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let analyzer = Arc::new(Analyzer::new(crate::pack::load_dir(&root.join("phrases")).unwrap()).unwrap());
        let config =
            EngineConfig { forecaster: Some(crate::config::forecast_builtin().model), ..EngineConfig::default() };
        let mut runner = Runner::new(analyzer, &config, None);
        let c = conv(
            r#"{"id":"x","label":1,"messages":[
            {"author":"c","text":"hi, my order 1234 has not arrived"},
            {"author":"s","text":"sorry about that, checking now","role":"staff"},
            {"author":"c","text":"this is the third time I ask. why did you not send it??"},
            {"author":"c","text":"you people are useless"},
            {"author":"c","text":"last"}]}"#,
        );
        let steps = runner.run(&c, 1);
        assert_eq!(steps.len(), 4);
        assert_eq!(steps[1].role, Role::Staff);
        assert_eq!(steps[1].forecast, 0.0, "the team's own conversation is not forecast");
        assert!(steps[3].channel_forecast > steps[0].channel_forecast, "{steps:?}");
    }
}
