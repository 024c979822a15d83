//! Reading media bytes: chunk lookup, decoding, checksums, the cache, and
//! the [`EvidenceSource`] implementation.
//!
//! A chunk is stored either zlib-compressed (high bit of its table entry set;
//! zlib's own Adler-32 covers the data) or plain, followed by the Adler-32 of
//! its bytes. A chunk that cannot be located or decoded reads as zeros and is
//! recorded as a damaged range; reads never fail because of one bad chunk.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use flate2::{Decompress, FlushDecompress, Status};
use rayon::prelude::*;

use super::cache::ChunkCache;
use super::sections::{FILE_HEADER_SIZE, SegmentLayout, adler32, le_u32, slice_u64};
use super::table::decode_entry;
use crate::Problem;
use crate::evidence::{Error, EvidenceSource, RawImage};

/// The bytes of one segment file.
pub enum SegmentData {
    /// A segment file, memory-mapped read-only.
    Mapped(RawImage),
    /// Segment bytes held in memory (fuzzing, tests).
    Owned(Vec<u8>),
}

impl SegmentData {
    /// The whole segment.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Mapped(raw) => raw.as_bytes().unwrap_or(&[]),
            Self::Owned(bytes) => bytes,
        }
    }
}

/// One segment: its path, bytes and section layout.
pub struct Segment {
    /// Path of the segment file (a made-up name for in-memory segments).
    pub path: PathBuf,
    /// The segment's bytes.
    pub data: SegmentData,
    /// The sections found by the walk.
    pub layout: SegmentLayout,
}

/// The chunks described by one table: chunk numbers
/// `first_chunk .. first_chunk + entry_count`.
#[derive(Debug, Clone, Copy)]
pub struct ChunkGroup {
    /// Media chunk number of the first entry.
    pub first_chunk: u64,
    /// Entries in the table.
    pub entry_count: u32,
    /// Index of the segment holding the table and its chunks.
    pub segment: usize,
    /// File offset of the first 32-bit entry.
    pub entries_file_offset: u64,
    /// Base offset added to every entry.
    pub base_offset: u64,
}

/// Most damaged chunks recorded one by one; beyond this only a count is kept,
/// so a crafted image with billions of missing chunks cannot exhaust memory.
pub const MAX_DAMAGED_RECORDS: usize = 1 << 16;

/// Damaged chunks found by reads so far.
#[derive(Debug, Default)]
pub struct DamageLog {
    by_chunk: BTreeMap<u64, Problem>,
    unrecorded: BTreeSet<u64>,
}

impl DamageLog {
    fn record(&mut self, chunk: u64, problem: Problem) {
        if self.by_chunk.len() < MAX_DAMAGED_RECORDS {
            self.by_chunk.insert(chunk, problem);
        } else if !self.by_chunk.contains_key(&chunk) && self.unrecorded.len() < MAX_DAMAGED_RECORDS
        {
            self.unrecorded.insert(chunk);
        }
    }

    fn problems(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = self.by_chunk.values().cloned().collect();
        if !self.unrecorded.is_empty() {
            out.push(Problem::general(format!(
                "{}{} more damaged chunks were read but not listed (limit {MAX_DAMAGED_RECORDS})",
                if self.unrecorded.len() >= MAX_DAMAGED_RECORDS {
                    "at least "
                } else {
                    ""
                },
                self.unrecorded.len()
            )));
        }
        out
    }
}

/// An opened E01 image: the media as an [`EvidenceSource`].
pub struct EwfImage {
    pub(super) segments: Vec<Segment>,
    pub(super) groups: Vec<ChunkGroup>,
    pub(super) chunk_size: u32,
    pub(super) media_size: u64,
    pub(super) cache: ChunkCache,
    pub(super) damaged: Mutex<DamageLog>,
}

/// Where a chunk's stored bytes are.
struct StoredChunk<'a> {
    stored: &'a [u8],
    compressed: bool,
    segment: &'a Segment,
    file_offset: u64,
}

