//! The ingest stages after the file-system walk: carving the space no file
//! system uses, and scanning the media for features. Each stage of one
//! evidence item is one transaction with its custody entry, marked done in
//! the evidence row (`carve_done`, `scan_done`): a kill leaves it undone and
//! the next run does it whole, so nothing is ever stored twice. A stage
//! asked for on evidence ingested before without it runs then.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Transaction, params};
use serde_json::json;

use super::{IngestOptions, IngestScope, Result, rows};
use crate::carve::{self, CarveOptions, Carved};
use crate::case::backend::{CaseStore, StoreTx};
use crate::case::{Case, Error};
use crate::evidence::EvidenceSource;
use crate::hash::{self, AlgorithmSet, ByteRun, HashOptions, NoSink};
use crate::scan::{self, Feature, ScanOptions};

/// Runs the carve and scan stages the options ask for and the evidence has
/// not had; returns (carved files stored, features stored).
pub(super) fn run(
    case: &mut Case,
    evidence_id: i64,
    media: &Arc<dyn EvidenceSource>,
    options: &IngestOptions,
    cancel: &AtomicBool,
) -> Result<(u64, u64)> {
    let mut carved = 0;
    let mut features = 0;
    let (carve_wanted, scan_range) = match options.scope {
        IngestScope::Whole => (true, 0..u64::MAX),
        IngestScope::Carve => (true, 0..0),
        IngestScope::ScanRange { start, end } => (false, start..end),
        IngestScope::Volume { .. } => (false, 0..0),
    };
    if let Some(carve_options) = &options.carve
        && carve_wanted
        && !stage_done(case, evidence_id, "carve_done")?
    {
        carved = carve_stage(case, evidence_id, media, carve_options, options, cancel)?;
    }
    if let Some(scan_options) = &options.scan
        && !scan_range.is_empty()
        && !stage_done(case, evidence_id, "scan_done")?
    {
        features = scan_stage(case, evidence_id, media, scan_options, scan_range, cancel)?;
    }
    Ok((carved, features))
}

fn stage_done(case: &Case, evidence_id: i64, column: &str) -> Result<bool> {
    let sql = format!("SELECT {column} FROM evidence WHERE object_id = ?1");
    case.conn
        .query_row(&sql, params![evidence_id], |row| row.get(0))
        .map_err(Error::sqlite(&case.path))
}

fn check_cancel(cancel: &AtomicBool) -> Result<()> {
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled);
    }
    Ok(())
}

/// A carved file with the digests of its bytes and its hash-set matches.
struct Stored<'a> {
    file: &'a Carved,
    digests: hash::Digests,
    matches: Vec<hash::sets::SetMatch>,
}

fn carve_stage(
    case: &mut Case,
    evidence_id: i64,
    media: &Arc<dyn EvidenceSource>,
    carve_options: &CarveOptions,
    options: &IngestOptions,
    cancel: &AtomicBool,
) -> Result<u64> {
    let mut carve_options = carve_options.clone();
    if carve_options.ranges.is_none() {
        let (ranges, _) = crate::fs::unallocated_ranges(media, None, options.file_system_opener)
            .map_err(|e| Error::Invalid(format!("carving: {e}")))?;
        carve_options.ranges = Some(ranges);
        carve_options
            .path_prefix
            .get_or_insert_with(|| "unalloc".into());
    }
    let report = carve::carve(media.as_ref(), &carve_options)
        .map_err(|e| Error::Invalid(format!("carving: {e}")))?;
    check_cancel(cancel)?;
    let hash_options = HashOptions {
        algorithms: AlgorithmSet::ALL,
        piecewise_len_bytes: None,
        threads: options.threads,
    };
    let mut stored = Vec::with_capacity(report.files.len());
    for file in &report.files {
        check_cancel(cancel)?;
        let runs: Vec<ByteRun> = if file.fragments.is_empty() {
            vec![ByteRun::data(file.image_offset, file.length)]
        } else {
            let runs = file.fragments.iter();
            runs.map(|f| ByteRun::data(f.image_offset, f.length))
                .collect()
        };
        let digests = hash::hash_runs(media.as_ref(), &runs, &hash_options, &mut NoSink, cancel)?;
        let matches = rows::lookup(&options.hash_sets, Some(&digests));
        stored.push(Stored {
            file,
            digests,
            matches,
        });
    }
    let count = stored.len() as u64;
    case.write("carve", |tx, _| {
        let mut object_of = std::collections::BTreeMap::new();
        for item in &stored {
            let parent = item
                .file
                .nested_in
                .and_then(|id| object_of.get(&id).copied())
                .unwrap_or(evidence_id);
            let object_id = insert_carved(tx, evidence_id, parent, item)?;
            object_of.insert(item.file.id, object_id);
        }
        for problem in &report.problems {
            super::register::insert_problem(tx, evidence_id, problem, 0)?;
        }
        tx.execute(
            "UPDATE evidence SET carve_done = 1 WHERE object_id = ?1",
            params![evidence_id],
        )?;
        let (_, digest) = rows::stage_digest(tx, "carved_files", evidence_id, 0..=i64::MAX)?;
        Ok((
            (),
            json!({
                "evidence": evidence_id,
                "carved_files": count,
                "problems": report.problems.len(),
                "scanned_bytes": report.scanned_bytes,
                "types": carve_options.types,
                "aligned_bytes": carve_options.aligned_bytes,
                "rows_blake3": digest,
                "tool": crate::TOOL_VERSION,
            }),
        ))
    })?;
    Ok(count)
}

