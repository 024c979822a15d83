//! The case database: one SQLite file per case holding the object tree
//! (evidence → volume → file system → file), typed detail tables, byte runs,
//! hash-set matches, tags, notes, examiners, problems, and the custody log.
//!
//! # Brief overview
//! 1. [`Case::create`] and [`Case::open`] open the database (WAL, foreign keys
//!    on) and bring its schema up to date with numbered migrations
//!    ([`SCHEMA_VERSION`]).
//! 2. Every change an examiner makes (adding evidence, tagging, a note, each
//!    ingest batch) is written together with a [`custody`] entry **in the same
//!    transaction**. The custody log is append-only (SQL triggers refuse
//!    `UPDATE` and `DELETE`) and hash-chained with BLAKE3; entries may be
//!    signed with the examiner's Ed25519 key ([`keys`]).
//! 3. [`ingest::add_evidence`] registers evidence (all four digests on intake)
//!    and walks partitions, file systems and files in batched, resumable
//!    transactions.
//! 4. [`verify::verify_case`] re-walks the chain, checks signatures and
//!    re-hashes the evidence, naming the first entry or evidence that fails.
//! 5. A case shared by several examiners and workers can live in PostgreSQL
//!    instead ([`pg::PgCase`]): the same tables, written through
//!    [`backend::CaseStore`] with dialect-neutral SQL, custody appends
//!    serialised by an advisory lock.
//!
//! All SQL of the suite lives in this module. Time comes from a [`Clock`]
//! the caller passes in: the core never reads the wall clock.

mod acquisition;
pub mod annotate;
pub mod backend;
mod canonical;
pub mod crypt;
pub mod custody;
pub(crate) mod dump;
pub mod export;
mod glob;
mod gui_query;
pub mod ingest;
pub mod keys;
pub mod merge;
pub mod pg;
pub mod query;
mod read_rows;
pub mod report_files;
pub mod report_query;
mod schema;
mod search_query;
pub mod stage_query;
mod store;
pub mod verify;

use std::path::{Path, PathBuf};

pub use canonical::canonical_json;
pub use crypt::{MIN_PASSPHRASE_CHARS, PASSPHRASE_ENV, Passphrase, is_encrypted};
pub use custody::CustodyEntry;
pub use gui_query::{ContentRun, FileListQuery, FileListRow, FileLocation, FileScope, FolderRow};
pub use query::{FileQuery, FileRow, NoteRow, ProblemRow};
pub use report_files::{HashMatchRow, ReportByteRun, ReportFile, ReportTimes};
pub use report_query::{EvidenceRow, FileSystemRow, TagRow, VolumeRow};
pub use schema::SCHEMA_VERSION;
pub use search_query::{MAX_NOTE_LABEL_CHARS, SearchHit, SearchHits, SearchResults};
pub use stage_query::{CarvedRow, FeatureCount};
pub use store::{Case, CaseInfo, ObjectKind};

pub use crate::time::{Clock, SteppingClock};
use keys::SigningKey;

/// Who acts on the case, from where, with which command, at what time: the
/// facts written into every custody entry.
pub struct Session {
    /// The examiner's name, recorded for every action.
    pub examiner: String,
    /// The command line that caused the actions (empty for library callers
    /// that have none).
    pub command_line: Vec<String>,
    /// The host name of the machine.
    pub host: String,
    /// The clock entries are stamped with.
    pub clock: Box<dyn Clock>,
    /// The examiner's signing key, when entries are to be signed.
    pub signing_key: Option<SigningKey>,
}

impl Session {
    /// A session of `examiner` with `clock`, no command line, host or key.
    pub fn new(examiner: impl Into<String>, clock: Box<dyn Clock>) -> Self {
        Self {
            examiner: examiner.into(),
            command_line: Vec::new(),
            host: String::new(),
            clock,
            signing_key: None,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("examiner", &self.examiner)
            .field("command_line", &self.command_line)
            .field("host", &self.host)
            .field("key_id", &self.signing_key.as_ref().map(SigningKey::key_id))
            .finish()
    }
}

/// Errors of the case database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SQLite failed.
    #[error("case database {}: {source}", path.display())]
    Sqlite {
        /// The case file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file could not be created, read or written.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// `create` was asked to overwrite an existing file.
    #[error("{} already exists; a case is never overwritten", .0.display())]
    AlreadyExists(PathBuf),
    /// The file is not a case database of ours, or is of a newer schema.
    #[error("{} is not a usable case database: {what}", path.display())]
    NotACase {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// A change was asked for without a session (examiner and clock).
    #[error("changing a case needs an examiner (--examiner or FORENSICS_EXAMINER)")]
    NoSession,
    /// Input given by the caller is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// An object, evidence item or entry does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A key file is missing, malformed or unusable.
    #[error("key {}: {what}", path.display())]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Opening or reading evidence failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// Hashing evidence failed.
    #[error(transparent)]
    Hash(#[from] crate::hash::Error),
    /// PostgreSQL failed (the location never shows a password).
    #[error("case store {location}: {source}")]
    Postgres {
        /// The database, as `postgres://user@host:port/db`.
        location: String,
        /// The PostgreSQL error.
        #[source]
        source: postgres::Error,
    },
    /// A PostgreSQL database that cannot take a new case.
    #[error("{location} cannot hold a new case: {what}")]
    StoreNotEmpty {
        /// The database, as `postgres://user@host:port/db`.
        location: String,
        /// What it holds.
        what: String,
    },
    /// The caller cancelled the work; what was committed stays consistent.
    #[error("cancelled; run the same command again to resume")]
    Cancelled,
}

impl Error {
    /// Wraps a SQLite error with the case path.
    pub(crate) fn sqlite(path: &Path) -> impl FnOnce(rusqlite::Error) -> Self + '_ {
        move |source| Self::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl Error {
    /// Wraps a PostgreSQL error with the database's location.
    pub(crate) fn postgres(location: &str) -> impl FnOnce(postgres::Error) -> Self + '_ {
        move |source| Self::Postgres {
            location: location.to_string(),
            source,
        }
    }
}

/// `Result` with the case [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