impl EwfImage {
    /// Bytes of media in chunk `chunk` (the last chunk may be short).
    fn chunk_len(&self, chunk: u64) -> usize {
        let start = chunk * u64::from(self.chunk_size);
        let len = self
            .media_size
            .saturating_sub(start)
            .min(u64::from(self.chunk_size));
        len as usize
    }

    /// Finds the stored bytes of `chunk` through its table entry.
    fn locate(&self, chunk: u64) -> Result<StoredChunk<'_>, String> {
        let index = self.groups.partition_point(|g| g.first_chunk <= chunk);
        let group = index
            .checked_sub(1)
            .and_then(|i| self.groups.get(i))
            .filter(|g| chunk - g.first_chunk < u64::from(g.entry_count))
            .ok_or("no table entry lists this chunk")?;
        let segment = self
            .segments
            .get(group.segment)
            .ok_or("table refers to a missing segment")?;
        let bytes = segment.data.bytes();
        let file_len = bytes.len() as u64;
        let entry_index = chunk - group.first_chunk;
        let entry_at = |i: u64| {
            let at = group.entries_file_offset.checked_add(i * 4)?;
            le_u32(bytes, usize::try_from(at).ok()?)
        };
        let raw = entry_at(entry_index).ok_or("table entry lies outside its segment")?;
        let entry = decode_entry(raw, group.base_offset);
        let start = entry
            .file_offset
            .filter(|&o| o >= FILE_HEADER_SIZE && o < file_len)
            .ok_or_else(|| {
                format!(
                    "table entry points to offset {:?}, outside the segment ({file_len} bytes)",
                    entry.file_offset
                )
            })?;
        let boundary = segment.layout.boundary_after(start, file_len);
        let next_start = (entry_index + 1 < u64::from(group.entry_count))
            .then(|| entry_at(entry_index + 1))
            .flatten()
            .and_then(|raw| decode_entry(raw, group.base_offset).file_offset)
            .filter(|&next| next > start && next <= boundary);
        let end = next_start.unwrap_or(boundary);
        Ok(StoredChunk {
            stored: slice_u64(bytes, start, end).unwrap_or(&[]),
            compressed: entry.compressed,
            segment,
            file_offset: start,
        })
    }

    /// Decodes `chunk` into `out` (exactly the chunk's media length).
    fn decode_into(&self, chunk: u64, out: &mut [u8]) -> Result<(), String> {
        let stored = self.locate(chunk)?;
        let result = if stored.compressed {
            inflate_exact(stored.stored, out)
        } else {
            copy_checked(stored.stored, out)
        };
        result.map_err(|what| {
            format!(
                "{} (stored at offset {} of {})",
                what,
                stored.file_offset,
                stored.segment.path.display()
            )
        })
    }

    /// Fills `out` with `chunk`, or with zeros and a damage record.
    fn decode_or_zero(&self, chunk: u64, out: &mut [u8]) {
        if let Err(what) = self.decode_into(chunk, out) {
            out.fill(0);
            let image_offset = chunk * u64::from(self.chunk_size);
            let problem = Problem::at(
                image_offset,
                out.len() as u64,
                format!("chunk {chunk} is unreadable and reads as zeros: {what}"),
            );
            self.damaged
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .record(chunk, problem);
        }
    }

    /// The decoded chunk, from the cache or decoded and cached.
    fn cached_chunk(&self, chunk: u64) -> Arc<[u8]> {
        if let Some(hit) = self.cache.get(chunk) {
            return hit;
        }
        let mut data = vec![0u8; self.chunk_len(chunk)];
        self.decode_or_zero(chunk, &mut data);
        let data: Arc<[u8]> = Arc::from(data);
        self.cache.insert(chunk, Arc::clone(&data));
        data
    }

    /// Copies the part of `chunk` starting at `within` into `out`.
    fn read_piece(&self, chunk: u64, within: usize, out: &mut [u8]) {
        let whole = within == 0 && out.len() == self.chunk_len(chunk);
        if whole {
            // Whole chunks of a large read go straight into the caller's
            // buffer; caching them would only evict the useful entries.
            if let Some(hit) = self.cache.get(chunk) {
                out.copy_from_slice(&hit);
            } else {
                self.decode_or_zero(chunk, out);
            }
            return;
        }
        let data = self.cached_chunk(chunk);
        let end = within + out.len();
        match data.get(within..end) {
            Some(part) => out.copy_from_slice(part),
            None => out.fill(0),
        }
    }

    /// Segment files in order.
    pub fn segment_paths(&self) -> Vec<PathBuf> {
        self.segments.iter().map(|s| s.path.clone()).collect()
    }
}

