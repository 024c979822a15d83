//! The ext2/3/4 superblock: geometry and feature flags of the file system.
//!
//! Sources: the kernel's `Documentation/filesystems/ext4/super.rst`
//! ("The Super Block") and `fs/ext4/ext4.h` (`struct ext4_super_block`).

use super::le::Le;
use super::{Error, corrupt};

/// Offset of the primary superblock from the start of the volume.
pub const SUPERBLOCK_OFFSET: u64 = 1024;
/// Bytes of the superblock record that are read.
pub const SUPERBLOCK_LEN: usize = 1024;
/// `s_magic`.
const EXT_MAGIC: u16 = 0xEF53;
/// Largest `s_log_block_size`: 1024 << 6 = 64 KiB, the largest block size
/// ext4 defines.
const MAX_LOG_BLOCK_SIZE: u32 = 6;
/// Cap on the number of block groups a superblock may claim (2^22 groups of
/// 128 MiB = 512 TiB at 4 KiB blocks); more is treated as corrupt so that the
/// descriptor table cannot demand an absurd allocation.
pub const MAX_GROUPS: u64 = 1 << 22;

/// `s_feature_compat`: the file system has a journal (ext3/4).
pub const COMPAT_HAS_JOURNAL: u32 = 0x4;
/// `s_feature_incompat`: directory entries carry a file-type byte.
pub const INCOMPAT_FILETYPE: u32 = 0x2;
/// `s_feature_incompat`: meta block groups (descriptor blocks spread out).
pub const INCOMPAT_META_BG: u32 = 0x10;
/// `s_feature_incompat`: 64-bit block numbers, 64-byte descriptors.
pub const INCOMPAT_64BIT: u32 = 0x80;
/// `s_feature_incompat`: small files and directories stored in the inode.
pub const INCOMPAT_INLINE_DATA: u32 = 0x8000;
/// `s_feature_ro_compat`: backup superblocks only in groups 0, 1, 3^n, 5^n, 7^n.
pub const RO_COMPAT_SPARSE_SUPER: u32 = 0x1;
/// `s_feature_ro_compat`: block bitmaps track clusters of 2^n blocks.
pub const RO_COMPAT_BIGALLOC: u32 = 0x200;
/// Largest `s_log_cluster_size - s_log_block_size` accepted (the kernel
/// allows far less; this is a sanity bound).
const MAX_LOG_CLUSTER_RATIO: u32 = 16;
/// `s_feature_ro_compat`: group descriptors have checksums (uninit flags valid).
pub const RO_COMPAT_GDT_CSUM: u32 = 0x10;
/// `s_feature_ro_compat`: metadata checksums (uninit flags valid).
pub const RO_COMPAT_METADATA_CSUM: u32 = 0x400;

/// The fields of `struct ext4_super_block` this reader uses, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superblock {
    /// `s_inodes_count`: number of inodes; valid inode numbers are 1..=this.
    pub inodes_count: u32,
    /// `s_blocks_count_lo` (+ `_hi` with the 64bit feature).
    pub blocks_count: u64,
    /// `s_first_data_block`: 1 for 1 KiB blocks, else 0.
    pub first_data_block: u32,
    /// Block size in bytes (1024..=65536).
    pub block_size: u32,
    /// `s_blocks_per_group`.
    pub blocks_per_group: u32,
    /// `s_inodes_per_group`.
    pub inodes_per_group: u32,
    /// Blocks per bitmap bit: 1, or the cluster size in blocks with bigalloc.
    pub cluster_ratio: u32,
    /// Size of an on-disk inode record in bytes.
    pub inode_size: u32,
    /// Size of a group descriptor in bytes (32, or `s_desc_size` with 64bit).
    pub desc_size: u32,
    /// `s_feature_compat`.
    pub feature_compat: u32,
    /// `s_feature_incompat`.
    pub feature_incompat: u32,
    /// `s_feature_ro_compat`.
    pub feature_ro_compat: u32,
    /// `s_reserved_gdt_blocks`: blocks kept after the descriptor table for growth.
    pub reserved_gdt_blocks: u32,
    /// `s_first_meta_bg`: first descriptor block placed by the meta_bg rule.
    pub first_meta_bg: u32,
    /// `s_volume_name`, up to the first NUL.
    pub volume_name: String,
    /// Number of block groups.
    pub group_count: u32,
}

