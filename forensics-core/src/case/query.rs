//! Read-only queries. Every result is sorted, so outputs are deterministic.

use rusqlite::{Row, params_from_iter, types::Value as SqlValue};
use serde::Serialize;

use super::{Case, Error, Result};
use crate::time::Timestamp;

/// Which files [`Case::files`] returns; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct FileQuery {
    /// SQLite GLOB on the path (`*`, `?`, `[...]`; case-sensitive).
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

fn timestamp(row: &Row<'_>, column: &str) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row
        .get::<_, Option<i64>>(column)?
        .map(|unix_ns| Timestamp { unix_ns }))
}

fn split_list(text: Option<String>) -> Vec<String> {
    let mut items: Vec<String> = text
        .unwrap_or_default()
        .split('\u{1f}')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    items.sort();
    items
}

impl Case {
    /// Files matching `query`, sorted by evidence, volume offset, path, walk order.
    pub fn files(&self, query: &FileQuery) -> Result<Vec<FileRow>> {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut values: Vec<SqlValue> = Vec::new();
        if let Some(glob) = &query.path_glob {
            conditions.push("f.path GLOB ?".into());
            values.push(SqlValue::Text(glob.clone()));
        }
        if query.deleted_only {
            conditions.push("f.deleted = 1".into());
        }
        if let Some(kind) = &query.kind {
            conditions.push("f.kind = ?".into());
            values.push(SqlValue::Text(kind.clone()));
        }
        if let Some(min) = query.min_size {
            conditions.push("f.size >= ?".into());
            values.push(SqlValue::Integer(i64::try_from(min).unwrap_or(i64::MAX)));
        }
        if let Some(max) = query.max_size {
            conditions.push("f.size <= ?".into());
            values.push(SqlValue::Integer(i64::try_from(max).unwrap_or(i64::MAX)));
        }
        if let Some(from) = query.modified_from {
            conditions.push("f.modified_ns >= ?".into());
            values.push(SqlValue::Integer(from.unix_ns));
        }
        if let Some(until) = query.modified_until {
            conditions.push("f.modified_ns < ?".into());
            values.push(SqlValue::Integer(until.unix_ns));
        }
        if let Some(kind) = &query.hash_set_kind {
            conditions.push(
                "EXISTS (SELECT 1 FROM hash_matches m WHERE m.object_id = f.object_id AND m.set_kind = ?)"
                    .into(),
            );
            values.push(SqlValue::Text(kind.clone()));
        }
        let sql = format!(
            "SELECT f.object_id, v.evidence_id, v.partition_index, f.entry_id, f.path, f.kind,
                    f.size, f.deleted, f.modified_ns, f.accessed_ns, f.changed_ns, f.created_ns,
                    f.md5, f.sha1, f.sha256, f.blake3,
                    (SELECT group_concat(tag, char(31)) FROM tags t WHERE t.object_id = f.object_id) AS tags,
                    (SELECT group_concat(set_name, char(31)) FROM hash_matches m
                      WHERE m.object_id = f.object_id) AS sets
             FROM files f
             JOIN file_systems s ON s.object_id = f.fs_id
             JOIN volumes v ON v.object_id = s.volume_id
             WHERE {}
             ORDER BY v.evidence_id, v.image_offset, f.path, f.walk_index",
            conditions.join(" AND ")
        );
        let mut statement = self.conn.prepare(&sql).map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map(params_from_iter(values), |row| {
                Ok(FileRow {
                    object_id: row.get("object_id")?,
                    evidence_id: row.get("evidence_id")?,
                    partition_index: row.get("partition_index")?,
                    entry_id: row.get("entry_id")?,
                    path: row.get("path")?,
                    kind: row.get("kind")?,
                    size: row.get::<_, i64>("size")? as u64,
                    deleted: row.get("deleted")?,
                    modified: timestamp(row, "modified_ns")?,
                    accessed: timestamp(row, "accessed_ns")?,
                    changed: timestamp(row, "changed_ns")?,
                    created: timestamp(row, "created_ns")?,
                    md5: row.get("md5")?,
                    sha1: row.get("sha1")?,
                    sha256: row.get("sha256")?,
                    blake3: row.get("blake3")?,
                    tags: split_list(row.get("tags")?),
                    hash_sets: split_list(row.get("sets")?),
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }

    /// Every recorded problem, sorted by object, offset and message.
    pub fn problems(&self) -> Result<Vec<ProblemRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT p.object_id, o.kind, p.image_offset, p.len_bytes, p.message
                 FROM problems p JOIN objects o ON o.id = p.object_id
                 ORDER BY p.object_id, p.image_offset, p.message",
            )
            .map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map([], |row| {
                Ok(ProblemRow {
                    object_id: row.get(0)?,
                    object_kind: row.get(1)?,
                    image_offset: row.get::<_, Option<i64>>(2)?.map(|v| v as u64),
                    len_bytes: row.get::<_, Option<i64>>(3)?.map(|v| v as u64),
                    message: row.get(4)?,
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }

    /// Every note and bookmark, in the order written.
    pub fn notes(&self) -> Result<Vec<NoteRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, object_id, bookmark, text, examiner, at_utc FROM notes ORDER BY id",
            )
            .map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map([], |row| {
                Ok(NoteRow {
                    note_id: row.get(0)?,
                    object_id: row.get(1)?,
                    bookmark: row.get(2)?,
                    text: row.get(3)?,
                    examiner: row.get(4)?,
                    at_utc: row.get(5)?,
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }
}
