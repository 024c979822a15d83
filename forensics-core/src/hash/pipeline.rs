//! The threaded path: one reader thread cuts the stream into blocks and hands
//! the same immutable block to every lane (one worker thread per group of
//! algorithms) through bounded channels; the calling thread collects
//! progress, piecewise parts and the final digests.
//!
//! Blocks are slices of the memory map when the source has one (no copy at
//! all) or reference-counted pooled buffers read once from the source. The
//! bounded channels keep the lanes within [`LANE_QUEUE_BLOCKS`] blocks of each
//! other, which also bounds the memory in flight.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::blocks::{Block, BlockReader, block_specs};
use super::engine::{BLOCK_LEN_BYTES, HashOptions, HashSink, Piece};
use super::lane::{Lane, PiecePart};
use super::{AlgorithmSet, ByteRun, Digests, Error};

/// Blocks queued per lane before the reader waits.
const LANE_QUEUE_BLOCKS: usize = 4;
/// Messages queued for the calling thread before the lanes wait.
const EVENT_QUEUE_LEN: usize = 1024;

/// What the lanes and the reader tell the calling thread.
enum Event {
    /// Lane 0 (the slowest) has hashed this many bytes.
    Progress(u64),
    /// A lane finished a window.
    Piece(PiecePart),
    /// A lane finished the stream.
    LaneDone(Digests),
    /// The reader stopped early.
    Failed(Error),
}

/// Runs the lanes on their own threads and collects their results.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    reader: BlockReader<'_>,
    runs: &[ByteRun],
    lanes: &[AlgorithmSet],
    spare_threads: usize,
    options: &HashOptions,
    total_bytes: u64,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<Digests, Error> {
    std::thread::scope(|scope| {
        let (events, inbox) = sync_channel(EVENT_QUEUE_LEN);
        let mut lane_inputs = Vec::with_capacity(lanes.len());
        for (lane_index, &algorithms) in lanes.iter().enumerate() {
            let (input, blocks) = sync_channel::<Block<'_>>(LANE_QUEUE_BLOCKS);
            lane_inputs.push(input);
            // BLAKE3 alone in its lane may use idle cores through rayon.
            let blake3_multithreaded =
                spare_threads > 0 && algorithms == AlgorithmSet::of(&[super::Algorithm::Blake3]);
            let lane = Lane::new(
                algorithms,
                options.piecewise_len_bytes,
                blake3_multithreaded,
            );
            let events = events.clone();
            scope.spawn(move || run_lane(lane, lane_index == 0, &blocks, &events));
        }
        let reader_events = events.clone();
        drop(events);
        scope.spawn(move || read_blocks(&reader, runs, &lane_inputs, &reader_events, cancel));
        collect(&inbox, lanes.len(), total_bytes, sink)
    })
}

/// The reader thread: every block to every lane, in order.
fn read_blocks<'a>(
    reader: &BlockReader<'a>,
    runs: &[ByteRun],
    lane_inputs: &[SyncSender<Block<'a>>],
    events: &SyncSender<Event>,
    cancel: &AtomicBool,
) {
    for spec in block_specs(runs, BLOCK_LEN_BYTES) {
        if cancel.load(Ordering::Relaxed) {
            let _ = events.send(Event::Failed(Error::Cancelled));
            return;
        }
        let block = match reader.block(spec) {
            Ok(block) => block,
            Err(err) => {
                let _ = events.send(Event::Failed(err));
                return;
            }
        };
        if let Block::Borrowed(bytes) = &block {
            touch_pages(bytes);
        }
        for input in lane_inputs {
            // A lane only hangs up when it has panicked, and the scope reports that.
            let _ = input.send(block.clone());
        }
    }
}

/// Reads one byte per page so the page faults of a memory-mapped block are
/// taken here, on the reader thread, instead of on the hashing lanes (on two
/// cores the MD5 lane would otherwise pay for them on the critical path).
fn touch_pages(bytes: &[u8]) {
    const PAGE_LEN_BYTES: usize = 4096;
    let mut sum = 0u8;
    for page in bytes.chunks(PAGE_LEN_BYTES) {
        sum = sum.wrapping_add(page.first().copied().unwrap_or(0));
    }
    std::hint::black_box(sum);
}

/// A worker thread: hash every block of the stream, report windows and the end.
fn run_lane(
    mut lane: Lane,
    reports_progress: bool,
    blocks: &Receiver<Block<'_>>,
    events: &SyncSender<Event>,
) {
    let mut done_bytes = 0u64;
    let mut emit = |part| {
        let _ = events.send(Event::Piece(part));
    };
    for block in blocks {
        lane.update(&block, &mut emit);
        done_bytes += block.len() as u64;
        drop(block);
        if reports_progress {
            let _ = events.send(Event::Progress(done_bytes));
        }
    }
    let digests = lane.finish(&mut emit);
    let _ = events.send(Event::LaneDone(digests));
}

/// The calling thread: merge the lanes' windows in order, pass on progress.
fn collect(
    inbox: &Receiver<Event>,
    lane_count: usize,
    total_bytes: u64,
    sink: &mut dyn HashSink,
) -> Result<Digests, Error> {
    let mut digests = Digests::default();
    let mut failure = None;
    let mut pending: BTreeMap<u64, (PiecePart, usize)> = BTreeMap::new();
    let mut next_piece = 0u64;
    for event in inbox {
        match event {
            Event::Progress(done_bytes) => sink.progress(done_bytes, total_bytes),
            Event::LaneDone(lane_digests) => digests.merge(&lane_digests),
            Event::Failed(err) => failure = failure.or(Some(err)),
            Event::Piece(part) => {
                let entry = pending
                    .entry(part.index)
                    .or_insert_with(|| (part.clone(), 0));
                entry.0.digests.merge(&part.digests);
                entry.1 += 1;
                while let Some(entry) = pending.first_entry() {
                    if *entry.key() != next_piece || entry.get().1 < lane_count {
                        break;
                    }
                    sink.piece(Piece::from(entry.remove().0));
                    next_piece += 1;
                }
            }
        }
    }
    match failure {
        Some(err) => Err(err),
        None => Ok(digests),
    }
}
