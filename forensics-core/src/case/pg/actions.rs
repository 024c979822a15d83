//! Examiner actions on a PostgreSQL case that are not the batch merge:
//! key registration, tags and notes (each with its custody entry, attributed
//! to the session's examiner, with the same details as on a SQLite case),
//! and what the CLI prints about a case.

use serde_json::{Value, json};

use super::PgCase;
use crate::case::backend::{CaseStore, SqlValue, StoreTx};
use crate::case::custody::{self, CustodyEntry};
use crate::case::{CaseInfo, Error, Result, Session};

/// Records the session key's public half in `examiners` and appends the
/// `register_key` entry, inside a transaction that holds the custody lock.
pub(super) fn register_key(tx: &mut dyn StoreTx, session: &Session) -> Result<CustodyEntry> {
    let Some(key) = &session.signing_key else {
        return Err(Error::Invalid("the session has no key to register".into()));
    };
    let details = register_key_rows(tx, &key.key_id(), &key.public_key_hex(), &session.examiner)?;
    custody::append_to(tx, session, "register_key", details)
}

/// The `examiners` row of a key registered by the next custody entry; its
/// details.
fn register_key_rows(
    tx: &mut dyn StoreTx,
    key_id: &str,
    public_key: &str,
    examiner: &str,
) -> Result<Value> {
    let next_seq = single_integer(tx, "SELECT coalesce(max(seq), 0) + 1 FROM custody_log", &[])?;
    tx.execute(
        "INSERT INTO examiners (key_id, name, public_key, registered_seq) VALUES ($1, $2, $3, $4)",
        &[
            key_id.into(),
            examiner.into(),
            public_key.into(),
            next_seq.into(),
        ],
    )?;
    Ok(json!({"key_id": key_id, "public_key": public_key, "examiner": examiner}))
}

/// The one integer a query returns.
fn single_integer(tx: &mut dyn StoreTx, sql: &str, params: &[SqlValue]) -> Result<i64> {
    let rows = tx.query(sql, params)?;
    match rows.first().map(Vec::as_slice) {
        Some([value]) => value.as_i64(sql),
        _ => Err(Error::Invalid(format!("{sql}: expected one value"))),
    }
}

impl PgCase {
    /// Registers the session's key (the session must have one).
    pub(super) fn register_session_key(&mut self) -> Result<CustodyEntry> {
        let session = self.session.as_ref().ok_or(Error::NoSession)?;
        let key = session
            .signing_key
            .as_ref()
            .ok_or_else(|| Error::Invalid("the session has no key to register".into()))?;
        let (key_id, public_key) = (key.key_id(), key.public_key_hex());
        let examiner = session.examiner.clone();
        self.write_with_custody("register_key", &mut |tx| {
            register_key_rows(tx, &key_id, &public_key, &examiner)
        })
    }

    /// Tags object `object_id` with `tag` ([`crate::case::annotate::tag`]).
    pub fn tag(&mut self, object_id: i64, tag: &str) -> Result<CustodyEntry> {
        crate::case::annotate::tag(self, object_id, tag)
    }

    /// Adds a note ([`crate::case::annotate::note`]).
    pub fn note(
        &mut self,
        object_id: Option<i64>,
        text: &str,
        bookmark: bool,
    ) -> Result<(i64, CustodyEntry)> {
        crate::case::annotate::note(self, object_id, text, bookmark)
    }

    /// The case number, title and creator, and the creation time.
    pub fn info(&mut self) -> Result<(CaseInfo, String)> {
        crate::case::query::read_with(self, crate::case::query::info)
    }

    /// The hash of the last custody entry (the chain head).
    pub fn chain_head(&mut self) -> Result<Option<String>> {
        let mut head = None;
        self.read(&mut |tx| {
            let rows = tx.query(
                "SELECT entry_hash FROM custody_log ORDER BY seq DESC LIMIT 1",
                &[],
            )?;
            head = match rows.first().and_then(|row| row.first()) {
                Some(value) => Some(value.as_text("entry hash")?.to_string()),
                None => None,
            };
            Ok(())
        })?;
        Ok(head)
    }

    /// Verifies the case as [`crate::case::verify::verify_case`] verifies a
    /// case file: the custody chain (sequence, links, hashes, key
    /// registrations, signatures), the examiners table, the stored rows
    /// against their custody records, and the evidence re-hashed.
    pub fn verify_chain(
        &mut self,
        expect_head: Option<&str>,
    ) -> Result<crate::case::verify::VerifyReport> {
        crate::case::verify::verify_store_chain(self, expect_head)
    }
}
