//! Registering evidence (intake digests, container metadata, stored hashes),
//! the start entry with the volume layout, the end entry, and summaries.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::{EvidenceSummary, IngestOptions, IngestProgress, IntakeDigests};
use crate::Problem;
use crate::case::{Case, Error, Result};
use crate::evidence::{self, Evidence};
use crate::hash::HashSink;

/// An evidence item found in or added to the case.
pub(super) struct Registered {
    pub object_id: i64,
    pub already_done: bool,
    pub resumed: bool,
    /// The opened evidence (`None` when nothing is left to do).
    pub evidence: Option<Evidence>,
}

/// Passes intake hashing progress on.
struct IntakeSink<'a>(&'a mut dyn IngestProgress);

impl HashSink for IntakeSink<'_> {
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        self.0.intake_hashed(bytes_done, bytes_total);
    }
}

/// Finds the evidence at `path` in the case, or opens, hashes and adds it.
pub(super) fn register(
    case: &mut Case,
    path: &Path,
    options: &IngestOptions,
    progress: &mut dyn IngestProgress,
    cancel: &AtomicBool,
) -> Result<Registered> {
    let path_text = path.to_string_lossy().into_owned();
    let existing: Option<(i64, bool, i64)> = case
        .conn
        .query_row(
            "SELECT object_id, ingest_done, media_size FROM evidence WHERE path = ?1",
            params![path_text],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()
        .map_err(Error::sqlite(&case.path))?;
    if let Some((object_id, true, _)) = existing {
        return Ok(Registered {
            object_id,
            already_done: true,
            resumed: false,
            evidence: None,
        });
    }
    let opened = evidence::open(path)?;
    if let Some((object_id, false, media_size)) = existing {
        if u64::try_from(media_size).ok() != Some(opened.source.len()) {
            return Err(Error::Invalid(format!(
                "{} is now {} bytes but was registered with {media_size}",
                path.display(),
                opened.source.len()
            )));
        }
        return Ok(Registered {
            object_id,
            already_done: false,
            resumed: true,
            evidence: Some(opened),
        });
    }
    let intake = match &options.intake {
        Some(known) if known.media_size != opened.source.len() => {
            return Err(Error::Invalid(format!(
                "{} is {} bytes, but the plan recorded {}",
                path.display(),
                opened.source.len(),
                known.media_size
            )));
        }
        Some(known) => known.clone(),
        None => IntakeDigests::hash(&opened, options.threads, &mut IntakeSink(progress), cancel)?,
    };
    let IntakeDigests {
        md5,
        sha1,
        sha256,
        blake3,
        ..
    } = intake;
    let info = &opened.info;
    let mut problems = info.problems.clone();
    problems.extend(opened.source.damaged_ranges());
    problems.sort();
    let metadata: serde_json::Map<String, serde_json::Value> = info
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let metadata_json = crate::case::canonical_json(&serde_json::Value::Object(metadata));
    let segments_json = serde_json::to_string(&info.segment_files).unwrap_or_default();
    let (object_id, _) = case.write("add_evidence", |tx, _| {
        tx.execute(
            "INSERT INTO objects (parent_id, kind) VALUES (NULL, 'evidence')",
            [],
        )?;
        let object_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO evidence (object_id, path, format, media_size, sector_size, md5, sha1,
                                   sha256, blake3, stored_md5, stored_sha1, stored_sha256,
                                   metadata_json, segments_json, chunk_size, compression)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                object_id,
                path_text,
                info.format.name(),
                opened.source.len() as i64,
                info.sector_size,
                md5,
                sha1,
                sha256,
                blake3,
                info.stored_hashes.md5,
                info.stored_hashes.sha1,
                info.stored_hashes.sha256,
                metadata_json,
                segments_json,
                info.chunk_size,
                info.compression,
            ],
        )?;
        for problem in &problems {
            insert_problem(tx, object_id, problem, 0)?;
        }
        Ok((
            object_id,
            json!({
                "evidence_id": object_id,
                "path": path_text,
                "format": info.format.name(),
                "media_size": opened.source.len(),
                "md5": md5, "sha1": sha1, "sha256": sha256, "blake3": blake3,
                "stored_hashes": info.stored_hashes,
                "metadata": metadata_json,
                "problems": problems.len(),
            }),
        ))
    })?;
    Ok(Registered {
        object_id,
        already_done: false,
        resumed: false,
        evidence: Some(opened),
    })
}

/// Stores `problem` for `object_id`, its offset shifted by `base_offset`
/// (the volume's image offset for file-system problems).
pub(super) fn insert_problem(
    tx: &rusqlite::Transaction<'_>,
    object_id: i64,
    problem: &Problem,
    base_offset: u64,
) -> rusqlite::Result<()> {
    let image_offset = problem
        .image_offset
        .and_then(|offset| offset.checked_add(base_offset))
        .and_then(|offset| i64::try_from(offset).ok());
    let len_bytes = problem.len_bytes.and_then(|len| i64::try_from(len).ok());
    tx.execute(
        "INSERT INTO problems (object_id, image_offset, len_bytes, message) VALUES (?1, ?2, ?3, ?4)",
        params![object_id, image_offset, len_bytes, problem.message],
    )?;
    Ok(())
}

