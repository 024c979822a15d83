//! `corpus`: deterministic evidence images with answer keys.
//!
//! Every scenario is built from a seed: the same seed gives byte-identical
//! images and keys.

pub mod digest;
pub mod error;
pub mod fat;
pub mod features;
pub mod formats;
pub mod key;
pub mod output;
pub mod pack;
pub mod rng;
pub mod scenario;
pub mod score;
pub mod sink;
pub mod words;

pub use error::{Error, Result};
pub use key::AnswerKey;
pub use output::OutputFormat;
pub use scenario::{ScenarioOptions, generate, scenarios};
