//! One volume: open its file system, walk every entry, store them in
//! batches, then mark the volume done.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{OptionalExtension, params};
use serde_json::json;

use super::register::insert_problem;
use super::rows::{self, HashFailure, PreparedFile};
use super::{DEFAULT_BATCH_FILES, IngestOptions, IngestProgress};
use crate::Problem;
use crate::case::{Case, Error, Result};
use crate::evidence::{EvidenceSource, Window};
use crate::fs::{self, FileSystem};

/// A volume whose ingest has not finished.
pub(super) struct PendingVolume {
    pub volume_id: i64,
    pub image_offset: u64,
    pub len_bytes: u64,
}

/// The volumes of `evidence_id` not yet done, in media order.
pub(super) fn pending_volumes(case: &Case, evidence_id: i64) -> Result<Vec<PendingVolume>> {
    let mut statement = case
        .conn
        .prepare(
            "SELECT object_id, image_offset, len_bytes FROM volumes
             WHERE evidence_id = ?1 AND done = 0 ORDER BY image_offset, object_id",
        )
        .map_err(Error::sqlite(&case.path))?;
    let rows = statement
        .query_map(params![evidence_id], |row| {
            Ok(PendingVolume {
                volume_id: row.get(0)?,
                image_offset: row.get::<_, i64>(1)? as u64,
                len_bytes: row.get::<_, i64>(2)? as u64,
            })
        })
        .map_err(Error::sqlite(&case.path))?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::sqlite(&case.path))
}

/// Ingests one volume to its end; returns the number of files stored.
pub(super) fn ingest_volume(
    case: &mut Case,
    media: &Arc<dyn EvidenceSource>,
    pending: &PendingVolume,
    options: &IngestOptions,
    progress: &mut dyn IngestProgress,
    cancel: &AtomicBool,
) -> Result<u64> {
    let opened = Window::new(media.clone(), pending.image_offset, pending.len_bytes)
        .map_err(fs::Error::from)
        .and_then(|window| {
            let volume: Arc<dyn EvidenceSource> = Arc::new(window);
            let opener = options.file_system_opener.unwrap_or(fs::open);
            opener(volume.clone()).map(|fs| (volume, fs))
        });
    let (volume, file_system) = match opened {
        Ok(found) => found,
        Err(error) => {
            let problem = Problem::at(
                pending.image_offset,
                pending.len_bytes,
                format!("file system not read: {error}"),
            );
            close_volume(case, pending, None, &[problem], 0)?;
            return Ok(0);
        }
    };
    let (fs_id, entries_done) = file_system_row(case, pending, file_system.as_ref())?;
    let mut walker = Walker {
        case,
        fs: file_system.as_ref(),
        volume: volume.as_ref(),
        pending,
        fs_id,
        options,
        cancel,
        progress,
        skip_before: entries_done,
        next_index: 0,
        batch: Vec::new(),
        files_added: 0,
        failure: None,
    };
    let walk_result = file_system.walk(&mut |entry| walker.visit(entry));
    walker.flush();
    if let Some(failure) = walker.failure.take() {
        return Err(failure);
    }
    let entries = walker.next_index;
    let files_added = walker.files_added;
    let mut problems = match walk_result {
        Ok(problems) => problems,
        Err(error) => vec![Problem::general(format!("walk stopped: {error}"))],
    };
    problems.sort();
    close_volume(case, pending, Some(fs_id), &problems, entries)?;
    Ok(files_added)
}

