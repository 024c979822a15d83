//! Hash sets: lists of digests of known files (NIST NSRL: known-good, to filter
//! out) or notable files (Project VIC / CAID, malware: known-bad, to flag).
//!
//! # Brief overview
//! 1. [`import_file`] reads one source list into a [`SetBuilder`]; the format
//!    is detected from content ([`SetFormat`]): NSRL RDS v3 (SQLite), VICS
//!    JSON, hashdeep, md5sum/sha1sum/sha256sum/b3sum (plain and BSD-tag
//!    style) and EnCase-style plain lists (one hex digest per line). A
//!    malformed line or record is an error naming the file and the line or
//!    record number; nothing is skipped in silence.
//! 2. [`SetBuilder::write_fhs`] sorts and deduplicates the digests and writes
//!    our `.fhs` file (format below).
//! 3. [`DigestSet::open`] maps an `.fhs` file read-only, checks it (trailer
//!    digest, sorted tables, bounds) and answers lookups by binary search;
//!    [`DigestSet::lookup`] names the set, its kind and the category.
//!
//! # The `.fhs` format (version 1, little-endian)
//! ```text
//! magic        8 bytes  "FHSET\0\r\n"
//! version      u32      1
//! kind         u8       1 = known, 2 = notable
//! reserved     3 bytes  zero
//! name         u32 length + UTF-8 bytes
//! categories   u32 count, then per category u32 length + UTF-8 bytes (sorted)
//! tables       u32 count, then per table:
//!                u8 algorithm (1 md5, 2 sha1, 3 sha256, 4 blake3),
//!                u8 has_categories (0/1), 6 reserved zero bytes, u64 count,
//!                count digests (strictly ascending, fixed length),
//!                if has_categories: count u32 category indexes
//! trailer      32 bytes BLAKE3 of everything before it
//! ```
//! Ten million SHA-1 digests take 200 MB (plus 40 MB of category indexes),
//! and lookups touch only the pages a binary search visits.

mod builder;
mod fhs;
mod fhs_reader;
mod import;
mod lists;
mod nsrl;
mod vics;

use std::path::PathBuf;

use serde::Serialize;

pub use builder::{ImportSummary, SetBuilder};
pub use fhs::{DigestSet, SetMatch, TableInfo};
pub use import::{ImportOptions, SetFormat, detect_format, import_file};
pub use lists::{ListEntry, read_list};

/// Upper limit on the distinct categories of one set.
pub const MAX_CATEGORIES: usize = 65_536;
/// Upper limit on a set or category name, in bytes.
pub const MAX_NAME_BYTES: usize = 4096;
/// Upper limit on one line of a text list, in bytes.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Whether a set lists files to ignore or files to flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SetKind {
    /// Known-good files (NSRL): matches can be filtered out.
    Known,
    /// Known-bad or notable files (Project VIC, malware): matches are flagged.
    Notable,
}

impl SetKind {
    /// `known` or `notable`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Known => "known",
            Self::Notable => "notable",
        }
    }
}

/// Errors of reading, building or opening hash sets.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused or failed a read or write.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A line of a text list is not what its format requires.
    #[error("{}: line {line}: {what}", path.display())]
    MalformedLine {
        /// The list file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// What is wrong.
        what: String,
    },
    /// A record of a structured list (VICS JSON media, NSRL row) is malformed.
    #[error("{}: record {record}: {what}", path.display())]
    MalformedRecord {
        /// The list file.
        path: PathBuf,
        /// 1-based record number.
        record: u64,
        /// What is wrong.
        what: String,
    },
    /// The JSON itself is malformed.
    #[error("{}: invalid VICS JSON: {source}", path.display())]
    Json {
        /// The JSON file.
        path: PathBuf,
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The SQLite database could not be read.
    #[error("{}: cannot read the NSRL database: {source}", path.display())]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// An `.fhs` file is not valid.
    #[error("{} is not a valid .fhs hash set: {what}", path.display())]
    InvalidSetFile {
        /// The `.fhs` file.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// The format of a list could not be recognised.
    #[error("{}: unrecognised hash list format: {what}", path.display())]
    UnknownFormat {
        /// The list file.
        path: PathBuf,
        /// Why no format fits.
        what: String,
    },
    /// A quantity exceeds a safety limit.
    #[error("{}: {what} exceeds the limit of {limit}", path.display())]
    LimitExceeded {
        /// The file involved.
        path: PathBuf,
        /// The quantity.
        what: String,
        /// The largest value accepted.
        limit: u64,
    },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn line(path: impl Into<PathBuf>, line: u64, what: impl Into<String>) -> Self {
        Self::MalformedLine {
            path: path.into(),
            line,
            what: what.into(),
        }
    }

    pub(crate) fn record(path: impl Into<PathBuf>, record: u64, what: impl Into<String>) -> Self {
        Self::MalformedRecord {
            path: path.into(),
            record,
            what: what.into(),
        }
    }

    pub(crate) fn invalid(path: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        Self::InvalidSetFile {
            path: path.into(),
            what: what.into(),
        }
    }
}
