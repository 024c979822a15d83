//! The acquisition pipeline: the calling thread reads the source block by
//! block ([`SourceReader`]) and hands each block, shared and immutable, to the
//! hashing lanes (one thread per group of digests, as in [`crate::hash`]) and
//! to the output thread, which compresses (E01: chunks spread over the rayon
//! pool) and writes while the next blocks are read. Bounded channels keep the
//! memory in flight to a few blocks per consumer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::output::Output;
use super::reader::{BadRange, SourceReader};
use super::{AcquireError, AcquireProgress};
use crate::hash::{AlgorithmSet, Digests, MultiHasher, plan_lanes};

/// Blocks queued per consumer before the reader waits.
const QUEUE_BLOCKS: usize = 4;

/// One block of media on its way to the hashers and the output.
struct Block {
    media_offset: u64,
    bytes: Arc<Vec<u8>>,
    bad: Arc<Vec<BadRange>>,
}

/// What one pass over the source produced.
pub(super) struct PassResult {
    /// The four digests of the bytes read (zeros for bad ranges).
    pub(super) digests: Digests,
    /// Bytes read (or zero-filled) and written.
    pub(super) bytes_done: u64,
    /// Unreadable ranges, ascending.
    pub(super) bad_ranges: Vec<BadRange>,
    /// Whether the pass stopped because `cancel` was set.
    pub(super) cancelled: bool,
    /// The output, still to be finished.
    pub(super) output: Output,
}

/// Reads the whole source once, feeding the hashers and the output.
pub(super) fn run_pass(
    reader: &SourceReader<'_>,
    len_bytes: u64,
    block_len_bytes: usize,
    threads: usize,
    output: Output,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> Result<PassResult, AcquireError> {
    let lanes = plan_lanes(AlgorithmSet::ALL, threads.max(1));
    std::thread::scope(|scope| {
        let mut lane_inputs = Vec::with_capacity(lanes.len());
        let mut lane_handles = Vec::with_capacity(lanes.len());
        for &algorithms in &lanes {
            let (input, blocks) = sync_channel::<Arc<Vec<u8>>>(QUEUE_BLOCKS);
            lane_inputs.push(input);
            lane_handles.push(scope.spawn(move || hash_lane(algorithms, &blocks)));
        }
        let (output_input, output_blocks) = sync_channel::<Block>(QUEUE_BLOCKS);
        let output_handle = scope.spawn(move || write_blocks(output, &output_blocks));

        let read = read_all(
            reader,
            len_bytes,
            block_len_bytes,
            &lane_inputs,
            &output_input,
            progress,
            cancel,
        );
        drop(lane_inputs);
        drop(output_input);
        let mut digests = Digests::default();
        for handle in lane_handles {
            let lane_digests = handle.join().map_err(|_| AcquireError::WorkerPanicked)?;
            digests.merge(&lane_digests);
        }
        let output = output_handle
            .join()
            .map_err(|_| AcquireError::WorkerPanicked)??;
        let (bytes_done, bad_ranges, cancelled) = read;
        Ok(PassResult {
            digests,
            bytes_done,
            bad_ranges,
            cancelled,
            output,
        })
    })
}

/// The reading loop on the calling thread; returns the bytes done, the bad
/// ranges and whether it was cancelled. Stops early when the output thread
/// hangs up (its error is reported by the caller).
fn read_all(
    reader: &SourceReader<'_>,
    len_bytes: u64,
    block_len_bytes: usize,
    lane_inputs: &[SyncSender<Arc<Vec<u8>>>],
    output_input: &SyncSender<Block>,
    progress: &mut dyn AcquireProgress,
    cancel: &AtomicBool,
) -> (u64, Vec<BadRange>, bool) {
    let mut media_offset = 0u64;
    let mut bad_ranges: Vec<BadRange> = Vec::new();
    while media_offset < len_bytes {
        if cancel.load(Ordering::Relaxed) {
            return (media_offset, bad_ranges, true);
        }
        let take = usize::try_from(len_bytes - media_offset)
            .unwrap_or(usize::MAX)
            .min(block_len_bytes);
        let mut bytes = vec![0u8; take];
        let bad = reader.read_block(media_offset, &mut bytes, cancel);
        for range in &bad {
            progress.bad_range(range);
        }
        let bytes = Arc::new(bytes);
        for input in lane_inputs {
            // A lane only hangs up when it panicked; the join reports that.
            let _ = input.send(Arc::clone(&bytes));
        }
        merge_ranges(&mut bad_ranges, &bad);
        let block = Block {
            media_offset,
            bytes,
            bad: Arc::new(bad),
        };
        if output_input.send(block).is_err() {
            break;
        }
        media_offset += take as u64;
        progress.progress(media_offset, len_bytes);
    }
    (media_offset, bad_ranges, false)
}

/// Appends `new` to `all`, merging a range that continues the last one.
fn merge_ranges(all: &mut Vec<BadRange>, new: &[BadRange]) {
    for range in new {
        match all.last_mut() {
            Some(last) if last.media_offset + last.len_bytes == range.media_offset => {
                last.len_bytes += range.len_bytes;
            }
            _ => all.push(range.clone()),
        }
    }
}

/// A hashing lane: its digests over every block, in order.
fn hash_lane(algorithms: AlgorithmSet, blocks: &Receiver<Arc<Vec<u8>>>) -> Digests {
    let mut hasher = MultiHasher::new(algorithms, false);
    for block in blocks {
        hasher.update(&block);
    }
    hasher.finish()
}

/// The output thread: writes every block in order; on an error it stops
/// receiving, which stops the reader.
fn write_blocks(mut output: Output, blocks: &Receiver<Block>) -> Result<Output, AcquireError> {
    for block in blocks {
        output.write_block(block.media_offset, &block.bytes, &block.bad)?;
    }
    Ok(output)
}