/// The file-system row of the volume (created with its custody entry the
/// first time) and how many walk entries are stored already.
fn file_system_row(
    case: &mut Case,
    pending: &PendingVolume,
    file_system: &dyn FileSystem,
) -> Result<(i64, u64)> {
    let existing: Option<(i64, i64)> = case
        .conn
        .query_row(
            "SELECT object_id, entries_done FROM file_systems WHERE volume_id = ?1",
            params![pending.volume_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
        .map_err(Error::sqlite(&case.path))?;
    if let Some((fs_id, entries_done)) = existing {
        return Ok((fs_id, entries_done as u64));
    }
    let fs_type = serde_json::to_value(file_system.fs_type())
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let (fs_id, _) = case.write("add_file_system", |tx, _| {
        tx.execute(
            "INSERT INTO objects (parent_id, kind) VALUES (?1, 'file_system')",
            params![pending.volume_id],
        )?;
        let fs_id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO file_systems (object_id, volume_id, fs_type) VALUES (?1, ?2, ?3)",
            params![fs_id, pending.volume_id, fs_type],
        )?;
        Ok((
            fs_id,
            json!({"file_system_id": fs_id, "volume_id": pending.volume_id, "fs_type": fs_type}),
        ))
    })?;
    Ok((fs_id, 0))
}

/// Marks the volume (and its file system) done with the walk's problems.
fn close_volume(
    case: &mut Case,
    pending: &PendingVolume,
    fs_id: Option<i64>,
    problems: &[Problem],
    entries: u64,
) -> Result<()> {
    case.write("volume_done", |tx, _| {
        let owner = fs_id.unwrap_or(pending.volume_id);
        let base = if fs_id.is_some() {
            pending.image_offset
        } else {
            0
        };
        for problem in problems {
            insert_problem(tx, owner, problem, base)?;
        }
        if let Some(fs_id) = fs_id {
            tx.execute(
                "UPDATE file_systems SET done = 1 WHERE object_id = ?1",
                params![fs_id],
            )?;
        }
        tx.execute(
            "UPDATE volumes SET done = 1 WHERE object_id = ?1",
            params![pending.volume_id],
        )?;
        Ok((
            (),
            json!({"volume_id": pending.volume_id, "file_system_id": fs_id,
                   "entries": entries, "problems": problems.len()}),
        ))
    })?;
    Ok(())
}

/// State of one walk: skips what is stored, hashes and batches the rest.
struct Walker<'a> {
    case: &'a mut Case,
    fs: &'a dyn FileSystem,
    volume: &'a dyn EvidenceSource,
    pending: &'a PendingVolume,
    fs_id: i64,
    options: &'a IngestOptions,
    cancel: &'a AtomicBool,
    progress: &'a mut dyn IngestProgress,
    skip_before: u64,
    next_index: u64,
    batch: Vec<PreparedFile>,
    files_added: u64,
    failure: Option<Error>,
}

impl Walker<'_> {
    fn visit(&mut self, entry: fs::FileEntry) {
        let walk_index = self.next_index;
        self.next_index += 1;
        if self.failure.is_some() || walk_index < self.skip_before {
            return;
        }
        if self.cancel.load(Ordering::Relaxed) {
            self.failure = Some(Error::Cancelled);
            return;
        }
        let (digests, problem) = match rows::hash_content(
            self.fs,
            self.volume,
            &entry,
            self.options.threads,
            self.cancel,
        ) {
            Ok(digests) => (digests, None),
            Err(HashFailure::Cancelled) => {
                self.failure = Some(Error::Cancelled);
                return;
            }
            Err(HashFailure::Unreadable(message)) => (
                None,
                Some(Problem::general(format!(
                    "content of {} not hashed: {message}",
                    entry.path
                ))),
            ),
        };
        let matches = rows::lookup(&self.options.hash_sets, digests.as_ref());
        self.batch.push(PreparedFile {
            walk_index,
            entry,
            digests,
            matches,
            problem,
        });
        let batch_files = match self.options.batch_files {
            0 => DEFAULT_BATCH_FILES,
            n => n,
        };
        if self.batch.len() >= batch_files {
            self.flush();
        }
    }

    /// Stores the batch in one transaction with its `ingest_batch` entry.
    fn flush(&mut self) {
        let (Some(first), Some(last)) = (self.batch.first(), self.batch.last()) else {
            return;
        };
        let (first_index, last_index) = (first.walk_index, last.walk_index);
        let fs_id = self.fs_id;
        let volume_offset = self.pending.image_offset;
        let batch = std::mem::take(&mut self.batch);
        let written = self.case.write("ingest_batch", |tx, _| {
            for file in &batch {
                rows::insert_file(tx, fs_id, volume_offset, file)?;
            }
            tx.execute(
                "UPDATE file_systems SET entries_done = ?1 WHERE object_id = ?2",
                params![last_index as i64 + 1, fs_id],
            )?;
            let (count, rows_blake3) = rows::batch_digest(tx, fs_id, first_index, last_index)?;
            Ok((
                count,
                json!({"file_system_id": fs_id, "first_walk_index": first_index,
                       "last_walk_index": last_index, "files": count, "rows_blake3": rows_blake3}),
            ))
        });
        match written {
            Ok((count, _)) => {
                self.files_added += count;
                self.progress.files_stored(self.files_added);
            }
            Err(error) => self.failure = Some(error),
        }
    }
}
