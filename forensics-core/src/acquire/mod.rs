//! Acquisition: image a block device or a file to raw or E01, computing
//! MD5, SHA-1, SHA-256 and BLAKE3 in the same read, surviving read errors,
//! verifying the written image and writing a log.
//!
//! # Brief overview
//! 1. The source ([`AcquireSource`]: [`FileSource`] opens a device or file
//!    read-only) is read once, in large blocks, by a [`SourceReader`]: a
//!    failing block is retried, then read sector by sector; unreadable
//!    sectors become zeros and [`BadRange`]s, and the acquisition goes on.
//! 2. Every block goes, shared, to the hashing lanes and to the output
//!    thread, which writes raw segments or E01 (chunks compressed over the
//!    cores by [`EwfWriter`](crate::evidence::ewf::EwfWriter), bad ranges in
//!    its `error2` section, the stored MD5 and SHA-1 from the same pass).
//! 3. Files are written into a staging directory `NAME.partial`; the written
//!    image is re-opened with [`crate::evidence::open`] and its digests
//!    compared; only then are the files moved into place. A cancelled or
//!    failed acquisition leaves the staging directory with an
//!    [`INCOMPLETE_MARKER`] file, never an image that looks complete.
//! 4. A plain-text log ([`log_text`]) records source, destination, times
//!    (from the caller's [`Clock`]: the core reads no wall clock), digests,
//!    bad ranges, the verification and [`crate::TOOL_VERSION`].

mod finish;
mod log;
mod output;
mod reader;
mod run;
mod source;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use crate::time::{Clock, FixedClock};
pub use finish::acquire;
pub use log::log_text;
pub use output::INCOMPLETE_MARKER;
pub use reader::{BadRange, SourceReader};
pub use source::{AcquireSource, Fault, FaultySource, FileSource, MemoryAcquireSource};

use crate::evidence::ewf::{EwfCompression, EwfWriteError};
use crate::hash::Digests;
use crate::time::Timestamp;

/// The image format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageFormat {
    /// Raw bytes (`dd` image), optionally split into `.001`, `.002`, …
    Raw,
    /// Expert Witness Format, EnCase 6 layout.
    #[default]
    E01,
}

/// The examiner's description of the evidence, stored in the E01 header
/// and written to the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AcquireMetadata {
    /// Case number.
    pub case_number: String,
    /// Evidence number.
    pub evidence_number: String,
    /// Examiner name.
    pub examiner: String,
    /// Description of the evidence.
    pub description: String,
    /// Notes.
    pub notes: String,
}

/// How to acquire.
#[derive(Debug, Clone)]
pub struct AcquireOptions {
    /// Raw or E01.
    pub format: ImageFormat,
    /// Largest size of one image file in bytes (`None`: raw in one file,
    /// E01 in 1.4 GiB segments).
    pub segment_size_bytes: Option<u64>,
    /// E01 chunk compression.
    pub compression: EwfCompression,
    /// Metadata for the E01 header and the log.
    pub metadata: AcquireMetadata,
    /// Extra tries of a failing read before reading sector by sector.
    pub read_retries: u32,
    /// Sector size of the source in bytes: the unit of zero-filling.
    pub sector_size_bytes: u32,
    /// Bytes read per block (a multiple of the sector size and of 32 KiB).
    pub block_len_bytes: usize,
    /// Threads for hashing (0 = one per core).
    pub threads: usize,
    /// Re-read the written image and compare its digests.
    pub verify: bool,
    /// Where the log goes (default: beside the image, `FIRST_FILE.log`).
    pub log_path: Option<PathBuf>,
    /// The command line, recorded in the log when given.
    pub command_line: Option<String>,
}

impl Default for AcquireOptions {
    fn default() -> Self {
        Self {
            format: ImageFormat::E01,
            segment_size_bytes: None,
            compression: EwfCompression::Fast,
            metadata: AcquireMetadata::default(),
            read_retries: 2,
            sector_size_bytes: 512,
            block_len_bytes: crate::hash::BLOCK_LEN_BYTES,
            threads: 0,
            verify: true,
            log_path: None,
            command_line: None,
        }
    }
}

