//! Layer 2: MD5, SHA-1, SHA-256 and BLAKE3 from one read of the data,
//! piecewise hashes, hash sets and audits.
//!
//! # Brief overview
//! 1. [`hash_source`], [`hash_range`] and [`hash_runs`] read the data once and
//!    compute any subset ([`AlgorithmSet`]) of the four digests
//!    ([`Digests`]). With more than one thread ([`HashOptions::threads`]) a
//!    reader thread hands the same immutable blocks — slices of the memory map
//!    for raw images, pooled buffers otherwise — to one worker per group of
//!    algorithms. MD5 cannot be split, so on two cores its thread bounds the
//!    pipeline and the other three digests share the second core.
//! 2. Piecewise hashes ([`HashOptions::piecewise_len_bytes`], like dc3dd's
//!    hash windows) come from the same pass and reach the caller's
//!    [`HashSink`] in window order, together with progress.
//! 3. [`sets`]: hash sets (NSRL RDS, hashdeep, md5sum-style and plain lists,
//!    VICS JSON) imported into a compact sorted file (`.fhs`) and matched.
//! 4. [`audit`]: compare a directory tree with a hash list, like
//!    `hashdeep -a -k`.
//!
//! Computing piecewise hashes doubles the hashing work (every byte feeds the
//! total and its window), as in dc3dd.
//!
//! # Example
//! ```
//! use std::sync::atomic::AtomicBool;
//! use forensics_core::evidence::MemorySource;
//! use forensics_core::hash::{self, HashOptions, NoSink};
//!
//! let media = MemorySource::new(b"abc".to_vec());
//! let digests = hash::hash_source(&media, &HashOptions::default(), &mut NoSink, &AtomicBool::new(false))
//!     .expect("in-memory hashing does not fail");
//! assert_eq!(digests.md5_hex().as_deref(), Some("900150983cd24fb0d6963f7d28e17f72"));
//! ```

mod algorithm;
pub mod audit;
mod blocks;
mod engine;
mod lane;
mod pipeline;
pub mod sets;
pub mod verify;

pub use algorithm::{Algorithm, AlgorithmSet, Digests, UnknownAlgorithm, from_hex, to_hex};
pub(crate) use engine::plan_lanes;
pub use engine::{
    BLOCK_LEN_BYTES, ByteRun, HashOptions, HashSink, NoSink, Piece, hash_range, hash_runs,
    hash_source,
};
pub(crate) use lane::MultiHasher;

/// Errors of the hashing engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the evidence failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// The caller set the cancel flag.
    #[error("hashing was cancelled")]
    Cancelled,
    /// No algorithm was selected.
    #[error("no digest algorithm selected")]
    NoAlgorithm,
    /// The byte runs add up to more than 2^64 bytes.
    #[error("the byte runs add up to more than 2^64 bytes")]
    RunsTooLong,
}