/// Writes the `ingest_start` entry; the first time, also the volumes of the
/// evidence's layout (partitions, or the whole medium).
pub(super) fn start(
    case: &mut Case,
    evidence_id: i64,
    evidence: &Evidence,
    resumed: bool,
) -> Result<()> {
    let layout_done: bool = case
        .conn
        .query_row(
            "SELECT layout_done FROM evidence WHERE object_id = ?1",
            params![evidence_id],
            |row| row.get(0),
        )
        .map_err(Error::sqlite(&case.path))?;
    let layout = if layout_done {
        None
    } else {
        Some(crate::fs::layout(&evidence.source))
    };
    case.write("ingest_start", |tx, _| {
        let mut volume_ids = Vec::new();
        match &layout {
            None => {}
            Some(Err(error)) => {
                let problem = Problem::general(format!("cannot read the volume layout: {error}"));
                insert_problem(tx, evidence_id, &problem, 0)?;
            }
            Some(Ok(found)) => {
                for volume in &found.volumes {
                    tx.execute(
                        "INSERT INTO objects (parent_id, kind) VALUES (?1, 'volume')",
                        params![evidence_id],
                    )?;
                    let volume_id = tx.last_insert_rowid();
                    let fs_type = volume
                        .fs_type
                        .and_then(|t| serde_json::to_value(t).ok())
                        .and_then(|v| v.as_str().map(str::to_string));
                    tx.execute(
                        "INSERT INTO volumes (object_id, evidence_id, partition_index,
                                              image_offset, len_bytes, fs_type)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![
                            volume_id,
                            evidence_id,
                            volume.partition_index,
                            volume.image_offset as i64,
                            volume.len_bytes as i64,
                            fs_type
                        ],
                    )?;
                    volume_ids.push(volume_id);
                }
            }
        }
        tx.execute(
            "UPDATE evidence SET layout_done = 1 WHERE object_id = ?1",
            params![evidence_id],
        )?;
        Ok((
            (),
            json!({"evidence_id": evidence_id, "resumed": resumed, "new_volumes": volume_ids}),
        ))
    })?;
    Ok(())
}

/// Marks the evidence ingested, with the `ingest_end` entry and its totals.
pub(super) fn finish(case: &mut Case, evidence_id: i64) -> Result<()> {
    case.write("ingest_end", |tx, _| {
        tx.execute(
            "UPDATE evidence SET ingest_done = 1 WHERE object_id = ?1",
            params![evidence_id],
        )?;
        let totals = totals(tx, evidence_id)?;
        Ok((
            (),
            json!({"evidence_id": evidence_id, "volumes": totals[0], "file_systems": totals[1],
                   "files": totals[2], "problems": totals[3]}),
        ))
    })?;
    Ok(())
}

/// Volumes, file systems, files, problems, carved files and features of one
/// evidence item.
fn totals(conn: &rusqlite::Connection, evidence_id: i64) -> rusqlite::Result<[u64; 6]> {
    conn.query_row(
        "SELECT
            (SELECT count(*) FROM volumes WHERE evidence_id = ?1),
            (SELECT count(*) FROM file_systems s JOIN volumes v ON v.object_id = s.volume_id
              WHERE v.evidence_id = ?1),
            (SELECT count(*) FROM files f JOIN file_systems s ON s.object_id = f.fs_id
              JOIN volumes v ON v.object_id = s.volume_id WHERE v.evidence_id = ?1),
            (SELECT count(*) FROM problems p WHERE p.object_id = ?1
                OR p.object_id IN (SELECT object_id FROM volumes WHERE evidence_id = ?1)
                OR p.object_id IN (SELECT s.object_id FROM file_systems s
                                   JOIN volumes v ON v.object_id = s.volume_id WHERE v.evidence_id = ?1)
                OR p.object_id IN (SELECT f.object_id FROM files f
                                   JOIN file_systems s ON s.object_id = f.fs_id
                                   JOIN volumes v ON v.object_id = s.volume_id WHERE v.evidence_id = ?1)),
            (SELECT count(*) FROM carved_files WHERE evidence_id = ?1),
            (SELECT count(*) FROM features WHERE evidence_id = ?1)",
        params![evidence_id],
        |row| {
            let mut counts = [0u64; 6];
            for (index, count) in counts.iter_mut().enumerate() {
                *count = row.get::<_, i64>(index)?.max(0) as u64;
            }
            Ok(counts)
        },
    )
}

/// The summary of one evidence item.
pub(super) fn summary(
    case: &Case,
    evidence_id: i64,
    path: &Path,
    already_done: bool,
    resumed: bool,
    files_added: u64,
) -> Result<EvidenceSummary> {
    let [
        volumes,
        file_systems,
        files,
        problems,
        carved_files,
        features,
    ] = totals(&case.conn, evidence_id).map_err(Error::sqlite(&case.path))?;
    Ok(EvidenceSummary {
        object_id: evidence_id,
        path: path.to_path_buf(),
        already_done,
        resumed,
        volumes,
        file_systems,
        files,
        files_added,
        problems,
        carved_files,
        features,
        error: None,
    })
}
