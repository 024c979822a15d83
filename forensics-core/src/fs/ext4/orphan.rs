//! Orphan inodes: unallocated inodes that were once used (their change time
//! is set and their mode has a file type) but that no directory entry, live
//! or recovered, names. The Sleuth Kit lists them under a virtual
//! `$OrphanFiles` directory as `OrphanFile-<inode>`; so does this reader, after
//! the tree walk, with the virtual directory's id one past the last inode.

use std::collections::BTreeSet;

use super::group::BG_INODE_UNINIT;
use super::walk::Walker;
use crate::fs::{EntryKind, FileEntry};

/// Name of the virtual directory holding orphan inodes (as in TSK).
pub const ORPHAN_DIR_NAME: &str = "$OrphanFiles";

impl Walker<'_> {
    /// The virtual `$OrphanFiles` directory and its entries, sorted by name.
    pub(super) fn orphans(&mut self, named_inodes: &BTreeSet<u32>) -> Vec<FileEntry> {
        let fs = self.fs;
        let sb = fs.superblock();
        let dir_path = format!("/{ORPHAN_DIR_NAME}");
        let mut orphans = Vec::new();
        for (group, descriptor) in (0u32..).zip(&fs.groups) {
            if !descriptor.valid {
                continue;
            }
            let mut used_inodes = sb.inodes_per_group;
            if sb.uninit_flags_valid() {
                if descriptor.flags & BG_INODE_UNINIT != 0 {
                    continue;
                }
                used_inodes = used_inodes.saturating_sub(descriptor.itable_unused);
            }
            let first = group.saturating_mul(sb.inodes_per_group).saturating_add(1);
            for number in first
                ..first
                    .saturating_add(used_inodes)
                    .min(sb.inodes_count.saturating_add(1))
            {
                if named_inodes.contains(&number) || self.inode_allocated(number) {
                    continue;
                }
                let Ok(inode) = fs.inode(number) else {
                    continue;
                };
                if !inode.has_type() || inode.times.changed.is_none() {
                    continue;
                }
                let path = format!("{dir_path}/OrphanFile-{number}");
                let mut entry = FileEntry::new(number.to_string(), path, inode.kind(), 0);
                entry.deleted = true;
                self.describe(&mut entry, &inode);
                orphans.push(entry);
            }
        }
        orphans.sort_by(|a, b| a.name.cmp(&b.name));
        let virtual_id = (u64::from(sb.inodes_count) + 1).to_string();
        let mut virtual_dir = FileEntry::new(virtual_id, dir_path, EntryKind::Directory, 0);
        // No permissions: the directory exists only in this listing.
        virtual_dir.mode = Some(0);
        let mut listing = vec![virtual_dir];
        listing.append(&mut orphans);
        listing
    }
}
