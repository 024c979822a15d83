//! The carving run: scan chunks in parallel, validate candidates in
//! parallel, then merge in offset order.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::fragment;
use super::media::Media;
use super::merge::{self, Found};
use super::scan::{Candidate, Scanner};
use super::signatures::{self, SIGNATURES, Signature};
use super::validate::{Ctx, Verdict, jpeg};
use super::{CarveOptions, CarveReport, Error, Status};
use crate::Problem;
use crate::evidence::EvidenceSource;
use crate::volume::ByteRange;

/// Bytes scanned per parallel work item.
pub const CHUNK_BYTES: u64 = 8 * 1024 * 1024;
/// Chunks scanned and validated together (bounds the candidate memory).
const WINDOW_CHUNKS: usize = 256;
/// How far past a window footers (`%%EOF`, ZIP end records) are collected.
const FOOTER_REACH_BYTES: u64 = 512 * 1024 * 1024;
/// Most candidate headers (and footers) kept per chunk; more is reported.
pub const MAX_CANDIDATES_PER_CHUNK: usize = 1 << 15;
/// First view read for a candidate when the media is not memory-mapped.
const INITIAL_VIEW_BYTES: u64 = 1024 * 1024;
/// Most footer offsets handed to one validator.
const MAX_FOOTERS_PER_VIEW: usize = 1024;

fn selection(options: &CarveOptions) -> Result<Vec<&'static Signature>, Error> {
    if options.types.is_empty() {
        return Ok(SIGNATURES.iter().collect());
    }
    let mut chosen: Vec<&'static Signature> = Vec::new();
    for name in &options.types {
        let sig = signatures::by_name(name.trim()).ok_or_else(|| Error::UnknownType {
            name: name.clone(),
            known: signatures::names().join(","),
        })?;
        if !chosen.iter().any(|s| s.name == sig.name) {
            chosen.push(sig);
        }
    }
    // Table order, whatever order the names came in.
    chosen.sort_by_key(|s| SIGNATURES.iter().position(|t| t.name == s.name));
    Ok(chosen)
}

fn chunks_of(ranges: &[ByteRange], media_len: u64) -> Vec<(u64, u64)> {
    let mut sorted: Vec<ByteRange> = ranges.to_vec();
    sorted.sort_by_key(|r| r.image_offset);
    let mut chunks = Vec::new();
    for range in sorted {
        let end = range
            .image_offset
            .saturating_add(range.len_bytes)
            .min(media_len);
        let mut at = range.image_offset;
        while at < end {
            let next = (at + CHUNK_BYTES).min(end);
            chunks.push((at, next));
            at = next;
        }
    }
    chunks
}

struct ChunkHits {
    candidates: Vec<Candidate>,
    footers: Vec<Vec<u64>>,
    problem: Option<Problem>,
}

fn scan_chunk(
    media: &Media<'_>,
    scanner: &Scanner,
    chunk: (u64, u64),
    aligned: u64,
    signatures: usize,
) -> ChunkHits {
    let (start, end) = chunk;
    let mut hits = ChunkHits {
        candidates: Vec::new(),
        footers: vec![Vec::new(); signatures],
        problem: None,
    };
    let Some(data) = media.region(start, end - start + scanner.margin_bytes) else {
        hits.problem = Some(Problem::at(
            start,
            end - start,
            "carving: reading this chunk failed; not scanned",
        ));
        return hits;
    };
    let complete = if aligned > 1 {
        scanner.scan_aligned(
            &data,
            start,
            end,
            aligned,
            MAX_CANDIDATES_PER_CHUNK,
            &mut hits.candidates,
            &mut hits.footers,
        )
    } else {
        scanner.scan(
            &data,
            start,
            end,
            aligned,
            MAX_CANDIDATES_PER_CHUNK,
            &mut hits.candidates,
            &mut hits.footers,
        )
    };
    if !complete {
        hits.problem = Some(Problem::at(
            start,
            end - start,
            format!(
                "carving: more than {MAX_CANDIDATES_PER_CHUNK} candidate headers in this chunk; the rest were not examined"
            ),
        ));
    }
    hits.candidates.sort_unstable();
    hits
}

