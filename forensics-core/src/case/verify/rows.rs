//! Stored rows against their custody entries: every ingest batch's file
//! rows, and every carve and scan stage's rows, by count and BLAKE3.

use serde_json::Value;

use super::{Failure, Subject};
use crate::case::Result;
use crate::case::backend::StoreTx;
use crate::case::custody::CustodyEntry;
use crate::case::ingest::{file_rows_digest, stage_rows_digest};

/// `SELECT count(*)` of `table`.
fn count_rows(tx: &mut dyn StoreTx, table: &str) -> Result<u64> {
    let rows = tx.query(&format!("SELECT count(*) FROM {table}"), &[])?;
    let count = rows.first().and_then(|row| row.first());
    Ok(count
        .map_or(Ok(0), |value| value.as_i64("row count"))?
        .max(0) as u64)
}

/// Each `ingest_batch` entry's file rows must still digest to what it
/// recorded, and no file row may lie outside every batch.
pub(super) fn check_rows(
    tx: &mut dyn StoreTx,
    entries: &[CustodyEntry],
    failures: &mut Vec<Failure>,
) -> Result<()> {
    let mut covered = 0u64;
    for (seq, details) in recorded_rows(entries, "ingest_batch", "file_batches") {
        let number = |name: &str| details.get(name).and_then(Value::as_u64).unwrap_or(0);
        let fs_id = details
            .get("file_system_id")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let recorded = details
            .get("rows_blake3")
            .and_then(Value::as_str)
            .unwrap_or("");
        let (count, digest) = file_rows_digest(
            tx,
            fs_id,
            number("first_walk_index"),
            number("last_walk_index"),
        )?;
        covered += number("files");
        if count != number("files") || digest != recorded {
            failures.push(Failure {
                subject: Subject::Rows { seq },
                message: format!(
                    "file rows {}..={} of file system {fs_id} were changed, deleted or added \
                     after the batch was recorded",
                    number("first_walk_index"),
                    number("last_walk_index")
                ),
            });
            return Ok(());
        }
    }
    let total = count_rows(tx, "files")?;
    if total != covered {
        failures.push(Failure {
            subject: Subject::Rows { seq: 0 },
            message: format!(
                "the case holds {total} file rows but the custody log records {covered}"
            ),
        });
    }
    Ok(())
}

/// The rows each `carve` and `scan` entry recorded (count and BLAKE3) must
/// be the rows in the case; rows no entry records are reported too.
pub(super) fn check_stage_rows(
    tx: &mut dyn StoreTx,
    entries: &[CustodyEntry],
    failures: &mut Vec<Failure>,
) -> Result<()> {
    for (action, table, count_field) in [
        ("carve", "carved_files", "carved_files"),
        ("scan", "features", "features"),
    ] {
        let mut covered = 0u64;
        for (seq, details) in recorded_rows(entries, action, "stage_rows") {
            if details.get("table").is_some_and(|t| t != table) {
                continue;
            }
            let evidence_id = details.get("evidence").and_then(Value::as_i64).unwrap_or(0);
            let recorded_count = details
                .get(count_field)
                .or_else(|| details.get("rows"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let index = |name: &str, default: i64| {
                details.get(name).and_then(Value::as_i64).unwrap_or(default)
            };
            let indexes = index("first_index", 0)..=index("last_index", i64::MAX);
            let recorded = details
                .get("rows_blake3")
                .and_then(Value::as_str)
                .unwrap_or("");
            let (count, digest) = stage_rows_digest(tx, table, evidence_id, indexes)?;
            covered += recorded_count;
            if count != recorded_count || digest != recorded {
                failures.push(Failure {
                    subject: Subject::Rows { seq },
                    message: format!(
                        "{table} rows of evidence {evidence_id} were changed, deleted or added \
                         after the {action} was recorded"
                    ),
                });
            }
        }
        let total = count_rows(tx, table)?;
        if total != covered {
            failures.push(Failure {
                subject: Subject::Rows { seq: 0 },
                message: format!(
                    "the case holds {total} {table} rows but the custody log records {covered}"
                ),
            });
        }
    }
    Ok(())
}

/// The row records of the custody log: the details of every `action`
/// entry, and each record listed under `list` in a `merge_unit` entry
/// (with the evidence id of that entry), with the entry's seq.
fn recorded_rows(entries: &[CustodyEntry], action: &str, list: &str) -> Vec<(u64, Value)> {
    let mut out = Vec::new();
    for entry in entries {
        let details: Value = serde_json::from_str(&entry.details_json).unwrap_or(Value::Null);
        if entry.action == action {
            out.push((entry.seq, details));
        } else if entry.action == "merge_unit" {
            let evidence = details.get("evidence").cloned().unwrap_or(Value::Null);
            let records = details.get(list).and_then(Value::as_array).cloned();
            for mut record in records.unwrap_or_default() {
                if let Some(map) = record.as_object_mut() {
                    map.entry("evidence").or_insert(evidence.clone());
                }
                out.push((entry.seq, record));
            }
        }
    }
    out
}
