//! Read-only queries for browsing front-ends (the desktop app): the object
//! tree (evidence → volumes → file systems → folders), a streamed file
//! listing with filters, one file by id, and where a file's content lies.
//!
//! Every result is sorted, so what a front-end shows is deterministic.

use rusqlite::{OptionalExtension, Row, params, params_from_iter, types::Value as SqlValue};
use serde::Serialize;

use super::{Case, Error, FileQuery, FileRow, Result};
use crate::time::Timestamp;

/// One folder (directory entry) of a file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderRow {
    /// Its object id.
    pub object_id: i64,
    /// The file system holding it.
    pub fs_id: i64,
    /// Absolute path inside the file system.
    pub path: String,
    /// Its name (last path component).
    pub name: String,
    /// Whether the entry is deleted.
    pub deleted: bool,
}

/// Which files [`Case::for_each_file`] visits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FileScope {
    /// Every file of the case.
    #[default]
    Case,
    /// Every file of one file system (by its object id).
    FileSystem(i64),
    /// The direct children of one folder (`"/"` for the root).
    Folder {
        /// The file system's object id.
        fs_id: i64,
        /// The folder's absolute path.
        path: String,
    },
}

/// Filters of [`Case::for_each_file`]; every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileListQuery {
    /// Where to look.
    pub scope: FileScope,
    /// Name contains this text (ASCII case-insensitive).
    pub name_contains: Option<String>,
    /// Only deleted entries.
    pub deleted_only: bool,
    /// Only this kind (`file`, `directory`, …).
    pub kind: Option<String>,
    /// Only entries at least this large.
    pub min_size: Option<u64>,
    /// Only entries at most this large.
    pub max_size: Option<u64>,
    /// One of MD5, SHA-1, SHA-256 or BLAKE3 starts with this hex text.
    pub digest_prefix: Option<String>,
    /// Only entries matched by a hash set of this kind (`known`, `notable`).
    pub hash_set_kind: Option<String>,
    /// Only entries modified at or after this time.
    pub modified_from: Option<Timestamp>,
    /// Only entries modified before this time.
    pub modified_until: Option<Timestamp>,
}

/// One row of a file listing: what a table shows, without the larger fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileListRow {
    /// Object id.
    pub object_id: i64,
    /// The file system's object id.
    pub fs_id: i64,
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
    /// MD5 of the content (lowercase hex).
    pub md5: Option<String>,
    /// `notable` or `known` when a hash set lists the content (notable wins).
    pub hash_set_kind: Option<String>,
    /// Whether the file carries at least one tag.
    pub tagged: bool,
}

/// One byte run of a file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContentRun {
    /// Offset of the run in the file.
    pub file_offset: u64,
    /// Offset in the media, `None` for a sparse run.
    pub image_offset: Option<u64>,
    /// Length in bytes.
    pub len_bytes: u64,
}

/// Where a file's content can be read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileLocation {
    /// The evidence path.
    pub evidence_path: String,
    /// Partition index of the volume, `None` for a whole-medium volume.
    pub partition_index: Option<u32>,
    /// The file system's id of the entry.
    pub entry_id: String,
    /// Size in bytes.
    pub size: u64,
    /// Byte runs in file order (may be empty or not cover the file).
    pub runs: Vec<ContentRun>,
}

fn opt_u64(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<u64>> {
    Ok(row
        .get::<_, Option<i64>>(index)?
        .and_then(|v| u64::try_from(v).ok()))
}

fn opt_time(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row
        .get::<_, Option<i64>>(index)?
        .map(|unix_ns| Timestamp { unix_ns }))
}

/// `text` with GLOB's special characters made literal.
fn glob_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '[' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

/// `text` with LIKE's special characters escaped by `\`.
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// SQL conditions that put `f.path` directly below `folder`.
fn children_of(folder: &str, conditions: &mut Vec<String>, values: &mut Vec<SqlValue>) {
    let prefix = if folder.ends_with('/') {
        folder.to_string()
    } else {
        format!("{folder}/")
    };
    // '0' is the character after '/': the range holds exactly the paths below.
    let mut upper = prefix.clone();
    upper.pop();
    upper.push('0');
    conditions.push("f.path >= ? AND f.path < ? AND instr(substr(f.path, ?), '/') = 0".into());
    let start = i64::try_from(prefix.len() + 1).unwrap_or(i64::MAX);
    values.push(SqlValue::Text(prefix));
    values.push(SqlValue::Text(upper));
    values.push(SqlValue::Integer(start));
}

