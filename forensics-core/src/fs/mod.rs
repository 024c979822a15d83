//! Layer 3: file systems. Each reader turns a volume into [`FileEntry`]
//! values (allocated and deleted), reads content, and reports unallocated
//! space; [`open`] picks the reader from the boot sector or superblock.
//!
//! Readers never panic on hostile structures: what cannot be parsed becomes
//! a [`Problem`] and the walk goes on; loops (directory cycles, cluster-chain
//! cycles, extent-tree loops) are cut and reported.

mod entry;
pub mod ext4;
mod fat;
mod layout;
mod ntfs;

use std::io::Write;
use std::sync::Arc;

use serde::Serialize;

pub use crate::time::Timestamp;
pub use entry::{ByteRun, EntryKind, FileEntry, Times};
pub use layout::{Layout, OpenFs, VolumeLayout, layout, open_volume, unallocated_ranges};
pub use ntfs::NtfsFileSystem;

use crate::Problem;
use crate::evidence::EvidenceSource;
use crate::volume::ByteRange;

/// A file system opened read-only on a volume.
pub trait FileSystem: Send + Sync {
    /// Which file system this is.
    fn fs_type(&self) -> FsType;

    /// Calls `visit` with every entry, allocated and deleted, parents before
    /// children, in a deterministic order; returns what could not be parsed.
    fn walk(&self, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, Error>;

    /// Writes the content of entry `id` (or of its named `stream`) to `out`
    /// and returns the number of bytes written. Deleted entries are read from
    /// where their content was, as far as it is recoverable.
    fn read_content(
        &self,
        id: &str,
        stream: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, Error>;

    /// Ranges of the volume that no file uses (unallocated clusters/blocks),
    /// sorted, in volume offsets.
    fn unallocated(&self) -> Result<Vec<ByteRange>, Error>;
}

/// Opens the file system at the start of `volume`.
pub fn open(volume: Arc<dyn EvidenceSource>) -> Result<Box<dyn FileSystem>, Error> {
    match detect(volume.as_ref())? {
        Some(FsType::Ntfs) => Ok(Box::new(NtfsFileSystem::open(volume)?)),
        Some(FsType::Fat12 | FsType::Fat16 | FsType::Fat32) => {
            Ok(Box::new(fat::FatFs::open(volume)?))
        }
        Some(FsType::Ext2 | FsType::Ext3 | FsType::Ext4) => Ok(Box::new(ext4::Ext4::open(volume)?)),
        Some(other) => Err(Error::Unsupported { fs_type: other }),
        None => Err(Error::NotRecognised),
    }
}

/// The entry at `path` (compared case-insensitively for FAT and NTFS), found
/// by walking; deleted entries are only returned when no allocated one matches.
pub fn find_by_path(fs: &dyn FileSystem, path: &str) -> Result<Option<FileEntry>, Error> {
    let wanted = normalise_path(path);
    let case_insensitive = !matches!(fs.fs_type(), FsType::Ext2 | FsType::Ext3 | FsType::Ext4);
    let same = |candidate: &str| {
        if case_insensitive {
            candidate.to_lowercase() == wanted.to_lowercase()
        } else {
            candidate == wanted
        }
    };
    let mut allocated = None;
    let mut deleted = None;
    fs.walk(&mut |entry| {
        if same(&entry.path) {
            let slot = if entry.deleted {
                &mut deleted
            } else {
                &mut allocated
            };
            slot.get_or_insert(entry);
        }
    })?;
    Ok(allocated.or(deleted))
}

/// `/`-separated, with one leading `/` and no trailing one.
pub fn normalise_path(path: &str) -> String {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    format!("/{}", parts.join("/"))
}

/// Errors of the file-system layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading the volume failed.
    #[error(transparent)]
    Evidence(#[from] crate::evidence::Error),
    /// No known file system starts the volume.
    #[error("no supported file system found on the volume")]
    NotRecognised,
    /// The file system is recognised but has no reader yet.
    #[error("the volume holds {fs_type:?}, which cannot be read yet")]
    Unsupported {
        /// The recognised file system.
        fs_type: FsType,
    },
    /// A structure the reader cannot do without is corrupt.
    #[error("corrupt file system at volume offset {volume_offset}: {what}")]
    Corrupt {
        /// Offset of the structure from the start of the volume.
        volume_offset: u64,
        /// What is wrong.
        what: String,
    },
    /// No entry has the given id, path or stream.
    #[error("no entry {what}")]
    NotFound {
        /// The id, path or stream asked for.
        what: String,
    },
    /// Writing content to the caller's output failed.
    #[error("cannot write content: {0}")]
    Output(#[source] std::io::Error),
}
/// File-system types recognised on a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FsType {
    /// NTFS (OEM name `NTFS    `).
    Ntfs,
    /// FAT12.
    Fat12,
    /// FAT16.
    Fat16,
    /// FAT32.
    Fat32,
    /// exFAT (OEM name `EXFAT   `).
    Exfat,
    /// ext2 (no journal).
    Ext2,
    /// ext3 (journal, no extents).
    Ext3,
    /// ext4 (extents or 64-bit or flex groups).
    Ext4,
}

/// Offset of the ext2/3/4 superblock from the start of the volume.
const EXT_SUPERBLOCK_OFFSET: u64 = 1024;
const EXT_MAGIC: u16 = 0xEF53;

/// The file system at the start of `volume`, if one is recognised.
pub fn detect(volume: &dyn EvidenceSource) -> Result<Option<FsType>, Error> {
    let mut head = [0u8; 2048];
    let read = volume.read_at(0, &mut head)?;
    if let Some(found) = detect_in_boot_sector(&head[..read]) {
        return Ok(Some(found));
    }
    let superblock_start = EXT_SUPERBLOCK_OFFSET as usize;
    let Some(superblock) = head.get(superblock_start..read) else {
        return Ok(None);
    };
    Ok(detect_ext(superblock))
}

/// The file system whose boot sector starts `head` (NTFS, exFAT, FAT), if any.
pub fn detect_in_boot_sector(head: &[u8]) -> Option<FsType> {
    let field = |at: usize, len: usize| head.get(at..at + len);
    if field(3, 8) == Some(b"NTFS    ") {
        return Some(FsType::Ntfs);
    }
    if field(3, 8) == Some(b"EXFAT   ") {
        return Some(FsType::Exfat);
    }
    let jump_ok = matches!(head.first(), Some(0xEB | 0xE9));
    if !jump_ok {
        return None;
    }
    if field(82, 8) == Some(b"FAT32   ") {
        return Some(FsType::Fat32);
    }
    match field(54, 8) {
        Some(b"FAT12   ") => Some(FsType::Fat12),
        Some(b"FAT16   " | b"FAT     ") => Some(FsType::Fat16),
        _ => None,
    }
}

/// ext2/3/4 from the superblock's magic and feature flags.
fn detect_ext(superblock: &[u8]) -> Option<FsType> {
    let u16_at = |at: usize| {
        Some(u16::from_le_bytes(
            superblock.get(at..at + 2)?.try_into().ok()?,
        ))
    };
    let u32_at = |at: usize| {
        Some(u32::from_le_bytes(
            superblock.get(at..at + 4)?.try_into().ok()?,
        ))
    };
    if u16_at(56)? != EXT_MAGIC {
        return None;
    }
    let compat = u32_at(92)?;
    let incompat = u32_at(96)?;
    const COMPAT_HAS_JOURNAL: u32 = 0x4;
    const INCOMPAT_EXTENTS: u32 = 0x40;
    const INCOMPAT_64BIT: u32 = 0x80;
    const INCOMPAT_FLEX_BG: u32 = 0x200;
    if incompat & (INCOMPAT_EXTENTS | INCOMPAT_64BIT | INCOMPAT_FLEX_BG) != 0 {
        Some(FsType::Ext4)
    } else if compat & COMPAT_HAS_JOURNAL != 0 {
        Some(FsType::Ext3)
    } else {
        Some(FsType::Ext2)
    }
}
