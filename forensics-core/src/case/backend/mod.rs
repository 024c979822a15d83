//! The case store behind the batch merge and the custody log: one trait,
//! [`CaseStore`], with the SQLite implementation (an open [`Case`]) and, in
//! `case::pg`, a PostgreSQL one.
//!
//! SQL handed to a store is written once, in the dialect both engines
//! accept: `$1`-style numbered parameters, `INSERT … ON CONFLICT DO
//! NOTHING`, `RETURNING`. What still differs between the engines (how
//! parameters are spelled, how a writer is serialised, the DDL) stays inside
//! the implementations.
//!
//! [`Case`]: super::Case

mod sqlite;

pub(crate) use sqlite::SqliteTx;

use serde_json::Value;

use super::custody::CustodyEntry;
use super::{Error, Result, Session};

/// A value bound to or read from a statement: the three column types the
/// case schema uses.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SqlValue {
    /// SQL `NULL`.
    Null,
    /// A 64-bit integer (`INTEGER` / `BIGINT`).
    Integer(i64),
    /// UTF-8 text (`TEXT`).
    Text(String),
}

impl SqlValue {
    /// The integer, or an error naming `what` when the value is not one.
    pub fn as_i64(&self, what: &str) -> Result<i64> {
        match self {
            Self::Integer(value) => Ok(*value),
            other => Err(Error::Invalid(format!(
                "{what}: expected an integer, got {other:?}"
            ))),
        }
    }

    /// The integer or `None` for `NULL`.
    pub fn as_opt_i64(&self, what: &str) -> Result<Option<i64>> {
        match self {
            Self::Null => Ok(None),
            other => other.as_i64(what).map(Some),
        }
    }

    /// The text, or an error naming `what` when the value is not text.
    pub fn as_text(&self, what: &str) -> Result<&str> {
        match self {
            Self::Text(value) => Ok(value),
            other => Err(Error::Invalid(format!(
                "{what}: expected text, got {other:?}"
            ))),
        }
    }
}

impl From<i64> for SqlValue {
    fn from(value: i64) -> Self {
        Self::Integer(value)
    }
}

impl From<&str> for SqlValue {
    fn from(value: &str) -> Self {
        Self::Text(value.to_string())
    }
}

impl From<String> for SqlValue {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl<T: Into<SqlValue>> From<Option<T>> for SqlValue {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Into::into)
    }
}

/// One open transaction of a store.
pub trait StoreTx {
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64>;

    /// Runs a query; returns its rows in the order the query gives.
    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>>;
}

/// A case database: SQLite (one file, embedded) or PostgreSQL (shared by
/// several examiners and workers).
pub trait CaseStore {
    /// Where the case is, for messages (a path, or a URL without password).
    fn location(&self) -> String;

    /// Runs `change` in one transaction together with the custody entry for
    /// `action` whose details `change` returns. Appends are serialised
    /// across processes, so the custody chain stays linear whoever else
    /// writes the case at the same time.
    fn write_with_custody(
        &mut self,
        action: &str,
        change: &mut dyn FnMut(&mut dyn StoreTx) -> Result<Value>,
    ) -> Result<CustodyEntry>;

    /// Runs `read` in one read transaction (a consistent snapshot).
    fn read(&mut self, read: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()>;

    /// Every custody entry in `seq` order.
    fn custody_log(&mut self) -> Result<Vec<CustodyEntry>>;

    /// The session changes are made in (examiner, clock), if one is set.
    fn session(&self) -> Option<&Session>;
}

/// Rewrites `$N` parameters as SQLite's `?N`, leaving string literals and
/// quoted identifiers alone.
pub(crate) fn sqlite_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(open) => {
                if c == open {
                    quote = None;
                }
                out.push(c);
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => out.push('?'),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_become_question_marks_outside_literals() {
        assert_eq!(
            sqlite_parameters("SELECT '$1', \"$2\" FROM t WHERE a = $1 AND b = $12"),
            "SELECT '$1', \"$2\" FROM t WHERE a = ?1 AND b = ?12"
        );
    }
}
