//! Layer 3: file systems. For now, recognising which file system a volume
//! holds from its boot sector or superblock.

mod layout;

use serde::Serialize;

pub use layout::{Layout, VolumeLayout, layout};

use crate::evidence::{Error, EvidenceSource};

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
