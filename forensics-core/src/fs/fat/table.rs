//! The file allocation table: entry lookup for FAT12/16/32, cluster chains
//! followed with loop and bounds checks, and free clusters.

use super::bpb::Geometry;
use crate::fs::FsType;

/// Largest FAT copy we load into memory (a FAT32 volume with 64 Mi clusters).
pub(super) const MAX_FAT_BYTES: u64 = 256 << 20;

/// What a FAT entry says about a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Next {
    /// Not allocated.
    Free,
    /// The chain goes on at this cluster (may be out of range: check it).
    Cluster(u32),
    /// Last cluster of its chain.
    End,
    /// Marked bad.
    Bad,
    /// Reserved value (1, or above the last cluster but below "bad").
    Reserved(u32),
}

/// One copy of the FAT, held in memory.
pub(super) struct Table {
    bytes: Vec<u8>,
    fs_type: FsType,
}

/// Why a chain ended before it should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ChainFault {
    /// The chain came back to a cluster it already used.
    Cycle(u32),
    /// An entry pointed outside the cluster area, or held a reserved value.
    OutOfRange(u32),
    /// A cluster of the chain is free or bad.
    Broken(u32),
    /// The chain ran longer than allowed.
    TooLong,
}

impl std::fmt::Display for ChainFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Cycle(cluster) => write!(f, "cluster chain loops back to cluster {cluster}"),
            Self::OutOfRange(value) => {
                write!(f, "cluster chain points to invalid cluster {value}")
            }
            Self::Broken(cluster) => {
                write!(f, "cluster chain reaches free or bad cluster {cluster}")
            }
            Self::TooLong => f.write_str("cluster chain is longer than the content needs"),
        }
    }
}

/// The clusters of a chain, in order, and why it stopped early (if it did).
#[derive(Debug, Default)]
pub(super) struct Chain {
    /// Clusters in file order.
    pub clusters: Vec<u32>,
    /// Set when the chain is cut short or corrupt.
    pub fault: Option<ChainFault>,
}

impl Table {
    /// Wraps the bytes of one FAT copy.
    pub fn new(bytes: Vec<u8>, fs_type: FsType) -> Self {
        Self { bytes, fs_type }
    }

    /// The raw entry for `cluster` (0 when the FAT is too short to hold it).
    fn raw(&self, cluster: u32) -> u32 {
        let n = cluster as usize;
        let read16 = |at: usize| {
            self.bytes
                .get(at..at.saturating_add(2))
                .map_or(0, |b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        match self.fs_type {
            FsType::Fat12 => {
                let pair = read16(n.saturating_add(n / 2));
                if n % 2 == 1 { pair >> 4 } else { pair & 0xFFF }
            }
            FsType::Fat16 => read16(n.saturating_mul(2)),
            _ => {
                let at = n.saturating_mul(4);
                self.bytes.get(at..at.saturating_add(4)).map_or(0, |b| {
                    u32::from_le_bytes([b[0], b[1], b[2], b[3]]) & 0x0FFF_FFFF
                })
            }
        }
    }

    /// The meaning of the entry for `cluster`.
    pub fn next(&self, geometry: &Geometry, cluster: u32) -> Next {
        let value = self.raw(cluster);
        let (bad, end) = match self.fs_type {
            FsType::Fat12 => (0xFF7, 0xFF8),
            FsType::Fat16 => (0xFFF7, 0xFFF8),
            _ => (0x0FFF_FFF7, 0x0FFF_FFF8),
        };
        match value {
            0 => Next::Free,
            v if v >= end => Next::End,
            v if v == bad => Next::Bad,
            v if geometry.is_cluster(v) => Next::Cluster(v),
            v => Next::Reserved(v),
        }
    }

    /// Whether `cluster` is allocated (neither free nor out of range).
    pub fn is_allocated(&self, geometry: &Geometry, cluster: u32) -> bool {
        geometry.is_cluster(cluster) && self.next(geometry, cluster) != Next::Free
    }

    /// Follows the chain from `first` for at most `max_clusters` clusters.
    /// Stops at the end mark, at a loop, at an invalid or free entry, or at
    /// the cap; anything but the end mark is reported as the fault.
    ///
    /// Loops are found with Brent's algorithm (constant memory, whatever the
    /// chain length); the clusters collected before the loop was noticed are
    /// cut back to the first repeat.
    pub fn chain(&self, geometry: &Geometry, first: u32, max_clusters: u64) -> Chain {
        let mut chain = Chain::default();
        if !geometry.is_cluster(first) {
            chain.fault = Some(ChainFault::OutOfRange(first));
            return chain;
        }
        let mut tortoise = first;
        let mut power = 1u64;
        let mut lambda = 0u64;
        let mut cluster = first;
        loop {
            if chain.clusters.len() as u64 >= max_clusters {
                chain.fault = Some(ChainFault::TooLong);
                return chain;
            }
            chain.clusters.push(cluster);
            let next = match self.next(geometry, cluster) {
                Next::End => return chain,
                Next::Cluster(next) => next,
                Next::Free | Next::Bad => {
                    chain.fault = Some(ChainFault::Broken(cluster));
                    return chain;
                }
                Next::Reserved(value) => {
                    chain.fault = Some(ChainFault::OutOfRange(value));
                    return chain;
                }
            };
            lambda += 1;
            if next == tortoise {
                cut_at_loop(&mut chain, lambda);
                return chain;
            }
            if lambda == power {
                tortoise = next;
                power = power.saturating_mul(2);
                lambda = 0;
            }
            cluster = next;
        }
    }

    /// Free clusters as `(first, count)` runs, ascending.
    pub fn free_runs(&self, geometry: &Geometry) -> Vec<(u32, u64)> {
        let mut runs: Vec<(u32, u64)> = Vec::new();
        let last = u32::try_from(geometry.last_cluster()).unwrap_or(u32::MAX);
        for cluster in 2..=last {
            if self.next(geometry, cluster) != Next::Free {
                continue;
            }
            match runs.last_mut() {
                Some((start, count)) if u64::from(*start) + *count == u64::from(cluster) => {
                    *count += 1;
                }
                _ => runs.push((cluster, 1)),
            }
        }
        runs
    }
}

/// Cuts `chain` (which loops with period `period`) just before its first
/// repeated cluster and records the loop.
fn cut_at_loop(chain: &mut Chain, period: u64) {
    let period = usize::try_from(period).unwrap_or(usize::MAX);
    let clusters = &chain.clusters;
    // The loop starts at the first index whose cluster comes back `period`
    // steps later; the chain repeats from index start + period on.
    let start = (0..clusters.len())
        .find(|&i| {
            let later = i.checked_add(period);
            later
                .and_then(|j| clusters.get(j))
                .is_none_or(|&c| c == clusters[i])
        })
        .unwrap_or(clusters.len());
    let keep = start.saturating_add(period).min(clusters.len());
    let repeated = clusters.get(start).copied().unwrap_or(0);
    chain.clusters.truncate(keep);
    chain.fault = Some(ChainFault::Cycle(repeated));
}
