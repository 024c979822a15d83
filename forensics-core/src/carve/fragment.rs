//! Bifragment gap carving for JPEG (as in the DFRWS 2006/2007 challenges):
//! when a scan's entropy-coded data stops decoding, the header fragment is
//! assumed to end at a block boundary before the failure, and block-aligned
//! continuations further on are tried until one decodes every remaining MCU
//! and ends with EOI.

use super::media::Media;
use super::validate::jpeg::{self, BrokenScan};
use super::validate::jpeg_scan::{self, Joined, ScanOutcome};
use super::validate::{Ctx, Verdict};

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
/// Continuation bytes searched for the first marker (which must be EOI).
const MARKER_LOOKAHEAD_BYTES: usize = 1024 * 1024;
/// JPEG starts (`FF D8 FF`) in a gap region validated to exclude the
/// pictures they begin.
const MAX_OTHER_JPEG_TRIES: usize = 256;

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

/// Whether `bytes` can be entropy-coded data up to its end or up to an EOI:
/// every 0xFF is followed by a stuffed 0x00, a restart marker or fill.
/// A continuation failing this stops decoding at that marker, before any
/// EOI, so it cannot complete the picture: it is dropped without decoding.
/// At most [`MARKER_LOOKAHEAD_BYTES`] are looked at.
fn clean_until_eoi(bytes: &[u8]) -> bool {
    let bytes = &bytes[..bytes.len().min(MARKER_LOOKAHEAD_BYTES)];
    for at in memchr::memchr_iter(0xFF, bytes) {
        match bytes.get(at + 1) {
            None | Some(0x00 | 0xD0..=0xD7 | 0xFF) => {}
            Some(0xD9) => return true,
            Some(_) => return false,
        }
    }
    true
}

/// Ranges (relative to `region`) of the whole, validated JPEGs starting in
/// its first `search_len` bytes.
/// A continuation cannot start inside another complete picture, and their
/// entropy-coded data is exactly what decodes longest before failing.
fn whole_jpegs(region: &[u8], search_len: usize) -> Vec<(usize, usize)> {
    let finder = memchr::memmem::Finder::new(b"\xFF\xD8\xFF");
    let starts = region.get(..search_len.min(region.len())).unwrap_or(region);
    let mut whole = Vec::new();
    let mut from = 0usize;
    for _ in 0..MAX_OTHER_JPEG_TRIES {
        let Some(found) = starts.get(from..).and_then(|rest| finder.find(rest)) else {
            break;
        };
        let at = from + found;
        let ctx = Ctx::with(&region[at..], true, &[]);
        match jpeg::validate(&ctx) {
            Verdict::Complete { len_bytes } => {
                let end = at.saturating_add(len_bytes as usize).min(region.len());
                whole.push((at, end));
                from = end.max(at + 1);
            }
            _ => from = at + 1,
        }
    }
    whole
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
    let taken = whole_jpegs(region, gap_blocks * BLOCK_BYTES as usize);
    let starts: Vec<u64> = (1..=gap_blocks)
        .map(|k| lowest + k as u64 * BLOCK_BYTES)
        .filter(|&c| {
            let rel = (c - lowest) as usize;
            !taken.iter().any(|&(start, end)| start <= rel && rel < end)
                && region
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
            if !clean_until_eoi(tail) {
                continue;
            }
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
