//! [`super::verify_case`] for any [`CaseStore`] (SQLite or PostgreSQL): the
//! custody log, the examiners, the row records and the evidence rows are
//! read through portable SQL in one snapshot and checked the same way.

use std::sync::atomic::AtomicBool;

use super::{VerifyOptions, VerifyReport, check_snapshot, read_snapshot};
use crate::case::backend::{CaseStore, SqlValue, StoreTx};
use crate::case::custody::CustodyEntry;
use crate::case::{Error, Result};
use crate::hash::{HashSink, NoSink};

/// Every custody entry of the store `tx` reads, in `seq` order.
pub fn read_custody_log(tx: &mut dyn StoreTx) -> Result<Vec<CustodyEntry>> {
    let rows = tx.query(
        "SELECT seq, at_utc, examiner, action, details_json, prev_hash, entry_hash,
                signature, key_id
         FROM custody_log ORDER BY seq",
        &[],
    )?;
    rows.iter()
        .map(|row| match row.as_slice() {
            [
                seq,
                at,
                examiner,
                action,
                details,
                prev,
                hash,
                signature,
                key_id,
            ] => {
                let seq = seq.as_i64("custody seq")?;
                Ok(CustodyEntry {
                    seq: u64::try_from(seq)
                        .map_err(|_| Error::Invalid(format!("custody seq {seq} is negative")))?,
                    at_utc: at.as_text("at_utc")?.to_string(),
                    examiner: examiner.as_text("examiner")?.to_string(),
                    action: action.as_text("action")?.to_string(),
                    details_json: details.as_text("details_json")?.to_string(),
                    prev_hash: prev.as_text("prev_hash")?.to_string(),
                    entry_hash: hash.as_text("entry_hash")?.to_string(),
                    signature: opt_text(signature, "signature")?,
                    key_id: opt_text(key_id, "key_id")?,
                })
            }
            _ => Err(Error::Invalid("custody_log row of the wrong width".into())),
        })
        .collect()
}

/// The text, or `None` for `NULL`.
fn opt_text(value: &SqlValue, what: &str) -> Result<Option<String>> {
    match value {
        SqlValue::Null => Ok(None),
        other => Ok(Some(other.as_text(what)?.to_string())),
    }
}

/// Verifies `store` as [`super::verify_case_opts`] verifies a case file:
/// the custody chain (and head), the examiners, the stored rows against
/// their custody records, and each evidence item re-hashed. The reads are
/// one snapshot; hashing happens after it.
pub fn verify_store(
    store: &mut dyn CaseStore,
    options: &VerifyOptions<'_>,
    sink: &mut dyn HashSink,
    cancel: &AtomicBool,
) -> Result<VerifyReport> {
    let mut snapshot = None;
    store.read(&mut |tx| {
        snapshot = Some(read_snapshot(tx)?);
        Ok(())
    })?;
    let snapshot = snapshot.ok_or_else(|| Error::Invalid("no snapshot read".into()))?;
    Ok(check_snapshot(
        snapshot,
        options.expect_head,
        options.threads,
        sink,
        cancel,
    ))
}

/// [`verify_store`] with `expect_head` only, no progress and no cancel.
pub fn verify_store_chain(
    store: &mut dyn CaseStore,
    expect_head: Option<&str>,
) -> Result<VerifyReport> {
    let options = VerifyOptions {
        expect_head,
        ..VerifyOptions::default()
    };
    verify_store(store, &options, &mut NoSink, &AtomicBool::new(false))
}
