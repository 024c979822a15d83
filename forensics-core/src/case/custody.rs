//! The custody log: one hash-chained, optionally signed entry per examiner
//! action, appended in the same transaction as the change it records.
//!
//! `entry_hash` = BLAKE3 over the canonical encoding of
//! (seq, at_utc, examiner, action, details_json, prev_hash):
//! the domain tag `forensics-custody-v1`, then `seq` as 8 bytes
//! little-endian, then each text field as its length in bytes (8 bytes
//! little-endian) followed by its UTF-8 bytes. The first entry's
//! `prev_hash` is [`GENESIS_HASH`]. A signature, when present, is the
//! Ed25519 signature of the 32 raw bytes of `entry_hash`.

use rusqlite::{OptionalExtension, Transaction, params_from_iter};
use serde::Serialize;
use serde_json::{Value, json};

use super::backend::{SqlValue, StoreTx, sqlite_parameters};
use super::{Session, canonical_json};
use crate::hash::to_hex;

/// `prev_hash` of the first entry: 64 zeros.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Domain tag hashed before every entry.
const DOMAIN_TAG: &[u8] = b"forensics-custody-v1";

/// One row of the custody log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustodyEntry {
    /// Sequence number, from 1, without gaps.
    pub seq: u64,
    /// When the action happened, RFC 3339 UTC.
    pub at_utc: String,
    /// Who did it.
    pub examiner: String,
    /// What was done (`create_case`, `add_evidence`, `tag`, …).
    pub action: String,
    /// Canonical JSON details.
    pub details_json: String,
    /// `entry_hash` of the previous entry, or [`GENESIS_HASH`].
    pub prev_hash: String,
    /// BLAKE3 of this entry (lowercase hex).
    pub entry_hash: String,
    /// Ed25519 signature of the entry hash (hex), when signed.
    pub signature: Option<String>,
    /// Id of the signing key, when signed.
    pub key_id: Option<String>,
}

