//! Read-only queries for reports and exchange formats: evidence items,
//! volumes, file systems, files with their byte runs, tags and hash-set
//! matches, written once for every store. Every result is sorted (text
//! in Rust, by bytes), so documents made from them are byte-identical for
//! the same case whichever store holds it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::backend::StoreTx;
use super::read_rows::map_rows;
use super::{Case, Result};

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

/// Every evidence item, by object id.
pub fn evidence_items(tx: &mut dyn StoreTx) -> Result<Vec<EvidenceRow>> {
    map_rows(
        tx,
        "SELECT object_id, path, format, media_size, sector_size, md5, sha1, sha256,
                blake3, stored_md5, stored_sha1, stored_sha256, metadata_json,
                segments_json, chunk_size, compression, ingest_done
         FROM evidence ORDER BY object_id",
        &[],
        |row| {
            let metadata: BTreeMap<String, serde_json::Value> =
                serde_json::from_str(&row.text(12, "metadata_json")?).unwrap_or_default();
            Ok(EvidenceRow {
                object_id: row.i64(0, "object_id")?,
                path: row.text(1, "path")?,
                format: row.text(2, "format")?,
                media_size: row.u64(3, "media_size")?,
                sector_size: row.u64(4, "sector_size")?,
                md5: row.text(5, "md5")?,
                sha1: row.text(6, "sha1")?,
                sha256: row.text(7, "sha256")?,
                blake3: row.text(8, "blake3")?,
                stored_md5: row.opt_text(9, "stored_md5")?,
                stored_sha1: row.opt_text(10, "stored_sha1")?,
                stored_sha256: row.opt_text(11, "stored_sha256")?,
                metadata: metadata
                    .into_iter()
                    .map(|(k, v)| {
                        let text = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        (k, text)
                    })
                    .collect(),
                segments: serde_json::from_str(&row.text(13, "segments_json")?).unwrap_or_default(),
                chunk_size: row.opt_u64(14, "chunk_size")?,
                compression: row.opt_text(15, "compression")?,
                ingest_done: row.flag(16, "ingest_done")?,
            })
        },
    )
}

/// Every volume, by evidence, offset and object id.
pub fn volumes(tx: &mut dyn StoreTx) -> Result<Vec<VolumeRow>> {
    map_rows(
        tx,
        "SELECT v.object_id, v.evidence_id, v.partition_index, v.image_offset,
                v.len_bytes, coalesce(s.fs_type, v.fs_type), s.object_id
         FROM volumes v LEFT JOIN file_systems s ON s.volume_id = v.object_id
         ORDER BY v.evidence_id, v.image_offset, v.object_id",
        &[],
        |row| {
            Ok(VolumeRow {
                object_id: row.i64(0, "object_id")?,
                evidence_id: row.i64(1, "evidence_id")?,
                partition_index: row.opt_u32(2, "partition_index")?,
                image_offset: row.u64(3, "image_offset")?,
                len_bytes: row.u64(4, "len_bytes")?,
                fs_type: row.opt_text(5, "fs_type")?,
                file_system_id: row.opt_i64(6, "file system id")?,
            })
        },
    )
}

/// Every file system, by volume.
pub fn file_systems(tx: &mut dyn StoreTx) -> Result<Vec<FileSystemRow>> {
    map_rows(
        tx,
        "SELECT s.object_id, s.volume_id, s.fs_type,
                (SELECT count(*) FROM files f WHERE f.fs_id = s.object_id)
         FROM file_systems s JOIN volumes v ON v.object_id = s.volume_id
         ORDER BY v.evidence_id, v.image_offset, s.object_id",
        &[],
        |row| {
            Ok(FileSystemRow {
                object_id: row.i64(0, "object_id")?,
                volume_id: row.i64(1, "volume_id")?,
                fs_type: row.text(2, "fs_type")?,
                entries: row.u64(3, "entries")?,
            })
        },
    )
}

/// Every tag on any object, by object and tag (bytes).
pub fn all_tags(tx: &mut dyn StoreTx) -> Result<Vec<TagRow>> {
    let mut tags = map_rows(
        tx,
        "SELECT t.object_id, o.kind, t.tag, t.examiner, t.at_utc
         FROM tags t JOIN objects o ON o.id = t.object_id",
        &[],
        |row| {
            Ok(TagRow {
                object_id: row.i64(0, "object_id")?,
                object_kind: row.text(1, "object kind")?,
                tag: row.text(2, "tag")?,
                examiner: row.text(3, "examiner")?,
                at_utc: row.text(4, "at_utc")?,
            })
        },
    )?;
    tags.sort_by(|a, b| {
        (a.object_id, &a.tag, &a.at_utc, &a.examiner).cmp(&(
            b.object_id,
            &b.tag,
            &b.at_utc,
            &b.examiner,
        ))
    });
    Ok(tags)
}

/// Registered examiner keys: (name, key id), by name then key id (bytes).
pub fn examiner_keys(tx: &mut dyn StoreTx) -> Result<Vec<(String, String)>> {
    let mut keys = map_rows(tx, "SELECT name, key_id FROM examiners", &[], |row| {
        Ok((row.text(0, "name")?, row.text(1, "key_id")?))
    })?;
    keys.sort();
    Ok(keys)
}

impl Case {
    /// Every evidence item ([`evidence_items`]).
    pub fn evidence_items(&self) -> Result<Vec<EvidenceRow>> {
        evidence_items(&mut self.reader())
    }

    /// Every volume ([`volumes`]).
    pub fn volumes(&self) -> Result<Vec<VolumeRow>> {
        volumes(&mut self.reader())
    }

    /// Every file system ([`file_systems`]).
    pub fn file_systems(&self) -> Result<Vec<FileSystemRow>> {
        file_systems(&mut self.reader())
    }

    /// Every tag on any object ([`all_tags`]).
    pub fn all_tags(&self) -> Result<Vec<TagRow>> {
        all_tags(&mut self.reader())
    }

    /// Registered examiner keys ([`examiner_keys`]).
    pub fn examiner_keys(&self) -> Result<Vec<(String, String)>> {
        examiner_keys(&mut self.reader())
    }
}
