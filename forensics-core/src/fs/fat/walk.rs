//! The directory walk: from the root, depth first, siblings sorted by name;
//! each entry's content located from its cluster chain (allocated) or from
//! the free clusters after its first cluster (deleted, as TSK recovers them).
//! Directory cycles, shared directory clusters and broken chains are cut and
//! reported.

use std::collections::HashSet;

use super::FatFs;
use super::dir::{self, Record};
use super::table::ChainFault;
use crate::Problem;
use crate::evidence::read_exact_at;
use crate::fs::{ByteRun, EntryKind, Error, FileEntry};

/// A FAT directory holds at most 65 536 entries (2 MiB).
const MAX_DIR_BYTES: u64 = 65_536 * 32;
/// Deepest directory nesting followed (paths grow with depth).
const MAX_DEPTH: usize = 256;
/// How far past the clusters it needs a deleted file's recovery may skip
/// allocated clusters.
const MAX_RECOVERY_SKIP_CLUSTERS: u64 = 1 << 16;
/// Cluster steps a walk may spend locating content, as a multiple of the
/// cluster count plus a constant. A consistent volume needs about one step
/// per cluster (each belongs to one file); hostile ones that make thousands
/// of entries share one long chain would otherwise cost entries × clusters.
const CLUSTER_STEPS_PER_CLUSTER: u64 = 8;
const EXTRA_CLUSTER_STEPS: u64 = 1 << 24;

/// One directory being listed: its path and its remaining sorted entries.
struct Frame {
    path: String,
    deleted: bool,
    records: std::vec::IntoIter<Record>,
}

impl FatFs {
    /// Lists every entry below the root (see [`crate::fs::FileSystem::walk`]),
    /// then the special files `$MBR` and `$FATn`.
    pub(super) fn walk_entries(
        &self,
        visit: &mut dyn FnMut(FileEntry),
    ) -> Result<Vec<Problem>, Error> {
        let mut problems = self.open_problems.clone();
        let mut dir_clusters = HashSet::new();
        let mut steps_left = self
            .geometry
            .cluster_count
            .saturating_mul(CLUSTER_STEPS_PER_CLUSTER)
            .saturating_add(EXTRA_CLUSTER_STEPS);
        let root = self.read_root(&mut dir_clusters, &mut problems)?;
        let mut stack = vec![Frame {
            path: String::new(),
            deleted: false,
            records: sorted(root),
        }];
        while let Some(frame) = stack.last_mut() {
            let Some(record) = frame.records.next() else {
                stack.pop();
                continue;
            };
            let parent_deleted = frame.deleted;
            let path = format!("{}/{}", frame.path, record.name);
            let deleted = record.deleted || parent_deleted;
            let locate = steps_left > 0;
            let (entry, spent) = self.entry(&record, path.clone(), deleted, locate, &mut problems);
            if steps_left > 0 && spent >= steps_left {
                problems.push(Problem::general(format!(
                    "entries share clusters far more than a FAT volume allows; content of entries after {path} is not located"
                )));
            }
            steps_left = steps_left.saturating_sub(spent.max(1));
            visit(entry);
            if !record.is_dir {
                continue;
            }
            if stack.len() > MAX_DEPTH {
                problems.push(self.problem_at(
                    record.entry_offset,
                    format!("{path}: directories nested deeper than {MAX_DEPTH}; not followed"),
                ));
                continue;
            }
            if let Some(records) =
                self.read_subdirectory(&record, &path, deleted, &mut dir_clusters, &mut problems)
            {
                stack.push(Frame {
                    path,
                    deleted,
                    records: sorted(records),
                });
            }
        }
        for entry in self.special_entries() {
            visit(entry);
        }
        Ok(problems)
    }

    fn problem_at(&self, volume_offset: u64, message: String) -> Problem {
        Problem::at(volume_offset, 32, message)
    }

