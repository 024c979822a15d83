//! Page-and-margin scanning of a whole medium, pages in parallel.

use super::ScanOptions;
use super::engine::{Engine, Place};
use super::feature::{Feature, sort_features};
use super::keywords::KeywordError;
use crate::Problem;
use crate::evidence::{self, EvidenceSource};
use rayon::prelude::*;
use std::borrow::Cow;
use std::ops::Range;

/// Bytes read before each page (not reported from) so that a hit starting in
/// the previous page is seen whole and not reported again from its tail.
pub const LOOKBEHIND_BYTES: usize = 4096;
/// Smallest page accepted (smaller values are raised to it).
pub const MIN_PAGE_BYTES: usize = 4096;

/// Why a scan could not run.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// The pattern table did not compile (a bug, not an input problem).
    #[error("scan patterns do not compile: {0}")]
    Patterns(String),
    /// The keywords cannot be used.
    #[error(transparent)]
    Keywords(#[from] KeywordError),
    /// The worker threads could not be started.
    #[error("cannot start {threads} scan threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The reason.
        message: String,
    },
}

/// Result of scanning a medium.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Features, sorted (see [`sort_features`]).
    pub features: Vec<Feature>,
    /// Pages that could not be read, one record each.
    pub problems: Vec<Problem>,
    /// Bytes of the medium scanned.
    pub bytes_scanned: u64,
}

/// The pages of a medium of `len_bytes`: (page start, read range).
fn pages(len_bytes: u64, options: &ScanOptions) -> Vec<(u64, Range<u64>)> {
    let page = options.page_bytes.max(MIN_PAGE_BYTES) as u64;
    let mut out = Vec::new();
    let mut start = 0u64;
    while start < len_bytes {
        let read_from = start.saturating_sub(LOOKBEHIND_BYTES as u64);
        let read_to = start
            .saturating_add(page)
            .saturating_add(options.margin_bytes as u64)
            .min(len_bytes);
        out.push((start, read_from..read_to));
        start = start.saturating_add(page);
    }
    out
}

fn scan_page(
    engine: &Engine<'_>,
    options: &ScanOptions,
    source: &dyn EvidenceSource,
    page_start: u64,
    read: Range<u64>,
) -> Result<Vec<Feature>, Problem> {
    let page_end = page_start
        .saturating_add(options.page_bytes.max(MIN_PAGE_BYTES) as u64)
        .min(source.len());
    let buf: Cow<'_, [u8]> = match source.as_bytes() {
        Some(all) => Cow::Borrowed(
            all.get(read.start as usize..read.end as usize)
                .unwrap_or_default(),
        ),
        None => {
            let mut owned = vec![0u8; (read.end - read.start) as usize];
            evidence::read_exact_at(source, read.start, &mut owned).map_err(|e| {
                Problem::at(
                    page_start,
                    page_end - page_start,
                    format!("page not scanned: {e}"),
                )
            })?;
            Cow::Owned(owned)
        }
    };
    let report = (page_start - read.start) as usize..(page_end - read.start) as usize;
    let place = Place::Media {
        buf_image_offset: read.start,
        source: Some(source),
    };
    let mut budget = options.recursion.budget_bytes_per_page;
    let mut out = Vec::new();
    engine.scan(&buf, report, &place, 0, &mut budget, &mut out);
    Ok(out)
}

/// Scans a whole medium: every page in parallel, results sorted so the
/// output is the same at any thread count. Unreadable pages become
/// [`Problem`] records and the scan goes on.
pub fn scan_source(
    source: &dyn EvidenceSource,
    options: &ScanOptions,
) -> Result<ScanReport, ScanError> {
    scan_source_range(source, options, 0..u64::MAX)
}

/// [`scan_source`] for the pages that start in `range` only: the features
/// whose first byte lies in one of those pages, exactly as a scan of the
/// whole medium finds them. Ranges cut at multiples of the page size thus
/// split one scan into independent units (a batch's range units).
pub fn scan_source_range(
    source: &dyn EvidenceSource,
    options: &ScanOptions,
    range: Range<u64>,
) -> Result<ScanReport, ScanError> {
    let engine = Engine::new(options).map_err(ScanError::Patterns)?;
    let mut selected = pages(source.len(), options);
    selected.retain(|(start, _)| range.contains(start));
    let run = || {
        selected
            .into_par_iter()
            .map(|(start, read)| scan_page(&engine, options, source, start, read))
            .collect::<Vec<_>>()
    };
    let results = if options.threads == 0 {
        run()
    } else {
        rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads)
            .build()
            .map_err(|e| ScanError::Threads {
                threads: options.threads,
                message: e.to_string(),
            })?
            .install(run)
    };
    let mut report = ScanReport {
        bytes_scanned: range.end.min(source.len()).saturating_sub(range.start),
        ..ScanReport::default()
    };
    for result in results {
        match result {
            Ok(features) => report.features.extend(features),
            Err(problem) => report.problems.push(problem),
        }
    }
    sort_features(&mut report.features);
    Ok(report)
}

/// Scans bytes in memory as if they were a medium (offsets from 0).
pub fn scan_bytes(data: &[u8], options: &ScanOptions) -> Result<Vec<Feature>, ScanError> {
    let source = SliceSource(data);
    Ok(scan_source(&source, options)?.features)
}

/// A borrowed byte slice as an evidence source.
struct SliceSource<'a>(&'a [u8]);

impl EvidenceSource for SliceSource<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, evidence::Error> {
        let start = usize::try_from(image_offset)
            .unwrap_or(usize::MAX)
            .min(self.0.len());
        let n = buf.len().min(self.0.len() - start);
        buf[..n].copy_from_slice(&self.0[start..start + n]);
        Ok(n)
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        Some(self.0)
    }
}
