//! Read-only queries for reports and exchange formats: evidence items,
//! volumes, file systems, files with their byte runs, tags and hash-set
//! matches. Every result is sorted, so documents made from them are
//! byte-identical for the same case.

use std::collections::BTreeMap;

use rusqlite::Row;
use serde::Serialize;

use super::{Case, Error, Result};
use crate::time::Timestamp;

/// One evidence item with its intake record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRow {
    /// Object id.
    pub object_id: i64,
    /// Absolute path as registered.
    pub path: String,
    /// Container format (`raw`, `e01`, …).
    pub format: String,
    /// Media size in bytes.
    pub media_size: u64,
    /// Sector size in bytes.
    pub sector_size: u64,
    /// Intake digests of the media: md5, sha1, sha256, blake3 (lowercase hex).
    pub md5: String,
    /// SHA-1 of the media.
    pub sha1: String,
    /// SHA-256 of the media.
    pub sha256: String,
    /// BLAKE3 of the media.
    pub blake3: String,
    /// MD5 stored in the container (E01), if any.
    pub stored_md5: Option<String>,
    /// SHA-1 stored in the container, if any.
    pub stored_sha1: Option<String>,
    /// SHA-256 stored in the container, if any.
    pub stored_sha256: Option<String>,
    /// Acquisition metadata from the container, sorted by key.
    pub metadata: Vec<(String, String)>,
    /// Segment files.
    pub segments: Vec<String>,
    /// Chunk size of the container, if any.
    pub chunk_size: Option<u64>,
    /// Compression of the container, if any.
    pub compression: Option<String>,
    /// Whether its ingest completed.
    pub ingest_done: bool,
}

/// One volume (a partition or the whole medium).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeRow {
    /// Object id.
    pub object_id: i64,
    /// The evidence item holding it.
    pub evidence_id: i64,
    /// 1-based partition index, `None` for the whole medium.
    pub partition_index: Option<u32>,
    /// Offset of its first byte in the media.
    pub image_offset: u64,
    /// Its length in bytes.
    pub len_bytes: u64,
    /// File system recognised in the layout, if any.
    pub fs_type: Option<String>,
    /// The object id of its file system, when one was opened.
    pub file_system_id: Option<i64>,
}

/// One file system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSystemRow {
    /// Object id.
    pub object_id: i64,
    /// The volume it is on.
    pub volume_id: i64,
    /// `fat16`, `ntfs`, `ext4`, …
    pub fs_type: String,
    /// Entries stored.
    pub entries: u64,
}

/// One tag on any object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagRow {
    /// The tagged object.
    pub object_id: i64,
    /// Its kind.
    pub object_kind: String,
    /// The tag.
    pub tag: String,
    /// Who tagged it.
    pub examiner: String,
    /// When, RFC 3339 UTC.
    pub at_utc: String,
}

pub(super) fn sql(case: &Case) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |source| Error::Sqlite {
        path: case.path.clone(),
        source,
    }
}

pub(super) fn u64_column(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(u64::try_from(row.get::<_, i64>(index)?).unwrap_or(0))
}

pub(super) fn opt_u64_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<u64>> {
    Ok(row
        .get::<_, Option<i64>>(index)?
        .and_then(|v| u64::try_from(v).ok()))
}

pub(super) fn time_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<Timestamp>> {
    Ok(row
        .get::<_, Option<i64>>(index)?
        .map(|unix_ns| Timestamp { unix_ns }))
}

impl Case {
    /// Every evidence item, by object id.
    pub fn evidence_items(&self) -> Result<Vec<EvidenceRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT object_id, path, format, media_size, sector_size, md5, sha1, sha256,
                        blake3, stored_md5, stored_sha1, stored_sha256, metadata_json,
                        segments_json, chunk_size, compression, ingest_done
                 FROM evidence ORDER BY object_id",
            )
            .map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| {
                let metadata_json: String = row.get(12)?;
                let segments_json: String = row.get(13)?;
                let metadata: BTreeMap<String, serde_json::Value> =
                    serde_json::from_str(&metadata_json).unwrap_or_default();
                Ok(EvidenceRow {
                    object_id: row.get(0)?,
                    path: row.get(1)?,
                    format: row.get(2)?,
                    media_size: u64_column(row, 3)?,
                    sector_size: u64_column(row, 4)?,
                    md5: row.get(5)?,
                    sha1: row.get(6)?,
                    sha256: row.get(7)?,
                    blake3: row.get(8)?,
                    stored_md5: row.get(9)?,
                    stored_sha1: row.get(10)?,
                    stored_sha256: row.get(11)?,
                    metadata: metadata
                        .into_iter()
                        .map(|(k, v)| {
                            let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                            (k, text)
                        })
                        .collect(),
                    segments: serde_json::from_str(&segments_json).unwrap_or_default(),
                    chunk_size: opt_u64_column(row, 14)?,
                    compression: row.get(15)?,
                    ingest_done: row.get(16)?,
                })
            })
            .map_err(sql(self))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))
    }

    /// Every volume, by evidence, offset and object id.
    pub fn volumes(&self) -> Result<Vec<VolumeRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT v.object_id, v.evidence_id, v.partition_index, v.image_offset,
                        v.len_bytes, coalesce(s.fs_type, v.fs_type), s.object_id
                 FROM volumes v LEFT JOIN file_systems s ON s.volume_id = v.object_id
                 ORDER BY v.evidence_id, v.image_offset, v.object_id",
            )
            .map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| {
                Ok(VolumeRow {
                    object_id: row.get(0)?,
                    evidence_id: row.get(1)?,
                    partition_index: row.get(2)?,
                    image_offset: u64_column(row, 3)?,
                    len_bytes: u64_column(row, 4)?,
                    fs_type: row.get(5)?,
                    file_system_id: row.get(6)?,
                })
            })
            .map_err(sql(self))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))
    }

    /// Every file system, by volume.
    pub fn file_systems(&self) -> Result<Vec<FileSystemRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT s.object_id, s.volume_id, s.fs_type,
                        (SELECT count(*) FROM files f WHERE f.fs_id = s.object_id)
                 FROM file_systems s JOIN volumes v ON v.object_id = s.volume_id
                 ORDER BY v.evidence_id, v.image_offset, s.object_id",
            )
            .map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| {
                Ok(FileSystemRow {
                    object_id: row.get(0)?,
                    volume_id: row.get(1)?,
                    fs_type: row.get(2)?,
                    entries: u64_column(row, 3)?,
                })
            })
            .map_err(sql(self))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))
    }

    /// Every tag on any object, by object and tag.
    pub fn all_tags(&self) -> Result<Vec<TagRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT t.object_id, o.kind, t.tag, t.examiner, t.at_utc
                 FROM tags t JOIN objects o ON o.id = t.object_id
                 ORDER BY t.object_id, t.tag",
            )
            .map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| {
                Ok(TagRow {
                    object_id: row.get(0)?,
                    object_kind: row.get(1)?,
                    tag: row.get(2)?,
                    examiner: row.get(3)?,
                    at_utc: row.get(4)?,
                })
            })
            .map_err(sql(self))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))
    }

    /// Registered examiner keys: (name, key id), by name then key id.
    pub fn examiner_keys(&self) -> Result<Vec<(String, String)>> {
        let mut statement = self
            .conn
            .prepare("SELECT name, key_id FROM examiners ORDER BY name, key_id")
            .map_err(sql(self))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(sql(self))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(sql(self))
    }
}
