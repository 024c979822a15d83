//! Read-only queries, written once for every store ([`StoreTx`]). Every
//! result is sorted, in Rust where the order involves text (SQLite compares
//! bytes, PostgreSQL by its collation), so outputs are the same on both.

use std::collections::BTreeMap;

use serde::Serialize;

use super::backend::{SqlValue, SqliteTx, StoreTx};
use super::glob::Glob;
use super::read_rows::{Row, each_row, map_rows};
use super::{Case, CaseInfo, Error, Result};
use crate::time::Timestamp;

/// Which files [`Case::files`] returns; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct FileQuery {
    /// SQLite GLOB on the path (`*`, `?`, `[...]`; case-sensitive), matched
    /// in Rust so it means the same on PostgreSQL.
    pub path_glob: Option<String>,
    /// Only deleted entries.
    pub deleted_only: bool,
    /// Only this kind (`file`, `directory`, …).
    pub kind: Option<String>,
    /// Only entries at least this large.
    pub min_size: Option<u64>,
    /// Only entries at most this large.
    pub max_size: Option<u64>,
    /// Only entries matched by a hash set of this kind (`known`, `notable`).
    pub hash_set_kind: Option<String>,
    /// Only entries modified at or after this time.
    pub modified_from: Option<Timestamp>,
    /// Only entries modified before this time.
    pub modified_until: Option<Timestamp>,
}

/// One file row, as `case ls` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRow {
    /// Object id (for `case tag` and `case note`).
    pub object_id: i64,
    /// Object id of the evidence item holding the file.
    pub evidence_id: i64,
    /// Partition index of the volume, `None` for a whole-medium volume.
    pub partition_index: Option<u32>,
    /// The file system's id of the entry.
    pub entry_id: String,
    /// Absolute path inside the file system.
    pub path: String,
    /// `file`, `directory`, `symlink`, `stream` or `other`.
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether the entry is deleted.
    pub deleted: bool,
    /// Modified time.
    pub modified: Option<Timestamp>,
    /// Accessed time.
    pub accessed: Option<Timestamp>,
    /// Changed time.
    pub changed: Option<Timestamp>,
    /// Created time.
    pub created: Option<Timestamp>,
    /// MD5 of the content.
    pub md5: Option<String>,
    /// SHA-1 of the content.
    pub sha1: Option<String>,
    /// SHA-256 of the content.
    pub sha256: Option<String>,
    /// BLAKE3 of the content.
    pub blake3: Option<String>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Hash sets that list the content, sorted.
    pub hash_sets: Vec<String>,
}

/// One recorded problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemRow {
    /// The object the problem belongs to.
    pub object_id: i64,
    /// Its kind.
    pub object_kind: String,
    /// Image offset, when known.
    pub image_offset: Option<u64>,
    /// Length in bytes, when known.
    pub len_bytes: Option<u64>,
    /// What went wrong.
    pub message: String,
}

/// One note or bookmark.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoteRow {
    /// Note id.
    pub note_id: i64,
    /// The object noted, or `None` for the case.
    pub object_id: Option<i64>,
    /// Whether it is a bookmark.
    pub bookmark: bool,
    /// The text.
    pub text: String,
    /// Who wrote it.
    pub examiner: String,
    /// When, RFC 3339 UTC.
    pub at_utc: String,
}

/// Values of `sql` (`object_id`, text) grouped by object, each list sorted.
fn lists_by_object(tx: &mut dyn StoreTx, sql: &str) -> Result<BTreeMap<i64, Vec<String>>> {
    let mut lists: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    each_row(tx, sql, &[], &mut |row| {
        let item = row.text(1, "list item")?;
        if !item.is_empty() {
            lists
                .entry(row.i64(0, "object id")?)
                .or_default()
                .push(item);
        }
        Ok(())
    })?;
    for items in lists.values_mut() {
        items.sort();
    }
    Ok(lists)
}

/// Where a file comes in [`files`]: evidence, volume offset, path (bytes),
/// walk index, object id.
type FileOrder = (i64, i64, String, i64, i64);

