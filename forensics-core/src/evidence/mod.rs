//! Layer 1: the bytes of one acquisition, addressed by offset from the start of
//! the media.
//!
//! Every format sits behind one positional-read trait, [`EvidenceSource`]:
//! a raw image (read-only memory map), split raw segments (`.001`, `.002`, … or
//! `.aa`, `.ab`, …), EnCase E01 segment files, and memory dumps (raw, LiME,
//! Windows crash dumps). [`open`] detects the format from content and returns an
//! [`Evidence`]: the source plus what the container says about itself.
//!
//! Sources take `&self` for reads, so one source is shared by all threads.
//! Nothing here ever writes to an evidence file.

mod cursor;
mod detect;
pub mod ewf;
mod info;
pub mod memdump;
mod memory;
mod raw;
mod split;
mod window;

use std::path::PathBuf;
use std::sync::Arc;

pub use cursor::EvidenceCursor;
pub use detect::open;
pub use info::{EvidenceInfo, Format, MemoryRange, StoredHashes};
pub use memory::MemorySource;
pub use raw::RawImage;
pub use split::{SegmentNaming, SplitRaw, split_segment_paths};
pub use window::Window;

use crate::Problem;

/// Bytes of one acquisition, addressed by offset from the start of the media.
///
/// For container formats (E01) the media is the acquired data, not the
/// container files. Implementations are shareable between threads.
pub trait EvidenceSource: Send + Sync {
    /// Media size in bytes.
    fn len(&self) -> u64;

    /// Whether the media holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads up to `buf.len()` bytes at `image_offset`; returns how many were
    /// read, which is short only at the end of the media (0 at or past it).
    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error>;

    /// Zero-copy view of the whole media when it is one memory-mapped raw file
    /// (or a window on one).
    fn as_bytes(&self) -> Option<&[u8]> {
        None
    }

    /// Media ranges found damaged by the reads so far (e.g. E01 chunks whose
    /// checksum failed, returned zero-filled), sorted by offset.
    fn damaged_ranges(&self) -> Vec<Problem> {
        Vec::new()
    }
}

/// Reads exactly `buf.len()` bytes at `image_offset`, or fails naming the offset.
pub fn read_exact_at(
    source: &dyn EvidenceSource,
    image_offset: u64,
    buf: &mut [u8],
) -> Result<(), Error> {
    let mut done = 0usize;
    while done < buf.len() {
        let at = image_offset + done as u64;
        let read = source.read_at(at, &mut buf[done..])?;
        if read == 0 {
            return Err(Error::OutOfRange {
                image_offset: at,
                len_bytes: (buf.len() - done) as u64,
                media_size: source.len(),
            });
        }
        done += read;
    }
    Ok(())
}

/// One opened evidence item: its media, and what its container says.
pub struct Evidence {
    /// The media bytes (for E01: the acquired data; for memory dumps: the file).
    pub source: Arc<dyn EvidenceSource>,
    /// Physical-address view of a memory dump (gaps between ranges read as
    /// zeros), when the format records physical addresses.
    pub physical: Option<Arc<dyn EvidenceSource>>,
    /// Format, size, segments, metadata and stored hashes.
    pub info: EvidenceInfo,
}

impl std::fmt::Debug for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evidence")
            .field("info", &self.info)
            .finish()
    }
}

/// Errors of the evidence layer. Messages name the file and what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operating system refused or failed a read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A structure in the file is not what its format requires.
    #[error("{} is corrupt at offset {file_offset}: {what}", path.display())]
    Corrupt {
        /// The file (segment) holding the structure.
        path: PathBuf,
        /// Offset of the structure inside that file.
        file_offset: u64,
        /// What is wrong, as a phrase.
        what: String,
    },
    /// The file ends before a structure it announces.
    #[error("{} is truncated: {what}", path.display())]
    Truncated {
        /// The short file.
        path: PathBuf,
        /// What is missing.
        what: String,
    },
    /// A segment of a multi-file image is missing or has the wrong size.
    #[error("segment {} is missing or incomplete: {what}", path.display())]
    Segment {
        /// The segment that was expected.
        path: PathBuf,
        /// What is wrong with it.
        what: String,
    },
    /// The format was recognised but is not supported (yet).
    #[error("{} is {format}, which is not supported yet", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The recognised format.
        format: String,
    },
    /// A value in the file exceeds a safety limit.
    #[error("{} claims {what} of {value}, above the limit of {limit}", path.display())]
    LimitExceeded {
        /// The file.
        path: PathBuf,
        /// The quantity, e.g. "chunk size".
        what: String,
        /// The value found.
        value: u64,
        /// The largest value accepted.
        limit: u64,
    },
    /// A read asked for bytes past the end of the media.
    #[error(
        "read of {len_bytes} bytes at offset {image_offset} is past the end of the media ({media_size} bytes)"
    )]
    OutOfRange {
        /// Where the read started.
        image_offset: u64,
        /// How many bytes were still wanted.
        len_bytes: u64,
        /// The media size.
        media_size: u64,
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

    /// A corrupt structure at `file_offset` of `path`.
    pub fn corrupt(path: impl Into<PathBuf>, file_offset: u64, what: impl Into<String>) -> Self {
        Self::Corrupt {
            path: path.into(),
            file_offset,
            what: what.into(),
        }
    }

    /// `path` ends before `what`.
    pub fn truncated(path: impl Into<PathBuf>, what: impl Into<String>) -> Self {
        Self::Truncated {
            path: path.into(),
            what: what.into(),
        }
    }
}
