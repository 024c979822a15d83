//! EnCase / Expert Witness Format version 1 (E01): reader and writer.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)"
//! (Joachim Metz). An image is a series of segment files (`.E01`, `.E02`, …,
//! `.E99`, `.EAA`, …). Each holds a chain of sections: `header2`/`header`
//! (case metadata), `volume`/`data` (geometry), `sectors` (chunk data),
//! `table`/`table2` (chunk offsets), `hash`/`digest` (stored MD5/SHA-1),
//! `error2` (unreadable sectors), `next`/`done` (end of segment / image).
//!
//! The reader checks every checksum it can: section descriptors, volume,
//! tables (falling back to `table2`), plain chunks (trailing Adler-32) and
//! compressed chunks (zlib's Adler-32). A chunk that fails reads as zeros and
//! is reported by [`EvidenceSource::damaged_ranges`]; container problems that
//! do not stop the image from opening (missing `hash` or `done` section, bad
//! tables) are listed in [`EvidenceInfo::problems`].
//!
//! Large reads decode their chunks in parallel (rayon); smaller reads go
//! through a byte-bounded cache shared by all threads.
//!
//! [`writer::EwfWriter`] writes EnCase 6 layout images.
//!
//! # Example
//! ```
//! use forensics_core::evidence::{EvidenceSource, read_exact_at};
//! use forensics_core::evidence::ewf::{self, EwfCompression, EwfWriteOptions, EwfWriter};
//!
//! let dir = tempfile::tempdir()?;
//! let first_segment = dir.path().join("disk.E01");
//! let options = EwfWriteOptions {
//!     case_number: "2026-001".into(),
//!     examiner_name: "A. Examiner".into(),
//!     acquiry_unix_secs: 1_780_000_000,
//!     compression: EwfCompression::Best,
//!     ..EwfWriteOptions::default()
//! };
//! let mut writer = EwfWriter::create(&first_segment, options)?;
//! writer.write_all(&[0x55; 4096])?;
//! let summary = writer.finish()?;
//!
//! let evidence = ewf::open(&first_segment)?;
//! assert_eq!(evidence.info.stored_hashes.md5.as_deref(), Some(summary.md5.as_str()));
//! assert_eq!(evidence.info.metadata_value("case_number"), Some("2026-001"));
//! let mut sector = [0u8; 512];
//! read_exact_at(evidence.source.as_ref(), 512, &mut sector)?;
//! assert_eq!(sector, [0x55; 512]);
//! assert!(evidence.info.problems.is_empty() && evidence.source.damaged_ranges().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cache;
mod date;
mod header;
mod image;
mod naming;
mod reader;
mod sections;
mod table;
mod trailer;
mod volume;
pub mod writer;
mod writer_chunk;
mod writer_options;
mod writer_segment;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cache::DEFAULT_CACHE_BYTES;
pub use image::MAX_MEDIA_SIZE;
pub use naming::{MAX_SEGMENT_NUMBER, segment_extension, segment_path};
pub use reader::EwfImage;
pub use volume::MAX_CHUNK_SIZE;
pub use writer::{
    EwfCompression, EwfMediaType, EwfWriteError, EwfWriteOptions, EwfWriteSummary, EwfWriter,
};

use reader::SegmentData;

use super::{Error, Evidence, EvidenceInfo, EvidenceSource, RawImage};

/// Options for opening an E01 image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EwfReadOptions {
    /// Byte budget of the decoded-chunk cache shared by all readers.
    pub cache_bytes: usize,
}

impl Default for EwfReadOptions {
    fn default() -> Self {
        Self {
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }
}

/// Opens an E01 image from its first segment file, finding `.E02`, … beside
/// it. A segment that the chain announces but that is missing is an error
/// naming it.
pub fn open(path: &Path) -> Result<Evidence, Error> {
    open_with(path, EwfReadOptions::default())
}

/// [`open`] with options.
pub fn open_with(path: &Path, options: EwfReadOptions) -> Result<Evidence, Error> {
    let (image, info) = open_image(path, options)?;
    Ok(into_evidence(image, info))
}

/// Opens an E01 image as an [`EwfImage`] plus its info (for callers that need
/// the concrete type).
pub fn open_image(path: &Path, options: EwfReadOptions) -> Result<(EwfImage, EvidenceInfo), Error> {
    let mut load = |number: u32, required: bool| -> Result<Option<(PathBuf, SegmentData)>, Error> {
        let Some(segment) = segment_path(path, number) else {
            return if required {
                Err(Error::Segment {
                    path: path.with_extension(format!("E{number:02}")),
                    what: format!(
                        "the previous segment announces segment {number}, but the first segment is not named .E01 or .s01, so its siblings cannot be found"
                    ),
                })
            } else {
                Ok(None)
            };
        };
        if number > 1 && !segment.is_file() {
            return if required {
                Err(Error::Segment {
                    path: segment,
                    what: "the previous segment announces it, but the file does not exist".into(),
                })
            } else {
                Ok(None)
            };
        }
        let raw = RawImage::open(&segment)?;
        Ok(Some((segment, SegmentData::Mapped(raw))))
    };
    image::open_segments(path, options.cache_bytes, &mut load)
}

/// Opens an E01 image from segment bytes held in memory (fuzzing, tests,
/// data already read). `name` is the first segment's name; later segments
/// are named after it in messages.
pub fn open_from_memory(name: &Path, segments: Vec<Vec<u8>>) -> Result<Evidence, Error> {
    let mut remaining = segments.into_iter();
    let mut load = |number: u32, required: bool| -> Result<Option<(PathBuf, SegmentData)>, Error> {
        let path = segment_path(name, number)
            .unwrap_or_else(|| name.with_extension(format!("segment{number}")));
        match remaining.next() {
            Some(bytes) => Ok(Some((path, SegmentData::Owned(bytes)))),
            None if number == 1 => Err(Error::truncated(path, "no segment bytes given")),
            None if !required => Ok(None),
            None => Err(Error::Segment {
                path,
                what: "the previous segment announces it, but it was not given".into(),
            }),
        }
    };
    let (image, info) = image::open_segments(name, DEFAULT_CACHE_BYTES, &mut load)?;
    Ok(into_evidence(image, info))
}

fn into_evidence(image: EwfImage, info: EvidenceInfo) -> Evidence {
    let source: Arc<dyn EvidenceSource> = Arc::new(image);
    Evidence {
        source,
        physical: None,
        info,
    }
}