/// Files matching `query`, sorted by evidence, volume offset, path (bytes),
/// walk order.
pub fn files(tx: &mut dyn StoreTx, query: &FileQuery) -> Result<Vec<FileRow>> {
    let mut conditions = vec!["1 = 1".to_string()];
    let mut values: Vec<SqlValue> = Vec::new();
    let mut bind = |condition: &str, value: SqlValue| {
        values.push(value);
        conditions.push(format!("{condition} ${}", values.len()));
    };
    if let Some(kind) = &query.kind {
        bind("f.kind =", kind.as_str().into());
    }
    if let Some(min) = query.min_size {
        bind("f.size >=", i64::try_from(min).unwrap_or(i64::MAX).into());
    }
    if let Some(max) = query.max_size {
        bind("f.size <=", i64::try_from(max).unwrap_or(i64::MAX).into());
    }
    if let Some(from) = query.modified_from {
        bind("f.modified_ns >=", from.unix_ns.into());
    }
    if let Some(until) = query.modified_until {
        bind("f.modified_ns <", until.unix_ns.into());
    }
    if let Some(kind) = &query.hash_set_kind {
        bind(
            "EXISTS (SELECT 1 FROM hash_matches m WHERE m.object_id = f.object_id AND m.set_kind =",
            kind.as_str().into(),
        );
        if let Some(last) = conditions.last_mut() {
            last.push(')');
        }
    }
    if query.deleted_only {
        conditions.push("f.deleted = 1".into());
    }
    let sql = format!(
        "SELECT f.object_id, v.evidence_id, v.partition_index, f.entry_id, f.path, f.kind,
                f.size, f.deleted, f.modified_ns, f.accessed_ns, f.changed_ns, f.created_ns,
                f.md5, f.sha1, f.sha256, f.blake3, v.image_offset, f.walk_index
         FROM files f
         JOIN file_systems s ON s.object_id = f.fs_id
         JOIN volumes v ON v.object_id = s.volume_id
         WHERE {}
         ORDER BY v.evidence_id, v.image_offset, f.walk_index",
        conditions.join(" AND ")
    );
    let glob = query.path_glob.as_deref().map(Glob::new);
    let mut sorted: Vec<(FileOrder, FileRow)> = Vec::new();
    each_row(tx, &sql, &values, &mut |row| {
        let path = row.text(4, "path")?;
        if glob.as_ref().is_some_and(|glob| !glob.matches(&path)) {
            return Ok(());
        }
        let file = file_row(row, path)?;
        let key = (
            file.evidence_id,
            row.i64(16, "image_offset")?,
            file.path.clone(),
            row.i64(17, "walk_index")?,
            file.object_id,
        );
        sorted.push((key, file));
        Ok(())
    })?;
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut tags = lists_by_object(
        tx,
        "SELECT t.object_id, t.tag FROM tags t JOIN files f ON f.object_id = t.object_id",
    )?;
    let mut sets = lists_by_object(
        tx,
        "SELECT m.object_id, m.set_name FROM hash_matches m
         JOIN files f ON f.object_id = m.object_id",
    )?;
    Ok(sorted
        .into_iter()
        .map(|(_, mut file)| {
            file.tags = tags.remove(&file.object_id).unwrap_or_default();
            file.hash_sets = sets.remove(&file.object_id).unwrap_or_default();
            file
        })
        .collect())
}

/// A [`FileRow`] (without tags and sets) of a row of [`files`]' query.
fn file_row(row: Row<'_>, path: String) -> Result<FileRow> {
    Ok(FileRow {
        object_id: row.i64(0, "object_id")?,
        evidence_id: row.i64(1, "evidence_id")?,
        partition_index: row.opt_u32(2, "partition_index")?,
        entry_id: row.text(3, "entry_id")?,
        path,
        kind: row.text(5, "kind")?,
        size: row.u64(6, "size")?,
        deleted: row.flag(7, "deleted")?,
        modified: row.time(8, "modified_ns")?,
        accessed: row.time(9, "accessed_ns")?,
        changed: row.time(10, "changed_ns")?,
        created: row.time(11, "created_ns")?,
        md5: row.opt_text(12, "md5")?,
        sha1: row.opt_text(13, "sha1")?,
        sha256: row.opt_text(14, "sha256")?,
        blake3: row.opt_text(15, "blake3")?,
        tags: Vec::new(),
        hash_sets: Vec::new(),
    })
}

