//! Block group descriptors: where each group's bitmaps and inode table are.
//!
//! Sources: kernel `Documentation/filesystems/ext4/group_descr.rst` and
//! `struct ext4_group_desc` in `fs/ext4/ext4.h`. 32-byte descriptors hold the
//! low halves; 64-byte descriptors (64bit feature) add the high halves at
//! 0x20..0x2C. With `meta_bg`, descriptor blocks from `s_first_meta_bg` on lie
//! in the first group of each meta group (plus its superblock backup).

use std::sync::Arc;

use super::le::Le;
use super::superblock::{INCOMPAT_64BIT, INCOMPAT_META_BG, SUPERBLOCK_OFFSET, Superblock};
use super::{Error, corrupt, read_volume};
use crate::Problem;
use crate::evidence::EvidenceSource;

/// `bg_flags`: the inode table and bitmap are not initialised (all free).
pub const BG_INODE_UNINIT: u16 = 0x1;
/// `bg_flags`: the block bitmap is not initialised.
pub const BG_BLOCK_UNINIT: u16 = 0x2;

/// One block group descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupDescriptor {
    /// Block number of the group's block bitmap.
    pub block_bitmap: u64,
    /// Block number of the group's inode bitmap.
    pub inode_bitmap: u64,
    /// First block of the group's inode table.
    pub inode_table: u64,
    /// `bg_flags` (`BG_INODE_UNINIT`, `BG_BLOCK_UNINIT`, ...).
    pub flags: u16,
    /// `bg_itable_unused`: inodes at the end of the table never initialised.
    pub itable_unused: u32,
    /// Whether the inode bitmap and table lie inside the file system; the
    /// inodes of an invalid group cannot be read.
    pub valid: bool,
}

impl GroupDescriptor {
    /// Parses one descriptor record of `desc_size` bytes.
    fn parse(raw: &[u8], wide: bool) -> Self {
        let le = Le(raw);
        let join = |lo: usize, hi: usize| {
            let high = if wide { u64::from(le.u32(hi)) } else { 0 };
            u64::from(le.u32(lo)) | high << 32
        };
        Self {
            block_bitmap: join(0x0, 0x20),
            inode_bitmap: join(0x4, 0x24),
            inode_table: join(0x8, 0x28),
            flags: le.u16(0x12),
            valid: true,
            itable_unused: u32::from(le.u16(0x1C))
                | if wide {
                    u32::from(le.u16(0x32)) << 16
                } else {
                    0
                },
        }
    }
}

/// Reads the descriptors of all groups and checks that their bitmaps and
/// inode tables lie inside the file system; groups where they do not are
/// marked invalid and reported as problems.
pub fn read_descriptors(
    volume: &Arc<dyn EvidenceSource>,
    sb: &Superblock,
) -> Result<(Vec<GroupDescriptor>, Vec<Problem>), Error> {
    let mut problems = Vec::new();
    let per_block = sb.block_size / sb.desc_size;
    let desc_len = sb.desc_size as usize;
    let wide = sb.has_incompat(INCOMPAT_64BIT) && sb.desc_size >= 64;
    let table_blocks = sb.group_count.div_ceil(per_block);
    // The claimed group count sizes nothing until the table has been read:
    // a classic table must lie inside the volume.
    let table_end = (SUPERBLOCK_OFFSET / u64::from(sb.block_size) + 1 + u64::from(table_blocks))
        * u64::from(sb.block_size);
    if !sb.has_incompat(INCOMPAT_META_BG) && table_end > volume.len() {
        return Err(corrupt(
            SUPERBLOCK_OFFSET,
            format!(
                "{} block groups need a descriptor table up to byte {table_end}, past the {}-byte volume",
                sb.group_count,
                volume.len()
            ),
        ));
    }
    let mut groups = Vec::new();
    let mut block = vec![0u8; sb.block_size as usize];
    for table_block in 0..table_blocks {
        let block_number = descriptor_block(sb, table_block, per_block);
        let offset = sb
            .block_offset(block_number)
            .ok_or_else(|| corrupt(0, "descriptor block offset overflows"))?;
        read_volume(volume.as_ref(), offset, &mut block)?;
        for record in block.chunks_exact(desc_len) {
            if groups.len() == sb.group_count as usize {
                break;
            }
            let mut descriptor = GroupDescriptor::parse(record, wide);
            if let Err(problem) = check_descriptor(sb, &descriptor, groups.len(), offset) {
                descriptor.valid = false;
                problems.push(problem);
            }
            groups.push(descriptor);
        }
    }
    Ok((groups, problems))
}

/// Block number of descriptor-table block `index`.
fn descriptor_block(sb: &Superblock, index: u32, per_block: u32) -> u64 {
    // The table follows the block holding the primary superblock (block 1
    // with 1 KiB blocks, else block 0).
    let superblock_block = SUPERBLOCK_OFFSET / u64::from(sb.block_size);
    let classic = superblock_block + 1 + u64::from(index);
    if !sb.has_incompat(INCOMPAT_META_BG) || index < sb.first_meta_bg {
        return classic;
    }
    // Meta group `index` holds `per_block` groups; its descriptor block is in
    // the meta group's first group, after a superblock backup if any.
    let first_group = index.saturating_mul(per_block);
    sb.group_first_block(first_group) + u64::from(sb.group_has_superblock(first_group))
}

fn check_descriptor(
    sb: &Superblock,
    descriptor: &GroupDescriptor,
    group: usize,
    table_offset: u64,
) -> Result<(), Problem> {
    let inode_table_blocks = (u64::from(sb.inodes_per_group) * u64::from(sb.inode_size))
        .div_ceil(u64::from(sb.block_size));
    let table_end = descriptor.inode_table.checked_add(inode_table_blocks);
    let uninit = sb.uninit_flags_valid() && descriptor.flags & BG_INODE_UNINIT != 0;
    let inside = |block: u64| block < sb.blocks_count;
    let table_inside = table_end.is_some_and(|end| end <= sb.blocks_count);
    let usable = inside(descriptor.inode_bitmap) && table_inside;
    if !uninit && !usable {
        return Err(Problem::at(
            table_offset,
            u64::from(sb.desc_size),
            format!(
                "group {group}: inode table at block {} or inode bitmap at block {} lies past the \
                 {} blocks of the file system",
                descriptor.inode_table, descriptor.inode_bitmap, sb.blocks_count
            ),
        ));
    }
    Ok(())
}
