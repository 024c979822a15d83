//! Read-only queries for reports: files with their byte runs, times,
//! digests, tags and hash-set matches, in walk order; written once for
//! every store.

use std::collections::BTreeMap;

use serde::Serialize;

use super::backend::StoreTx;
use super::read_rows::{Row, each_row, map_rows};
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

/// The four times starting at column `first`.
fn times(row: Row<'_>, first: usize) -> Result<ReportTimes> {
    Ok(ReportTimes {
        modified: row.time(first, "modified_ns")?,
        accessed: row.time(first + 1, "accessed_ns")?,
        changed: row.time(first + 2, "changed_ns")?,
        created: row.time(first + 3, "created_ns")?,
    })
}

/// A [`ReportFile`] (without runs, tags and matches) of a row of
/// [`report_files`]' query.
fn report_file(row: Row<'_>) -> Result<ReportFile> {
    let fn_times = times(row, 19)?;
    Ok(ReportFile {
        object_id: row.i64(0, "object_id")?,
        fs_id: row.i64(1, "fs_id")?,
        volume_id: row.i64(2, "volume_id")?,
        evidence_id: row.i64(3, "evidence_id")?,
        walk_index: row.u64(4, "walk_index")?,
        entry_id: row.text(5, "entry_id")?,
        path: row.text(6, "path")?,
        name: row.text(7, "name")?,
        kind: row.text(8, "kind")?,
        size: row.u64(9, "size")?,
        deleted: row.flag(10, "deleted")?,
        mode: row.opt_u32(11, "mode")?,
        uid: row.opt_u32(12, "uid")?,
        gid: row.opt_u32(13, "gid")?,
        link_target: row.opt_text(14, "link_target")?,
        times: times(row, 15)?,
        fn_times: (fn_times != ReportTimes::default()).then_some(fn_times),
        md5: row.opt_text(23, "md5")?,
        sha1: row.opt_text(24, "sha1")?,
        sha256: row.opt_text(25, "sha256")?,
        blake3: row.opt_text(26, "blake3")?,
        byte_runs: Vec::new(),
        tags: Vec::new(),
        hash_matches: Vec::new(),
    })
}

/// Files with byte runs, tags and matches, in walk order per file system
/// (evidence, volume offset, file system, walk index). With `tagged_only`,
/// only files that carry a tag.
pub fn report_files(tx: &mut dyn StoreTx, tagged_only: bool) -> Result<Vec<ReportFile>> {
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
    let mut files = map_rows(tx, &query, &[], report_file)?;
    attach_details(tx, &mut files, filter)?;
    Ok(files)
}

/// Fills byte runs, tags and matches of `files` (read with `filter`), each
/// with one query over all files rather than one per file.
fn attach_details(tx: &mut dyn StoreTx, files: &mut [ReportFile], filter: &str) -> Result<()> {
    let mut runs: BTreeMap<i64, Vec<ReportByteRun>> = BTreeMap::new();
    each_row(
        tx,
        &format!(
            "SELECT b.file_id, b.file_offset, b.image_offset, b.len_bytes
             FROM byte_runs b JOIN files f ON f.object_id = b.file_id {filter}
             ORDER BY b.file_id, b.seq"
        ),
        &[],
        &mut |row| {
            runs.entry(row.i64(0, "file_id")?)
                .or_default()
                .push(ReportByteRun {
                    file_offset: row.u64(1, "file_offset")?,
                    image_offset: row.opt_u64(2, "image_offset")?,
                    len_bytes: row.u64(3, "len_bytes")?,
                });
            Ok(())
        },
    )?;
    let mut tags: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    each_row(
        tx,
        &format!(
            "SELECT f.object_id, t2.tag FROM tags t2 JOIN files f ON f.object_id = t2.object_id {filter}"
        ),
        &[],
        &mut |row| {
            tags.entry(row.i64(0, "object_id")?)
                .or_default()
                .push(row.text(1, "tag")?);
            Ok(())
        },
    )?;
    let mut matches: BTreeMap<i64, Vec<HashMatchRow>> = BTreeMap::new();
    each_row(
        tx,
        &format!(
            "SELECT f.object_id, m.set_name, m.set_kind, m.category, m.algorithm
             FROM hash_matches m JOIN files f ON f.object_id = m.object_id {filter}"
        ),
        &[],
        &mut |row| {
            matches
                .entry(row.i64(0, "object_id")?)
                .or_default()
                .push(HashMatchRow {
                    set_name: row.text(1, "set_name")?,
                    set_kind: row.text(2, "set_kind")?,
                    category: row.opt_text(3, "category")?,
                    algorithm: row.text(4, "algorithm")?,
                });
            Ok(())
        },
    )?;
    for file in files.iter_mut() {
        file.byte_runs = runs.remove(&file.object_id).unwrap_or_default();
        file.tags = tags.remove(&file.object_id).unwrap_or_default();
        file.tags.sort();
        file.hash_matches = matches.remove(&file.object_id).unwrap_or_default();
        file.hash_matches.sort();
    }
    Ok(())
}

impl Case {
    /// Files with byte runs, tags and matches ([`report_files`]).
    pub fn report_files(&self, tagged_only: bool) -> Result<Vec<ReportFile>> {
        report_files(&mut self.reader(), tagged_only)
    }
}
