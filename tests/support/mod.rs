//! Shared helpers for keel's integration tests; include with `mod support;`.
//!
//! Each integration test file is its own crate and uses only part of this module, so
//! dead-code warnings are silenced here rather than in every test file.
#![allow(dead_code)]

pub mod binary;
pub mod fake_discord;
pub mod harness;
