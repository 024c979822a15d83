//! Inodes: type and permissions, owner, size, the four times, flags and the
//! 60-byte `i_block` area (extent tree root, block pointers, fast symlink
//! target or inline data).
//!
//! Sources: kernel `Documentation/filesystems/ext4/inodes.rst` and
//! `struct ext4_inode` in `fs/ext4/ext4.h`. Times are 32-bit seconds; in
//! large inodes each has an `_extra` field whose low two bits extend the
//! seconds (epoch bits, `<< 32`) and whose upper 30 bits are nanoseconds.

use super::le::Le;
use crate::fs::{EntryKind, Times, Timestamp};

/// Size of the classic (ext2) inode record; `i_extra_isize` counts beyond it.
pub const GOOD_OLD_INODE_SIZE: usize = 128;
/// Length of `i_block`.
pub const I_BLOCK_LEN: usize = 60;

/// `i_flags`: hashed-tree (htree) directory.
pub const FLAG_INDEX: u32 = 0x1000;
/// `i_flags`: `i_blocks` counts file-system blocks, not 512-byte sectors.
pub const FLAG_HUGE_FILE: u32 = 0x4_0000;
/// `i_flags`: `i_block` holds an extent tree.
pub const FLAG_EXTENTS: u32 = 0x8_0000;
/// `i_flags`: data stored in the inode (`i_block` + `system.data`).
pub const FLAG_INLINE_DATA: u32 = 0x1000_0000;

/// `i_mode` file-type bits.
const S_IFMT: u16 = 0xF000;
const S_IFREG: u16 = 0x8000;
const S_IFDIR: u16 = 0x4000;
const S_IFLNK: u16 = 0xA000;

/// One inode as read from its table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inode {
    /// The inode number (1-based).
    pub number: u32,
    /// `i_mode`: type and permission bits.
    pub mode: u16,
    /// Owner user id (`i_uid` + `l_i_uid_high`).
    pub uid: u32,
    /// Owner group id (`i_gid` + `l_i_gid_high`).
    pub gid: u32,
    /// Content length in bytes (`i_size_lo` + `i_size_high`).
    pub size_bytes: u64,
    /// `i_links_count`.
    pub links_count: u16,
    /// `i_dtime`: deletion time (or orphan-list link), 0 when never deleted.
    pub dtime: u32,
    /// `i_blocks` in 512-byte units (converted when `HUGE_FILE` counts blocks).
    pub blocks_512: u64,
    /// `i_flags`.
    pub flags: u32,
    /// `i_file_acl`: block holding extended attributes, 0 for none.
    pub file_acl: u64,
    /// Modified, accessed, changed and created times.
    pub times: Times,
    /// The 60-byte `i_block` area.
    pub block: [u8; I_BLOCK_LEN],
    /// In-inode extended-attribute area (after `i_extra_isize`), possibly empty.
    pub xattr_area: Vec<u8>,
}

impl Inode {
    /// Parses inode `number` from its on-disk record `raw` (`inode_size`
    /// bytes, at least 128); `block_size` converts huge-file block counts.
    pub fn parse(number: u32, raw: &[u8], block_size: u32) -> Option<Self> {
        if raw.len() < GOOD_OLD_INODE_SIZE {
            return None;
        }
        let le = Le(raw);
        let flags = le.u32(0x20);
        let blocks = u64::from(le.u32(0x1C)) | u64::from(le.u16(0x74)) << 32;
        let blocks_512 = if flags & FLAG_HUGE_FILE != 0 {
            blocks.saturating_mul(u64::from(block_size / 512))
        } else {
            blocks
        };
        let mut block = [0u8; I_BLOCK_LEN];
        block.copy_from_slice(raw.get(0x28..0x28 + I_BLOCK_LEN)?);
        let extra_isize = usize::from(le.u16(0x80));
        let extra_end = GOOD_OLD_INODE_SIZE.saturating_add(extra_isize);
        let has_extra = raw.len() > GOOD_OLD_INODE_SIZE && extra_end <= raw.len();
        let xattr_area = if has_extra {
            raw.get(extra_end..).unwrap_or_default().to_vec()
        } else {
            Vec::new()
        };
        // A field of the extra area exists when i_extra_isize covers it.
        let extra = |offset: usize| (has_extra && offset + 4 <= extra_end).then(|| le.u32(offset));
        let time =
            |seconds_at: usize, extra_at: usize| decode_time(le.u32(seconds_at), extra(extra_at));
        let created = extra(0x90).and_then(|seconds| decode_time(seconds, extra(0x94)));
        Some(Self {
            number,
            mode: le.u16(0x0),
            uid: u32::from(le.u16(0x2)) | u32::from(le.u16(0x78)) << 16,
            gid: u32::from(le.u16(0x18)) | u32::from(le.u16(0x7A)) << 16,
            size_bytes: u64::from(le.u32(0x4)) | u64::from(le.u32(0x6C)) << 32,
            links_count: le.u16(0x1A),
            dtime: le.u32(0x14),
            blocks_512,
            flags,
            file_acl: u64::from(le.u32(0x68)) | u64::from(le.u16(0x76)) << 32,
            times: Times {
                modified: time(0x10, 0x88),
                accessed: time(0x08, 0x8C),
                changed: time(0x0C, 0x84),
                created,
            },
            block,
            xattr_area,
        })
    }

