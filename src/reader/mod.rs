//! The context reader's runtime: the sentence model loaded from its files
//! and run on candle.
//!
//! This is the impure half of the reader described in
//! [`crate::core::context`]: it reads the base model a tensor at a time
//! (`tensor_file`), keeps its word table in half precision (`embeddings`),
//! merges keel's adapter into the rest (`adapter`), and reads normalized
//! text in windows (`model`). The core never names it: [`ContextReader`] implements the core's
//! [`Reader`] trait, and what the core receives is a [`Reading`] as plain
//! data. `tiny` makes a small random model with the same file layout for
//! tests. [`first_stage`] is the fast hashed n-gram reader of issue 13,
//! pure Rust; [`StagedReader`] puts it in front of the transformer (which
//! then reads only the messages it is unsure of), or reads with it alone.
//!
//! May import: `crate::core` (the analysis, the blend, the reader trait),
//! the standard library's files, candle and tokenizers (its tests also load
//! the default pack through `crate::pack`). Nothing in the core imports
//! this module.
//!
//! [`Reading`]: crate::core::context::Reading

mod adapter;
mod embeddings;
pub mod first_stage;
mod model;
mod staged;
mod tensor_file;

pub use model::{ContextReader, ReaderFiles};
pub use staged::{StagedError, StagedReader};

use crate::core::context::{Blend, Reader};
use std::path::PathBuf;

impl Reader for ContextReader {
    fn probability(&self, normalized: &str) -> Result<f32, String> {
        self.read(normalized).map_err(|e| e.to_string())
    }

    fn blend(&self) -> &Blend {
        ContextReader::blend(self)
    }
}

/// Why the context reader could not be loaded or could not read a message.
#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    /// A file the reader needs is not there.
    #[error("{path}: not found ({hint})")]
    Missing {
        /// The missing file.
        path: PathBuf,
        /// How to get it.
        hint: &'static str,
    },
    /// A file is there but could not be read as what it should be.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The adapter does not fit the base model.
    #[error("{path}: tensor `{key}`: {message}")]
    Adapter {
        /// The adapter file.
        path: PathBuf,
        /// The tensor concerned.
        key: String,
        /// What does not fit.
        message: String,
    },
    /// A tensor file could not be read.
    #[error(transparent)]
    Tensors(#[from] tensor_file::TensorFileError),
    /// The model failed while reading a message.
    #[error("context reader: {0}")]
    Inference(String),
    /// The first stage's file is there but broken.
    #[error(transparent)]
    FirstStage(#[from] first_stage::FirstStageError),
    /// The two stages do not fit together.
    #[error(transparent)]
    Staged(#[from] StagedError),
}

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod tiny;
