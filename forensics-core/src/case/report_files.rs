//! Read-only queries for reports: files with their byte runs, times,
//! digests, tags and hash-set matches, in walk order.

use rusqlite::params;
use serde::Serialize;

use super::report_query::{opt_u64_column, sql, time_column, u64_column};
use super::{Case, Result};
use crate::time::Timestamp;

/// One run of a file's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportByteRun {
    /// Offset in the file.
    pub file_offset: u64,
    /// Offset in the media (`None` for sparse runs).
    pub image_offset: Option<u64>,
    /// Length in bytes.
    pub len_bytes: u64,
}

/// The four times of an entry.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReportTimes {
    /// Modified.
    pub modified: Option<Timestamp>,
    /// Accessed.
    pub accessed: Option<Timestamp>,
    /// Metadata changed.
    pub changed: Option<Timestamp>,
    /// Created (born).
    pub created: Option<Timestamp>,
}

/// One file with everything the exchange formats carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportFile {
    /// Object id.
    pub object_id: i64,
    /// File system object id.
    pub fs_id: i64,
    /// Volume object id.
    pub volume_id: i64,
    /// Evidence object id.
    pub evidence_id: i64,
    /// Position in the file system's walk.
    pub walk_index: u64,
    /// The file system's id of the entry (inode, MFT record, …).
    pub entry_id: String,
    /// Absolute path inside the file system.
    pub path: String,
    /// Name.
    pub name: String,
    /// `file`, `directory`, `symlink`, `stream` or `other`.
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
    /// Whether the entry is deleted.
    pub deleted: bool,
    /// Mode bits, if the file system has them.
    pub mode: Option<u32>,
    /// Owner uid.
    pub uid: Option<u32>,
    /// Owner gid.
    pub gid: Option<u32>,
    /// Target of a symbolic link.
    pub link_target: Option<String>,
    /// Main times.
    pub times: ReportTimes,
    /// NTFS `$FILE_NAME` times, when recorded.
    pub fn_times: Option<ReportTimes>,
    /// MD5 of the content.
    pub md5: Option<String>,
    /// SHA-1 of the content.
    pub sha1: Option<String>,
    /// SHA-256 of the content.
    pub sha256: Option<String>,
    /// BLAKE3 of the content.
    pub blake3: Option<String>,
    /// Content runs, in file order.
    pub byte_runs: Vec<ReportByteRun>,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// Hash-set matches, sorted by set name.
    pub hash_matches: Vec<HashMatchRow>,
}

/// One hash-set match.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HashMatchRow {
    /// The set's name.
    pub set_name: String,
    /// `known` or `notable`.
    pub set_kind: String,
    /// Category in the set, if any.
    pub category: Option<String>,
    /// Digest algorithm that matched.
    pub algorithm: String,
}

impl Case {
    /// Files with byte runs, tags and matches, in walk order per file
    /// system (evidence, volume offset, walk index). With `tagged_only`,
    /// only files that carry a tag.
    pub fn report_files(&self, tagged_only: bool) -> Result<Vec<ReportFile>> {
        let filter = if tagged_only {
            "WHERE EXISTS (SELECT 1 FROM tags t WHERE t.object_id = f.object_id)"
        } else {
            ""
        };
        let query = format!(
            "SELECT f.object_id, f.fs_id, s.volume_id, v.evidence_id, f.walk_index, f.entry_id,
                    f.path, f.name, f.kind, f.size, f.deleted, f.mode, f.uid, f.gid,
                    f.link_target, f.modified_ns, f.accessed_ns, f.changed_ns, f.created_ns,
                    f.fn_modified_ns, f.fn_accessed_ns, f.fn_changed_ns, f.fn_created_ns,
                    f.md5, f.sha1, f.sha256, f.blake3
             FROM files f JOIN file_systems s ON s.object_id = f.fs_id
             JOIN volumes v ON v.object_id = s.volume_id
             {filter}
             ORDER BY v.evidence_id, v.image_offset, f.fs_id, f.walk_index"
        );
        let mut statement = self.conn.prepare(&query).map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| {
                let times = |first: usize| -> rusqlite::Result<ReportTimes> {
                    Ok(ReportTimes {
                        modified: time_column(row, first)?,
                        accessed: time_column(row, first + 1)?,
                        changed: time_column(row, first + 2)?,
                        created: time_column(row, first + 3)?,
                    })
                };
                let fn_times = times(19)?;
                Ok(ReportFile {
                    object_id: row.get(0)?,
                    fs_id: row.get(1)?,
                    volume_id: row.get(2)?,
                    evidence_id: row.get(3)?,
                    walk_index: u64_column(row, 4)?,
                    entry_id: row.get(5)?,
                    path: row.get(6)?,
                    name: row.get(7)?,
                    kind: row.get(8)?,
                    size: u64_column(row, 9)?,
                    deleted: row.get(10)?,
                    mode: row.get(11)?,
                    uid: row.get(12)?,
                    gid: row.get(13)?,
                    link_target: row.get(14)?,
                    times: times(15)?,
                    fn_times: (fn_times != ReportTimes::default()).then_some(fn_times),
                    md5: row.get(23)?,
                    sha1: row.get(24)?,
                    sha256: row.get(25)?,
                    blake3: row.get(26)?,
                    byte_runs: Vec::new(),
                    tags: Vec::new(),
                    hash_matches: Vec::new(),
                })
            })
            .map_err(sql(self))?;
        let mut files = rows
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))?;
        self.attach_details(&mut files)?;
        Ok(files)
    }

    /// Fills byte runs, tags and matches of `files`.
    fn attach_details(&self, files: &mut [ReportFile]) -> Result<()> {
        let mut runs = self
            .conn
            .prepare_cached(
                "SELECT file_offset, image_offset, len_bytes FROM byte_runs
                 WHERE file_id = ?1 ORDER BY seq",
            )
            .map_err(sql(self))?;
        let mut tags = self
            .conn
            .prepare_cached("SELECT tag FROM tags WHERE object_id = ?1 ORDER BY tag")
            .map_err(sql(self))?;
        let mut matches = self
            .conn
            .prepare_cached(
                "SELECT set_name, set_kind, category, algorithm FROM hash_matches
                 WHERE object_id = ?1 ORDER BY set_name",
            )
            .map_err(sql(self))?;
        for file in files.iter_mut() {
            file.byte_runs = runs
                .query_map(params![file.object_id], |row| {
                    Ok(ReportByteRun {
                        file_offset: u64_column(row, 0)?,
                        image_offset: opt_u64_column(row, 1)?,
                        len_bytes: u64_column(row, 2)?,
                    })
                })
                .and_then(Iterator::collect)
                .map_err(sql(self))?;
            file.tags = tags
                .query_map(params![file.object_id], |row| row.get(0))
                .and_then(Iterator::collect)
                .map_err(sql(self))?;
            file.hash_matches = matches
                .query_map(params![file.object_id], |row| {
                    Ok(HashMatchRow {
                        set_name: row.get(0)?,
                        set_kind: row.get(1)?,
                        category: row.get(2)?,
                        algorithm: row.get(3)?,
                    })
                })
                .and_then(Iterator::collect)
                .map_err(sql(self))?;
        }
        Ok(())
    }
}
