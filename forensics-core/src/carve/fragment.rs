//! Bifragment gap carving for JPEG (as in the DFRWS 2006/2007 challenges):
//! when a scan's entropy-coded data stops decoding, the header fragment is
//! assumed to end at a block boundary before the failure, and block-aligned
//! continuations further on are tried until one decodes every remaining MCU
//! and ends with EOI.

use super::media::Media;
use super::validate::jpeg::{self, BrokenScan};
use super::validate::jpeg_scan::{self, Joined, ScanOutcome};

/// Granularity of fragment boundaries and continuation starts (a sector).
pub const BLOCK_BYTES: u64 = 512;
/// How far after the split point a continuation is searched.
pub const GAP_SEARCH_BYTES: u64 = 4 * 1024 * 1024;
/// Block boundaries before the failure tried as the end of the first fragment.
const SPLIT_CANDIDATES: usize = 4;
/// Continuation bytes decoded per candidate in the first, cheap round.
const PROBE_BYTES: usize = 2 * 1024;
/// Continuation bytes decoded in total in the second round (all candidates).
const FULL_DECODE_BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// Candidates passing the first round that are decoded fully.
const MAX_FULL_DECODES: usize = 256;

/// Whether a block is plainly not entropy-coded data: one repeated byte or
/// only text.
pub fn is_plain_filler(block: &[u8]) -> bool {
    let Some(&first) = block.first() else {
        return true;
    };
    block.iter().all(|&b| b == first)
        || block
            .iter()
            .all(|&b| b.is_ascii_graphic() || b.is_ascii_whitespace())
}

/// Whether a block looks like filler rather than entropy-coded data: plain
/// filler, or a 0xFF not followed by 0x00/RST/EOI.
pub fn is_filler(block: &[u8]) -> bool {
    is_plain_filler(block)
        || block
            .windows(2)
            .any(|w| w[0] == 0xFF && !matches!(w[1], 0x00 | 0xD0..=0xD7 | 0xD9 | 0xFF))
}

/// Whether a block may hold entropy-coded data (start of a continuation).
fn may_continue(block: &[u8]) -> bool {
    if is_filler(block) {
        return false;
    }
    let mut seen = [false; 256];
    for &b in block {
        seen[usize::from(b)] = true;
    }
    seen.iter().filter(|&&s| s).count() >= 16
}

/// Offset (relative to the header) of the first block boundary after the
/// scan data start whose block is filler (`plain`: only plain filler), if
/// before `limit`.
pub fn first_filler_block(
    view: &[u8],
    header_at: u64,
    data_start: usize,
    limit: usize,
    plain: bool,
) -> Option<usize> {
    let first = (header_at + data_start as u64).div_ceil(BLOCK_BYTES) * BLOCK_BYTES;
    let mut block_at = (first - header_at) as usize;
    while block_at < limit {
        let block = view.get(block_at..(block_at + BLOCK_BYTES as usize).min(view.len()))?;
        let filler = if plain {
            is_plain_filler(block)
        } else {
            is_filler(block)
        };
        if block.len() == BLOCK_BYTES as usize && filler {
            return Some(block_at);
        }
        block_at += BLOCK_BYTES as usize;
    }
    None
}

/// A reassembled file: its fragments in file order (media offset, length).
pub type Fragments = Vec<(u64, u64)>;

/// Tries to find the continuation of the JPEG at `header_at` whose scan broke.
pub fn bifragment(
    media: &Media<'_>,
    header_at: u64,
    view: &[u8],
    broken: &BrokenScan,
    max_len: u64,
) -> Option<Fragments> {
    let failure = broken.error_at.min(view.len());
    let limit =
        first_filler_block(view, header_at, broken.data_start, failure, false).unwrap_or(failure);
    let data_start_img = header_at + broken.data_start as u64;
    let mut splits = Vec::new();
    let mut boundary = (header_at + limit as u64) / BLOCK_BYTES * BLOCK_BYTES;
    while boundary > data_start_img && splits.len() < SPLIT_CANDIDATES {
        splits.push(boundary);
        boundary -= BLOCK_BYTES;
    }
    let lowest = *splits.last()?;
    let region_len = GAP_SEARCH_BYTES + max_len;
    let region = media.region(lowest, region_len)?;
    let region = region.as_ref();
    let gap_blocks = (GAP_SEARCH_BYTES / BLOCK_BYTES) as usize + SPLIT_CANDIDATES;
    let starts: Vec<u64> = (1..=gap_blocks)
        .map(|k| lowest + k as u64 * BLOCK_BYTES)
        .filter(|&c| {
            let rel = (c - lowest) as usize;
            region
                .get(rel..rel + BLOCK_BYTES as usize)
                .is_some_and(may_continue)
        })
        .collect();
    let mut budget = FULL_DECODE_BUDGET_BYTES;
    let mut full_decodes = 0usize;
    for &split in &splits {
        let split_rel = (split - header_at) as usize;
        let Some(head) = view.get(..split_rel) else {
            continue;
        };
        let Some(snapshot) = broken
            .snapshots
            .iter()
            .rev()
            .find(|s| s.byte_pos < split_rel)
            .copied()
        else {
            continue;
        };
        let remaining_max = (max_len as usize).saturating_sub(split_rel);
        for &start in starts
            .iter()
            .filter(|&&c| c > split && c - split <= GAP_SEARCH_BYTES)
        {
            let rel = (start - lowest) as usize;
            let Some(tail) = region.get(rel..region.len().min(rel + remaining_max)) else {
                continue;
            };
            let probe = Joined {
                head,
                tail: &tail[..tail.len().min(PROBE_BYTES)],
            };
            match jpeg_scan::decode(&broken.plan, probe, snapshot, None) {
                ScanOutcome::Failed {
                    error: jpeg_scan::ScanError::OutOfData,
                    ..
                } => {}
                ScanOutcome::Done { end } => {
                    if let Some(total) = jpeg::eoi_after(probe, end) {
                        return Some(vec![
                            (header_at, split_rel as u64),
                            (start, (total - split_rel) as u64),
                        ]);
                    }
                    continue;
                }
                ScanOutcome::Failed { .. } => continue,
            }
            if full_decodes == MAX_FULL_DECODES || budget == 0 {
                return None;
            }
            full_decodes += 1;
            let joined = Joined {
                head,
                tail: &tail[..tail.len().min(budget)],
            };
            match jpeg_scan::decode(&broken.plan, joined, snapshot, None) {
                ScanOutcome::Done { end } => {
                    budget = budget.saturating_sub(end.saturating_sub(split_rel));
                    if let Some(total) = jpeg::eoi_after(joined, end) {
                        return Some(vec![
                            (header_at, split_rel as u64),
                            (start, (total - split_rel) as u64),
                        ]);
                    }
                }
                ScanOutcome::Failed { at, .. } => {
                    budget = budget.saturating_sub(at.saturating_sub(split_rel))
                }
            }
        }
    }
    None
}
