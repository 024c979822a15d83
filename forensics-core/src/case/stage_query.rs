//! Read-only queries over what the carve and scan stages stored: carved
//! files (with their hash-set matches) and feature histograms. Sorted, so
//! reports made from them are byte-identical for the same case.

use rusqlite::params;
use serde::Serialize;

use super::{Case, Error, Result};

/// One carved file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CarvedRow {
    /// Its object id.
    pub object_id: i64,
    /// The evidence it was carved from.
    pub evidence_id: i64,
    /// Content type (`jpg`, `pdf`, …).
    pub file_type: String,
    /// Where its first byte is on the media.
    pub image_offset: u64,
    /// Its length in bytes (all fragments).
    pub len_bytes: u64,
    /// `complete`, `truncated` or `fragmented`.
    pub status: String,
    /// Where it was found, e.g. `unalloc+0x1000/zip+0x23/jpg`.
    pub forensic_path: String,
    /// The carved file that contains it, if nested.
    pub nested_in: Option<i64>,
    /// SHA-256 of its bytes (lowercase hex).
    pub sha256: String,
    /// The hash sets it is listed in (`name (kind)`), comma-separated.
    pub hash_sets: String,
}

/// How often one feature value occurs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureCount {
    /// Feature kind (`email`, `url`, …).
    pub kind: String,
    /// The value.
    pub value: String,
    /// Occurrences across the case.
    pub count: u64,
}

fn u64_of(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl Case {
    /// Every carved file, by evidence and media offset.
    pub fn carved_files(&self) -> Result<Vec<CarvedRow>> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT c.object_id, c.evidence_id, c.type, c.image_offset, c.len_bytes, c.status,
                        c.forensic_path, c.nested_in, c.sha256,
                        coalesce((SELECT group_concat(m.set_name || ' (' || m.set_kind || ')', ', ')
                                  FROM (SELECT * FROM hash_matches WHERE object_id = c.object_id
                                        ORDER BY set_name) m), '')
                 FROM carved_files c ORDER BY c.evidence_id, c.image_offset, c.carve_index",
            )
            .map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map([], |row| {
                Ok(CarvedRow {
                    object_id: row.get(0)?,
                    evidence_id: row.get(1)?,
                    file_type: row.get(2)?,
                    image_offset: u64_of(row.get(3)?),
                    len_bytes: u64_of(row.get(4)?),
                    status: row.get(5)?,
                    forensic_path: row.get(6)?,
                    nested_in: row.get(7)?,
                    sha256: row.get(8)?,
                    hash_sets: row.get(9)?,
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }

    /// The `max_per_kind` most frequent values of each feature kind, by kind,
    /// then count (descending), then value — bulk_extractor's histograms.
    pub fn feature_histogram(&self, max_per_kind: usize) -> Result<Vec<FeatureCount>> {
        let limit = i64::try_from(max_per_kind).unwrap_or(i64::MAX);
        let mut statement = self
            .conn
            .prepare(
                "SELECT kind, value, n FROM (
                     SELECT kind, value, count(*) AS n,
                            row_number() OVER (PARTITION BY kind ORDER BY count(*) DESC, value) AS rank
                     FROM features GROUP BY kind, value)
                 WHERE rank <= ?1 ORDER BY kind, n DESC, value",
            )
            .map_err(Error::sqlite(&self.path))?;
        let rows = statement
            .query_map(params![limit], |row| {
                Ok(FeatureCount {
                    kind: row.get(0)?,
                    value: row.get(1)?,
                    count: u64_of(row.get(2)?),
                })
            })
            .map_err(Error::sqlite(&self.path))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))
    }
}
