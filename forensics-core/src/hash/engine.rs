//! One read, many digests: options, byte runs, the sink, and the entry points.

use std::sync::atomic::{AtomicBool, Ordering};

use super::blocks::{BlockReader, block_specs, check_runs};
use super::lane::{Lane, PiecePart};
use super::{AlgorithmSet, Digests, Error, pipeline};
use crate::evidence::EvidenceSource;

/// Bytes per block handed to the hashers: large enough that channel and
/// thread hand-over costs vanish, small enough that the blocks in flight stay
/// in the CPU caches.
pub const BLOCK_LEN_BYTES: usize = 2 * 1024 * 1024;

/// Bytes per block when BLAKE3 alone hashes memory-mapped data on several
/// threads: large spans let its tree split across the cores with few joins,
/// as `b3sum` does on a mapped file. Nothing is copied, so the size costs no
/// memory.
const MAPPED_BLAKE3_BLOCK_LEN_BYTES: usize = 64 * 1024 * 1024;

/// What to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashOptions {
    /// The digests to compute (default: all four).
    pub algorithms: AlgorithmSet,
    /// Window length in bytes for piecewise hashes (like dc3dd's `hashwindow`),
    /// or `None` for none. Windows start at offset 0 of the hashed data; the
    /// last one may be short.
    pub piecewise_len_bytes: Option<u64>,
    /// Hashing threads: 0 = one per available core; 1 = everything on the
    /// calling thread; more = the algorithms spread over that many threads.
    pub threads: usize,
}

impl Default for HashOptions {
    fn default() -> Self {
        Self {
            algorithms: AlgorithmSet::ALL,
            piecewise_len_bytes: None,
            threads: 0,
        }
    }
}

/// A run of bytes to hash: `len_bytes` at `image_offset` of the source, or
/// `len_bytes` zeros when `image_offset` is `None` (a sparse run of a file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRun {
    /// Where the run starts on the media; `None` for a sparse run.
    pub image_offset: Option<u64>,
    /// Length of the run in bytes.
    pub len_bytes: u64,
}

impl ByteRun {
    /// `len_bytes` of the media at `image_offset`.
    pub fn data(image_offset: u64, len_bytes: u64) -> Self {
        Self {
            image_offset: Some(image_offset),
            len_bytes,
        }
    }

    /// `len_bytes` of zeros.
    pub fn sparse(len_bytes: u64) -> Self {
        Self {
            image_offset: None,
            len_bytes,
        }
    }
}

/// The digests of one window of a piecewise hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Index of the window, from 0.
    pub index: u64,
    /// Offset of the window from the start of the hashed data (for
    /// [`hash_source`], the image offset).
    pub data_offset: u64,
    /// Length of the window in bytes (only the last may be shorter than the
    /// window length).
    pub len_bytes: u64,
    /// The selected digests of the window.
    pub digests: Digests,
}

impl From<PiecePart> for Piece {
    fn from(part: PiecePart) -> Self {
        Self {
            index: part.index,
            data_offset: part.data_offset,
            len_bytes: part.len_bytes,
            digests: part.digests,
        }
    }
}

/// Receives progress and piecewise digests, always on the calling thread.
pub trait HashSink {
    /// `bytes_done` of `bytes_total` are hashed. Called about once per block.
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        let _ = (bytes_done, bytes_total);
    }

    /// One window of the piecewise hash, in window order.
    fn piece(&mut self, piece: Piece) {
        let _ = piece;
    }
}

/// A sink that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSink;

impl HashSink for NoSink {}

