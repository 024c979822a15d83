//! One entry: hashing its content, and its rows (file, byte runs, hash-set
//! matches, problems); the digest of a batch of file rows.

use std::io::Write;
use std::sync::atomic::AtomicBool;

use std::ops::RangeInclusive;
use std::path::Path;

use rusqlite::{Transaction, params};

use crate::Problem;
use crate::case::backend::{SqlValue, SqliteTx, StoreTx};
use crate::case::{Error, Result};
use crate::evidence::EvidenceSource;
use crate::fs::{EntryKind, FileEntry, FileSystem, Timestamp};
use crate::hash::sets::{DigestSet, SetMatch};
use crate::hash::{self, AlgorithmSet, Digests, HashOptions, MultiHasher, NoSink};

/// Files at least this large are hashed with the configured thread count;
/// smaller ones on the calling thread.
const THREADED_HASH_MIN_BYTES: u64 = 8 << 20;

/// Files at least this large are hashed straight from their byte runs;
/// smaller ones through the reader's `read_content`, which applies what raw
/// runs cannot show (NTFS resident values sit in MFT records whose
/// update-sequence fixups change two bytes per sector on disk).
const RUNS_MIN_BYTES: u64 = 1 << 20;

/// An entry ready to be stored.
pub(super) struct PreparedFile {
    pub walk_index: u64,
    pub entry: FileEntry,
    pub digests: Option<Digests>,
    pub matches: Vec<SetMatch>,
    pub problem: Option<Problem>,
}

/// Why hashing an entry stopped.
pub(super) enum HashFailure {
    Cancelled,
    Unreadable(String),
}

/// Feeds written bytes to the hashers.
struct HashWriter(MultiHasher);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The four digests of a file's content: for large files from their byte
/// runs on the volume when they cover them, otherwise through the reader's
/// `read_content`.
/// Directories and other kinds without content get `None`.
pub(super) fn hash_content(
    fs: &dyn FileSystem,
    volume: &dyn EvidenceSource,
    entry: &FileEntry,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Option<Digests>, HashFailure> {
    if !matches!(entry.kind, EntryKind::File | EntryKind::Stream) {
        return Ok(None);
    }
    if entry.size == 0 {
        return Ok(Some(MultiHasher::new(AlgorithmSet::ALL, false).finish()));
    }
    let runs = (entry.size >= RUNS_MIN_BYTES)
        .then(|| runs_covering(entry))
        .flatten();
    if let Some(runs) = runs {
        let options = HashOptions {
            threads: if entry.size >= THREADED_HASH_MIN_BYTES {
                threads
            } else {
                1
            },
            ..HashOptions::default()
        };
        return match hash::hash_runs(volume, &runs, &options, &mut NoSink, cancel) {
            Ok(digests) => Ok(Some(digests)),
            Err(hash::Error::Cancelled) => Err(HashFailure::Cancelled),
            Err(other) => Err(HashFailure::Unreadable(other.to_string())),
        };
    }
    let mut writer = HashWriter(MultiHasher::new(AlgorithmSet::ALL, false));
    match fs.read_content(&entry.id, None, &mut writer) {
        Ok(_) => Ok(Some(writer.0.finish())),
        Err(error) => Err(HashFailure::Unreadable(error.to_string())),
    }
}

/// The entry's byte runs cut to its size, when they cover all of it.
fn runs_covering(entry: &FileEntry) -> Option<Vec<hash::ByteRun>> {
    if entry.byte_runs.is_empty() {
        return None;
    }
    let mut runs = Vec::with_capacity(entry.byte_runs.len());
    let mut covered = 0u64;
    for run in &entry.byte_runs {
        if run.file_offset != covered || covered >= entry.size {
            break;
        }
        let len_bytes = run.len_bytes.min(entry.size - covered);
        runs.push(hash::ByteRun {
            image_offset: run.volume_offset,
            len_bytes,
        });
        covered = covered.checked_add(len_bytes)?;
    }
    (covered == entry.size).then_some(runs)
}

/// The first set listing `digests` in each of `sets`, in set order.
pub(super) fn lookup(sets: &[DigestSet], digests: Option<&Digests>) -> Vec<SetMatch> {
    let Some(digests) = digests else {
        return Vec::new();
    };
    sets.iter().filter_map(|set| set.lookup(digests)).collect()
}

fn ns(time: Option<Timestamp>) -> Option<i64> {
    time.map(|t| t.unix_ns)
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::File => "file",
        EntryKind::Directory => "directory",
        EntryKind::Symlink => "symlink",
        EntryKind::Stream => "stream",
        EntryKind::Other => "other",
    }
}

