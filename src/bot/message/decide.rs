//! Step 2: the engine decides, under its one lock, during the message's turn.
//!
//! Synchronous and free of Discord: give it an engine and a [`Prepared`]
//! message and it returns the [`Judgement`].

use crate::bot::message::prepare::Prepared;
use crate::core::engine::{Decision, Engine, Message as CoreMessage};

/// What the engine made of a message.
#[derive(Debug, Clone, Default)]
pub struct Judgement {
    /// The engine's decision: analysis, levels, actions.
    pub decision: Decision,
    /// The conversation's recent scores, oldest first (for the nudge's sparkline).
    pub recent: Vec<f32>,
    /// How long an earlier nudge is edited rather than a new one posted (ms).
    pub nudge_cooldown_ms: i64,
}

/// Judges a prepared message: seeds the strikes stored before (if any),
/// then lets the engine process the message with the context reader's reading.
pub fn decide(engine: &mut Engine, p: &Prepared<'_>) -> Judgement {
    let author_name = format!("<@{}>", p.author);
    let channel_name = format!("#{}", p.channel_name);
    let core = CoreMessage {
        ts_ms: p.at_ms,
        channel: p.channel,
        author: p.author,
        role: p.role,
        text: p.text,
        author_name: &author_name,
        channel_name: &channel_name,
    };
    if let Some(strikes) = &p.stored_strikes {
        let times: Vec<i64> = strikes.iter().map(|s| s.at_ms).collect();
        if engine.seed_strikes(p.at_ms, p.channel, p.author, &times) && !times.is_empty() {
            tracing::info!(
                guild = p.guild.id,
                member = p.author.get(),
                strikes = times.len(),
                "strikes remembered from before"
            );
        }
    }
    let mut decision = Decision::default();
    engine.process_read_into(&core, p.reading.clone(), &mut decision);
    let recent = engine.tracker().recent_scores(p.channel, p.author);
    Judgement { decision, recent, nudge_cooldown_ms: engine.policy().nudge.cooldown_secs as i64 * 1000 }
}
