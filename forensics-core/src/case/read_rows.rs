//! Typed access to the rows a [`StoreTx`](super::backend::StoreTx) query
//! returns, for the read-side queries that run on every store: a column by
//! index, read as the type the schema gives it, with an error naming the
//! column when the store returned something else.

use super::backend::SqlValue;
use super::{Error, Result};
use crate::time::Timestamp;

/// One result row.
#[derive(Clone, Copy)]
pub(crate) struct Row<'a>(pub(crate) &'a [SqlValue]);

impl<'a> Row<'a> {
    /// Column `index`, or an error naming `what` when the row is too short.
    pub(crate) fn value(&self, index: usize, what: &str) -> Result<&'a SqlValue> {
        self.0
            .get(index)
            .ok_or_else(|| Error::Invalid(format!("{what}: the row has no column {index}")))
    }

    /// An integer column.
    pub(crate) fn i64(&self, index: usize, what: &str) -> Result<i64> {
        self.value(index, what)?.as_i64(what)
    }

    /// A nullable integer column.
    pub(crate) fn opt_i64(&self, index: usize, what: &str) -> Result<Option<i64>> {
        self.value(index, what)?.as_opt_i64(what)
    }

    /// A count, size or offset: negative values (never written) read as 0.
    pub(crate) fn u64(&self, index: usize, what: &str) -> Result<u64> {
        Ok(u64::try_from(self.i64(index, what)?).unwrap_or(0))
    }

    /// A nullable count, size or offset: negative values read as `None`.
    pub(crate) fn opt_u64(&self, index: usize, what: &str) -> Result<Option<u64>> {
        Ok(self
            .opt_i64(index, what)?
            .and_then(|v| u64::try_from(v).ok()))
    }

    /// A nullable 32-bit unsigned column (partition index, mode, uid, gid).
    pub(crate) fn opt_u32(&self, index: usize, what: &str) -> Result<Option<u32>> {
        self.opt_i64(index, what)?
            .map(|v| {
                u32::try_from(v)
                    .map_err(|_| Error::Invalid(format!("{what}: {v} is not a 32-bit unsigned")))
            })
            .transpose()
    }

    /// A 0/1 flag column.
    pub(crate) fn flag(&self, index: usize, what: &str) -> Result<bool> {
        Ok(self.i64(index, what)? != 0)
    }

    /// A text column.
    pub(crate) fn text(&self, index: usize, what: &str) -> Result<String> {
        Ok(self.value(index, what)?.as_text(what)?.to_string())
    }

    /// A nullable text column.
    pub(crate) fn opt_text(&self, index: usize, what: &str) -> Result<Option<String>> {
        match self.value(index, what)? {
            SqlValue::Null => Ok(None),
            other => Ok(Some(other.as_text(what)?.to_string())),
        }
    }

    /// A nullable time column (nanoseconds since the Unix epoch).
    pub(crate) fn time(&self, index: usize, what: &str) -> Result<Option<Timestamp>> {
        Ok(self
            .opt_i64(index, what)?
            .map(|unix_ns| Timestamp { unix_ns }))
    }
}

/// Runs `read` on `tx` for each row of `sql`.
pub(crate) fn each_row(
    tx: &mut dyn super::backend::StoreTx,
    sql: &str,
    params: &[SqlValue],
    read: &mut dyn FnMut(Row<'_>) -> Result<()>,
) -> Result<()> {
    for row in tx.query(sql, params)? {
        read(Row(&row))?;
    }
    Ok(())
}

/// Maps every row of `sql` with `read`, in the order the query gives.
pub(crate) fn map_rows<T>(
    tx: &mut dyn super::backend::StoreTx,
    sql: &str,
    params: &[SqlValue],
    read: impl Fn(Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    tx.query(sql, params)?
        .iter()
        .map(|row| read(Row(row)))
        .collect()
}