/// Carves `source` as `options` say.
pub fn carve(source: &dyn EvidenceSource, options: &CarveOptions) -> Result<CarveReport, Error> {
    let selected = selection(options)?;
    let scanner = Scanner::new(&selected)?;
    let media = Media::new(source);
    let whole = [ByteRange {
        image_offset: 0,
        len_bytes: media.len(),
    }];
    let ranges = options.ranges.as_deref().unwrap_or(&whole);
    let chunks = chunks_of(ranges, media.len());
    let mut report = CarveReport {
        scanned_bytes: chunks.iter().map(|(s, e)| e - s).sum(),
        ..CarveReport::default()
    };
    let has_footers = selected.iter().any(|s| s.footer.is_some());
    let mut found = Vec::new();
    for (window_index, window) in chunks.chunks(WINDOW_CHUNKS).enumerate() {
        let window_end = window.last().map_or(0, |c| c.1);
        let hits: Vec<ChunkHits> = window
            .par_iter()
            .map(|&chunk| {
                scan_chunk(
                    &media,
                    &scanner,
                    chunk,
                    options.aligned_bytes,
                    selected.len(),
                )
            })
            .collect();
        // Footers of files that run past the window.
        let reach: Vec<(u64, u64)> = if has_footers {
            chunks
                .iter()
                .skip((window_index + 1) * WINDOW_CHUNKS)
                .take_while(|c| c.0 < window_end + FOOTER_REACH_BYTES)
                .copied()
                .collect()
        } else {
            Vec::new()
        };
        let reach_hits: Vec<ChunkHits> = reach
            .par_iter()
            .map(|&chunk| scan_chunk(&media, &scanner, chunk, 1, selected.len()))
            .collect();
        let mut footers: Vec<Vec<u64>> = vec![Vec::new(); selected.len()];
        for chunk in hits.iter().chain(&reach_hits) {
            for (all, part) in footers.iter_mut().zip(&chunk.footers) {
                all.extend_from_slice(part);
            }
        }
        for list in &mut footers {
            list.sort_unstable();
            list.dedup();
        }
        report
            .problems
            .extend(hits.iter().filter_map(|h| h.problem.clone()));
        report.candidates += hits.iter().map(|h| h.candidates.len() as u64).sum::<u64>();
        let validated: Vec<Vec<Found>> = hits
            .par_iter()
            .map(|h| validate_chunk(&media, &selected, &h.candidates, &footers, options))
            .collect();
        found.extend(validated.into_iter().flatten());
    }
    let prefix = options.path_prefix.as_deref().unwrap_or("media");
    let mut files = merge::resolve(found, prefix);
    let hashes: Vec<String> = files
        .par_iter()
        .map(|f| sha256_of(&media, &f.fragments))
        .collect();
    for (file, hash) in files.iter_mut().zip(hashes) {
        file.sha256 = hash;
    }
    report.files = files;
    report.problems.sort();
    Ok(report)
}

