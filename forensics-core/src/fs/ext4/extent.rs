//! Extent trees (ext4): which physical blocks hold which logical blocks.
//!
//! Sources: kernel `Documentation/filesystems/ext4/ifork.rst` ("Extent
//! Tree") and `fs/ext4/ext4_extents.h`. Every node starts with a 12-byte
//! header (magic 0xF30A, entries, max, depth); index nodes (depth > 0) hold
//! 12-byte `ext4_extent_idx` records pointing at child blocks, leaves
//! (depth 0) hold 12-byte `ext4_extent` records. A length above 32768 marks
//! an unwritten (uninitialised) extent, which reads as zeros.

use std::collections::BTreeSet;

use super::le::Le;
use super::map::BlockRun;
use super::{Blocks, Error, corrupt};

/// `eh_magic`.
const EXTENT_MAGIC: u16 = 0xF30A;
/// Length of the header and of each record.
const RECORD_LEN: usize = 12;
/// The kernel never builds trees deeper than 5 (`EXT4_MAX_EXTENT_DEPTH`).
pub const MAX_EXTENT_DEPTH: u16 = 5;
/// `ee_len` values above this mark unwritten extents.
const MAX_INITIALIZED_LEN: u16 = 32768;
/// Cap on tree nodes read for one file.
pub const MAX_EXTENT_NODES: usize = 1 << 16;
/// Cap on extents collected for one file.
pub const MAX_EXTENTS: usize = 1 << 20;

/// Reads the extent tree whose root is `root` (the inode's `i_block`) and
/// returns its extents in the order stored (logical order on a sane tree).
pub fn extent_runs(blocks: &Blocks<'_>, root: &[u8], inode: u32) -> Result<Vec<BlockRun>, Error> {
    let mut walk = TreeWalk {
        blocks,
        inode,
        visited: BTreeSet::new(),
        runs: Vec::new(),
    };
    walk.node(root, None, None)?;
    Ok(walk.runs)
}

struct TreeWalk<'a, 'b> {
    blocks: &'a Blocks<'b>,
    inode: u32,
    visited: BTreeSet<u64>,
    runs: Vec<BlockRun>,
}

impl TreeWalk<'_, '_> {
    /// Parses one node; `block` is where it was read from (`None` for the
    /// root in the inode), `expected_depth` what the parent promised.
    fn node(
        &mut self,
        node: &[u8],
        block: Option<u64>,
        expected_depth: Option<u16>,
    ) -> Result<(), Error> {
        let here = block.and_then(|b| self.blocks.offset(b)).unwrap_or(0);
        let le = Le(node);
        if node.len() < RECORD_LEN || le.u16(0) != EXTENT_MAGIC {
            return Err(corrupt(
                here,
                format!(
                    "inode {}: extent node has magic {:#06x}, not 0xf30a",
                    self.inode,
                    le.u16(0)
                ),
            ));
        }
        let entries = usize::from(le.u16(2));
        let depth = le.u16(6);
        if depth > MAX_EXTENT_DEPTH || expected_depth.is_some_and(|d| d != depth) {
            return Err(corrupt(
                here,
                format!("inode {}: extent node depth {depth} is invalid", self.inode),
            ));
        }
        let capacity = (node.len() - RECORD_LEN) / RECORD_LEN;
        if entries > capacity {
            return Err(corrupt(
                here,
                format!(
                    "inode {}: extent node claims {entries} entries, room for {capacity}",
                    self.inode
                ),
            ));
        }
        for index in 0..entries {
            let at = RECORD_LEN * (index + 1);
            let record = node.get(at..at + RECORD_LEN).unwrap_or_default();
            if depth == 0 {
                self.leaf_record(record, here)?;
            } else {
                self.index_record(record, depth - 1)?;
            }
        }
        Ok(())
    }

    fn leaf_record(&mut self, record: &[u8], here: u64) -> Result<(), Error> {
        let le = Le(record);
        let raw_len = le.u16(4);
        let (len_blocks, initialized) = if raw_len > MAX_INITIALIZED_LEN {
            (raw_len - MAX_INITIALIZED_LEN, false)
        } else {
            (raw_len, true)
        };
        if len_blocks == 0 {
            return Ok(());
        }
        let physical_block = u64::from(le.u32(8)) | u64::from(le.u16(6)) << 32;
        let run = BlockRun {
            logical_block: u64::from(le.u32(0)),
            physical_block,
            len_blocks: u64::from(len_blocks),
            initialized,
        };
        if !self.blocks.contains(physical_block, run.len_blocks) {
            return Err(corrupt(
                here,
                format!(
                    "inode {}: extent at block {physical_block} (+{len_blocks}) lies past the volume",
                    self.inode
                ),
            ));
        }
        if self.runs.len() >= MAX_EXTENTS {
            return Err(corrupt(
                here,
                format!("inode {}: more than {MAX_EXTENTS} extents", self.inode),
            ));
        }
        self.runs.push(run);
        Ok(())
    }

