//! Where an entry's content is: the FAT chain of an allocated file or
//! directory, the recovered clusters of a deleted one, as byte runs; and the
//! special files `$MBR`, `$FAT1`, `$FAT2`.

use super::FatFs;
use super::dir::Record;
use super::table::ChainFault;
use super::walk::MAX_DIR_BYTES;
use crate::Problem;
use crate::fs::{ByteRun, EntryKind, FileEntry};

/// How far past the clusters it needs a deleted file's recovery may skip
/// allocated clusters.
const MAX_RECOVERY_SKIP_CLUSTERS: u64 = 1 << 16;

impl FatFs {
    /// The entry for `record`, with its content's byte runs when `locate`.
    pub(super) fn entry(
        &self,
        record: &Record,
        path: String,
        deleted: bool,
        locate: bool,
        problems: &mut Vec<Problem>,
    ) -> (FileEntry, u64) {
        let g = &self.geometry;
        let id = g.entry_id(record.entry_offset);
        let kind = if record.is_dir {
            EntryKind::Directory
        } else {
            EntryKind::File
        };
        let size = u64::from(record.size);
        let (clusters, size, steps) = if !locate {
            (Vec::new(), size, 0)
        } else if record.is_dir {
            let clusters = self.directory_clusters(record, deleted);
            let steps = clusters.len() as u64;
            (clusters, steps * g.cluster_bytes, steps)
        } else if deleted {
            let (clusters, steps) = self.recover_clusters(record);
            (clusters, size, steps)
        } else {
            let clusters = self.file_clusters(record, &path, problems);
            let steps = clusters.len() as u64;
            (clusters, size, steps)
        };
        let mut entry = FileEntry::new(id.to_string(), path, kind, size);
        entry.deleted = deleted;
        entry.times = record.times;
        entry.byte_runs = self.byte_runs(&clusters, size);
        (entry, steps)
    }

    /// Clusters of a directory (its chain, or its first cluster if deleted
    /// and still free), without reporting (the listing reports).
    fn directory_clusters(&self, record: &Record, deleted: bool) -> Vec<u32> {
        let g = &self.geometry;
        let first = record.first_cluster;
        if !g.is_cluster(first) {
            return Vec::new();
        }
        if deleted {
            return if self.table.is_allocated(g, first) {
                Vec::new()
            } else {
                vec![first]
            };
        }
        self.table
            .chain(g, first, MAX_DIR_BYTES.div_ceil(g.cluster_bytes))
            .clusters
    }

    /// The clusters of an allocated file's chain, as many as its size needs.
    fn file_clusters(&self, record: &Record, path: &str, problems: &mut Vec<Problem>) -> Vec<u32> {
        let g = &self.geometry;
        let needed = u64::from(record.size).div_ceil(g.cluster_bytes);
        if needed == 0 {
            return Vec::new();
        }
        let chain = self.table.chain(g, record.first_cluster, needed);
        if let Some(fault) = &chain.fault {
            let message = match fault {
                ChainFault::TooLong => format!("{path}: {fault} ({} bytes)", record.size),
                _ => format!(
                    "{path}: {fault}; {} of {needed} clusters found, content is short",
                    chain.clusters.len()
                ),
            };
            problems.push(self.problem_at(record.entry_offset, message));
        }
        chain.clusters
    }

    /// A deleted file's clusters as TSK recovers them: from the first
    /// cluster on, the free clusters, skipping allocated ones, until the size
    /// is covered. Nothing when the first cluster is allocated again.
    /// Also returns how many clusters were looked at.
    fn recover_clusters(&self, record: &Record) -> (Vec<u32>, u64) {
        let g = &self.geometry;
        let needed = u64::from(record.size).div_ceil(g.cluster_bytes);
        let first = record.first_cluster;
        if needed == 0 || !g.is_cluster(first) || self.table.is_allocated(g, first) {
            return (Vec::new(), 1);
        }
        let scan_end =
            (u64::from(first) + needed + MAX_RECOVERY_SKIP_CLUSTERS).min(g.last_cluster());
        let mut clusters = Vec::new();
        let mut scanned = 0u64;
        for cluster in u64::from(first)..=scan_end {
            let Ok(cluster) = u32::try_from(cluster) else {
                break;
            };
            if clusters.len() as u64 >= needed {
                break;
            }
            scanned += 1;
            if !self.table.is_allocated(g, cluster) {
                clusters.push(cluster);
            }
        }
        (clusters, scanned)
    }

    /// Clusters merged into runs of volume offsets, the last cut to `size`.
    fn byte_runs(&self, clusters: &[u32], size: u64) -> Vec<ByteRun> {
        let g = &self.geometry;
        let mut runs: Vec<ByteRun> = Vec::new();
        let mut file_offset = 0u64;
        for &cluster in clusters {
            if file_offset >= size {
                break;
            }
            let len_bytes = g.cluster_bytes.min(size - file_offset);
            let volume_offset = g.cluster_offset(cluster);
            match runs.last_mut() {
                Some(run)
                    if run.volume_offset.map(|v| v + run.len_bytes) == Some(volume_offset) =>
                {
                    run.len_bytes += len_bytes;
                }
                _ => runs.push(ByteRun {
                    file_offset,
                    volume_offset: Some(volume_offset),
                    len_bytes,
                }),
            }
            file_offset += len_bytes;
        }
        runs
    }

    /// `$MBR` (the boot sector) and `$FAT1`, `$FAT2` (the FAT copies), with
    /// TSK's addresses just past the last possible directory entry.
    pub(super) fn special_entries(&self) -> Vec<FileEntry> {
        let g = &self.geometry;
        let first = g.first_special_id();
        let mut entries = Vec::new();
        let mut special = |offset: usize, name: &str, volume_offset: u64, len_bytes: u64| {
            let mut entry = FileEntry::new(
                (first + offset as u64).to_string(),
                format!("/{name}"),
                EntryKind::Other,
                len_bytes,
            );
            entry.mode = Some(0);
            entry.byte_runs = vec![ByteRun {
                file_offset: 0,
                volume_offset: Some(volume_offset),
                len_bytes,
            }];
            entries.push(entry);
        };
        special(0, "$MBR", 0, g.sector_bytes);
        for copy in 0..g.fat_count.min(2) {
            special(
                1 + copy as usize,
                &format!("$FAT{}", copy + 1),
                g.fat_offset(copy),
                g.fat_bytes(),
            );
        }
        entries
    }
}