/// Receives progress, on the calling thread.
pub trait AcquireProgress {
    /// `bytes_done` of `bytes_total` have been read from the source.
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        let _ = (bytes_done, bytes_total);
    }

    /// A range could not be read and was zero-filled.
    fn bad_range(&mut self, range: &BadRange) {
        let _ = range;
    }

    /// `bytes_done` of `bytes_total` of the written image have been re-read.
    fn verifying(&mut self, bytes_done: u64, bytes_total: u64) {
        let _ = (bytes_done, bytes_total);
    }
}

/// Progress that goes nowhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl AcquireProgress for NoProgress {}

/// Whether the acquisition finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AcquireStatus {
    /// Every byte was read (bad ranges zero-filled), written and verified;
    /// the image files are in place.
    Complete,
    /// Stopped early (cancelled, or verification failed): the files stay in
    /// the `.partial` staging directory with an [`INCOMPLETE_MARKER`].
    Incomplete {
        /// Why.
        reason: String,
    },
}

/// The result of re-reading the written image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Media bytes of the image re-read and hashed.
    pub bytes_read: u64,
    /// The digests of the image's first `bytes_read` bytes.
    pub digests: Digests,
    /// Whether they equal the acquisition digests.
    pub matches: bool,
    /// E01: whether the MD5 and SHA-1 stored in the image equal those the
    /// writer wrote (false for raw, which stores none).
    pub stored_hashes_match: bool,
    /// What differs, when something does.
    pub detail: String,
}

/// What an acquisition did.
#[derive(Debug, Clone)]
pub struct AcquireReport {
    /// Complete, or incomplete and why.
    pub status: AcquireStatus,
    /// The source as the log names it.
    pub source: String,
    /// Whether the source is a device.
    pub source_is_device: bool,
    /// Length of the source in bytes.
    pub source_len_bytes: u64,
    /// Sector size used for zero-filling.
    pub sector_size_bytes: u32,
    /// Bytes read (or zero-filled) and written.
    pub bytes_done: u64,
    /// Format, compression and segment size, in words.
    pub format_description: String,
    /// Metadata as `(label, value)` in log order.
    pub metadata: Vec<(String, String)>,
    /// When reading started.
    pub started: Timestamp,
    /// When everything was done.
    pub finished: Timestamp,
    /// The four digests of the source as read.
    pub digests: Digests,
    /// Unreadable ranges, zero-filled, ascending.
    pub bad_ranges: Vec<BadRange>,
    /// The image files (in place when complete; in the staging directory
    /// otherwise).
    pub image_files: Vec<PathBuf>,
    /// The staging directory left behind by an incomplete acquisition.
    pub partial_dir: Option<PathBuf>,
    /// The log file.
    pub log_path: PathBuf,
    /// Re-reading the image, when done.
    pub verification: Option<Verification>,
    /// Set when the E01 media was padded to a whole sector.
    pub padding_note: Option<String>,
}

/// Errors of an acquisition.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AcquireError {
    /// The source cannot be opened or sized.
    #[error("cannot read source {}: {source}", path.display())]
    Source {
        /// The source path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Writing an image file, the log or the staging directory failed.
    #[error("cannot write {}: {source}", path.display())]
    Destination {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The destination (or a staging directory of an earlier attempt) exists.
    #[error("{} already exists; refusing to overwrite", path.display())]
    DestinationExists {
        /// The existing path.
        path: PathBuf,
    },
    /// The E01 writer failed.
    #[error(transparent)]
    Ewf(#[from] EwfWriteError),
    /// A raw image needs more segments than `.001`–`.999`.
    #[error("the raw image needs more than {limit} segment files; raise the segment size")]
    TooManySegments {
        /// The highest segment number.
        limit: u32,
    },
    /// An option is out of range.
    #[error("invalid acquisition option: {what}")]
    InvalidOption {
        /// Which option and why.
        what: String,
    },
    /// Re-opening the written image failed.
    #[error("cannot re-open the written image for verification: {0}")]
    Reopen(#[from] crate::evidence::Error),
    /// Hashing the written image failed.
    #[error("cannot re-read the written image for verification: {0}")]
    Rehash(#[from] crate::hash::Error),
    /// A worker thread panicked (a bug).
    #[error("an acquisition worker thread panicked")]
    WorkerPanicked,
}
