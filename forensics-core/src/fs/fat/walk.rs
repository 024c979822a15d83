//! The directory walk: from the root, depth first, siblings sorted by name;
//! each entry's content located from its cluster chain (allocated) or from
//! the free clusters after its first cluster (deleted, as TSK recovers them).
//! Directory cycles, shared directory clusters and broken chains are cut and
//! reported.

use std::collections::HashSet;

use super::FatFs;
use super::dir::{self, Record};
use crate::Problem;
use crate::evidence::read_exact_at;
use crate::fs::{Error, FileEntry};

/// A FAT directory holds at most 65 536 entries (2 MiB).
pub(super) const MAX_DIR_BYTES: u64 = 65_536 * 32;
/// Deepest directory nesting followed (paths grow with depth).
const MAX_DEPTH: usize = 256;
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

    pub(super) fn problem_at(&self, volume_offset: u64, message: String) -> Problem {
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
