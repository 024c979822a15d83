//! Memory dumps: LiME and Windows crash dumps.
//!
//! Each opens as an [`Evidence`] whose `source` is the dump file (what is
//! hashed and verified) and whose `physical` is a [`PhysicalView`]: physical
//! memory with each captured range at its address and gaps reading as zeros.
//! The `*_from_source` entry points take the dump as any [`EvidenceSource`],
//! so fuzzers and tests need no files.

mod crashdump;
mod crashdump_bitmap;
mod crashdump_header;
#[cfg(test)]
mod crashdump_tests;
mod lime;
mod physical;
#[cfg(test)]
mod testutil;

use std::path::Path;
use std::sync::Arc;

pub use crashdump::{crash_dump_from_source, is_crash_dump};
pub use crashdump_bitmap::MAX_BITMAP_RUNS;
pub use lime::{MAX_LIME_RANGES, is_lime, lime_from_source};
pub use physical::PhysicalView;

use super::{Error, Evidence, EvidenceSource, RawImage, read_exact_at};

/// Opens the LiME dump at `path` read-only.
pub fn open_lime(path: &Path) -> Result<Evidence, Error> {
    lime_from_source(Arc::new(RawImage::open(path)?), path)
}

/// Opens the Windows crash dump at `path` read-only.
pub fn open_crash_dump(path: &Path) -> Result<Evidence, Error> {
    crash_dump_from_source(Arc::new(RawImage::open(path)?), path)
}

/// Reads exactly `buf.len()` bytes at `file_offset` of the dump file; a file
/// too short gives [`Error::Truncated`] naming `what` and the offset.
pub(crate) fn read_exact_in_file(
    file: &dyn EvidenceSource,
    file_offset: u64,
    buf: &mut [u8],
    path: &Path,
    what: &str,
) -> Result<(), Error> {
    read_exact_at(file, file_offset, buf).map_err(|e| match e {
        Error::OutOfRange { .. } => Error::truncated(
            path,
            format!(
                "the {what} at offset {file_offset} needs {} bytes, the file has {}",
                buf.len(),
                file.len()
            ),
        ),
        other => other,
    })
}

/// Reads a fixed-size structure of `len_bytes` (a constant of the format,
/// never a value from the file) at `file_offset`.
pub(crate) fn read_structure(
    file: &dyn EvidenceSource,
    file_offset: u64,
    len_bytes: u64,
    path: &Path,
    what: &str,
) -> Result<Vec<u8>, Error> {
    let mut bytes = vec![0u8; usize::try_from(len_bytes).unwrap_or(0)];
    read_exact_in_file(file, file_offset, &mut bytes, path, what)?;
    Ok(bytes)
}

/// The little-endian `u32` at `offset` of a structure read whole; offsets
/// are constants of the format inside the structure (0 if one is not).
pub(crate) fn le_u32(bytes: &[u8], offset: usize) -> u32 {
    let mut raw = [0u8; 4];
    if let Some(field) = offset.checked_add(4).and_then(|end| bytes.get(offset..end)) {
        raw.copy_from_slice(field);
    }
    u32::from_le_bytes(raw)
}

/// The little-endian `u64` at `offset` of a structure read whole (see
/// [`le_u32`]).
pub(crate) fn le_u64(bytes: &[u8], offset: usize) -> u64 {
    let mut raw = [0u8; 8];
    if let Some(field) = offset.checked_add(8).and_then(|end| bytes.get(offset..end)) {
        raw.copy_from_slice(field);
    }
    u64::from_le_bytes(raw)
}