impl Superblock {
    /// Parses and validates the superblock record `raw` (1024 bytes read at
    /// volume offset 1024).
    pub fn parse(raw: &[u8]) -> Result<Self, Error> {
        if raw.len() < SUPERBLOCK_LEN {
            return Err(corrupt(SUPERBLOCK_OFFSET, "the superblock is truncated"));
        }
        let le = Le(raw);
        if le.u16(0x38) != EXT_MAGIC {
            return Err(corrupt(
                SUPERBLOCK_OFFSET + 0x38,
                format!("superblock magic is {:#06x}, not 0xef53", le.u16(0x38)),
            ));
        }
        let log_block_size = le.u32(0x18);
        if log_block_size > MAX_LOG_BLOCK_SIZE {
            return Err(corrupt(
                SUPERBLOCK_OFFSET + 0x18,
                format!("block size 1024 << {log_block_size} is larger than 64 KiB"),
            ));
        }
        let block_size = 1024u32 << log_block_size;
        let feature_incompat = le.u32(0x60);
        let is_64bit = feature_incompat & INCOMPAT_64BIT != 0;
        let blocks_hi = if is_64bit {
            u64::from(le.u32(0x150))
        } else {
            0
        };
        let rev_level = le.u32(0x4C);
        let inode_size = if rev_level == 0 {
            128
        } else {
            u32::from(le.u16(0x58))
        };
        let desc_size = if is_64bit {
            u32::from(le.u16(0xFE))
        } else {
            32
        };
        let mut superblock = Self {
            inodes_count: le.u32(0x0),
            blocks_count: u64::from(le.u32(0x4)) | blocks_hi << 32,
            first_data_block: le.u32(0x14),
            block_size,
            blocks_per_group: le.u32(0x20),
            inodes_per_group: le.u32(0x28),
            cluster_ratio: 1,
            inode_size,
            desc_size,
            feature_compat: le.u32(0x5C),
            feature_incompat,
            feature_ro_compat: le.u32(0x64),
            reserved_gdt_blocks: u32::from(le.u16(0xCE)),
            first_meta_bg: le.u32(0x104),
            volume_name: text_until_nul(raw.get(0x78..0x88).unwrap_or_default()),
            group_count: 0,
        };
        if superblock.has_ro_compat(RO_COMPAT_BIGALLOC) {
            let log_ratio = le.u32(0x1C).wrapping_sub(log_block_size);
            if log_ratio > MAX_LOG_CLUSTER_RATIO {
                return Err(corrupt(
                    SUPERBLOCK_OFFSET + 0x1C,
                    format!("cluster size 2^{} blocks is invalid", log_ratio as i32),
                ));
            }
            superblock.cluster_ratio = 1 << log_ratio;
        }
        superblock.group_count = superblock.validate()?;
        Ok(superblock)
    }

    /// Checks the geometry and returns the number of block groups.
    fn validate(&self) -> Result<u32, Error> {
        let at = |field: u64| SUPERBLOCK_OFFSET + field;
        let bits_per_block = self.block_size * 8;
        let clusters_per_group = self.blocks_per_group / self.cluster_ratio;
        if self.blocks_per_group == 0
            || clusters_per_group > bits_per_block
            || !self.blocks_per_group.is_multiple_of(self.cluster_ratio)
        {
            return Err(corrupt(
                at(0x20),
                format!(
                    "{} blocks per group do not fit one {}-byte bitmap block",
                    self.blocks_per_group, self.block_size
                ),
            ));
        }
        if self.inodes_per_group == 0 || self.inodes_per_group > bits_per_block {
            return Err(corrupt(
                at(0x28),
                format!("{} inodes per group is out of range", self.inodes_per_group),
            ));
        }
        if !self.inode_size.is_power_of_two()
            || self.inode_size < 128
            || self.inode_size > self.block_size
        {
            return Err(corrupt(
                at(0x58),
                format!(
                    "inode size {} is not a power of two in 128..=block size",
                    self.inode_size
                ),
            ));
        }
        if !self.desc_size.is_power_of_two() || self.desc_size < 32 || self.desc_size > 1024 {
            return Err(corrupt(
                at(0xFE),
                format!("group descriptor size {} is invalid", self.desc_size),
            ));
        }
        // Block 0 holds the boot sector and superblock unless blocks are
        // 1 KiB; bigalloc file systems with 1 KiB blocks also start at 0.
        let highest_first = u32::from(self.block_size == 1024);
        if self.first_data_block > highest_first {
            return Err(corrupt(
                at(0x14),
                format!(
                    "first data block {} is impossible for {}-byte blocks",
                    self.first_data_block, self.block_size
                ),
            ));
        }
        let data_blocks = self
            .blocks_count
            .checked_sub(u64::from(self.first_data_block))
            .filter(|&n| n > 0)
            .ok_or_else(|| corrupt(at(0x4), "the block count is zero"))?;
        let group_count = data_blocks.div_ceil(u64::from(self.blocks_per_group));
        if group_count > MAX_GROUPS {
            return Err(corrupt(
                at(0x4),
                format!("{group_count} block groups is more than the cap of {MAX_GROUPS}"),
            ));
        }
        let inode_capacity = group_count * u64::from(self.inodes_per_group);
        if self.inodes_count == 0 || u64::from(self.inodes_count) > inode_capacity {
            return Err(corrupt(
                at(0x0),
                format!(
                    "{} inodes do not fit {group_count} groups of {}",
                    self.inodes_count, self.inodes_per_group
                ),
            ));
        }
        // group_count <= MAX_GROUPS < u32::MAX, so the conversion cannot fail.
        u32::try_from(group_count).map_err(|_| corrupt(at(0x4), "too many block groups"))
    }