    fn index_record(&mut self, record: &[u8], child_depth: u16) -> Result<(), Error> {
        let le = Le(record);
        let child = u64::from(le.u32(4)) | u64::from(le.u16(8)) << 32;
        let child_offset = self.blocks.offset(child).unwrap_or(0);
        if !self.blocks.contains(child, 1) {
            return Err(corrupt(
                child_offset,
                format!(
                    "inode {}: extent index points past the volume (block {child})",
                    self.inode
                ),
            ));
        }
        if !self.visited.insert(child) {
            return Err(corrupt(
                child_offset,
                format!(
                    "inode {}: extent tree visits block {child} twice (loop)",
                    self.inode
                ),
            ));
        }
        if self.visited.len() > MAX_EXTENT_NODES {
            return Err(corrupt(
                child_offset,
                format!(
                    "inode {}: extent tree has more than {MAX_EXTENT_NODES} nodes",
                    self.inode
                ),
            ));
        }
        let mut node = vec![0u8; self.blocks.block_size()];
        self.blocks.read(child, &mut node)?;
        self.node(&node, Some(child), Some(child_depth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MemorySource;

    fn header(entries: u16, depth: u16) -> Vec<u8> {
        let mut h = Vec::new();
        for v in [EXTENT_MAGIC, entries, 4, depth] {
            h.extend_from_slice(&v.to_le_bytes());
        }
        h.extend_from_slice(&0u32.to_le_bytes());
        h
    }

    fn index_to(block: u32) -> Vec<u8> {
        let mut r = 0u32.to_le_bytes().to_vec();
        r.extend_from_slice(&block.to_le_bytes());
        r.extend_from_slice(&[0; 4]);
        r
    }

    fn volume_with_block(block: usize, node: &[u8]) -> MemorySource {
        let mut bytes = vec![0u8; 1024 * 16];
        bytes[block * 1024..block * 1024 + node.len()].copy_from_slice(node);
        MemorySource::new(bytes)
    }

    #[test]
    fn leaf_extents_are_read_and_unwritten_ones_marked() {
        let mut root = header(2, 0);
        for (logical, len, start) in [(0u32, 3u16, 5u32), (3, 32768 + 2, 9)] {
            root.extend_from_slice(&logical.to_le_bytes());
            root.extend_from_slice(&len.to_le_bytes());
            root.extend_from_slice(&0u16.to_le_bytes());
            root.extend_from_slice(&start.to_le_bytes());
        }
        let source = MemorySource::new(vec![0; 16 * 1024]);
        let blocks = Blocks::new(&source, 1024, 16);
        let runs = extent_runs(&blocks, &root, 12).unwrap();
        assert_eq!(runs.len(), 2);
        assert!(runs[0].initialized && !runs[1].initialized);
        assert_eq!((runs[1].physical_block, runs[1].len_blocks), (9, 2));
    }

    #[test]
    fn an_index_node_pointing_at_itself_is_a_loop_error() {
        let mut child = header(1, 1);
        child.extend_from_slice(&index_to(7));
        let source = volume_with_block(7, &child);
        let mut root = header(1, 2);
        root.extend_from_slice(&index_to(7));
        let blocks = Blocks::new(&source, 1024, 16);
        let error = extent_runs(&blocks, &root, 12).unwrap_err().to_string();
        assert!(error.contains("loop") || error.contains("depth"), "{error}");
    }

    #[test]
    fn depth_bad_magic_and_blocks_past_the_volume_are_errors() {
        let source = MemorySource::new(vec![0; 16 * 1024]);
        let blocks = Blocks::new(&source, 1024, 16);
        assert!(extent_runs(&blocks, &header(0, 6), 1).is_err());
        assert!(extent_runs(&blocks, &[0u8; 60], 1).is_err());
        let mut root = header(1, 1);
        root.extend_from_slice(&index_to(99));
        assert!(extent_runs(&blocks, &root, 1).is_err());
        let mut root = header(1, 1);
        root.extend_from_slice(&index_to(3));
        assert!(
            extent_runs(&blocks, &root, 1).is_err(),
            "child block is all zeros: bad magic"
        );
    }
}
