//! The crate-wide error: each layer's error wrapped, one `Result` alias.

/// Any error of `forensics-core`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or recognising evidence failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// Reading a file system failed.
    #[error(transparent)]
    Fs(#[from] crate::fs::Error),
    /// Hashing failed.
    #[error(transparent)]
    Hash(#[from] crate::hash::Error),
    /// A hash set could not be read, built or matched.
    #[error(transparent)]
    HashSet(#[from] crate::hash::sets::Error),
}

/// `Result` with the crate-wide [`Error`] as default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