/// The BLAKE3 hash (hex) of an entry's fields.
pub fn entry_hash(
    seq: u64,
    at_utc: &str,
    examiner: &str,
    action: &str,
    details_json: &str,
    prev_hash: &str,
) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(DOMAIN_TAG);
    hasher.update(&seq.to_le_bytes());
    for field in [at_utc, examiner, action, details_json, prev_hash] {
        hasher.update(&(field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    to_hex(hasher.finalize().as_bytes())
}

/// Appends an entry for `action` inside `tx` and returns it. `details` gets
/// the tool version, command line and host added.
pub(crate) fn append(
    tx: &Transaction<'_>,
    session: &Session,
    action: &str,
    details: Value,
) -> rusqlite::Result<CustodyEntry> {
    let last: Option<(i64, String)> = tx
        .query_row(
            "SELECT seq, entry_hash FROM custody_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let entry = next_entry(session, action, details, last);
    tx.execute(
        &sqlite_parameters(INSERT_ENTRY),
        params_from_iter(row_values(&entry)),
    )?;
    Ok(entry)
}

/// [`append`] through any [`StoreTx`]: the store has already serialised
/// writers (see [`super::backend::CaseStore::write_with_custody`]).
pub(crate) fn append_to(
    tx: &mut dyn StoreTx,
    session: &Session,
    action: &str,
    details: Value,
) -> super::Result<CustodyEntry> {
    let rows = tx.query(
        "SELECT seq, entry_hash FROM custody_log ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    let last = match rows.first().map(Vec::as_slice) {
        Some([seq, hash]) => Some((
            seq.as_i64("custody seq")?,
            hash.as_text("entry hash")?.to_string(),
        )),
        _ => None,
    };
    let entry = next_entry(session, action, details, last);
    tx.execute(INSERT_ENTRY, &row_values(&entry))?;
    Ok(entry)
}

const INSERT_ENTRY: &str = "INSERT INTO custody_log (seq, at_utc, examiner, action, details_json,
                                  prev_hash, entry_hash, signature, key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// The entry that follows `last` (its seq and hash; `None` for the first):
/// details completed with tool version, command line and host, stamped,
/// hashed and signed when the session has a key.
fn next_entry(
    session: &Session,
    action: &str,
    details: Value,
    last: Option<(i64, String)>,
) -> CustodyEntry {
    let mut details = match details {
        Value::Object(map) => map,
        other => {
            let mut map = serde_json::Map::new();
            map.insert("value".into(), other);
            map
        }
    };
    details.insert("tool".into(), json!(crate::TOOL_VERSION));
    details.insert("command_line".into(), json!(session.command_line));
    details.insert("host".into(), json!(session.host));
    let details_json = canonical_json(&Value::Object(details));
    let (seq, prev_hash) = match last {
        Some((seq, hash)) => (seq as u64 + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let at_utc = session.clock.now().to_rfc3339();
    let hash = entry_hash(
        seq,
        &at_utc,
        &session.examiner,
        action,
        &details_json,
        &prev_hash,
    );
    let (signature, key_id) = match &session.signing_key {
        Some(key) => {
            let raw = crate::hash::from_hex(&hash).unwrap_or_default();
            (Some(key.sign_hex(&raw)), Some(key.key_id()))
        }
        None => (None, None),
    };
    CustodyEntry {
        seq,
        at_utc,
        examiner: session.examiner.clone(),
        action: action.to_string(),
        details_json,
        prev_hash,
        entry_hash: hash,
        signature,
        key_id,
    }
}

/// The values of an entry's row, in [`INSERT_ENTRY`]'s parameter order.
fn row_values(entry: &CustodyEntry) -> [SqlValue; 9] {
    [
        SqlValue::Integer(entry.seq as i64),
        entry.at_utc.as_str().into(),
        entry.examiner.as_str().into(),
        entry.action.as_str().into(),
        entry.details_json.as_str().into(),
        entry.prev_hash.as_str().into(),
        entry.entry_hash.as_str().into(),
        entry.signature.clone().into(),
        entry.key_id.clone().into(),
    ]
}

/// Every entry in `seq` order.
pub(crate) fn read_all(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<CustodyEntry>> {
    let mut statement = conn.prepare(
        "SELECT seq, at_utc, examiner, action, details_json, prev_hash, entry_hash,
                signature, key_id
         FROM custody_log ORDER BY seq",
    )?;
    let rows = statement.query_map([], |row| {
        Ok(CustodyEntry {
            seq: row.get::<_, i64>(0)? as u64,
            at_utc: row.get(1)?,
            examiner: row.get(2)?,
            action: row.get(3)?,
            details_json: row.get(4)?,
            prev_hash: row.get(5)?,
            entry_hash: row.get(6)?,
            signature: row.get(7)?,
            key_id: row.get(8)?,
        })
    })?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_changes_the_hash() {
        let base = entry_hash(1, "t", "e", "a", "{}", GENESIS_HASH);
        assert_ne!(base, entry_hash(2, "t", "e", "a", "{}", GENESIS_HASH));
        assert_ne!(base, entry_hash(1, "u", "e", "a", "{}", GENESIS_HASH));
        assert_ne!(base, entry_hash(1, "t", "f", "a", "{}", GENESIS_HASH));
        assert_ne!(base, entry_hash(1, "t", "e", "b", "{}", GENESIS_HASH));
        assert_ne!(base, entry_hash(1, "t", "e", "a", "[]", GENESIS_HASH));
        assert_ne!(base, entry_hash(1, "t", "e", "a", "{}", "1"));
        // Length prefixes keep field boundaries: moving a byte between fields changes the hash.
        assert_ne!(
            entry_hash(1, "ab", "c", "a", "{}", ""),
            entry_hash(1, "a", "bc", "a", "{}", "")
        );
    }
}
