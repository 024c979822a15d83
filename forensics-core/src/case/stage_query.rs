//! Read-only queries over what the carve and scan stages stored: carved
//! files (with their hash-set matches) and feature histograms, written once
//! for every store. Sorted (text in Rust, by bytes), so reports made from
//! them are byte-identical for the same case whichever store holds it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::backend::StoreTx;
use super::read_rows::{each_row, map_rows};
use super::{Case, Result};

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

/// Every carved file, by evidence and media offset.
pub fn carved_files(tx: &mut dyn StoreTx) -> Result<Vec<CarvedRow>> {
    // (set name, set kind) of every carved file's matches, sorted.
    let mut sets: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
    each_row(
        tx,
        "SELECT m.object_id, m.set_name, m.set_kind
         FROM hash_matches m JOIN carved_files c ON c.object_id = m.object_id",
        &[],
        &mut |row| {
            sets.entry(row.i64(0, "object_id")?)
                .or_default()
                .push((row.text(1, "set_name")?, row.text(2, "set_kind")?));
            Ok(())
        },
    )?;
    let mut carved = map_rows(
        tx,
        "SELECT c.object_id, c.evidence_id, c.type, c.image_offset, c.len_bytes, c.status,
                c.forensic_path, c.nested_in, c.sha256
         FROM carved_files c ORDER BY c.evidence_id, c.image_offset, c.carve_index",
        &[],
        |row| {
            Ok(CarvedRow {
                object_id: row.i64(0, "object_id")?,
                evidence_id: row.i64(1, "evidence_id")?,
                file_type: row.text(2, "type")?,
                image_offset: row.u64(3, "image_offset")?,
                len_bytes: row.u64(4, "len_bytes")?,
                status: row.text(5, "status")?,
                forensic_path: row.text(6, "forensic_path")?,
                nested_in: row.opt_i64(7, "nested_in")?,
                sha256: row.text(8, "sha256")?,
                hash_sets: String::new(),
            })
        },
    )?;
    for row in &mut carved {
        if let Some(mut matched) = sets.remove(&row.object_id) {
            matched.sort();
            row.hash_sets = matched
                .iter()
                .map(|(name, kind)| format!("{name} ({kind})"))
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    Ok(carved)
}

/// The `max_per_kind` most frequent values of each feature kind, by kind,
/// then count (descending), then value (bytes) — bulk_extractor's
/// histograms. Counted by the store, ranked in Rust.
pub fn feature_histogram(tx: &mut dyn StoreTx, max_per_kind: usize) -> Result<Vec<FeatureCount>> {
    let counts = map_rows(
        tx,
        "SELECT kind, value, count(*) FROM features GROUP BY kind, value",
        &[],
        |row| {
            Ok(FeatureCount {
                kind: row.text(0, "kind")?,
                value: row.text(1, "value")?,
                count: row.u64(2, "count")?,
            })
        },
    )?;
    Ok(top_per_kind(counts, max_per_kind))
}

/// The `max_per_kind` most frequent of `counts` per kind: by kind, count
/// (descending), value (bytes).
fn top_per_kind(mut counts: Vec<FeatureCount>, max_per_kind: usize) -> Vec<FeatureCount> {
    counts.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.count.cmp(&a.count))
            .then(a.value.cmp(&b.value))
    });
    let mut histogram = Vec::new();
    let mut listed_of_kind = 0;
    for count in counts {
        if histogram
            .last()
            .is_none_or(|last: &FeatureCount| last.kind != count.kind)
        {
            listed_of_kind = 0;
        }
        if listed_of_kind < max_per_kind {
            listed_of_kind += 1;
            histogram.push(count);
        }
    }
    histogram
}

impl Case {
    /// Every carved file ([`carved_files`]).
    pub fn carved_files(&self) -> Result<Vec<CarvedRow>> {
        carved_files(&mut self.reader())
    }

    /// The feature histogram ([`feature_histogram`]).
    pub fn feature_histogram(&self, max_per_kind: usize) -> Result<Vec<FeatureCount>> {
        feature_histogram(&mut self.reader(), max_per_kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(kind: &str, value: &str, count: u64) -> FeatureCount {
        FeatureCount {
            kind: kind.into(),
            value: value.into(),
            count,
        }
    }

    #[test]
    fn histogram_keeps_the_most_frequent_per_kind_ties_by_bytes() {
        let counts = vec![
            count("url", "b", 2),
            count("email", "z@x", 1),
            count("email", "a@x", 5),
            count("email", "B@x", 1),
            count("url", "A", 2),
            count("url", "c", 9),
            count("email", "\u{e4}@x", 1),
        ];
        let top = top_per_kind(counts, 2);
        let listed: Vec<(&str, &str, u64)> = top
            .iter()
            .map(|c| (c.kind.as_str(), c.value.as_str(), c.count))
            .collect();
        assert_eq!(
            listed,
            [
                ("email", "a@x", 5),
                ("email", "B@x", 1),
                ("url", "c", 9),
                ("url", "A", 2)
            ]
        );
        assert!(top_per_kind(vec![count("url", "a", 1)], 0).is_empty());
    }
}
