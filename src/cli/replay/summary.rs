//! The text format's summary: what a replay saw and what keel did.

use super::text::duration;
use crate::core::engine::{Decision, Message};
use crate::core::ids::{ChannelId, MemberId};
use crate::core::policy::Action;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

/// Counts of a replay, for its summary.
#[derive(Debug, Default)]
pub(super) struct Tally {
    messages: u64,
    from_customers: u64,
    /// (channel, customer) pairs seen.
    conversations: HashSet<(ChannelId, MemberId)>,
    channels: HashSet<ChannelId>,
    /// Nudges per script.
    nudges: BTreeMap<String, u64>,
    choices: u64,
    /// Boundary messages per tier (1 to 3).
    boundaries: [u64; 3],
    timeouts: u64,
    timed_out_secs: u64,
    escalations: u64,
}

impl Tally {
    /// Counts one judged message.
    pub(super) fn count(&mut self, msg: &Message<'_>, d: &Decision) {
        self.messages += 1;
        self.channels.insert(msg.channel);
        if !msg.role.is_team() {
            self.from_customers += 1;
            self.conversations.insert((msg.channel, msg.author));
        }
        for act in &d.actions {
            match act {
                Action::NudgeModerators { script, .. } => *self.nudges.entry(script.clone()).or_default() += 1,
                Action::OfferChoices { .. } => self.choices += 1,
                Action::Boundary { tier, .. } => {
                    let i = usize::from(tier.clamp(&1, &3) - 1);
                    self.boundaries[i] += 1;
                }
                Action::Timeout { seconds } => {
                    self.timeouts += 1;
                    self.timed_out_secs += seconds;
                }
                Action::Escalate => self.escalations += 1,
            }
        }
    }

    /// Writes the summary, with `malformed` lines skipped.
    pub(super) fn write(&self, malformed: u64, mut out: impl Write) -> std::io::Result<()> {
        let nudges: u64 = self.nudges.values().sum();
        let boundaries: u64 = self.boundaries.iter().sum();
        writeln!(out)?;
        writeln!(
            out,
            "summary: {} message(s) read ({} from customers, {} from the team), {} conversation(s) in {} channel(s)",
            self.messages,
            self.from_customers,
            self.messages - self.from_customers,
            self.conversations.len(),
            self.channels.len(),
        )?;
        let per_script: Vec<String> = self.nudges.iter().map(|(s, n)| format!("{s} {n}")).collect();
        writeln!(out, "  nudges       {nudges}{}", parens(&per_script.join(", ")))?;
        writeln!(out, "  choices      {}", self.choices)?;
        let [t1, t2, t3] = self.boundaries;
        let tiers = if boundaries == 0 { String::new() } else { format!("tier 1: {t1}, tier 2: {t2}, tier 3: {t3}") };
        writeln!(out, "  boundaries   {boundaries}{}", parens(&tiers))?;
        let total =
            if self.timeouts == 0 { String::new() } else { format!("{} in all", duration(self.timed_out_secs)) };
        writeln!(out, "  timeouts     {}{}", self.timeouts, parens(&total))?;
        writeln!(out, "  escalations  {}", self.escalations)?;
        if malformed > 0 {
            writeln!(out, "  skipped      {malformed} malformed line(s), reported on stderr")?;
        }
        Ok(())
    }
}

/// ` (s)`, or nothing when `s` is empty.
fn parens(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" ({s})")
    }
}
