//! The chain part of [`super::verify_case`] for any [`CaseStore`] (SQLite or
//! PostgreSQL): the custody log and the examiners table are read through
//! portable SQL in one snapshot and walked with the same checks. File rows
//! and evidence are not looked at here.

use std::collections::BTreeMap;

use super::chain::ChainState;
use super::{Failure, VerifyReport, check_chain, examiners_failure};
use crate::case::backend::{CaseStore, SqlValue, StoreTx};
use crate::case::custody::CustodyEntry;
use crate::case::{Error, Result};

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

/// Verifies the custody chain of `store` (sequence, links, entry hashes,
/// key registrations, signatures, the examiners table); with `expect_head`,
/// also that the chain ends in that hash. `evidence_checked` is 0: evidence
/// is not re-hashed and file rows are not checked.
pub fn verify_store_chain(
    store: &mut dyn CaseStore,
    expect_head: Option<&str>,
) -> Result<VerifyReport> {
    let mut entries = Vec::new();
    let mut examiners = BTreeMap::new();
    store.read(&mut |tx| {
        entries = read_custody_log(tx)?;
        examiners.clear();
        for row in tx.query(
            "SELECT key_id, public_key FROM examiners ORDER BY key_id",
            &[],
        )? {
            if let [key_id, public_key] = row.as_slice() {
                examiners.insert(
                    key_id.as_text("key_id")?.to_string(),
                    public_key.as_text("public_key")?.to_string(),
                );
            }
        }
        Ok(())
    })?;
    let mut failures: Vec<Failure> = Vec::new();
    let mut chain = ChainState::default();
    let head = check_chain(&entries, expect_head, &mut chain, &mut failures);
    failures.extend(examiners_failure(&examiners, &chain));
    Ok(VerifyReport {
        entries: entries.len() as u64,
        signed_entries: chain.signed,
        head,
        evidence_checked: 0,
        failures,
    })
}
