//! Carving: files found by their structure in raw media, without a file
//! system.
//!
//! One signature table ([`signatures::SIGNATURES`]: header patterns, optional
//! footer, maximum size, validator) drives one multi-pattern pass over the
//! media in chunks with an overlap margin, in parallel. Each candidate is
//! handed a bounded view to its type's structural validator
//! ([`validate`]), which finds the true end and says whether the file is
//! complete, truncated or invalid. JPEGs whose entropy-coded data breaks are
//! tried as two fragments ([`fragment`]). Files inside other carved files
//! (a JPEG in a PDF or ZIP) are reported as nested under their container.
//! Results are sorted by offset and do not depend on the thread count.
//!
//! ```
//! use forensics_core::carve::{self, CarveOptions, Status};
//! use forensics_core::evidence::MemorySource;
//!
//! let mut media = vec![0u8; 4096];
//! let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
//! media[1000..1000 + gif.len()].copy_from_slice(gif);
//! let report = carve::carve(&MemorySource::new(media), &CarveOptions::default())?;
//! assert_eq!(report.files[0].image_offset, 1000);
//! assert_eq!(report.files[0].length, gif.len() as u64);
//! assert_eq!(report.files[0].status, Status::Complete);
//! # Ok::<(), forensics_core::carve::Error>(())
//! ```

mod engine;
pub mod fragment;
pub mod media;
mod merge;
pub mod scan;
pub mod signatures;
pub mod validate;

use std::io::Write;

use serde::Serialize;

use crate::Problem;
use crate::evidence::EvidenceSource;
use crate::volume::ByteRange;

pub use engine::carve;

/// Errors of the carver.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An unknown type name in `--types`.
    #[error("unknown carve type {name:?} (known: {known})")]
    UnknownType {
        /// The name given.
        name: String,
        /// The known names, comma-separated.
        known: String,
    },
    /// The pattern automaton could not be built.
    #[error("building the header automaton failed: {0}")]
    Automaton(String),
    /// Reading the media failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// Writing a carved file failed.
    #[error("writing carved file at media offset {image_offset}: {source}")]
    Output {
        /// Offset of the carved file.
        image_offset: u64,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// What to carve and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarveOptions {
    /// Type names to carve (see [`signatures::names`]); empty = all.
    pub types: Vec<String>,
    /// Only candidate headers at multiples of this many bytes (0 or 1 = any byte).
    pub aligned_bytes: u64,
    /// Only headers inside these media ranges (e.g. unallocated space); `None` = everywhere.
    pub ranges: Option<Vec<ByteRange>>,
    /// Do not try to reassemble fragmented JPEGs.
    pub no_gap_carving: bool,
    /// Start of forensic paths (default `media`).
    pub path_prefix: Option<String>,
}

/// How much of a carved file was recovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Whole and contiguous, validated to its end.
    Complete,
    /// Only the first part is present (the structure stops early).
    Truncated,
    /// Whole, reassembled from more than one fragment.
    Fragmented,
}

impl Status {
    /// The lowercase name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Truncated => "truncated",
            Status::Fragmented => "fragmented",
        }
    }
}

/// One piece of a carved file in the media.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Fragment {
    /// Offset of the piece in the media.
    pub image_offset: u64,
    /// Length of the piece in bytes.
    pub length: u64,
}

/// One carved file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Carved {
    /// Index in [`CarveReport::files`].
    pub id: usize,
    /// Type name (`jpg`, `zip`, ...).
    #[serde(rename = "type")]
    pub file_type: &'static str,
    /// Extension for the carved file (`docx` for a zip holding a Word document).
    pub extension: &'static str,
    /// Offset of the first byte in the media.
    pub image_offset: u64,
    /// Bytes carved (the sum of the fragments).
    pub length: u64,
    /// Complete, truncated or fragmented.
    pub status: Status,
    /// Where the bytes are, in file order.
    pub fragments: Vec<Fragment>,
    /// The container's id, when this file lies inside another carved file.
    pub nested_in: Option<usize>,
    /// Re-findable path: `media+0x1f000/zip`, nested `media+0x1f000/zip+0x20b/jpg`.
    pub forensic_path: String,
    /// SHA-256 of the carved bytes (lowercase hex).
    pub sha256: String,
}

/// Everything a carve found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CarveReport {
    /// Carved files sorted by offset; nested ones right after their container.
    pub files: Vec<Carved>,
    /// What could not be examined (reads that failed, candidate caps hit).
    pub problems: Vec<Problem>,
    /// Candidate headers validated.
    pub candidates: u64,
    /// Bytes scanned.
    pub scanned_bytes: u64,
}

/// Writes the carved file's bytes (all fragments, in order) to `out`;
/// returns the number of bytes written.
pub fn write_carved(
    source: &dyn EvidenceSource,
    file: &Carved,
    out: &mut dyn Write,
) -> Result<u64, Error> {
    let media = media::Media::new(source);
    let mut written = 0u64;
    for fragment in &file.fragments {
        let mut at = fragment.image_offset;
        let end = fragment.image_offset + fragment.length;
        while at < end {
            let piece = (end - at).min(8 * 1024 * 1024);
            let bytes = media
                .region(at, piece)
                .ok_or(crate::evidence::Error::OutOfRange {
                    image_offset: at,
                    len_bytes: piece,
                    media_size: source.len(),
                })?;
            out.write_all(&bytes).map_err(|source| Error::Output {
                image_offset: file.image_offset,
                source,
            })?;
            at += bytes.len().max(1) as u64;
            written += bytes.len() as u64;
        }
    }
    Ok(written)
}
