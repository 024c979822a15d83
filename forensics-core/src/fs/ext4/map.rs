//! From an inode to where its content lies: logical-to-physical block runs
//! (extents or block pointers), then byte runs over the file's size with
//! holes and unwritten extents as runs that read as zeros.

use super::extent::extent_runs;
use super::indirect::indirect_runs;
use super::inode::{FLAG_EXTENTS, FLAG_INLINE_DATA, Inode};
use super::{Blocks, Error, corrupt};
use crate::fs::ByteRun;

/// Contiguous logical blocks stored in contiguous physical blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockRun {
    /// First logical block of the file covered.
    pub logical_block: u64,
    /// First physical block (volume block number).
    pub physical_block: u64,
    /// Number of blocks.
    pub len_blocks: u64,
    /// False for an unwritten extent (allocated, reads as zeros).
    pub initialized: bool,
}

/// How an inode's content is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// In the inode itself (inline data, fast symlink).
    Inline,
    /// In volume blocks; byte runs in file order covering `0..size`, sparse
    /// and unwritten pieces with `volume_offset: None`.
    Runs(Vec<ByteRun>),
}

/// Where the content of `inode` lies.
pub fn storage(blocks: &Blocks<'_>, inode: &Inode) -> Result<Storage, Error> {
    if inode.has_flag(FLAG_INLINE_DATA) || inode.is_fast_symlink(blocks.block_size_u32()) {
        return Ok(Storage::Inline);
    }
    let block_size = blocks.block_size() as u64;
    let mut runs = if inode.has_flag(FLAG_EXTENTS) {
        extent_runs(blocks, &inode.block, inode.number)?
    } else {
        let wanted_blocks = inode.size_bytes.div_ceil(block_size);
        indirect_runs(blocks, &inode.block, wanted_blocks, inode.number)?
    };
    runs.sort_by_key(|run| run.logical_block);
    byte_runs(&runs, inode.size_bytes, block_size)
        .map(Storage::Runs)
        .map_err(|what| corrupt(0, format!("inode {}: {what}", inode.number)))
}

/// Byte runs covering `0..size_bytes` from block runs sorted by logical block.
pub fn byte_runs(
    runs: &[BlockRun],
    size_bytes: u64,
    block_size: u64,
) -> Result<Vec<ByteRun>, String> {
    let mut pieces = Vec::new();
    let mut file_offset = 0u64;
    for run in runs {
        let start = run
            .logical_block
            .checked_mul(block_size)
            .ok_or("logical block offset overflows")?;
        if start >= size_bytes {
            break;
        }
        if start < file_offset {
            return Err(format!(
                "extents overlap at logical block {}",
                run.logical_block
            ));
        }
        if start > file_offset {
            pieces.push(hole(file_offset, start - file_offset));
        }
        let run_len = run
            .len_blocks
            .checked_mul(block_size)
            .ok_or("run length overflows")?;
        let len_bytes = run_len.min(size_bytes - start);
        let volume_offset = run
            .physical_block
            .checked_mul(block_size)
            .ok_or("physical block offset overflows")?;
        pieces.push(ByteRun {
            file_offset: start,
            volume_offset: run.initialized.then_some(volume_offset),
            len_bytes,
        });
        file_offset = start + len_bytes;
    }
    if file_offset < size_bytes {
        pieces.push(hole(file_offset, size_bytes - file_offset));
    }
    Ok(pieces)
}

fn hole(file_offset: u64, len_bytes: u64) -> ByteRun {
    ByteRun {
        file_offset,
        volume_offset: None,
        len_bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(
        logical_block: u64,
        physical_block: u64,
        len_blocks: u64,
        initialized: bool,
    ) -> BlockRun {
        BlockRun {
            logical_block,
            physical_block,
            len_blocks,
            initialized,
        }
    }

    #[test]
    fn holes_unwritten_extents_and_the_tail_become_zero_runs() {
        let runs = [run(1, 100, 1, true), run(2, 200, 2, false)];
        let pieces = byte_runs(&runs, 5000, 1024).unwrap();
        let got: Vec<(u64, Option<u64>, u64)> = pieces
            .iter()
            .map(|p| (p.file_offset, p.volume_offset, p.len_bytes))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, None, 1024),
                (1024, Some(102_400), 1024),
                (2048, None, 2048),
                (4096, None, 904)
            ]
        );
    }

    #[test]
    fn overlapping_extents_are_an_error_and_runs_past_the_size_are_cut() {
        let runs = [run(0, 10, 2, true), run(1, 20, 1, true)];
        assert!(byte_runs(&runs, 4096, 1024).is_err());
        let pieces = byte_runs(&[run(0, 10, 8, true)], 100, 1024).unwrap();
        assert_eq!(pieces.len(), 1);
        assert_eq!(pieces[0].len_bytes, 100);
    }
}
