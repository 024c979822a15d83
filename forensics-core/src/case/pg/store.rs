//! [`StoreTx`] over a PostgreSQL transaction and [`CaseStore`] for
//! [`PgCase`]: writers serialise on the advisory lock
//! [`CUSTODY_LOCK_KEY`](super::CUSTODY_LOCK_KEY) taken first in each write
//! transaction (read committed, so what is read after the lock includes
//! every append committed before it); reads run in one read-only
//! repeatable-read snapshot.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{IsolationLevel, Statement, Transaction};
use serde_json::Value;

use super::{CUSTODY_LOCK_KEY, LOCK_SQL, PgCase};
use crate::case::backend::{CaseStore, SqlValue, StoreTx};
use crate::case::custody::{self, CustodyEntry};
use crate::case::{Error, Result};

/// Prepared statements kept per transaction; past this many distinct SQL
/// texts the cache starts over (SQL built with varying row counts).
const MAX_PREPARED: usize = 64;

/// A PostgreSQL transaction with the database's location for messages and
/// the statements it has prepared (a batch runs the same few statements
/// many times: each is parsed once).
pub(super) struct PgTx<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    location: &'t str,
    prepared: HashMap<String, Statement>,
}

impl<'t, 'c> PgTx<'t, 'c> {
    /// Wraps `tx` of the database at `location`.
    pub(super) fn new(tx: &'t mut Transaction<'c>, location: &'t str) -> Self {
        Self {
            tx,
            location,
            prepared: HashMap::new(),
        }
    }

    /// The prepared statement for `sql`.
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self
            .tx
            .prepare(sql)
            .map_err(Error::postgres(self.location))?;
        if self.prepared.len() >= MAX_PREPARED {
            self.prepared.clear();
        }
        self.prepared.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }
}

/// `params` as the driver takes them.
fn bound(params: &[SqlValue]) -> Vec<&(dyn ToSql + Sync)> {
    params
        .iter()
        .map(|value| value as &(dyn ToSql + Sync))
        .collect()
}

impl StoreTx for PgTx<'_, '_> {
    fn execute(&mut self, sql: &str, params: &[SqlValue]) -> Result<u64> {
        let statement = self.statement(sql)?;
        self.tx
            .execute(&statement, &bound(params))
            .map_err(Error::postgres(self.location))
    }

    fn query(&mut self, sql: &str, params: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>> {
        let statement = self.statement(sql)?;
        let rows = self
            .tx
            .query(&statement, &bound(params))
            .map_err(Error::postgres(self.location))?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|column| row.try_get::<_, SqlValue>(column))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Error::postgres(self.location))
            })
            .collect()
    }
}

impl CaseStore for PgCase {
    fn location(&self) -> String {
        self.location.clone()
    }

    fn session(&self) -> Option<&crate::case::Session> {
        self.session.as_ref()
    }

    fn write_with_custody(
        &mut self,
        action: &str,
        change: &mut dyn FnMut(&mut dyn StoreTx) -> Result<Value>,
    ) -> Result<CustodyEntry> {
        let session = self.session.as_ref().ok_or(Error::NoSession)?;
        let location = self.location.as_str();
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(Error::postgres(location))?;
        tx.execute(LOCK_SQL, &[&CUSTODY_LOCK_KEY])
            .map_err(Error::postgres(location))?;
        let mut store_tx = PgTx::new(&mut tx, location);
        let details = change(&mut store_tx)?;
        let entry = custody::append_to(&mut store_tx, session, action, details)?;
        tx.commit().map_err(Error::postgres(location))?;
        Ok(entry)
    }

    fn read(&mut self, read: &mut dyn FnMut(&mut dyn StoreTx) -> Result<()>) -> Result<()> {
        let location = self.location.as_str();
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(Error::postgres(location))?;
        read(&mut PgTx::new(&mut tx, location))?;
        tx.commit().map_err(Error::postgres(location))
    }

    fn custody_log(&mut self) -> Result<Vec<CustodyEntry>> {
        let mut entries = Vec::new();
        self.read(&mut |tx| {
            entries = crate::case::verify::read_custody_log(tx)?;
            Ok(())
        })?;
        Ok(entries)
    }
}