    /// The root directory: the fixed region (FAT12/16) or the root chain.
    fn read_root(
        &self,
        dir_clusters: &mut HashSet<u32>,
        problems: &mut Vec<Problem>,
    ) -> Result<Vec<Record>, Error> {
        let g = &self.geometry;
        if g.root_cluster == 0 {
            let len = g.root_dir_sectors * g.sector_bytes;
            let mut data = vec![0u8; usize::try_from(len).unwrap_or(0)];
            read_exact_at(self.volume.as_ref(), g.root_dir_offset(), &mut data)?;
            return Ok(dir::parse(&data, len, &[g.root_dir_offset()]));
        }
        let chain = self
            .table
            .chain(g, g.root_cluster, MAX_DIR_BYTES.div_ceil(g.cluster_bytes));
        if let Some(fault) = &chain.fault {
            problems.push(Problem::general(format!("root directory: {fault}")));
        }
        let data = self.read_dir_clusters("/", &chain.clusters, dir_clusters, problems);
        if data.1.is_empty() {
            return Err(Error::Corrupt {
                volume_offset: g.cluster_offset(g.root_cluster),
                what: "root directory cannot be read".into(),
            });
        }
        Ok(dir::parse(&data.0, g.cluster_bytes, &data.1))
    }

    /// The entries of directory `record`, or `None` when it must not be
    /// followed (points at the root or at a directory already listed, or its
    /// clusters are gone); problems only for allocated directories.
    fn read_subdirectory(
        &self,
        record: &Record,
        path: &str,
        deleted: bool,
        dir_clusters: &mut HashSet<u32>,
        problems: &mut Vec<Problem>,
    ) -> Option<Vec<Record>> {
        let g = &self.geometry;
        let first = record.first_cluster;
        let mut report = |message: String| {
            if !deleted {
                problems.push(self.problem_at(record.entry_offset, format!("{path}: {message}")));
            }
        };
        if first == 0 || first == g.root_cluster {
            report("directory points at the root directory (a cycle); not followed".into());
            return None;
        }
        if !g.is_cluster(first) {
            report(format!("directory starts at invalid cluster {first}"));
            return None;
        }
        if dir_clusters.contains(&first) {
            report(format!(
                "directory cycle: cluster {first} belongs to a directory already listed; not followed"
            ));
            return None;
        }
        let clusters = if deleted {
            // The chain is gone; only the first cluster is known, and only
            // while no other file has taken it.
            if self.table.is_allocated(g, first) {
                return None;
            }
            vec![first]
        } else {
            let chain = self
                .table
                .chain(g, first, MAX_DIR_BYTES.div_ceil(g.cluster_bytes));
            if let Some(fault) = &chain.fault {
                report(fault.to_string());
            }
            chain.clusters
        };
        let (data, offsets) = self.read_dir_clusters(path, &clusters, dir_clusters, problems);
        Some(dir::parse(&data, g.cluster_bytes, &offsets))
    }

    /// Reads directory clusters in order, stopping at one that was already
    /// read as part of another directory or cannot be read. Returns the bytes
    /// and each cluster's volume offset.
    fn read_dir_clusters(
        &self,
        path: &str,
        clusters: &[u32],
        dir_clusters: &mut HashSet<u32>,
        problems: &mut Vec<Problem>,
    ) -> (Vec<u8>, Vec<u64>) {
        let g = &self.geometry;
        let cluster_len = usize::try_from(g.cluster_bytes).unwrap_or(0);
        let mut data = Vec::new();
        let mut offsets = Vec::new();
        for &cluster in clusters {
            let offset = g.cluster_offset(cluster);
            if !dir_clusters.insert(cluster) {
                problems.push(Problem::at(
                    offset,
                    g.cluster_bytes,
                    format!("{path}: directory cluster {cluster} is shared with another directory; rest not read"),
                ));
                break;
            }
            let start = data.len();
            data.resize(start + cluster_len, 0);
            if let Err(error) = read_exact_at(self.volume.as_ref(), offset, &mut data[start..]) {
                data.truncate(start);
                problems.push(Problem::at(
                    offset,
                    g.cluster_bytes,
                    format!("{path}: cannot read directory cluster {cluster}: {error}"),
                ));
                break;
            }
            offsets.push(offset);
        }
        (data, offsets)
    }

    /// The entry for `record`, with its content's byte runs when `locate`.
    fn entry(
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

/// Records sorted by name, then by entry address (deterministic when a
/// deleted entry has the same name as a live one).
fn sorted(mut records: Vec<Record>) -> std::vec::IntoIter<Record> {
    records.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then(a.entry_offset.cmp(&b.entry_offset))
    });
    records.into_iter()
}
