//! The directory walk: from the root inode down, parents before children,
//! siblings sorted by name; deleted names from directory slack included.
//!
//! Each directory is entered once (a set of visited directory inodes cuts
//! loops and hard-linked directories). A deleted name is only followed into
//! a directory whose inode is unallocated: a renamed directory leaves its
//! old name in the slack, but its content belongs under its live name.
//! Orphan inodes follow the tree, under a virtual `$OrphanFiles` directory.

use std::collections::{BTreeMap, BTreeSet};

use super::content::link_target;
use super::dir::{DirBlockKind, DirEntry, parse_dir_block};
use super::group::BG_INODE_UNINIT;
use super::inline::inline_dir_regions;
use super::inode::{FLAG_INDEX, FLAG_INLINE_DATA, Inode};
use super::map::{Storage, storage};
use super::superblock::{INCOMPAT_FILETYPE, INCOMPAT_INLINE_DATA};
use super::{Error, Ext4, ROOT_INODE, problem_from, read_volume};
use crate::Problem;
use crate::fs::{EntryKind, FileEntry};

/// Cap on the bytes of one directory that are read (about ten million names).
pub const MAX_DIR_BYTES: u64 = 256 << 20;
/// Cap on inode bitmaps kept in memory (16 MiB with 4 KiB blocks); the
/// cache starts afresh when it is full.
const MAX_CACHED_BITMAPS: usize = 4096;
/// Cap on the byte runs kept in one listed entry (content reads are not
/// capped: `read_content` maps the file again).
pub const MAX_LISTED_RUNS: usize = 1 << 16;

/// Walks the file system, calling `visit` with every entry.
pub fn walk(fs: &Ext4, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, Error> {
    let root = fs.inode(ROOT_INODE)?;
    if root.kind() != EntryKind::Directory {
        return Err(super::corrupt(0, "inode 2 (the root) is not a directory"));
    }
    let mut walker = Walker {
        fs,
        problems: fs.open_problems.clone(),
        visited_dirs: BTreeSet::from([ROOT_INODE]),
        inode_bitmaps: BTreeMap::new(),
    };
    let mut pending: Vec<Pending> = walker.children(&root, "", false);
    pending.reverse();
    let mut named_inodes = BTreeSet::new();
    while let Some(next) = pending.pop() {
        if let Ok(number) = next.entry.id.parse::<u32>() {
            named_inodes.insert(number);
        }
        let descend = next.inode.as_ref().filter(|inode| {
            inode.kind() == EntryKind::Directory
                && (!next.name_deleted || !walker.inode_allocated(inode.number))
                && walker.visited_dirs.insert(inode.number)
        });
        let mut children = match descend {
            Some(inode) => walker.children(inode, &next.entry.path, next.entry.deleted),
            None => Vec::new(),
        };
        visit(next.entry);
        children.reverse();
        pending.append(&mut children);
    }
    for entry in walker.orphans(&named_inodes) {
        visit(entry);
    }
    Ok(walker.problems)
}

/// An entry waiting to be visited, with the inode it names (if readable).
struct Pending {
    entry: FileEntry,
    inode: Option<Inode>,
    name_deleted: bool,
}

pub(super) struct Walker<'a> {
    pub(super) fs: &'a Ext4,
    problems: Vec<Problem>,
    visited_dirs: BTreeSet<u32>,
    inode_bitmaps: BTreeMap<u32, Option<Vec<u8>>>,
}

