//! [`CaseStore`] for an open SQLite [`Case`]: writers are serialised by
//! `BEGIN IMMEDIATE`, which takes SQLite's one write lock before the
//! custody log's last entry is read.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql, TransactionBehavior, params_from_iter};
use serde_json::Value;

use super::{CaseStore, SqlValue, StoreTx, sqlite_parameters};
use crate::case::custody::{self, CustodyEntry};
use crate::case::{Case, Error, Result, Session};

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Self::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Self::Integer(value) => ToSqlOutput::Borrowed(ValueRef::Integer(*value)),
            Self::Text(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
        })
    }
}

/// A SQLite connection (inside a transaction) with the case path for
/// error messages, as a [`StoreTx`].
pub(crate) struct SqliteTx<'a> {
    tx: &'a Connection,
    case_path: &'a std::path::Path,
}

impl<'a> SqliteTx<'a> {
    /// `conn` (a transaction derefs to one) as a store transaction.
    pub(crate) fn new(conn: &'a Connection, case_path: &'a std::path::Path) -> Self {
        Self {
            tx: conn,
            case_path,
        }
    }
}

impl StoreTx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let changed = self
            .tx
            .prepare_cached(&sqlite_parameters(sql))
            .and_then(|mut statement| statement.execute(params_from_iter(params)))
            .map_err(Error::sqlite(self.case_path))?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>> {
        let run = || -> rusqlite::Result<Vec<Vec<SqlValue>>> {
            let mut statement = self.tx.prepare_cached(&sqlite_parameters(sql))?;
            let columns = statement.column_count();
            let mut rows = statement.query(params_from_iter(params))?;
            let mut out = Vec::new();
            while let Some(row) = rows.next()? {
                let mut values = Vec::with_capacity(columns);
                for column in 0..columns {
                    values.push(match row.get_ref(column)? {
                        ValueRef::Null => SqlValue::Null,
                        ValueRef::Integer(value) => SqlValue::Integer(value),
                        ValueRef::Text(bytes) => {
                            SqlValue::Text(String::from_utf8_lossy(bytes).into_owned())
                        }
                        ValueRef::Real(value) => SqlValue::Text(value.to_string()),
                        ValueRef::Blob(bytes) => SqlValue::Text(crate::hash::to_hex(bytes)),
                    });
                }
                out.push(values);
            }
            Ok(out)
        };
        run().map_err(Error::sqlite(self.case_path))
    }
}

impl CaseStore for Case {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn write_with_custody(
        &mut self,
        action: &str,
        change: &mut dyn FnMut(&mut dyn StoreTx) -> Result<Value>,
    ) -> Result<CustodyEntry> {
        let session = self.session.as_ref().ok_or(Error::NoSession)?;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(Error::sqlite(&path))?;
        let mut store_tx = SqliteTx {
            tx: &tx,
            case_path: &path,
        };
        let details = change(&mut store_tx)?;
        let entry = custody::append_to(&mut store_tx, session, action, details)?;
        tx.commit().map_err(Error::sqlite(&path))?;
        Ok(entry)
    }

    fn read(&mut self, read: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(Error::sqlite(&path))?;
        read(&mut SqliteTx {
            tx: &tx,
            case_path: &path,
        })?;
        tx.commit().map_err(Error::sqlite(&path))
    }

    fn custody_log(&mut self) -> Result<Vec<CustodyEntry>> {
        Case::custody_log(self)
    }

    fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }
}
