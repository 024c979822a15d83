//! Searching a case for a piece of text: file names and paths, feature
//! values found by the scan, and the examiners' notes and bookmarks.
//!
//! The text is matched literally as a substring (no character is special,
//! unlike in `LIKE`), ignoring case for every script: both sides are
//! lower-cased by Rust's Unicode rules through a SQL function registered on
//! the connection (`forensics_casefold`), since SQLite's own `LIKE` and
//! `lower` fold only ASCII letters (`Überweisung` would not match
//! `ÜBERWEISUNG`). Each kind of hit is sorted on its own and capped at the
//! caller's limit, saying when it was, so the same case and text always
//! give the same results.

use rusqlite::functions::FunctionFlags;
use rusqlite::{Row, params};
use serde::Serialize;

use super::{Case, Error, Result};

/// Name of the SQL function that lower-cases text by Unicode rules.
const CASEFOLD_SQL_FUNCTION: &str = "forensics_casefold";

/// Longest note text kept in a hit's label, in characters.
pub const MAX_NOTE_LABEL_CHARS: usize = 200;

/// One thing the search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    /// The row that matched: a file's object id, a feature's id or a note's id.
    pub record_id: i64,
    /// The object the hit belongs to: the file itself; the file that holds
    /// a feature (`None` outside any file); the object a note is on (`None`
    /// for a note on the case).
    pub object_id: Option<i64>,
    /// What to show first: a file's path, `kind: value` of a feature, a
    /// note's text (cut to [`MAX_NOTE_LABEL_CHARS`]).
    pub label: String,
    /// Where or what it is, in a few words.
    pub context: String,
}

/// Hits of one kind, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchHits {
    /// The hits, at most the limit asked for.
    pub hits: Vec<SearchHit>,
    /// Whether more rows matched than the limit let through.
    pub capped: bool,
}

/// Everything [`Case::search`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchResults {
    /// Files and directories whose name or path contains the text, by path,
    /// then file system, then object id.
    pub files: SearchHits,
    /// Features whose value contains the text, by kind, value, evidence and
    /// scan order.
    pub features: SearchHits,
    /// Notes and bookmarks whose text contains the text, oldest first.
    pub notes: SearchHits,
}

impl SearchResults {
    /// Hits of all three kinds.
    pub fn len(&self) -> usize {
        self.files.hits.len() + self.features.hits.len() + self.notes.hits.len()
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Case {
    /// Files, features and notes containing `text` (a literal substring,
    /// in any letter case), at most `limit_per_kind` of each kind.
    /// Text that is empty or only white space is refused.
    pub fn search(&self, text: &str, limit_per_kind: usize) -> Result<SearchResults> {
        if text.trim().is_empty() {
            return Err(Error::Invalid("search text is empty".into()));
        }
        self.conn
            .create_scalar_function(
                CASEFOLD_SQL_FUNCTION,
                1,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |context| {
                    let text: Option<String> = context.get(0)?;
                    Ok(text.map(|t| t.to_lowercase()))
                },
            )
            .map_err(Error::sqlite(&self.path))?;
        let pattern = text.to_lowercase();
        Ok(SearchResults {
            files: self.search_rows(FILES_SQL, &pattern, limit_per_kind, file_hit)?,
            features: self.search_rows(FEATURES_SQL, &pattern, limit_per_kind, feature_hit)?,
            notes: self.search_rows(NOTES_SQL, &pattern, limit_per_kind, note_hit)?,
        })
    }

    /// Runs `sql` (parameters: the lower-cased text, then the row limit) and keeps
    /// `limit` hits, fetching one more to tell whether it capped them.
    fn search_rows(
        &self,
        sql: &str,
        pattern: &str,
        limit: usize,
        hit: fn(&Row<'_>) -> rusqlite::Result<SearchHit>,
    ) -> Result<SearchHits> {
        let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
        let mut statement = self.conn.prepare(sql).map_err(Error::sqlite(&self.path))?;
        let mut hits = statement
            .query_map(params![pattern, fetch], hit)
            .map_err(Error::sqlite(&self.path))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::sqlite(&self.path))?;
        let capped = hits.len() > limit;
        hits.truncate(limit);
        Ok(SearchHits { hits, capped })
    }
}

const FILES_SQL: &str = "SELECT f.object_id, f.path, f.kind, f.size, f.deleted, fs.fs_type
     FROM files f JOIN file_systems fs ON fs.object_id = f.fs_id
     WHERE instr(forensics_casefold(f.name), ?1) > 0
        OR instr(forensics_casefold(f.path), ?1) > 0
     ORDER BY f.path, f.fs_id, f.object_id LIMIT ?2";

fn file_hit(row: &Row<'_>) -> rusqlite::Result<SearchHit> {
    let object_id: i64 = row.get(0)?;
    let (kind, size, deleted, fs_type): (String, i64, bool, String) =
        (row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?);
    let mut context = format!("{kind}, {size} bytes on {fs_type}");
    if deleted {
        context.push_str(", deleted");
    }
    Ok(SearchHit {
        record_id: object_id,
        object_id: Some(object_id),
        label: row.get(1)?,
        context,
    })
}

const FEATURES_SQL: &str = "SELECT ft.id, ft.file_id, ft.kind, ft.value, ft.image_offset,
            ft.evidence_id, ft.forensic_path, f.path
     FROM features ft LEFT JOIN files f ON f.object_id = ft.file_id
     WHERE instr(forensics_casefold(ft.value), ?1) > 0
     ORDER BY ft.kind, ft.value, ft.evidence_id, ft.scan_index LIMIT ?2";

fn feature_hit(row: &Row<'_>) -> rusqlite::Result<SearchHit> {
    let (kind, value): (String, String) = (row.get(2)?, row.get(3)?);
    let (image_offset, evidence_id): (i64, i64) = (row.get(4)?, row.get(5)?);
    let forensic_path: String = row.get(6)?;
    let place = match row.get::<_, Option<String>>(7)? {
        Some(path) => format!("in {path}"),
        None => format!("outside any file ({forensic_path})"),
    };
    Ok(SearchHit {
        record_id: row.get(0)?,
        object_id: row.get(1)?,
        label: format!("{kind}: {value}"),
        context: format!("evidence {evidence_id} offset {image_offset:#x}, {place}"),
    })
}

const NOTES_SQL: &str = "SELECT n.id, n.object_id, n.text, n.bookmark, n.examiner, n.at_utc, f.path
     FROM notes n LEFT JOIN files f ON f.object_id = n.object_id
     WHERE instr(forensics_casefold(n.text), ?1) > 0
     ORDER BY n.id LIMIT ?2";

fn note_hit(row: &Row<'_>) -> rusqlite::Result<SearchHit> {
    let text: String = row.get(2)?;
    let what = if row.get::<_, bool>(3)? {
        "bookmark"
    } else {
        "note"
    };
    let (examiner, at_utc): (String, String) = (row.get(4)?, row.get(5)?);
    let object_id: Option<i64> = row.get(1)?;
    let on = match (row.get::<_, Option<String>>(6)?, object_id) {
        (Some(path), _) => format!(" on {path}"),
        (None, Some(id)) => format!(" on object {id}"),
        (None, None) => " on the case".to_string(),
    };
    Ok(SearchHit {
        record_id: row.get(0)?,
        object_id,
        label: text.chars().take(MAX_NOTE_LABEL_CHARS).collect(),
        context: format!("{what}{on} by {examiner}, {at_utc}"),
    })
}

#[cfg(test)]
#[path = "search_query_tests.rs"]
mod tests;