    /// Whether an incompatible feature bit is set.
    pub fn has_incompat(&self, flag: u32) -> bool {
        self.feature_incompat & flag != 0
    }

    /// Whether a read-only-compatible feature bit is set.
    pub fn has_ro_compat(&self, flag: u32) -> bool {
        self.feature_ro_compat & flag != 0
    }

    /// Whether group descriptors' uninit flags may be trusted (the kernel
    /// only honours them with `gdt_csum` or `metadata_csum`).
    pub fn uninit_flags_valid(&self) -> bool {
        self.has_ro_compat(RO_COMPAT_GDT_CSUM) || self.has_ro_compat(RO_COMPAT_METADATA_CSUM)
    }

    /// First block of group `group`.
    pub fn group_first_block(&self, group: u32) -> u64 {
        u64::from(self.first_data_block) + u64::from(group) * u64::from(self.blocks_per_group)
    }

    /// Number of blocks in group `group` (the last one may be short).
    pub fn blocks_in_group(&self, group: u32) -> u64 {
        let first = self.group_first_block(group);
        self.blocks_count
            .saturating_sub(first)
            .min(u64::from(self.blocks_per_group))
    }

    /// Whether group `group` holds a superblock backup (and descriptor copy).
    pub fn group_has_superblock(&self, group: u32) -> bool {
        if group <= 1 || !self.has_ro_compat(RO_COMPAT_SPARSE_SUPER) {
            return true;
        }
        [3u32, 5, 7].iter().any(|&base| is_power_of(group, base))
    }

    /// Byte offset of block `block` from the start of the volume.
    pub fn block_offset(&self, block: u64) -> Option<u64> {
        block.checked_mul(u64::from(self.block_size))
    }
}

fn is_power_of(mut value: u32, base: u32) -> bool {
    while value > 1 && value.is_multiple_of(base) {
        value /= base;
    }
    value == 1
}

fn text_until_nul(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(bytes.get(..end).unwrap_or_default()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn minimal_superblock() -> Vec<u8> {
        let mut raw = vec![0u8; SUPERBLOCK_LEN];
        let mut put = |at: usize, bytes: &[u8]| raw[at..at + bytes.len()].copy_from_slice(bytes);
        put(0x0, &64u32.to_le_bytes());
        put(0x4, &1024u32.to_le_bytes());
        put(0x14, &1u32.to_le_bytes());
        put(0x20, &8192u32.to_le_bytes());
        put(0x28, &64u32.to_le_bytes());
        put(0x38, &EXT_MAGIC.to_le_bytes());
        put(0x4C, &1u32.to_le_bytes());
        put(0x58, &256u16.to_le_bytes());
        put(0x78, b"LABEL\0");
        raw
    }

    #[test]
    fn a_minimal_superblock_parses() {
        let sb = Superblock::parse(&minimal_superblock()).unwrap();
        assert_eq!(sb.block_size, 1024);
        assert_eq!(sb.group_count, 1);
        assert_eq!(sb.volume_name, "LABEL");
        assert_eq!(sb.desc_size, 32);
    }

    #[test]
    fn bad_magic_and_absurd_counts_are_rejected() {
        let mut raw = minimal_superblock();
        raw[0x38] = 0;
        assert!(Superblock::parse(&raw).is_err());
        let mut raw = minimal_superblock();
        raw[0x18..0x1C].copy_from_slice(&7u32.to_le_bytes());
        assert!(Superblock::parse(&raw).is_err());
        let mut raw = minimal_superblock();
        raw[0x0..0x4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Superblock::parse(&raw).is_err());
        let mut raw = minimal_superblock();
        raw[0x20..0x24].copy_from_slice(&1u32.to_le_bytes());
        raw[0x4..0x8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Superblock::parse(&raw).is_err(), "billions of groups");
        let mut raw = minimal_superblock();
        raw[0x58..0x5A].copy_from_slice(&100u16.to_le_bytes());
        assert!(Superblock::parse(&raw).is_err());
    }

    #[test]
    fn sparse_super_groups_are_0_1_and_powers_of_3_5_7() {
        let mut raw = minimal_superblock();
        raw[0x64] = 1;
        let sb = Superblock::parse(&raw).unwrap();
        let with: Vec<u32> = (0..50).filter(|&g| sb.group_has_superblock(g)).collect();
        assert_eq!(with, vec![0, 1, 3, 5, 7, 9, 25, 27, 49]);
    }
}
