//! Schema version and numbered migrations. Migration `n` brings a database
//! from version `n - 1` to `n`; each runs in one transaction with the
//! version update, so a crash leaves either the old or the new schema.

use rusqlite::{Connection, OptionalExtension, params};

/// The schema version this library writes and reads.
pub const SCHEMA_VERSION: u32 = 3;

/// The SQL of each migration, in order; index 0 is migration 1.
const MIGRATIONS: &[&str] = &[
    include_str!("sql/001_initial.sql"),
    include_str!("sql/002_carved_features.sql"),
    include_str!("sql/003_batch_units.sql"),
];

/// Application id stored in the SQLite header ("FCAS"), so tools can tell a
/// case file from other SQLite files.
pub(crate) const APPLICATION_ID: i32 = 0x4643_4153;

/// Per-connection settings: WAL, foreign keys, a busy timeout for
/// concurrent readers.
pub(crate) fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(30))?;
    Ok(())
}

/// The schema version of an opened database: 0 for an empty database,
/// `None` when it is some other SQLite file.
pub(crate) fn current_version(conn: &Connection) -> rusqlite::Result<Option<u32>> {
    let has_info: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_info')",
        [],
        |row| row.get(0),
    )?;
    if !has_info {
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        return Ok(if tables == 0 { Some(0) } else { None });
    }
    let version: Option<String> = conn
        .query_row(
            "SELECT value FROM schema_info WHERE key = 'version'",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(version.and_then(|text| text.parse().ok()))
}

/// Runs every migration after `from_version`. Foreign keys are off while a
/// migration rebuilds a table (SQLite's documented procedure) and checked
/// before each commit; they are on again afterwards.
pub(crate) fn migrate(conn: &mut Connection, from_version: u32) -> rusqlite::Result<()> {
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    let migrated = run_migrations(conn, from_version);
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrated
}

fn run_migrations(conn: &mut Connection, from_version: u32) -> rusqlite::Result<()> {
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as u32 + 1;
        if version <= from_version {
            continue;
        }
        let tx = conn.transaction()?;
        if version == 1 {
            tx.execute_batch(
                "CREATE TABLE schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
            )?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.execute_batch(sql)?;
        let dangling: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
                row.get(0)
            })?;
        if dangling > 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!(
                    "migration {version} leaves {dangling} dangling references"
                )),
            ));
        }
        tx.execute(
            "INSERT OR REPLACE INTO schema_info (key, value) VALUES ('version', ?1)",
            params![version.to_string()],
        )?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_case_migrates_keeping_its_objects_and_links() {
        let mut conn = Connection::open_in_memory().unwrap();
        configure(&conn).unwrap();
        migrate_to(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO objects (id, parent_id, kind) VALUES (1, NULL, 'evidence'), (2, 1, 'volume');
             INSERT INTO tags (object_id, tag, examiner, at_utc) VALUES (2, 'seen', 'x', 't');",
        )
        .unwrap();
        migrate(&mut conn, 1).unwrap();
        assert_eq!(current_version(&conn).unwrap(), Some(SCHEMA_VERSION));
        let kinds: Vec<String> = conn
            .prepare("SELECT kind FROM objects ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(kinds, ["evidence", "volume"]);
        conn.execute(
            "INSERT INTO objects (parent_id, kind) VALUES (1, 'carved')",
            [],
        )
        .unwrap();
        let foreign_keys: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
            .unwrap();
        assert_eq!(foreign_keys, 1);
        let dangling = conn.execute(
            "INSERT INTO tags (object_id, tag, examiner, at_utc) VALUES (99, 'x', 'x', 't')",
            [],
        );
        assert!(
            dangling.is_err(),
            "foreign keys are enforced after the migration"
        );
    }

    /// Brings an empty database to exactly `version`.
    fn migrate_to(conn: &mut Connection, version: u32) -> rusqlite::Result<()> {
        conn.execute_batch(
            "CREATE TABLE schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )?;
        for sql in &MIGRATIONS[..version as usize] {
            conn.execute_batch(sql)?;
        }
        conn.execute(
            "INSERT INTO schema_info (key, value) VALUES ('version', ?1)",
            params![version.to_string()],
        )?;
        Ok(())
    }
}
