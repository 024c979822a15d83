//! NIST NSRL RDS version 3, distributed as an SQLite database: the `FILE`
//! table has one row per file of a software package, with the hex digests in
//! columns `sha256`, `sha1` and `md5` (plus `crc32`, `file_name`, `file_size`,
//! `package_id`). The same digest appears in many packages; the builder
//! deduplicates.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{Error, SetBuilder};
use crate::hash::{Algorithm, Digests, from_hex};

/// Tables or views holding file digests, tried in order.
const DIGEST_TABLES: [&str; 2] = ["FILE", "DISTINCT_HASH"];

/// Reads the NSRL RDS v3 database at `path` into `builder`; returns the rows read.
pub(crate) fn import_nsrl(path: &Path, builder: &mut SetBuilder) -> Result<u64, Error> {
    let sqlite = |source| Error::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let connection = Connection::open_with_flags(path, flags).map_err(sqlite)?;
    let Some((table, algorithms)) = find_digest_table(&connection).map_err(sqlite)? else {
        return Err(Error::UnknownFormat {
            path: path.to_path_buf(),
            what: "SQLite database without a FILE table with md5, sha1 or sha256 columns (not NSRL RDS v3)".into(),
        });
    };
    let columns: Vec<&str> = algorithms.iter().map(|a| a.name()).collect();
    let sql = format!("SELECT {} FROM \"{table}\"", columns.join(", "));
    let mut statement = connection.prepare(&sql).map_err(sqlite)?;
    let mut rows = statement.query([]).map_err(sqlite)?;
    let mut record = 0u64;
    while let Some(row) = rows.next().map_err(sqlite)? {
        record += 1;
        let mut digests = Digests::default();
        for (index, &algorithm) in algorithms.iter().enumerate() {
            let value: Option<String> = row
                .get(index)
                .map_err(|e| Error::record(path, record, e.to_string()))?;
            let Some(hex) = value.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
                continue;
            };
            let bytes = from_hex(hex)
                .filter(|b| b.len() == algorithm.digest_len_bytes())
                .ok_or_else(|| {
                    Error::record(
                        path,
                        record,
                        format!("{algorithm} {hex:?} is not a {algorithm} digest"),
                    )
                })?;
            digests.set(algorithm, &bytes);
        }
        if digests.algorithms().is_empty() {
            return Err(Error::record(path, record, "row without any digest"));
        }
        builder.add(&digests, None, path)?;
    }
    Ok(record)
}

/// The first digest table and the digest columns it has.
fn find_digest_table(
    connection: &Connection,
) -> rusqlite::Result<Option<(&'static str, Vec<Algorithm>)>> {
    for table in DIGEST_TABLES {
        let mut statement = connection.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
        let names: Vec<String> = statement
            .query_map([], |row| row.get::<_, String>(1))?
            .collect::<rusqlite::Result<_>>()?;
        let algorithms: Vec<Algorithm> = [Algorithm::Md5, Algorithm::Sha1, Algorithm::Sha256]
            .into_iter()
            .filter(|a| names.iter().any(|n| n.eq_ignore_ascii_case(a.name())))
            .collect();
        if !algorithms.is_empty() {
            return Ok(Some((table, algorithms)));
        }
    }
    Ok(None)
}
