//! The forecast's model: logistic regression over a conversation's features.

use super::ForecastState;

/// How many features a model weighs.
pub(super) const FEATURES: usize = 12;

/// The features' names, in the order of [`ForecastState::features`] (the
/// model file names its weights with them).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "last",
    "mean",
    "peak",
    "rise",
    "frustration",
    "opener",
    "question",
    "civility",
    "shouting",
    "team_share",
    "after_team",
    "calm_after_team",
];

/// A trained forecaster: `forecast = sigmoid(bias + Σ weight·feature)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastModel {
    weights: [f32; FEATURES],
    bias: f32,
}

/// Why a set of weights cannot make a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// A weight names no feature.
    #[error("`{0}` is not a forecast feature (known: {known})", known = FEATURE_NAMES.join(", "))]
    Unknown(String),
    /// A feature has no weight.
    #[error("no weight for the feature `{0}`")]
    Missing(&'static str),
    /// A weight is not a finite number.
    #[error("the weight of `{0}` is not a finite number")]
    NotFinite(String),
}

impl ForecastModel {
    /// A model from named weights and a bias; every feature needs a weight.
    pub fn new<'a>(weights: impl IntoIterator<Item = (&'a str, f32)>, bias: f32) -> Result<ForecastModel, ModelError> {
        let mut w = [f32::NAN; FEATURES];
        for (name, value) in weights {
            let i = FEATURE_NAMES.iter().position(|n| *n == name).ok_or_else(|| ModelError::Unknown(name.into()))?;
            if !value.is_finite() {
                return Err(ModelError::NotFinite(name.into()));
            }
            w[i] = value;
        }
        if let Some(i) = w.iter().position(|x| x.is_nan()) {
            return Err(ModelError::Missing(FEATURE_NAMES[i]));
        }
        if !bias.is_finite() {
            return Err(ModelError::NotFinite("bias".into()));
        }
        Ok(ForecastModel { weights: w, bias })
    }

    /// The chance, 0–1, that the conversation turns abusive within the next
    /// few messages. A conversation without a customer message has none.
    pub fn forecast(&self, state: &ForecastState) -> f32 {
        if state.customer_messages() == 0 {
            return 0.0;
        }
        let z = state.features().iter().zip(&self.weights).fold(self.bias, |z, (x, w)| z + x * w);
        let z = z.clamp(-30.0, 30.0);
        1.0 / (1.0 + (-z).exp())
    }
}