/// Inserts the object, file row, byte runs, matches and problem of `file`.
pub(super) fn insert_file(
    tx: &Transaction<'_>,
    fs_id: i64,
    volume_image_offset: u64,
    file: &PreparedFile,
) -> rusqlite::Result<i64> {
    let entry = &file.entry;
    tx.execute(
        "INSERT INTO objects (parent_id, kind) VALUES (?1, 'file')",
        params![fs_id],
    )?;
    let object_id = tx.last_insert_rowid();
    let fn_times = entry.fn_times.unwrap_or_default();
    let hex = |a| file.digests.as_ref().and_then(|d| d.hex(a));
    tx.execute(
        "INSERT INTO files (object_id, fs_id, walk_index, entry_id, path, name, kind, size,
                            deleted, mode, uid, gid, link_target, streams_json,
                            modified_ns, accessed_ns, changed_ns, created_ns,
                            fn_modified_ns, fn_accessed_ns, fn_changed_ns, fn_created_ns,
                            md5, sha1, sha256, blake3)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
        params![
            object_id,
            fs_id,
            file.walk_index as i64,
            entry.id,
            entry.path,
            entry.name,
            kind_name(entry.kind),
            i64::try_from(entry.size).unwrap_or(i64::MAX),
            entry.deleted,
            entry.mode,
            entry.uid,
            entry.gid,
            entry.link_target,
            serde_json::to_string(&entry.streams).unwrap_or_default(),
            ns(entry.times.modified),
            ns(entry.times.accessed),
            ns(entry.times.changed),
            ns(entry.times.created),
            ns(fn_times.modified),
            ns(fn_times.accessed),
            ns(fn_times.changed),
            ns(fn_times.created),
            hex(hash::Algorithm::Md5),
            hex(hash::Algorithm::Sha1),
            hex(hash::Algorithm::Sha256),
            hex(hash::Algorithm::Blake3),
        ],
    )?;
    for (seq, run) in entry.byte_runs.iter().enumerate() {
        let image_offset = run
            .volume_offset
            .and_then(|offset| offset.checked_add(volume_image_offset))
            .and_then(|offset| i64::try_from(offset).ok());
        tx.execute(
            "INSERT INTO byte_runs (file_id, seq, file_offset, image_offset, len_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                object_id,
                seq as i64,
                i64::try_from(run.file_offset).unwrap_or(i64::MAX),
                image_offset,
                i64::try_from(run.len_bytes).unwrap_or(i64::MAX)
            ],
        )?;
    }
    for found in &file.matches {
        insert_match(tx, object_id, found)?;
    }
    if let Some(problem) = &file.problem {
        super::register::insert_problem(tx, object_id, problem, volume_image_offset)?;
    }
    Ok(object_id)
}

/// Stores one hash-set match of `object_id`.
pub(super) fn insert_match(
    tx: &rusqlite::Transaction<'_>,
    object_id: i64,
    found: &SetMatch,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO hash_matches (object_id, set_name, set_kind, category, algorithm)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            object_id,
            found.set_name,
            found.kind.name(),
            found.category,
            found.algorithm.name()
        ],
    )?;
    Ok(())
}

/// BLAKE3 (hex) over the file rows of `fs_id` with walk index in
/// `first..=last`, in walk order: every column but the object id, each value
/// length-prefixed. Stored in the batch's custody entry; `verify` recomputes
/// it to find edited, deleted or inserted file rows.
pub(crate) fn batch_digest(
    conn: &rusqlite::Connection,
    fs_id: i64,
    first: u64,
    last: u64,
) -> rusqlite::Result<(u64, String)> {
    let mut tx = SqliteTx::new(conn, Path::new("case"));
    file_rows_digest(&mut tx, fs_id, first, last).map_err(into_rusqlite)
}

/// [`batch_digest`] through any store.
pub(crate) fn file_rows_digest(
    tx: &mut dyn StoreTx,
    fs_id: i64,
    first: u64,
    last: u64,
) -> Result<(u64, String)> {
    let rows = tx.query(
        "SELECT * FROM files WHERE fs_id = $1 AND walk_index BETWEEN $2 AND $3 ORDER BY walk_index",
        &[fs_id.into(), (first as i64).into(), (last as i64).into()],
    )?;
    Ok(rows_blake3(&rows))
}

/// The number of rows and the BLAKE3 (hex) over the rows a carve or scan
/// stage stored for `evidence_id` in `table` (`carved_files` or `features`),
/// in stage order, every column but the row's own id, as [`batch_digest`],
/// for the rows whose carve or scan index lies in `indexes` (all of them
/// for a stage; those one merged batch unit added for a unit). Stored in
/// the stage's custody entry; `verify` recomputes it.
pub(crate) fn stage_digest(
    conn: &rusqlite::Connection,
    table: &str,
    evidence_id: i64,
    indexes: RangeInclusive<i64>,
) -> rusqlite::Result<(u64, String)> {
    let mut tx = SqliteTx::new(conn, Path::new("case"));
    stage_rows_digest(&mut tx, table, evidence_id, indexes).map_err(into_rusqlite)
}

/// [`stage_digest`] through any store.
pub(crate) fn stage_rows_digest(
    tx: &mut dyn StoreTx,
    table: &str,
    evidence_id: i64,
    indexes: RangeInclusive<i64>,
) -> Result<(u64, String)> {
    let sql = match table {
        "features" => {
            "SELECT * FROM features WHERE evidence_id = $1 AND scan_index BETWEEN $2 AND $3
             ORDER BY scan_index"
        }
        _ => {
            "SELECT * FROM carved_files WHERE evidence_id = $1 AND carve_index BETWEEN $2 AND $3
             ORDER BY carve_index"
        }
    };
    let bounds = [
        evidence_id.into(),
        (*indexes.start()).into(),
        (*indexes.end()).into(),
    ];
    Ok(rows_blake3(&tx.query(sql, &bounds)?))
}

/// Row count and BLAKE3 over every column but the first, each value
/// length-prefixed (`NULL` as a NUL byte and `null`).
fn rows_blake3(rows: &[Vec<SqlValue>]) -> (u64, String) {
    let mut hasher = blake3::Hasher::new();
    for row in rows {
        for value in row.iter().skip(1) {
            let text = match value {
                SqlValue::Null => "\u{0}null".to_string(),
                SqlValue::Integer(i) => i.to_string(),
                SqlValue::Text(t) => t.clone(),
            };
            hasher.update(&(text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
    }
    (
        rows.len() as u64,
        hash::to_hex(hasher.finalize().as_bytes()),
    )
}

/// A case error as the rusqlite error the ingest's transactions expect.
fn into_rusqlite(error: Error) -> rusqlite::Error {
    match error {
        Error::Sqlite { source, .. } => source,
        other => rusqlite::Error::ToSqlConversionFailure(Box::new(other)),
    }
}