impl Case {
    /// The folders directly below `parent_path` (`"/"` for the root) in file
    /// system `fs_id`, sorted by name, allocated before deleted.
    pub fn subfolders(&self, fs_id: i64, parent_path: &str) -> Result<Vec<FolderRow>> {
        let mut conditions = vec!["f.fs_id = ?".to_string(), "f.kind = 'directory'".into()];
        let mut values = vec![SqlValue::Integer(fs_id)];
        children_of(parent_path, &mut conditions, &mut values);
        let sql = format!(
            "SELECT f.object_id, f.fs_id, f.path, f.name, f.deleted FROM files f
             WHERE {} ORDER BY f.name, f.deleted, f.walk_index",
            conditions.join(" AND ")
        );
        let mut statement = self.conn.prepare(&sql).map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map(params_from_iter(values), |row| {
                Ok(FolderRow {
                    object_id: row.get(0)?,
                    fs_id: row.get(1)?,
                    path: row.get(2)?,
                    name: row.get(3)?,
                    deleted: row.get(4)?,
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }

    /// Calls `visit` with every file matching `query`, sorted by file
    /// system, path and walk order, without collecting them (a case may
    /// hold millions); returns how many were visited.
    pub fn for_each_file(
        &self,
        query: &FileListQuery,
        visit: &mut dyn FnMut(FileListRow),
    ) -> Result<u64> {
        let mut conditions = vec!["1 = 1".to_string()];
        let mut values: Vec<SqlValue> = Vec::new();
        match &query.scope {
            FileScope::Case => {}
            FileScope::FileSystem(fs_id) => {
                conditions.push("f.fs_id = ?".into());
                values.push(SqlValue::Integer(*fs_id));
            }
            FileScope::Folder { fs_id, path } => {
                conditions.push("f.fs_id = ?".into());
                values.push(SqlValue::Integer(*fs_id));
                children_of(path, &mut conditions, &mut values);
            }
        }
        if let Some(text) = query.name_contains.as_deref().filter(|t| !t.is_empty()) {
            conditions.push("f.name LIKE ? ESCAPE '\\'".into());
            values.push(SqlValue::Text(format!("%{}%", like_literal(text))));
        }
        if query.deleted_only {
            conditions.push("f.deleted = 1".into());
        }
        if let Some(kind) = &query.kind {
            conditions.push("f.kind = ?".into());
            values.push(SqlValue::Text(kind.clone()));
        }
        let clamp = |v: u64| SqlValue::Integer(i64::try_from(v).unwrap_or(i64::MAX));
        if let Some(min) = query.min_size {
            conditions.push("f.size >= ?".into());
            values.push(clamp(min));
        }
        if let Some(max) = query.max_size {
            conditions.push("f.size <= ?".into());
            values.push(clamp(max));
        }
        if let Some(prefix) = query.digest_prefix.as_deref().map(str::trim) {
            let pattern = format!("{}%", like_literal(&prefix.to_ascii_lowercase()));
            conditions.push(
                "(f.md5 LIKE ? ESCAPE '\\' OR f.sha1 LIKE ? ESCAPE '\\'
                  OR f.sha256 LIKE ? ESCAPE '\\' OR f.blake3 LIKE ? ESCAPE '\\')"
                    .into(),
            );
            for _ in 0..4 {
                values.push(SqlValue::Text(pattern.clone()));
            }
        }
        if let Some(kind) = &query.hash_set_kind {
            conditions.push(
                "EXISTS (SELECT 1 FROM hash_matches m WHERE m.object_id = f.object_id AND m.set_kind = ?)"
                    .into(),
            );
            values.push(SqlValue::Text(kind.clone()));
        }
        if let Some(from) = query.modified_from {
            conditions.push("f.modified_ns >= ?".into());
            values.push(SqlValue::Integer(from.unix_ns));
        }
        if let Some(until) = query.modified_until {
            conditions.push("f.modified_ns < ?".into());
            values.push(SqlValue::Integer(until.unix_ns));
        }
        let sql = format!(
            "SELECT f.object_id, f.fs_id, f.path, f.kind, f.size, f.deleted,
                    f.modified_ns, f.accessed_ns, f.changed_ns, f.created_ns, f.md5,
                    (SELECT max(set_kind) FROM hash_matches m WHERE m.object_id = f.object_id),
                    EXISTS (SELECT 1 FROM tags t WHERE t.object_id = f.object_id)
             FROM files f WHERE {}
             ORDER BY f.fs_id, f.path, f.walk_index",
            conditions.join(" AND ")
        );
        let mut statement = self.conn.prepare(&sql).map_err(Error::sqlite(&self.path))?;
        let mut rows = statement
            .query(params_from_iter(values))
            .map_err(Error::sqlite(&self.path))?;
        let mut visited = 0u64;
        while let Some(row) = rows.next().map_err(Error::sqlite(&self.path))? {
            let file = list_row(row).map_err(Error::sqlite(&self.path))?;
            visit(file);
            visited += 1;
        }
        Ok(visited)
    }

    /// The file with object id `object_id`, with digests, tags and hash
    /// sets; `None` when no file has that id.
    pub fn file_by_id(&self, object_id: i64) -> Result<Option<FileRow>> {
        let path: Option<String> = self
            .conn
            .query_row(
                "SELECT path FROM files WHERE object_id = ?1",
                params![object_id],
                |row| row.get(0),
            )
            .optional()
            .map_err(Error::sqlite(&self.path))?;
        let Some(path) = path else {
            return Ok(None);
        };
        let query = FileQuery {
            path_glob: Some(glob_literal(&path)),
            ..FileQuery::default()
        };
        Ok(self
            .files(&query)?
            .into_iter()
            .find(|row| row.object_id == object_id))
    }

    /// Where the content of file `object_id` lies: its evidence, volume,
    /// entry id and byte runs (media offsets).
    pub fn file_location(&self, object_id: i64) -> Result<FileLocation> {
        let found = self
            .conn
            .query_row(
                "SELECT e.path, v.partition_index, f.entry_id, f.size
                 FROM files f JOIN file_systems s ON s.object_id = f.fs_id
                 JOIN volumes v ON v.object_id = s.volume_id
                 JOIN evidence e ON e.object_id = v.evidence_id
                 WHERE f.object_id = ?1",
                params![object_id],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<u32>>(1)?,
                        row.get::<_, String>(2)?,
                        opt_u64(row, 3)?.unwrap_or(0),
                    ))
                },
            )
            .optional()
            .map_err(Error::sqlite(&self.path))?;
        let (evidence_path, partition_index, entry_id, size) =
            found.ok_or_else(|| Error::NotFound(format!("file object {object_id}")))?;
        let mut statement = self
            .conn
            .prepare(
                "SELECT file_offset, image_offset, len_bytes FROM byte_runs
                 WHERE file_id = ?1 ORDER BY seq",
            )
            .map_err(Error::sqlite(&self.path))?;
        let runs = statement
            .query_map(params![object_id], |row| {
                Ok(ContentRun {
                    file_offset: opt_u64(row, 0)?.unwrap_or(0),
                    image_offset: opt_u64(row, 1)?,
                    len_bytes: opt_u64(row, 2)?.unwrap_or(0),
                })
            })
            .map_err(Error::sqlite(&self.path))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))?;
        Ok(FileLocation {
            evidence_path,
            partition_index,
            entry_id,
            size,
            runs,
        })
    }
}

fn list_row(row: &Row<'_>) -> rusqlite::Result<FileListRow> {
    Ok(FileListRow {
        object_id: row.get(0)?,
        fs_id: row.get(1)?,
        path: row.get(2)?,
        kind: row.get(3)?,
        size: opt_u64(row, 4)?.unwrap_or(0),
        deleted: row.get(5)?,
        modified: opt_time(row, 6)?,
        accessed: opt_time(row, 7)?,
        changed: opt_time(row, 8)?,
        created: opt_time(row, 9)?,
        md5: row.get(10)?,
        hash_set_kind: row.get(11)?,
        tagged: row.get(12)?,
    })
}

#[cfg(test)]
#[path = "gui_query_tests.rs"]
mod tests;
