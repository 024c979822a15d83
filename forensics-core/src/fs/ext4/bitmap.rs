//! Unallocated blocks from the block bitmaps, as merged volume byte ranges.
//!
//! A group flagged `BLOCK_UNINIT` (trusted only with `gdt_csum` or
//! `metadata_csum`) has no bitmap on disk: all its blocks are free except
//! its superblock backup, descriptor table and reserved growth blocks, and
//! its own bitmaps and inode table when they lie inside the group (with
//! `flex_bg` they usually lie in the flex group's first group). With
//! `bigalloc` each bit stands for a cluster of `cluster_ratio` blocks.

use super::group::{BG_BLOCK_UNINIT, GroupDescriptor};
use super::superblock::Superblock;
use super::{Error, Ext4};
use crate::volume::ByteRange;

/// Free byte ranges of the volume, sorted and merged.
pub fn unallocated(fs: &Ext4) -> Result<Vec<ByteRange>, Error> {
    let sb = fs.superblock();
    let block_size = u64::from(sb.block_size);
    let mut ranges: Vec<ByteRange> = Vec::new();
    let mut bitmap = vec![0u8; sb.block_size as usize];
    for (group, descriptor) in (0u32..).zip(&fs.groups) {
        if sb.uninit_flags_valid() && descriptor.flags & BG_BLOCK_UNINIT != 0 {
            uninit_bitmap(sb, group, descriptor, &mut bitmap);
        } else {
            fs.blocks().read(descriptor.block_bitmap, &mut bitmap)?;
        }
        let first = sb.group_first_block(group);
        let blocks_in_group = sb.blocks_in_group(group);
        let ratio = u64::from(sb.cluster_ratio);
        for bit in 0..blocks_in_group.div_ceil(ratio) {
            let byte = bitmap.get((bit / 8) as usize).copied().unwrap_or(0xFF);
            if byte >> (bit % 8) & 1 == 0 {
                let len_blocks = ratio.min(blocks_in_group - bit * ratio);
                push_merged(
                    &mut ranges,
                    (first + bit * ratio) * block_size,
                    len_blocks * block_size,
                );
            }
        }
    }
    Ok(ranges)
}

/// The bitmap a `BLOCK_UNINIT` group would have.
fn uninit_bitmap(sb: &Superblock, group: u32, descriptor: &GroupDescriptor, bitmap: &mut [u8]) {
    bitmap.fill(0);
    let first = sb.group_first_block(group);
    let len = sb.blocks_in_group(group);
    let mut mark = |block: u64, count: u64| {
        for b in block..block.saturating_add(count) {
            if let Some(bit) = b
                .checked_sub(first)
                .filter(|&bit| bit < len)
                .map(|bit| bit / u64::from(sb.cluster_ratio))
                && let Some(byte) = bitmap.get_mut((bit / 8) as usize)
            {
                *byte |= 1 << (bit % 8);
            }
        }
    };
    if sb.group_has_superblock(group) {
        let per_block = sb.block_size / sb.desc_size;
        let table_blocks = u64::from(sb.group_count.div_ceil(per_block));
        mark(first, 1 + table_blocks + u64::from(sb.reserved_gdt_blocks));
    }
    let table_blocks = (u64::from(sb.inodes_per_group) * u64::from(sb.inode_size))
        .div_ceil(u64::from(sb.block_size));
    mark(descriptor.block_bitmap, 1);
    mark(descriptor.inode_bitmap, 1);
    mark(descriptor.inode_table, table_blocks.min(len));
}

fn push_merged(ranges: &mut Vec<ByteRange>, image_offset: u64, len_bytes: u64) {
    if let Some(last) = ranges.last_mut()
        && last.image_offset + last.len_bytes == image_offset
    {
        last.len_bytes += len_bytes;
        return;
    }
    ranges.push(ByteRange {
        image_offset,
        len_bytes,
    });
}
