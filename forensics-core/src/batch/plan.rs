//! Planning: open each evidence item, hash it once (its SHA-256 is its id),
//! read its volume layout, and cut the work into units.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use super::unit::{Scope, StageOptions, Unit};
use super::{Error, Result};
use crate::case::ingest::IntakeDigests;
use crate::hash::NoSink;

/// How the work of one evidence item is cut into units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// One unit per evidence item, doing everything.
    Evidence,
    /// One unit per volume's walk, one for carving, one scanning the whole
    /// medium.
    Partition,
    /// One unit per volume's walk, one for carving, and scanning cut into
    /// ranges of (about) this many bytes, rounded up to whole scanner pages.
    Range {
        /// Bytes per range unit before rounding.
        len_bytes: u64,
    },
}

impl std::str::FromStr for Split {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "evidence" => Ok(Self::Evidence),
            "partition" => Ok(Self::Partition),
            _ => {
                let size = text.strip_prefix("range:").ok_or_else(|| {
                    format!("--split is evidence, partition or range:SIZE, not {text:?}")
                })?;
                let len_bytes = parse_byte_count(size)?;
                Ok(Self::Range { len_bytes })
            }
        }
    }
}

/// A byte count with an optional K, M or G (binary) suffix, at least 1.
pub fn parse_byte_count(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, factor) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1u64 << 10),
        Some((at, 'm' | 'M')) => (&text[..at], 1 << 20),
        Some((at, 'g' | 'G')) => (&text[..at], 1 << 30),
        _ => (text, 1),
    };
    let value: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a byte count like 1048576 or 1M"))?;
    value
        .checked_mul(factor)
        .filter(|&bytes| bytes > 0)
        .ok_or_else(|| format!("{text:?} must be between 1 byte and 2^64-1 bytes"))
}

/// What to plan.
#[derive(Debug, Clone)]
pub struct PlanOptions {
    /// How to cut the work.
    pub split: Split,
    /// Carve the space no file system uses.
    pub carve: bool,
    /// Scan for features.
    pub scan: bool,
    /// Scanner page size (range boundaries are multiples of it).
    pub scan_page_bytes: u64,
    /// Hashing threads (0 = one per core).
    pub threads: usize,
}

impl Default for PlanOptions {
    fn default() -> Self {
        Self {
            split: Split::Evidence,
            carve: false,
            scan: false,
            scan_page_bytes: crate::scan::DEFAULT_PAGE_BYTES as u64,
            threads: 0,
        }
    }
}

/// The units for `paths`, in merge order: per evidence item (in the order
/// given), the volume walks in media order, then carving, then the scan
/// ranges in media order.
pub fn plan(paths: &[PathBuf], options: &PlanOptions, cancel: &AtomicBool) -> Result<Vec<Unit>> {
    let mut units = Vec::new();
    for path in paths {
        let absolute = std::fs::canonicalize(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let evidence = crate::evidence::open(&absolute)?;
        let intake = IntakeDigests::hash(&evidence, options.threads, &mut NoSink, cancel)?;
        units.extend(units_of(&absolute, &evidence, intake, options));
    }
    Ok(units)
}

fn units_of(
    path: &std::path::Path,
    evidence: &crate::evidence::Evidence,
    intake: IntakeDigests,
    options: &PlanOptions,
) -> Vec<Unit> {
    let page_bytes = options.scan_page_bytes.max(1);
    let unit = |scope, walk, carve, scan| {
        let stages = StageOptions {
            walk,
            carve,
            scan,
            scan_page_bytes: page_bytes,
        };
        Unit::new(path.to_path_buf(), intake.clone(), scope, stages)
    };
    let media_size = intake.media_size;
    let range_bytes = match options.split {
        Split::Evidence => return vec![unit(Scope::Whole, true, options.carve, options.scan)],
        Split::Partition => media_size.max(1),
        Split::Range { len_bytes } => len_bytes.div_ceil(page_bytes).saturating_mul(page_bytes),
    };
    let mut units = Vec::new();
    // A medium whose layout cannot be read gets one whole-medium walk: the
    // worker records the problem exactly as a single ingest does.
    let volumes = crate::fs::layout(&evidence.source)
        .map(|layout| layout.volumes)
        .unwrap_or_default();
    if volumes.is_empty() {
        units.push(unit(Scope::Whole, true, false, false));
    }
    for volume in volumes {
        let scope = Scope::Volume {
            partition_index: volume.partition_index,
            image_offset: volume.image_offset,
        };
        units.push(unit(scope, true, false, false));
    }
    if options.carve {
        units.push(unit(Scope::Carve, false, true, false));
    }
    if options.scan {
        let mut start = 0u64;
        while start < media_size {
            let end = start.saturating_add(range_bytes).min(media_size);
            units.push(unit(Scope::Range { start, end }, false, false, true));
            start = end;
        }
    }
    units
}
