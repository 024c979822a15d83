//! Errors of the generator and the scorer.

use std::path::PathBuf;

/// What went wrong while generating, packing or scoring.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No scenario has this name.
    #[error("unknown scenario `{0}` (see `corpus list`)")]
    UnknownScenario(String),
    /// An option cannot be satisfied.
    #[error("invalid option: {0}")]
    InvalidOption(String),
    /// An external tool a scenario needs is not installed (the message
    /// names it).
    #[error("{0}")]
    ToolMissing(String),
    /// An external tool a scenario runs failed.
    #[error("{tool} failed: {message}")]
    ToolFailed {
        /// The tool.
        tool: String,
        /// Exit status and first line of its error output.
        message: String,
    },
    /// A key or findings file could not be parsed.
    #[error("cannot parse {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