/// Hashes the whole media of `source`.
pub fn hash_source(
    source: &dyn EvidenceSource,
    options: &HashOptions,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<Digests, Error> {
    hash_runs(
        source,
        &[ByteRun::data(0, source.len())],
        options,
        sink,
        cancel,
    )
}

/// Hashes `len_bytes` of `source` starting at `image_offset`. Piece offsets
/// are relative to `image_offset`.
pub fn hash_range(
    source: &dyn EvidenceSource,
    image_offset: u64,
    len_bytes: u64,
    options: &HashOptions,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<Digests, Error> {
    hash_runs(
        source,
        &[ByteRun::data(image_offset, len_bytes)],
        options,
        sink,
        cancel,
    )
}

/// Hashes the concatenation of `runs` (a file's content: data runs read from
/// `source`, sparse runs as zeros). Piece offsets are offsets in that
/// concatenation (file offsets).
pub fn hash_runs(
    source: &dyn EvidenceSource,
    runs: &[ByteRun],
    options: &HashOptions,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<Digests, Error> {
    let total_bytes = check_runs(runs, source.len())?;
    if options.algorithms.is_empty() {
        return Err(Error::NoAlgorithm);
    }
    let threads = effective_threads(options.threads);
    let lanes = plan_lanes(options.algorithms, threads);
    let zeros = vec![0u8; BLOCK_LEN_BYTES];
    let reader = BlockReader::new(source, &zeros, BLOCK_LEN_BYTES);
    let overlap_io = source.as_bytes().is_none() && threads > 1;
    if lanes.len() > 1 || overlap_io {
        let spare_threads = threads.saturating_sub(lanes.len());
        pipeline::run(
            reader,
            runs,
            &lanes,
            spare_threads,
            options,
            total_bytes,
            sink,
            cancel,
        )
    } else {
        let blake3_multithreaded = threads > 1;
        let all_mapped =
            source.as_bytes().is_some() && runs.iter().all(|r| r.image_offset.is_some());
        let block_len = if blake3_multithreaded && all_mapped {
            MAPPED_BLAKE3_BLOCK_LEN_BYTES
        } else {
            BLOCK_LEN_BYTES
        };
        hash_sequential(
            &reader,
            runs,
            options,
            (blake3_multithreaded, block_len),
            total_bytes,
            sink,
            cancel,
        )
    }
}

/// Everything on the calling thread: read a block, feed every hasher.
fn hash_sequential(
    reader: &BlockReader<'_>,
    runs: &[ByteRun],
    options: &HashOptions,
    (blake3_multithreaded, block_len): (bool, usize),
    total_bytes: u64,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<Digests, Error> {
    let mut lane = Lane::new(
        options.algorithms,
        options.piecewise_len_bytes,
        blake3_multithreaded,
    );
    let mut done_bytes = 0u64;
    for spec in block_specs(runs, block_len) {
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled);
        }
        let block = reader.block(spec)?;
        lane.update(&block, &mut |part| sink.piece(part.into()));
        done_bytes += block.len() as u64;
        sink.progress(done_bytes, total_bytes);
    }
    Ok(lane.finish(&mut |part| sink.piece(part.into())))
}

/// The number of hashing threads `threads` asks for (0 = one per core).
fn effective_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    } else {
        threads
    }
}

/// Relative cost per byte of each algorithm on this CPU, for balancing lanes.
fn cost_per_byte(algorithm: super::Algorithm) -> u32 {
    use super::Algorithm::{Blake3, Md5, Sha1, Sha256};
    let sha_extensions = sha_extensions_present();
    match algorithm {
        Md5 => 50,
        Sha1 if sha_extensions => 20,
        Sha1 => 35,
        Sha256 if sha_extensions => 22,
        Sha256 => 90,
        Blake3 => 6,
    }
}

#[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
fn sha_extensions_present() -> bool {
    std::arch::is_x86_feature_detected!("sha")
}

#[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
fn sha_extensions_present() -> bool {
    false
}

/// Spreads `algorithms` over at most `threads` lanes so the slowest lane is as
/// fast as possible (longest job first onto the least loaded lane). MD5
/// cannot be split, so its lane bounds the pipeline.
pub(crate) fn plan_lanes(algorithms: AlgorithmSet, threads: usize) -> Vec<AlgorithmSet> {
    let lane_count = threads.clamp(1, algorithms.len().max(1));
    let mut by_cost: Vec<_> = algorithms.iter().collect();
    by_cost.sort_by_key(|&a| std::cmp::Reverse(cost_per_byte(a)));
    let mut lanes = vec![(0u32, AlgorithmSet::EMPTY); lane_count];
    for algorithm in by_cost {
        if let Some(lightest) = lanes.iter_mut().min_by_key(|(load, _)| *load) {
            lightest.0 += cost_per_byte(algorithm);
            lightest.1 = lightest.1.with(algorithm);
        }
    }
    lanes
        .into_iter()
        .map(|(_, set)| set)
        .filter(|set| !set.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::Algorithm;

    #[test]
    fn two_lanes_put_md5_alone_and_everything_else_together() {
        let lanes = plan_lanes(AlgorithmSet::ALL, 2);
        assert_eq!(lanes.len(), 2);
        assert_eq!(lanes[0], AlgorithmSet::of(&[Algorithm::Md5]));
        assert_eq!(
            lanes[1],
            AlgorithmSet::of(&[Algorithm::Sha1, Algorithm::Sha256, Algorithm::Blake3])
        );
    }

    #[test]
    fn lanes_never_outnumber_algorithms() {
        assert_eq!(plan_lanes(AlgorithmSet::of(&[Algorithm::Sha1]), 8).len(), 1);
        assert_eq!(plan_lanes(AlgorithmSet::ALL, 16).len(), 4);
        assert_eq!(plan_lanes(AlgorithmSet::ALL, 1), vec![AlgorithmSet::ALL]);
    }
}