    /// What kind of entry the mode says this is.
    pub fn kind(&self) -> EntryKind {
        match self.mode & S_IFMT {
            S_IFREG => EntryKind::File,
            S_IFDIR => EntryKind::Directory,
            S_IFLNK => EntryKind::Symlink,
            _ => EntryKind::Other,
        }
    }

    /// Whether the mode has any file-type bits (zeroed inodes have none).
    pub fn has_type(&self) -> bool {
        self.mode & S_IFMT != 0
    }

    /// Whether a flag of `i_flags` is set.
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// Whether this is a symlink whose target is stored in `i_block` itself:
    /// no extents, no inline data, shorter than `i_block`, and no data
    /// blocks besides an extended-attribute block.
    pub fn is_fast_symlink(&self, block_size: u32) -> bool {
        if self.kind() != EntryKind::Symlink
            || self.has_flag(FLAG_EXTENTS)
            || self.has_flag(FLAG_INLINE_DATA)
            || self.size_bytes >= I_BLOCK_LEN as u64
        {
            return false;
        }
        let xattr_sectors = if self.file_acl == 0 {
            0
        } else {
            u64::from(block_size / 512)
        };
        self.blocks_512 == xattr_sectors || self.blocks_512 == 0
    }
}

/// Seconds (signed 32-bit) plus the extra field's epoch bits and
/// nanoseconds; `None` for an unset time (all zero).
fn decode_time(seconds: u32, extra: Option<u32>) -> Option<Timestamp> {
    let extra = extra.unwrap_or(0);
    if seconds == 0 && extra == 0 {
        return None;
    }
    let epoch_bits = i64::from(extra & 0x3);
    // `seconds as i32` reinterprets the on-disk two's-complement value.
    #[allow(clippy::cast_possible_wrap)]
    let signed_seconds = i64::from(seconds as i32) + (epoch_bits << 32);
    Timestamp::from_unix_parts(signed_seconds, (extra >> 2).min(999_999_999))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> Vec<u8> {
        let mut raw = vec![0u8; 256];
        let mut put = |at: usize, bytes: &[u8]| raw[at..at + bytes.len()].copy_from_slice(bytes);
        put(0x0, &0x81A4u16.to_le_bytes());
        put(0x2, &1000u16.to_le_bytes());
        put(0x78, &2u16.to_le_bytes());
        put(0x4, &5u32.to_le_bytes());
        put(0x6C, &1u32.to_le_bytes());
        put(0x10, &1_600_000_000u32.to_le_bytes());
        put(0x80, &32u16.to_le_bytes());
        put(0x88, &((123u32 << 2) | 1).to_le_bytes());
        put(0x90, &1_672_531_200u32.to_le_bytes());
        raw
    }

    #[test]
    fn fields_join_their_high_halves_and_times_use_extra_bits() {
        let inode = Inode::parse(12, &record(), 1024).unwrap();
        assert_eq!(inode.kind(), EntryKind::File);
        assert_eq!(inode.uid, 2 << 16 | 1000);
        assert_eq!(inode.size_bytes, (1 << 32) + 5);
        let modified = inode.times.modified.unwrap();
        assert_eq!(
            modified.unix_ns,
            (1_600_000_000 + (1i64 << 32)) * 1_000_000_000 + 123
        );
        assert_eq!(inode.times.created.unwrap().unix_seconds(), 1_672_531_200);
        assert_eq!(inode.times.accessed, None);
    }

    #[test]
    fn small_inodes_have_no_creation_time() {
        let mut raw = record();
        raw.truncate(128);
        let inode = Inode::parse(12, &raw, 1024).unwrap();
        assert_eq!(inode.times.created, None);
        assert_eq!(inode.times.modified.unwrap().unix_seconds(), 1_600_000_000);
        assert!(Inode::parse(1, &raw[..100], 1024).is_none());
    }
}
