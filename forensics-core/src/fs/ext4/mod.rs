//! ext2, ext3 and ext4, read-only: superblock, group descriptors, inodes,
//! extent trees and indirect block maps, inline data, linear and htree
//! directories, symlinks, deleted entries recovered from directory slack,
//! orphan inodes, and unallocated blocks.
//!
//! # What is read
//! - **The journal is not replayed**: what is listed and read is what the
//!   volume holds on disk, as The Sleuth Kit shows it. Changes that only sit
//!   in the journal (not yet checkpointed) are not seen.
//! - Entry ids are inode numbers (`"12"`); `read_content` takes them, for
//!   allocated and deleted inodes alike, and writes a symlink's target for a
//!   symlink. Holes and unwritten extents read as zeros.
//! - Times: modified = `i_mtime`, accessed = `i_atime`, changed = `i_ctime`,
//!   created = `i_crtime` (large inodes only), with the nanosecond and epoch
//!   bits of the `_extra` fields where the inode has them.
//! - Deleted entries are names found in the gaps of directory blocks (see
//!   `dir.rs`); their metadata and content come from the inode they name,
//!   which keeps its extent tree or block pointers when the file was removed
//!   by tools such as `debugfs rm` (the Linux kernel clears them on delete,
//!   so content of kernel-deleted files is empty or zeros, as in TSK).
//!   Unallocated, once-used inodes that no name reaches are listed after the
//!   tree under the virtual `/$OrphanFiles` directory (see `orphan.rs`).
//! - Names are bytes on disk; names that are not UTF-8 are shown with
//!   U+FFFD replacement characters.
//! - Problem offsets are offsets in the volume (the caller adds the
//!   partition's start).
//!
//! # Example
//! ```no_run
//! use std::sync::Arc;
//! use forensics_core::evidence::{EvidenceSource, MemorySource};
//! use forensics_core::fs::{FileSystem, ext4::Ext4};
//!
//! # let image_bytes = Vec::new();
//! let volume: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(image_bytes));
//! let fs = Ext4::open(volume)?;
//! let problems = fs.walk(&mut |entry| println!("{} {}", entry.id, entry.path))?;
//! let mut hosts = Vec::new();
//! fs.read_content("13", None, &mut hosts)?;
//! # Ok::<(), forensics_core::fs::Error>(())
//! ```
//!
//! Sources: the kernel's `Documentation/filesystems/ext4/` (cited per file).

mod bitmap;
mod content;
mod dir;
mod extent;
mod group;
mod indirect;
mod inline;
mod inode;
mod le;
mod map;
mod orphan;
mod superblock;
mod walk;

use std::io::Write;
use std::sync::Arc;

pub use inode::Inode;
pub use superblock::Superblock;

use super::{Error, FileEntry, FileSystem, FsType};
use crate::Problem;
use crate::evidence::{EvidenceSource, read_exact_at};
use crate::volume::ByteRange;
use group::GroupDescriptor;
use superblock::{COMPAT_HAS_JOURNAL, SUPERBLOCK_LEN, SUPERBLOCK_OFFSET};

/// `s_feature_incompat` bits that make a file system ext4 rather than ext3.
const EXT4_ONLY_INCOMPAT: u32 = 0x40 | 0x80 | 0x200;
/// Inode number of the root directory.
pub const ROOT_INODE: u32 = 2;

/// An ext2/3/4 file system opened read-only on a volume.
pub struct Ext4 {
    volume: Arc<dyn EvidenceSource>,
    superblock: Superblock,
    groups: Vec<GroupDescriptor>,
    /// Problems found while opening (invalid group descriptors), reported by
    /// every walk.
    open_problems: Vec<Problem>,
}

impl std::fmt::Debug for Ext4 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ext4")
            .field("superblock", &self.superblock)
            .field("groups", &self.groups.len())
            .finish_non_exhaustive()
    }
}

impl Ext4 {
    /// Reads and validates the superblock and group descriptors of the
    /// file system at the start of `volume`.
    pub fn open(volume: Arc<dyn EvidenceSource>) -> Result<Self, Error> {
        let mut raw = vec![0u8; SUPERBLOCK_LEN];
        read_volume(volume.as_ref(), SUPERBLOCK_OFFSET, &mut raw)?;
        let superblock = Superblock::parse(&raw)?;
        let (groups, mut open_problems) = group::read_descriptors(&volume, &superblock)?;
        let fs_bytes = superblock
            .blocks_count
            .saturating_mul(u64::from(superblock.block_size));
        if fs_bytes > volume.len() {
            open_problems.push(Problem::at(
                volume.len(),
                fs_bytes - volume.len(),
                format!(
                    "file system is {fs_bytes} bytes but the volume only {}: blocks past the end cannot be read",
                    volume.len()
                ),
            ));
        }
        Ok(Self {
            volume,
            superblock,
            groups,
            open_problems,
        })
    }

    /// The validated superblock.
    pub fn superblock(&self) -> &Superblock {
        &self.superblock
    }

    /// ext2, ext3 or ext4, from the feature flags.
    pub fn kind(&self) -> FsType {
        if self.superblock.feature_incompat & EXT4_ONLY_INCOMPAT != 0 {
            FsType::Ext4
        } else if self.superblock.feature_compat & COMPAT_HAS_JOURNAL != 0 {
            FsType::Ext3
        } else {
            FsType::Ext2
        }
    }