fn sha256_of(media: &Media<'_>, fragments: &[super::Fragment]) -> String {
    let mut hasher = Sha256::new();
    for fragment in fragments {
        let mut at = fragment.image_offset;
        let end = at + fragment.length;
        while at < end {
            let piece = (end - at).min(CHUNK_BYTES);
            match media.region(at, piece) {
                Some(bytes) if !bytes.is_empty() => {
                    hasher.update(&bytes);
                    at += bytes.len() as u64;
                }
                _ => break,
            }
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Validates one chunk's candidates in offset order, skipping a candidate
/// that lies inside a complete file of the same type found just before
/// (its own inner structures), except JPEGs (thumbnails are files).
fn validate_chunk(
    media: &Media<'_>,
    selected: &[&'static Signature],
    candidates: &[Candidate],
    footers: &[Vec<u64>],
    options: &CarveOptions,
) -> Vec<Found> {
    let mut out: Vec<Found> = Vec::new();
    let mut covered: Vec<(u64, &'static str)> = Vec::new();
    for candidate in candidates {
        let sig = selected[candidate.signature];
        covered.retain(|(end, _)| *end > candidate.image_offset);
        if sig.name != "jpg" && covered.iter().any(|(_, name)| *name == sig.name) {
            continue;
        }
        if let Some(hit) = validate_one(
            media,
            sig,
            candidate.image_offset,
            &footers[candidate.signature],
            options,
        ) {
            if hit.status != Status::Truncated {
                let first = hit.fragments.first().map_or(0, |f| f.0 + f.1);
                covered.push((first, sig.name));
            }
            out.push(hit);
        }
    }
    out
}

/// Runs the validator of `sig` on the candidate at `image_offset`.
pub(crate) fn validate_one(
    media: &Media<'_>,
    sig: &'static Signature,
    image_offset: u64,
    footers: &[u64],
    options: &CarveOptions,
) -> Option<Found> {
    let remaining = media.len().checked_sub(image_offset)?;
    let max = sig.max_len_bytes.min(remaining);
    let capped = sig.max_len_bytes < remaining;
    let mut view_len = if media.is_mapped() {
        max
    } else {
        INITIAL_VIEW_BYTES.min(max)
    };
    loop {
        let view = media.region(image_offset, view_len)?;
        let from = footers.partition_point(|&f| f < image_offset);
        let relative: Vec<usize> = footers[from..]
            .iter()
            .take_while(|&&f| f < image_offset + view_len)
            .take(MAX_FOOTERS_PER_VIEW)
            .map(|&f| (f - image_offset) as usize)
            .collect();
        let limited = view_len < max;
        let ctx = Ctx::with(&view, capped || limited, &relative);
        let verdict = (sig.validate)(&ctx);
        if !matches!(verdict, Verdict::Complete { .. }) && ctx.ran_off() && limited {
            view_len = view_len.saturating_mul(4).min(max);
            continue;
        }
        return match verdict {
            Verdict::Invalid => None,
            Verdict::Complete { len_bytes } => {
                let body = view.get(..len_bytes as usize).unwrap_or(&view);
                Some(Found {
                    image_offset,
                    signature: sig,
                    extension: sig.subtype.map_or(sig.extension, |refine| refine(body)),
                    status: Status::Complete,
                    fragments: vec![(image_offset, len_bytes)],
                    fallback_present: len_bytes,
                })
            }
            Verdict::Truncated { present_len } => Some(truncated(
                media,
                sig,
                image_offset,
                &ctx,
                present_len,
                options,
            )),
        };
    }
}

/// A truncated candidate: JPEGs get gap carving, and their present part
/// stops at the first block of filler.
fn truncated(
    media: &Media<'_>,
    sig: &'static Signature,
    image_offset: u64,
    ctx: &Ctx<'_>,
    present_len: u64,
    options: &CarveOptions,
) -> Found {
    let mut present = present_len;
    if sig.name == "jpg" {
        let analysis = jpeg::analyse(ctx, true);
        if let Some(broken) = analysis.broken {
            if let Some(filler) = fragment::first_filler_block(
                ctx.data,
                image_offset,
                broken.data_start,
                present as usize,
                true,
            ) {
                present = present.min(filler as u64);
            }
            if !options.no_gap_carving
                && let Some(fragments) =
                    fragment::bifragment(media, image_offset, ctx.data, &broken, sig.max_len_bytes)
            {
                return Found {
                    image_offset,
                    signature: sig,
                    extension: sig.extension,
                    status: Status::Fragmented,
                    fragments,
                    fallback_present: present,
                };
            }
        }
    }
    Found {
        image_offset,
        signature: sig,
        extension: sig.extension,
        status: Status::Truncated,
        fragments: vec![(image_offset, present)],
        fallback_present: present,
    }
}
