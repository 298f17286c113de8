//! Forecasting: the chance that a conversation turns abusive within the
//! next few messages, updated with every message (issue 14).
//!
//! Heat ([`crate::core::escalation`]) says how hot a conversation *is*; the
//! forecast says where it is *going*, before the first insult. It reads the
//! weak signals that research on conversations gone awry found to lean
//! towards derailment or civility (Zhang et al., ACL 2018: direct
//! questions and sentences opening with "you" lean towards derailment;
//! greetings, gratitude and hedges towards civility), the reader's soft
//! probabilities below the hostile cut and their trend, frustration and
//! repetition, and how a customer answers a team reply.
//!
//! Three small parts, each pure and allocation-free:
//!
//! - `cues`: what one analysed message says ([`Cues`]), read through the
//!   pack's categories ([`CueCategories`]).
//! - `state`: what a conversation remembers of them ([`ForecastState`], a
//!   fixed-size value in each tracked conversation) and the features it
//!   gives ([`ForecastState::features`]).
//! - `model`: a logistic model over those features ([`ForecastModel`]),
//!   trained by `tools/train_forecaster.py` on message sequences; its
//!   weights are data, loaded above the core.
//!
//! A forecast never gives a strike, a boundary or a timeout: it is a heads-up.

mod cues;
mod model;
mod state;

pub use cues::{CueCategories, Cues};
pub use model::{ForecastModel, ModelError, FEATURE_NAMES};
pub use state::ForecastState;

#[cfg(test)]
mod tests;