/// Inflates a zlib stream into exactly `out.len()` bytes.
fn inflate_exact(stored: &[u8], out: &mut [u8]) -> Result<(), String> {
    let mut inflater = Decompress::new(true);
    let status = inflater
        .decompress(stored, out, FlushDecompress::Finish)
        .map_err(|e| format!("compressed chunk is corrupt: {e}"))?;
    let produced = inflater.total_out() as usize;
    if status == Status::StreamEnd {
        return if produced == out.len() {
            Ok(())
        } else {
            Err(format!(
                "compressed chunk holds {produced} bytes, expected {}",
                out.len()
            ))
        };
    }
    if produced < out.len() {
        return Err(format!(
            "compressed chunk ends after {produced} of {} bytes",
            out.len()
        ));
    }
    // The output is full but the stream has not ended: it must end now,
    // without producing another byte.
    let consumed = inflater.total_in() as usize;
    let mut extra = [0u8; 1];
    let status = inflater
        .decompress(
            stored.get(consumed..).unwrap_or(&[]),
            &mut extra,
            FlushDecompress::Finish,
        )
        .map_err(|e| format!("compressed chunk is corrupt: {e}"))?;
    if status == Status::StreamEnd && inflater.total_out() as usize == out.len() {
        Ok(())
    } else {
        Err(format!(
            "compressed chunk holds more than the expected {} bytes or is cut short",
            out.len()
        ))
    }
}

/// Copies a plain chunk and checks the Adler-32 stored after it.
fn copy_checked(stored: &[u8], out: &mut [u8]) -> Result<(), String> {
    let data = stored.get(..out.len()).ok_or_else(|| {
        format!(
            "uncompressed chunk is cut short ({} of {} bytes)",
            stored.len(),
            out.len()
        )
    })?;
    let stored_sum = le_u32(stored, out.len()).ok_or("uncompressed chunk lacks its checksum")?;
    let computed = adler32(data);
    if stored_sum != computed {
        return Err(format!(
            "uncompressed chunk checksum mismatch (stored {stored_sum:#010x}, computed {computed:#010x})"
        ));
    }
    out.copy_from_slice(data);
    Ok(())
}

impl EvidenceSource for EwfImage {
    fn len(&self) -> u64 {
        self.media_size
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        if image_offset >= self.media_size || buf.is_empty() {
            return Ok(0);
        }
        let len = (self.media_size - image_offset).min(buf.len() as u64) as usize;
        let chunk_size = u64::from(self.chunk_size);
        let mut pieces = Vec::new();
        let mut rest = &mut buf[..len];
        let mut offset = image_offset;
        while !rest.is_empty() {
            let chunk = offset / chunk_size;
            let within = (offset % chunk_size) as usize;
            let take = (self.chunk_len(chunk) - within).min(rest.len());
            let (piece, tail) = rest.split_at_mut(take);
            pieces.push((chunk, within, piece));
            rest = tail;
            offset += take as u64;
        }
        if pieces.len() > 1 {
            pieces
                .into_par_iter()
                .for_each(|(chunk, within, piece)| self.read_piece(chunk, within, piece));
        } else {
            for (chunk, within, piece) in pieces {
                self.read_piece(chunk, within, piece);
            }
        }
        Ok(len)
    }

    fn damaged_ranges(&self) -> Vec<Problem> {
        self.damaged
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .problems()
    }
}