    /// Volume offset of the on-disk record of inode `number` (1-based).
    pub fn inode_volume_offset(&self, number: u32) -> Result<u64, Error> {
        let sb = &self.superblock;
        if number == 0 || number > sb.inodes_count {
            return Err(Error::NotFound {
                what: format!("inode {number} (valid: 1..={})", sb.inodes_count),
            });
        }
        let index = number - 1;
        let group = (index / sb.inodes_per_group) as usize;
        let slot = u64::from(index % sb.inodes_per_group);
        let table = self
            .groups
            .get(group)
            .filter(|descriptor| descriptor.valid)
            .ok_or_else(|| {
                corrupt(
                    0,
                    format!("inode {number} lies in missing or invalid group {group}"),
                )
            })?
            .inode_table;
        sb.block_offset(table)
            .and_then(|start| start.checked_add(slot * u64::from(sb.inode_size)))
            .ok_or_else(|| corrupt(0, format!("inode {number}: table offset overflows")))
    }

    /// Reads inode `number` (1-based) from its group's inode table, whether
    /// allocated or not.
    pub fn inode(&self, number: u32) -> Result<Inode, Error> {
        let offset = self.inode_volume_offset(number)?;
        let sb = &self.superblock;
        let mut raw = vec![0u8; sb.inode_size as usize];
        read_volume(self.volume.as_ref(), offset, &mut raw)?;
        Inode::parse(number, &raw, sb.block_size)
            .ok_or_else(|| corrupt(offset, format!("inode {number} record is too short")))
    }

    /// Writes the content of `inode` (for a symlink: its target) to `out`.
    pub fn write_inode_content(&self, inode: &Inode, out: &mut dyn Write) -> Result<u64, Error> {
        content::write_content(self, inode, out)
    }

    fn blocks(&self) -> Blocks<'_> {
        Blocks::new(
            self.volume.as_ref(),
            self.superblock.block_size,
            self.superblock.blocks_count,
        )
    }
}

impl FileSystem for Ext4 {
    fn fs_type(&self) -> FsType {
        self.kind()
    }

    fn walk(&self, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, Error> {
        walk::walk(self, visit)
    }

    fn read_content(
        &self,
        id: &str,
        stream: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, Error> {
        if let Some(name) = stream {
            return Err(Error::NotFound {
                what: format!("stream {name} (ext file systems have no named streams)"),
            });
        }
        let number: u32 = id.trim().parse().map_err(|_| Error::NotFound {
            what: format!("{id} (ext ids are inode numbers)"),
        })?;
        let inode = self.inode(number)?;
        self.write_inode_content(&inode, out)
    }

    fn unallocated(&self) -> Result<Vec<ByteRange>, Error> {
        bitmap::unallocated(self)
    }
}

/// Block-addressed reads within the file system's block count.
pub(crate) struct Blocks<'a> {
    volume: &'a dyn EvidenceSource,
    block_size: u32,
    blocks_count: u64,
}

impl<'a> Blocks<'a> {
    pub(crate) fn new(volume: &'a dyn EvidenceSource, block_size: u32, blocks_count: u64) -> Self {
        Self {
            volume,
            block_size,
            blocks_count,
        }
    }

    pub(crate) fn block_size(&self) -> usize {
        self.block_size as usize
    }

    pub(crate) fn block_size_u32(&self) -> u32 {
        self.block_size
    }

    /// Volume offset of `block`.
    pub(crate) fn offset(&self, block: u64) -> Option<u64> {
        block.checked_mul(u64::from(self.block_size))
    }

    /// Whether blocks `block..block + len_blocks` exist in the file system.
    pub(crate) fn contains(&self, block: u64, len_blocks: u64) -> bool {
        block
            .checked_add(len_blocks)
            .is_some_and(|end| end <= self.blocks_count)
    }

    /// Reads block `block` into `buf` (one block long).
    pub(crate) fn read(&self, block: u64, buf: &mut [u8]) -> Result<(), Error> {
        if !self.contains(block, 1) {
            return Err(corrupt(
                0,
                format!("block {block} lies past the {} blocks", self.blocks_count),
            ));
        }
        let offset = self
            .offset(block)
            .ok_or_else(|| corrupt(0, format!("block {block} offset overflows")))?;
        read_volume(self.volume, offset, buf)
    }
}

/// Reads `buf.len()` bytes at `volume_offset`.
fn read_volume(
    volume: &dyn EvidenceSource,
    volume_offset: u64,
    buf: &mut [u8],
) -> Result<(), Error> {
    read_exact_at(volume, volume_offset, buf).map_err(Error::from)
}

/// A corrupt-structure error at `volume_offset`.
fn corrupt(volume_offset: u64, what: impl Into<String>) -> Error {
    Error::Corrupt {
        volume_offset,
        what: what.into(),
    }
}

/// A walk problem from an error (volume offsets stand in for image offsets).
fn problem_from(error: &Error) -> Problem {
    match error {
        Error::Corrupt {
            volume_offset,
            what,
        } if *volume_offset != 0 => Problem::at(*volume_offset, 0, what.clone()),
        other => Problem::general(other.to_string()),
    }
}
