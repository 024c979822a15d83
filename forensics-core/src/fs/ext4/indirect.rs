//! Block maps of ext2/ext3 (and ext4 files without extents): twelve direct
//! block pointers, then one single-, one double- and one triple-indirect
//! pointer in `i_block`. A zero pointer is a hole.
//!
//! Source: kernel `Documentation/filesystems/ext4/ifork.rst` ("Direct/Indirect
//! Block Addressing").

use std::collections::BTreeSet;

use super::le::Le;
use super::map::BlockRun;
use super::{Blocks, Error, corrupt};

/// Direct pointers in `i_block`.
const DIRECT_POINTERS: usize = 12;
/// Cap on bytes of indirect blocks read for one file (256 MiB of pointers
/// map 64 GiB with 1 KiB blocks and far more with larger ones).
pub const MAX_INDIRECT_BYTES: usize = 256 << 20;
/// Cap on separate runs collected for one file (contiguous blocks merge).
pub const MAX_RUNS: usize = 1 << 20;

/// Maps the first `wanted_blocks` logical blocks of a file through the block
/// pointers in `i_block`.
pub fn indirect_runs(
    blocks: &Blocks<'_>,
    i_block: &[u8],
    wanted_blocks: u64,
    inode: u32,
) -> Result<Vec<BlockRun>, Error> {
    let mut map = BlockMap {
        blocks,
        inode,
        wanted_blocks,
        next_logical: 0,
        indirect_bytes: 0,
        visited: BTreeSet::new(),
        runs: Vec::new(),
    };
    let le = Le(i_block);
    for index in 0..DIRECT_POINTERS {
        map.data_block(u64::from(le.u32(index * 4)))?;
    }
    for (slot, level) in [(12usize, 1u32), (13, 2), (14, 3)] {
        map.pointer_block(u64::from(le.u32(slot * 4)), level)?;
    }
    Ok(map.runs)
}

struct BlockMap<'a, 'b> {
    blocks: &'a Blocks<'b>,
    inode: u32,
    wanted_blocks: u64,
    next_logical: u64,
    indirect_bytes: usize,
    visited: BTreeSet<u64>,
    runs: Vec<BlockRun>,
}

impl BlockMap<'_, '_> {
    fn done(&self) -> bool {
        self.next_logical >= self.wanted_blocks
    }

    /// Logical blocks covered by one pointer at `level` (1 = single indirect).
    fn span(&self, level: u32) -> u64 {
        let per_block = (self.blocks.block_size() / 4) as u64;
        per_block.saturating_pow(level)
    }

    fn data_block(&mut self, physical: u64) -> Result<(), Error> {
        if self.done() {
            return Ok(());
        }
        let logical = self.next_logical;
        self.next_logical += 1;
        if physical == 0 {
            return Ok(());
        }
        if !self.blocks.contains(physical, 1) {
            return Err(corrupt(
                0,
                format!(
                    "inode {}: block pointer {physical} lies past the volume",
                    self.inode
                ),
            ));
        }
        if let Some(last) = self.runs.last_mut()
            && last.logical_block + last.len_blocks == logical
            && last.physical_block + last.len_blocks == physical
        {
            last.len_blocks += 1;
            return Ok(());
        }
        if self.runs.len() >= MAX_RUNS {
            return Err(corrupt(
                0,
                format!("inode {}: more than {MAX_RUNS} block runs", self.inode),
            ));
        }
        self.runs.push(BlockRun {
            logical_block: logical,
            physical_block: physical,
            len_blocks: 1,
            initialized: true,
        });
        Ok(())
    }

    /// Follows a pointer to a block of pointers `level` levels above data.
    fn pointer_block(&mut self, physical: u64, level: u32) -> Result<(), Error> {
        if self.done() {
            return Ok(());
        }
        if physical == 0 {
            self.next_logical = self.next_logical.saturating_add(self.span(level));
            return Ok(());
        }
        let offset = self.blocks.offset(physical).unwrap_or(0);
        if !self.blocks.contains(physical, 1) {
            return Err(corrupt(
                offset,
                format!(
                    "inode {}: indirect block {physical} lies past the volume",
                    self.inode
                ),
            ));
        }
        // A sane map never uses an indirect block twice; a repeat would let a
        // few blocks stand for an exponential number of pointers.
        if !self.visited.insert(physical) {
            return Err(corrupt(
                offset,
                format!(
                    "inode {}: indirect block {physical} is used twice (loop)",
                    self.inode
                ),
            ));
        }
        self.indirect_bytes += self.blocks.block_size();
        if self.indirect_bytes > MAX_INDIRECT_BYTES {
            return Err(corrupt(
                offset,
                format!(
                    "inode {}: more than {MAX_INDIRECT_BYTES} bytes of indirect blocks",
                    self.inode
                ),
            ));
        }
        let mut pointers = vec![0u8; self.blocks.block_size()];
        self.blocks.read(physical, &mut pointers)?;
        for pointer in pointers.chunks_exact(4) {
            let child = u64::from(Le(pointer).u32(0));
            if level == 1 {
                self.data_block(child)?;
            } else {
                self.pointer_block(child, level - 1)?;
            }
            if self.done() {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MemorySource;

    #[test]
    fn direct_single_and_holes_map_in_order() {
        let mut volume = vec![0u8; 1024 * 64];
        // Single-indirect block 40 points at blocks 50, 51, then a hole, then 60.
        for (i, block) in [50u32, 51, 0, 60].iter().enumerate() {
            volume[40 * 1024 + i * 4..40 * 1024 + i * 4 + 4].copy_from_slice(&block.to_le_bytes());
        }
        let source = MemorySource::new(volume);
        let blocks = Blocks::new(&source, 1024, 64);
        let mut i_block = [0u8; 60];
        i_block[0..4].copy_from_slice(&10u32.to_le_bytes());
        i_block[4..8].copy_from_slice(&11u32.to_le_bytes());
        i_block[48..52].copy_from_slice(&40u32.to_le_bytes());
        let runs = indirect_runs(&blocks, &i_block, 16, 3).unwrap();
        let got: Vec<(u64, u64, u64)> = runs
            .iter()
            .map(|r| (r.logical_block, r.physical_block, r.len_blocks))
            .collect();
        assert_eq!(got, vec![(0, 10, 2), (12, 50, 2), (15, 60, 1)]);
    }

    #[test]
    fn pointers_past_the_volume_are_errors_and_self_references_terminate() {
        let mut volume = vec![0u8; 1024 * 8];
        for i in 0..256 {
            volume[5 * 1024 + i * 4..5 * 1024 + i * 4 + 4].copy_from_slice(&5u32.to_le_bytes());
        }
        let source = MemorySource::new(volume);
        let blocks = Blocks::new(&source, 1024, 8);
        let mut i_block = [0u8; 60];
        i_block[56..60].copy_from_slice(&5u32.to_le_bytes());
        // Triple indirect through block 5 pointing at itself: a loop error.
        let error = indirect_runs(&blocks, &i_block, u64::MAX, 3).unwrap_err();
        assert!(error.to_string().contains("loop"), "{error}");
        i_block[0..4].copy_from_slice(&999u32.to_le_bytes());
        assert!(indirect_runs(&blocks, &i_block, 4, 3).is_err());
    }
}
