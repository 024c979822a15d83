//! A raw image through a read-only memory map: the one `unsafe` block of the
//! workspace.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

use super::memory::copy_from_slice_at;
use super::{Error, EvidenceSource};

/// A raw (dd) image file, memory-mapped read-only.
pub struct RawImage {
    path: PathBuf,
    /// `None` for an empty file, which cannot be mapped.
    map: Option<Mmap>,
}

impl RawImage {
    /// Opens `path` read-only and maps it.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
        let map = if len == 0 {
            None
        } else {
            Some(map_read_only(&file).map_err(|e| Error::io(path, e))?)
        };
        Ok(Self {
            path: path.to_path_buf(),
            map,
        })
    }

    /// The mapped file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[expect(
    unsafe_code,
    reason = "memory-mapping the evidence is the zero-copy read path"
)]
fn map_read_only(file: &File) -> std::io::Result<Mmap> {
    // SAFETY: the map is created read-only from a file opened read-only, and no
    // code in this workspace ever writes to an evidence file. The remaining risk,
    // another process truncating or rewriting the evidence while it is open, is
    // one a forensic workstation excludes by policy (evidence is on write-blocked
    // or read-only storage); it would raise SIGBUS, not corrupt memory silently.
    unsafe { Mmap::map(file) }
}

impl std::fmt::Debug for RawImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawImage")
            .field("path", &self.path)
            .field("len", &self.len())
            .finish()
    }
}

impl EvidenceSource for RawImage {
    fn len(&self) -> u64 {
        self.map.as_ref().map_or(0, |m| m.len() as u64)
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        Ok(copy_from_slice_at(
            self.as_bytes().unwrap_or(&[]),
            image_offset,
            buf,
        ))
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        Some(self.map.as_deref().unwrap_or(&[]))
    }
}