fn insert_carved(
    tx: &Transaction<'_>,
    evidence_id: i64,
    parent_id: i64,
    item: &Stored<'_>,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO objects (parent_id, kind) VALUES (?1, 'carved')",
        params![parent_id],
    )?;
    let object_id = tx.last_insert_rowid();
    let file = item.file;
    let hex = |algorithm| item.digests.hex(algorithm).unwrap_or_default();
    let nested_in = (parent_id != evidence_id).then_some(parent_id);
    let fragments = serde_json::to_string(&file.fragments).unwrap_or_else(|_| "[]".into());
    tx.execute(
        "INSERT INTO carved_files (object_id, evidence_id, carve_index, type, image_offset,
             len_bytes, status, fragments_json, forensic_path, nested_in, md5, sha1, sha256, blake3)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            object_id,
            evidence_id,
            file.id as i64,
            file.file_type,
            i64::try_from(file.image_offset).unwrap_or(i64::MAX),
            i64::try_from(file.length).unwrap_or(i64::MAX),
            file.status.as_str(),
            fragments,
            file.forensic_path,
            nested_in,
            hex(hash::Algorithm::Md5),
            hex(hash::Algorithm::Sha1),
            hex(hash::Algorithm::Sha256),
            hex(hash::Algorithm::Blake3),
        ],
    )?;
    for found in &item.matches {
        rows::insert_match(tx, object_id, found)?;
    }
    Ok(object_id)
}

/// Sorted media ranges of every file's byte runs on this evidence, for
/// linking a feature's offset to the file that holds it.
pub(crate) fn file_runs_of(tx: &mut dyn StoreTx, evidence_id: i64) -> Result<Vec<(u64, u64, i64)>> {
    let rows = tx.query(
        "SELECT r.image_offset, r.len_bytes, r.file_id FROM byte_runs r
         JOIN files f ON f.object_id = r.file_id
         JOIN file_systems s ON s.object_id = f.fs_id
         JOIN volumes v ON v.object_id = s.volume_id
         WHERE v.evidence_id = $1 AND r.image_offset IS NOT NULL AND f.deleted = 0
         ORDER BY r.image_offset, r.file_id, r.seq",
        &[evidence_id.into()],
    )?;
    rows.iter()
        .map(|row| match row.as_slice() {
            [start, len, file_id] => Ok((
                start.as_i64("run offset")?.max(0) as u64,
                len.as_i64("run length")?.max(0) as u64,
                file_id.as_i64("run file")?,
            )),
            _ => Err(Error::Invalid("byte run row".into())),
        })
        .collect()
}

fn file_runs(case: &mut Case, evidence_id: i64) -> Result<Vec<(u64, u64, i64)>> {
    let mut runs = Vec::new();
    CaseStore::read(case, &mut |tx| {
        runs = file_runs_of(tx, evidence_id)?;
        Ok(())
    })?;
    Ok(runs)
}

/// The file whose run covers `image_offset`, if any.
pub(crate) fn file_at(runs: &[(u64, u64, i64)], image_offset: u64) -> Option<i64> {
    let after = runs.partition_point(|&(start, _, _)| start <= image_offset);
    let &(start, len, file_id) = runs.get(after.checked_sub(1)?)?;
    (image_offset < start.saturating_add(len)).then_some(file_id)
}

fn scan_stage(
    case: &mut Case,
    evidence_id: i64,
    media: &Arc<dyn EvidenceSource>,
    scan_options: &ScanOptions,
    range: std::ops::Range<u64>,
    cancel: &AtomicBool,
) -> Result<u64> {
    let report = scan::scan_source_range(media.as_ref(), scan_options, range)
        .map_err(|e| Error::Invalid(format!("scanning: {e}")))?;
    check_cancel(cancel)?;
    let runs = file_runs(case, evidence_id)?;
    let count = report.features.len() as u64;
    case.write("scan", |tx, _| {
        for (index, feature) in report.features.iter().enumerate() {
            insert_feature(
                tx,
                evidence_id,
                index,
                feature,
                file_at(&runs, feature.image_offset),
            )?;
        }
        for problem in &report.problems {
            super::register::insert_problem(tx, evidence_id, problem, 0)?;
        }
        tx.execute(
            "UPDATE evidence SET scan_done = 1 WHERE object_id = ?1",
            params![evidence_id],
        )?;
        let (_, digest) = rows::stage_digest(tx, "features", evidence_id, 0..=i64::MAX)?;
        Ok((
            (),
            json!({
                "evidence": evidence_id,
                "features": count,
                "problems": report.problems.len(),
                "bytes_scanned": report.bytes_scanned,
                "kinds": scan_options.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
                "rows_blake3": digest,
                "tool": crate::TOOL_VERSION,
            }),
        ))
    })?;
    Ok(count)
}

fn insert_feature(
    tx: &Transaction<'_>,
    evidence_id: i64,
    index: usize,
    feature: &Feature,
    file_id: Option<i64>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO features (evidence_id, scan_index, kind, value, image_offset, encoding,
             forensic_path, context, file_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        evidence_id,
        index as i64,
        feature.kind.name(),
        feature.value,
        i64::try_from(feature.image_offset).unwrap_or(i64::MAX),
        feature.encoding.name(),
        feature.forensic_path,
        feature.context,
        file_id,
    ])?;
    Ok(())
}
