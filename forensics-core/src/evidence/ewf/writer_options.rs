//! The writer's options, summary and errors.

use std::path::{Path, PathBuf};

/// How chunks are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EwfCompression {
    /// Stored plain, each with its Adler-32.
    None,
    /// zlib level 1.
    #[default]
    Fast,
    /// zlib level 9.
    Best,
}

/// The media type recorded in the volume section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EwfMediaType {
    /// Removable disk (USB stick, memory card).
    Removable,
    /// Fixed disk.
    #[default]
    Fixed,
    /// Optical disc.
    Optical,
    /// Memory (RAM).
    Memory,
}

/// What to write, besides the media bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwfWriteOptions {
    /// Case number (`c`).
    pub case_number: String,
    /// Evidence number (`n`).
    pub evidence_number: String,
    /// Examiner name (`e`).
    pub examiner_name: String,
    /// Description (`a`).
    pub description: String,
    /// Notes (`t`).
    pub notes: String,
    /// Acquiry and system date, seconds since 1970-01-01 UTC (given by the
    /// caller: the writer reads no clock).
    pub acquiry_unix_secs: i64,
    /// Acquiry software version (`av`).
    pub acquiry_software_version: String,
    /// Acquiry operating system (`ov`).
    pub acquiry_operating_system: String,
    /// Chunk compression.
    pub compression: EwfCompression,
    /// Sectors per chunk (EnCase uses 64).
    pub sectors_per_chunk: u32,
    /// Bytes per sector (512 for almost all media).
    pub bytes_per_sector: u32,
    /// Largest size of one segment file in bytes.
    pub segment_size_bytes: u64,
    /// Media type.
    pub media_type: EwfMediaType,
    /// Whether the media is a physical device (not a partition or file).
    pub physical: bool,
}

impl Default for EwfWriteOptions {
    fn default() -> Self {
        Self {
            case_number: String::new(),
            evidence_number: String::new(),
            examiner_name: String::new(),
            description: String::new(),
            notes: String::new(),
            acquiry_unix_secs: 0,
            acquiry_software_version: crate::TOOL_VERSION.to_owned(),
            acquiry_operating_system: std::env::consts::OS.to_owned(),
            compression: EwfCompression::Fast,
            sectors_per_chunk: 64,
            bytes_per_sector: 512,
            // 1.4 GiB, the EnCase default.
            segment_size_bytes: 1_503_238_553,
            media_type: EwfMediaType::Fixed,
            physical: true,
        }
    }
}

/// What [`EwfWriter::finish`](super::EwfWriter::finish) wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwfWriteSummary {
    /// MD5 of the media as stored (lowercase hex).
    pub md5: String,
    /// SHA-1 of the media as stored (lowercase hex).
    pub sha1: String,
    /// Media bytes stored (input plus sector padding).
    pub media_size: u64,
    /// Zero bytes added to complete the last sector.
    pub padding_bytes: u64,
    /// Chunks written.
    pub chunk_count: u64,
    /// Segment files written, in order.
    pub segment_files: Vec<PathBuf>,
    /// Ranges `(first_sector, sector_count)` written as unreadable (zeros),
    /// listed in the `error2` section.
    pub unreadable_sectors: Vec<(u64, u64)>,
}

/// Errors of the E01 writer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EwfWriteError {
    /// Creating, writing or patching a segment file failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The segment file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An option is out of range.
    #[error("invalid E01 write option: {what}")]
    InvalidOption {
        /// Which option and why.
        what: String,
    },
    /// The first segment path does not end in `.E01`/`.e01`.
    #[error("the first segment must be named *.E01, not {}", path.display())]
    BadFirstSegmentName {
        /// The path given.
        path: PathBuf,
    },
    /// More segments are needed than the naming scheme has.
    #[error("the image needs more than {limit} segment files; raise the segment size")]
    TooManySegments {
        /// The highest segment number.
        limit: u32,
    },
    /// The media is larger than the format can describe.
    #[error("the media is too large for EWF version 1: {what}")]
    MediaTooLarge {
        /// What overflowed.
        what: String,
    },
}

impl EwfWriteError {
    pub(super) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