/// Every recorded problem, sorted by object, offset (unknown first), message.
pub fn problems(tx: &mut dyn StoreTx) -> Result<Vec<ProblemRow>> {
    let mut rows = map_rows(
        tx,
        "SELECT p.object_id, o.kind, p.image_offset, p.len_bytes, p.message
         FROM problems p JOIN objects o ON o.id = p.object_id",
        &[],
        |row| {
            Ok(ProblemRow {
                object_id: row.i64(0, "object_id")?,
                object_kind: row.text(1, "object kind")?,
                image_offset: row.opt_u64(2, "image_offset")?,
                len_bytes: row.opt_u64(3, "len_bytes")?,
                message: row.text(4, "message")?,
            })
        },
    )?;
    rows.sort_by(|a, b| {
        (
            a.object_id,
            a.image_offset,
            &a.message,
            a.len_bytes,
            &a.object_kind,
        )
            .cmp(&(
                b.object_id,
                b.image_offset,
                &b.message,
                b.len_bytes,
                &b.object_kind,
            ))
    });
    Ok(rows)
}

/// Every note and bookmark, in the order written.
pub fn notes(tx: &mut dyn StoreTx) -> Result<Vec<NoteRow>> {
    map_rows(
        tx,
        "SELECT id, object_id, bookmark, text, examiner, at_utc FROM notes ORDER BY id",
        &[],
        |row| {
            Ok(NoteRow {
                note_id: row.i64(0, "note id")?,
                object_id: row.opt_i64(1, "object_id")?,
                bookmark: row.flag(2, "bookmark")?,
                text: row.text(3, "text")?,
                examiner: row.text(4, "examiner")?,
                at_utc: row.text(5, "at_utc")?,
            })
        },
    )
}

/// The case number, title and creator, and the creation time (RFC 3339).
pub fn info(tx: &mut dyn StoreTx) -> Result<(CaseInfo, String)> {
    let rows = map_rows(
        tx,
        "SELECT case_number, title, created_by, created_utc FROM case_info WHERE id = 1",
        &[],
        |row| {
            let info = CaseInfo {
                case_number: row.text(0, "case number")?,
                title: row.text(1, "title")?,
                examiner: row.text(2, "created_by")?,
            };
            Ok((info, row.text(3, "created_utc")?))
        },
    )?;
    rows.into_iter()
        .next()
        .ok_or_else(|| Error::NotFound("case_info row".into()))
}

/// Runs `query` on `store` in one read transaction and returns its result.
pub fn read_with<T>(
    store: &mut dyn super::backend::CaseStore,
    query: impl Fn(&mut dyn StoreTx) -> Result<T>,
) -> Result<T> {
    let mut found = None;
    store.read(&mut |tx| {
        found = Some(query(tx)?);
        Ok(())
    })?;
    found.ok_or_else(|| Error::Invalid("the read transaction returned nothing".into()))
}

impl Case {
    /// This case as a store transaction for the read queries (reads need no
    /// transaction on one SQLite connection).
    pub(crate) fn reader(&self) -> SqliteTx<'_> {
        SqliteTx::new(&self.conn, &self.path)
    }

    /// Files matching `query` ([`files`]).
    pub fn files(&self, query: &FileQuery) -> Result<Vec<FileRow>> {
        files(&mut self.reader(), query)
    }

    /// Every recorded problem ([`problems`]).
    pub fn problems(&self) -> Result<Vec<ProblemRow>> {
        problems(&mut self.reader())
    }

    /// Every note and bookmark ([`notes`]).
    pub fn notes(&self) -> Result<Vec<NoteRow>> {
        notes(&mut self.reader())
    }
}