impl Walker<'_> {
    /// The entries of directory `dir` (at `dir_path`), sorted by name.
    fn children(&mut self, dir: &Inode, dir_path: &str, dir_deleted: bool) -> Vec<Pending> {
        let names = self.dir_entries(dir);
        let mut children: Vec<Pending> = names
            .into_iter()
            .filter(|name| name.name != b"." && name.name != b"..")
            .filter_map(|name| self.pending(&name, dir_path, dir_deleted))
            .collect();
        children.sort_by(|a, b| {
            (&a.entry.name, a.entry.deleted, &a.entry.id).cmp(&(
                &b.entry.name,
                b.entry.deleted,
                &b.entry.id,
            ))
        });
        children
    }

    /// A listing entry for directory entry `name`.
    fn pending(&mut self, name: &DirEntry, dir_path: &str, dir_deleted: bool) -> Option<Pending> {
        let path = format!("{dir_path}/{}", String::from_utf8_lossy(&name.name));
        let inode = match self.fs.inode(name.inode) {
            Ok(inode) => Some(inode),
            Err(error) => {
                if name.allocated {
                    self.problems
                        .push(Problem::general(format!("{path}: {error}")));
                }
                None
            }
        };
        if name.allocated && inode.is_none() {
            return None;
        }
        let deleted = !name.allocated || dir_deleted || !self.inode_allocated(name.inode);
        let mut entry = FileEntry::new(name.inode.to_string(), path, kind_of(name.file_type), 0);
        entry.deleted = deleted;
        if let Some(inode) = inode.as_ref().filter(|inode| inode.has_type()) {
            self.describe(&mut entry, inode);
        }
        Some(Pending {
            entry,
            inode,
            name_deleted: !name.allocated,
        })
    }

    /// Fills the entry's metadata, byte runs and link target from `inode`.
    pub(super) fn describe(&mut self, entry: &mut FileEntry, inode: &Inode) {
        entry.kind = inode.kind();
        entry.size = inode.size_bytes;
        entry.times = inode.times;
        entry.mode = Some(u32::from(inode.mode));
        entry.uid = Some(inode.uid);
        entry.gid = Some(inode.gid);
        if matches!(entry.kind, EntryKind::Other) {
            return;
        }
        match storage(&self.fs.blocks(), inode) {
            Ok(Storage::Runs(mut runs)) => {
                if runs.len() > MAX_LISTED_RUNS {
                    runs.truncate(MAX_LISTED_RUNS);
                    self.problems.push(Problem::general(format!(
                        "{}: more than {MAX_LISTED_RUNS} byte runs; only the first are listed",
                        entry.path
                    )));
                }
                entry.byte_runs = runs;
            }
            Ok(Storage::Inline) => {}
            Err(error) => self.problem(&entry.path, &error),
        }
        if entry.kind == EntryKind::Symlink {
            match link_target(self.fs, inode) {
                Ok(target) => entry.link_target = Some(target),
                Err(error) => self.problem(&entry.path, &error),
            }
        }
    }

    fn problem(&mut self, path: &str, error: &Error) {
        let mut problem = problem_from(error);
        problem.message = format!("{path}: {}", problem.message);
        self.problems.push(problem);
    }

    /// The names in directory `dir`, live and recovered, in block order.
    fn dir_entries(&mut self, dir: &Inode) -> Vec<DirEntry> {
        let sb = self.fs.superblock();
        let mut kind = DirBlockKind {
            has_file_type: sb.has_incompat(INCOMPAT_FILETYPE),
            inodes_count: sb.inodes_count,
            htree_root: false,
            indexed: dir.has_flag(FLAG_INDEX),
        };
        let mut names = Vec::new();
        if dir.has_flag(FLAG_INLINE_DATA) && sb.has_incompat(INCOMPAT_INLINE_DATA) {
            for region in inline_dir_regions(dir) {
                if let Some((_, message)) = parse_dir_block(region, kind, &mut names) {
                    self.problems.push(Problem::general(format!(
                        "inline directory inode {}: {message}",
                        dir.number
                    )));
                }
            }
            return names;
        }
        let runs = match storage(&self.fs.blocks(), dir) {
            Ok(Storage::Runs(runs)) => runs,
            Ok(Storage::Inline) => return names,
            Err(error) => {
                self.problem(&format!("directory inode {}", dir.number), &error);
                return names;
            }
        };
        let block_size = u64::from(sb.block_size);
        let mut block = vec![0u8; sb.block_size as usize];
        let mut read_bytes = 0u64;
        for run in runs {
            let Some(run_start) = run.volume_offset else {
                continue;
            };
            for index in 0..run.len_bytes.div_ceil(block_size) {
                read_bytes += block_size;
                if read_bytes > MAX_DIR_BYTES {
                    self.problems.push(Problem::general(format!(
                        "directory inode {} is larger than {MAX_DIR_BYTES} bytes; the rest is skipped",
                        dir.number
                    )));
                    return names;
                }
                let volume_offset = run_start + index * block_size;
                if let Err(error) = read_volume(self.fs.volume.as_ref(), volume_offset, &mut block)
                {
                    self.problem(&format!("directory inode {}", dir.number), &error);
                    continue;
                }
                kind.htree_root = kind.indexed && run.file_offset + index * block_size == 0;
                if let Some((at, message)) = parse_dir_block(&block, kind, &mut names) {
                    let message = format!("directory inode {}: {message}", dir.number);
                    self.problems
                        .push(Problem::at(volume_offset + at as u64, 8, message));
                }
            }
        }
        names
    }

    /// Whether inode `number` is marked in use in its group's inode bitmap
    /// (unreadable bitmaps count as in use; uninitialised groups as free).
    pub(super) fn inode_allocated(&mut self, number: u32) -> bool {
        let sb = self.fs.superblock();
        let Some(index) = number.checked_sub(1) else {
            return false;
        };
        let group = index / sb.inodes_per_group;
        let bit = (index % sb.inodes_per_group) as usize;
        if self.inode_bitmaps.len() >= MAX_CACHED_BITMAPS
            && !self.inode_bitmaps.contains_key(&group)
        {
            self.inode_bitmaps.clear();
        }
        let bitmap = self.inode_bitmaps.entry(group).or_insert_with(|| {
            let descriptor = self.fs.groups.get(group as usize)?;
            if sb.uninit_flags_valid() && descriptor.flags & BG_INODE_UNINIT != 0 {
                return Some(Vec::new());
            }
            let mut bytes = vec![0u8; sb.block_size as usize];
            self.fs
                .blocks()
                .read(descriptor.inode_bitmap, &mut bytes)
                .ok()?;
            Some(bytes)
        });
        match bitmap {
            None => true,
            Some(bytes) => bytes
                .get(bit / 8)
                .is_some_and(|byte| byte >> (bit % 8) & 1 == 1),
        }
    }
}

/// The kind a directory entry's `file_type` byte names.
fn kind_of(file_type: u8) -> EntryKind {
    match file_type {
        1 => EntryKind::File,
        2 => EntryKind::Directory,
        7 => EntryKind::Symlink,
        0 => EntryKind::File,
        _ => EntryKind::Other,
    }
}
