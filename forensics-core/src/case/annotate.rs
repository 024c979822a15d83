//! Examiners' annotations, the same on every store: tags, and notes
//! (bookmarks are notes with the flag), each attributed to the session's
//! examiner and written with its custody entry. The rows are append-only.

use serde_json::json;

use super::backend::{CaseStore, SqlValue, StoreTx};
use super::custody::CustodyEntry;
use super::{Error, Result};

/// The examiner and the time (RFC 3339) of an annotation.
fn author(store: &dyn CaseStore) -> Result<(String, String)> {
    let session = store.session().ok_or(Error::NoSession)?;
    Ok((session.examiner.clone(), session.clock.now().to_rfc3339()))
}

/// Fails unless object `object_id` exists.
fn require_object(tx: &mut dyn StoreTx, object_id: i64) -> Result<()> {
    let rows = tx.query("SELECT 1 FROM objects WHERE id = $1", &[object_id.into()])?;
    if rows.is_empty() {
        Err(Error::NotFound(format!("object {object_id}")))
    } else {
        Ok(())
    }
}

/// Tags object `object_id` with `tag` (a no-op row-wise if it is tagged
/// already: the custody entry still records the request).
pub fn tag(store: &mut dyn CaseStore, object_id: i64, tag: &str) -> Result<CustodyEntry> {
    if tag.trim().is_empty() {
        return Err(Error::Invalid("a tag cannot be empty".into()));
    }
    let (examiner, at_utc) = author(store)?;
    store.write_with_custody("tag", &mut |tx| {
        require_object(tx, object_id)?;
        let inserted = tx.execute(
            "INSERT INTO tags (object_id, tag, examiner, at_utc) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[
                object_id.into(),
                tag.into(),
                examiner.as_str().into(),
                at_utc.as_str().into(),
            ],
        )?;
        Ok(json!({"object_id": object_id, "tag": tag, "new": inserted == 1}))
    })
}

/// Adds a note (a bookmark when `bookmark`), on `object_id` or on the case
/// as a whole; returns the note id and the custody entry, which records the
/// BLAKE3 of the text.
pub fn note(
    store: &mut dyn CaseStore,
    object_id: Option<i64>,
    text: &str,
    bookmark: bool,
) -> Result<(i64, CustodyEntry)> {
    if text.trim().is_empty() {
        return Err(Error::Invalid("a note cannot be empty".into()));
    }
    let (examiner, at_utc) = author(store)?;
    let mut note_id = 0;
    let entry = store.write_with_custody("note", &mut |tx| {
        if let Some(id) = object_id {
            require_object(tx, id)?;
        }
        let rows = tx.query(
            "INSERT INTO notes (object_id, text, bookmark, examiner, at_utc)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                object_id.into(),
                text.into(),
                SqlValue::Integer(i64::from(bookmark)),
                examiner.as_str().into(),
                at_utc.as_str().into(),
            ],
        )?;
        note_id = match rows.first().map(Vec::as_slice) {
            Some([id]) => id.as_i64("note id")?,
            _ => return Err(Error::Invalid("INSERT INTO notes returned no id".into())),
        };
        let text_blake3 = blake3::hash(text.as_bytes()).to_hex().to_string();
        Ok(
            json!({"note_id": note_id, "object_id": object_id, "bookmark": bookmark,
                  "text_blake3": text_blake3}),
        )
    })?;
    Ok((note_id, entry))
}
