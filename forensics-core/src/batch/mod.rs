//! Batch ingest in three steps that run on one machine or many (DESIGN.md,
//! "Ingest: plan, run units, merge"):
//!
//! 1. [`plan`]: open each evidence item, hash it once, read its layout and
//!    write a manifest of [`Unit`]s (JSON Lines; a unit's id is the SHA-256
//!    of its canonical JSON).
//! 2. [`run_unit`]: a worker ingests one unit's share into a shard (a case
//!    file of its own) and leaves a [`DoneRecord`]; it never opens the case.
//!    Any scheduler can run the workers: a local pool ([`run_all`],
//!    [`ingest_local`]), a Slurm job array ([`slurm`]), a Kubernetes Indexed
//!    Job ([`kubernetes`]).
//! 3. [`merge`]: one writer copies the shards into the case store (SQLite or
//!    PostgreSQL) in manifest order, one transaction and custody entry per
//!    unit; merged units are recorded, so merging again is a no-op and a
//!    unit without its done record is simply waited for.
//!
//! Walks are cut per volume and scans per range of whole scanner pages, so
//! the merged case holds the same rows as one `case add`; carving stays one
//! unit per evidence item, because gap carving needs all of the unallocated
//! space at once. [`normalised_dump`] prints a case without its surrogate
//! keys and custody log, to compare cases made either way.

pub mod kubernetes;
mod local;
mod merge;
mod plan;
mod run;
pub mod slurm;
mod unit;

use std::path::PathBuf;

pub use crate::case::dump::normalised_dump;
pub use local::{LocalSummary, SessionMaker, ingest_local, run_all};
pub use merge::{MergeSummary, UnitState, merge, status};
pub use plan::{PlanOptions, Split, parse_byte_count, plan};
pub use run::{DoneRecord, RunOutcome, UnitFiles, read_done, run_unit};
pub use unit::{Scope, StageOptions, Unit, parse_manifest, read_manifest, write_manifest};

/// Errors of planning, running and merging units.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A manifest line is not a valid unit.
    #[error("{} line {line}: {what}", path.display())]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// The line, from 1.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// A unit could not be run or merged.
    #[error("unit {unit_id}: {what}")]
    Unit {
        /// The unit.
        unit_id: String,
        /// What went wrong.
        what: String,
    },
    /// The case or a shard failed.
    #[error(transparent)]
    Case(#[from] crate::case::Error),
    /// Opening evidence failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// Hashing evidence failed.
    #[error(transparent)]
    Hash(#[from] crate::hash::Error),
}

/// `Result` with the batch [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
