//! Merging one batch shard (a case file a worker wrote for one unit) into a
//! case store: the unit's rows copied under new object ids, natural keys
//! found or inserted, one transaction with its custody entry and the
//! `unit_done` row, so merging again is a no-op.

mod copy;

use std::path::PathBuf;

use serde_json::json;

use super::backend::{CaseStore, SqlValue, StoreTx};
use super::{Case, Error, Result};
use copy::Copy;

/// One shard to merge and the facts its custody entry names.
#[derive(Debug, Clone)]
pub struct ShardToMerge {
    /// The unit's id.
    pub unit_id: String,
    /// The unit's scope as the manifest writes it.
    pub scope: String,
    /// The evidence path of the unit.
    pub evidence_path: String,
    /// The evidence's SHA-256 as the plan recorded it.
    pub evidence_sha256: String,
    /// The shard file.
    pub shard: PathBuf,
    /// SHA-256 of the shard file (checked before merging).
    pub shard_sha256: String,
    /// Host, tool version, examiner and times of the worker.
    pub worker: serde_json::Value,
    /// The unit is the evidence's last scan range: mark its scan done.
    pub completes_scan: bool,
}

/// What merging one shard did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct MergedCounts {
    /// Files copied.
    pub files: u64,
    /// Carved files copied.
    pub carved_files: u64,
    /// Features copied.
    pub features: u64,
    /// Problems copied.
    pub problems: u64,
}

/// Whether `unit_id` is merged into `store` already.
pub fn unit_merged(store: &mut dyn CaseStore, unit_id: &str) -> Result<bool> {
    let mut found = false;
    store.read(&mut |tx| {
        let rows = tx.query(
            "SELECT 1 FROM unit_done WHERE unit_id = $1",
            &[unit_id.into()],
        )?;
        found = !rows.is_empty();
        Ok(())
    })?;
    Ok(found)
}

/// Merges `shard` into `store` in one transaction with a `merge_unit`
/// custody entry; `None` when the unit was merged before.
pub fn merge_shard(
    store: &mut dyn CaseStore,
    shard: &ShardToMerge,
) -> Result<Option<MergedCounts>> {
    if unit_merged(store, &shard.unit_id)? {
        return Ok(None);
    }
    let mut source = Case::open(&shard.shard)?;
    let mut evidence = Vec::new();
    source.read(&mut |from| {
        let sql = format!("SELECT object_id, {EVIDENCE_COLUMNS}, carve_done FROM evidence");
        evidence = one_row(from.query(&sql, &[])?)?;
        Ok(())
    })?;
    let evidence_id = register_evidence(store, &evidence[1..evidence.len() - 1], shard)?;
    let mut counts = MergedCounts::default();
    store.write_with_custody("merge_unit", &mut |target| {
        let mut copy = Copy {
            target,
            evidence_id,
            counts: MergedCounts::default(),
            records: serde_json::Map::new(),
        };
        let mut result = Ok(());
        source.read(&mut |from| {
            result = copy.unit(from, shard);
            Ok(())
        })?;
        result?;
        counts = copy.counts;
        let mut details = copy.records;
        details.extend([
            ("unit_id".to_string(), json!(shard.unit_id)),
            ("scope".to_string(), json!(shard.scope)),
            ("evidence".to_string(), json!(evidence_id)),
            ("evidence_path".to_string(), json!(shard.evidence_path)),
            ("evidence_sha256".to_string(), json!(shard.evidence_sha256)),
            ("shard_sha256".to_string(), json!(shard.shard_sha256)),
            ("worker".to_string(), shard.worker.clone()),
            ("counts".to_string(), json!(counts)),
        ]);
        Ok(serde_json::Value::Object(details))
    })?;
    Ok(Some(counts))
}

/// The evidence item of the shard in the target, registered with its own
/// `add_evidence` custody entry (as an ingest registers it) the first
/// time; its digest must be the plan's.
fn register_evidence(
    store: &mut dyn CaseStore,
    columns: &[SqlValue],
    shard: &ShardToMerge,
) -> Result<i64> {
    let mut found = None;
    store.read(&mut |tx| {
        let rows = tx.query(
            "SELECT object_id, sha256 FROM evidence WHERE path = $1",
            &[shard.evidence_path.as_str().into()],
        )?;
        found = rows.into_iter().next();
        Ok(())
    })?;
    if let Some(row) = found {
        if row[1].as_text("evidence sha256")? != shard.evidence_sha256 {
            return Err(Error::Invalid(format!(
                "{} is in the case with another SHA-256 than the plan's",
                shard.evidence_path
            )));
        }
        return row[0].as_i64("evidence id");
    }
    let mut evidence_id = 0;
    store.write_with_custody("add_evidence", &mut |tx| {
        let rows = tx.query(
            "INSERT INTO objects (parent_id, kind) VALUES (NULL, 'evidence') RETURNING id",
            &[],
        )?;
        evidence_id = one_row(rows)?[0].as_i64("new evidence id")?;
        let mut values = vec![SqlValue::Integer(evidence_id)];
        values.extend_from_slice(columns);
        // The path as planned: a worker may see the evidence under another
        // (canonical) name; the case knows it by the plan's.
        values[1] = shard.evidence_path.as_str().into();
        insert(
            tx,
            "evidence",
            &format!("object_id, {EVIDENCE_COLUMNS}"),
            &values,
        )?;
        tx.execute(
            "UPDATE evidence SET layout_done = 1 WHERE object_id = $1",
            &[evidence_id.into()],
        )?;
        let text = |index: usize| match &columns[index] {
            SqlValue::Text(text) => json!(text),
            SqlValue::Integer(n) => json!(n),
            SqlValue::Null => serde_json::Value::Null,
        };
        Ok(json!({
            "evidence_id": evidence_id,
            "path": shard.evidence_path, "format": text(1), "media_size": text(2),
            "md5": text(4), "sha1": text(5), "sha256": text(6), "blake3": text(7),
            "stored_hashes": {"md5": text(8), "sha1": text(9), "sha256": text(10)},
            "metadata": text(11),
            "batch_unit": shard.unit_id,
        }))
    })?;
    Ok(evidence_id)
}

pub(super) const EVIDENCE_COLUMNS: &str = "path, format, media_size, sector_size, md5, sha1, sha256, blake3, \
     stored_md5, stored_sha1, stored_sha256, metadata_json, segments_json, chunk_size, compression";
pub(super) fn insert(
    tx: &mut dyn StoreTx,
    table: &str,
    columns: &str,
    values: &[SqlValue],
) -> Result<()> {
    let placeholders: Vec<String> = (1..=values.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        placeholders.join(", ")
    );
    tx.execute(&sql, values)?;
    Ok(())
}

pub(super) fn one_row(rows: Vec<Vec<SqlValue>>) -> Result<Vec<SqlValue>> {
    let mut rows = rows.into_iter();
    match (rows.next(), rows.next()) {
        (Some(row), None) => Ok(row),
        _ => Err(Error::Invalid("shard: expected exactly one row".into())),
    }
}
