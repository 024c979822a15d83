//! The PostgreSQL schema: its DDL (`schema.sql`, the state of SQLite's
//! migrations 1 to 3), the rows of `schema_info` that mark a database as a
//! case (the stand-in for SQLite's `application_id` and version), and how
//! an existing database is recognised.

use postgres::Transaction;

use crate::case::SCHEMA_VERSION;

/// The schema version a PostgreSQL case is created with and can be opened
/// at: the SQLite version whose tables `schema.sql` reproduces.
pub const PG_SCHEMA_VERSION: u32 = 3;

// A new SQLite migration changes the tables the batch merge writes through
// [`crate::case::backend::CaseStore`]: PostgreSQL must follow (a migration
// of its own) before both versions can agree again.
const _: () = assert!(PG_SCHEMA_VERSION == SCHEMA_VERSION);

/// The DDL of a new case.
const SCHEMA_SQL: &str = include_str!("schema.sql");

/// `schema_info.value` of key `application` in a case database.
const APPLICATION: &str = "forensics-case";

/// What a database holds, as far as cases are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DbState {
    /// No table in the current schema: a case can be created.
    Empty,
    /// A case of this schema version.
    Case(u32),
    /// Something else, described.
    Other(String),
}

/// Recognises the database `tx` runs in (its current schema).
pub(crate) fn state(tx: &mut Transaction<'_>) -> Result<DbState, postgres::Error> {
    let has_info: bool = tx
        .query_one("SELECT to_regclass('schema_info') IS NOT NULL", &[])?
        .try_get(0)?;
    if !has_info {
        let tables: i64 = tx
            .query_one(
                "SELECT count(*) FROM pg_catalog.pg_class c
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = current_schema()
                   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')",
                &[],
            )?
            .try_get(0)?;
        return Ok(if tables == 0 {
            DbState::Empty
        } else {
            DbState::Other(format!(
                "{tables} tables or views, none of them schema_info"
            ))
        });
    }
    // Cast to text: a table of that name made by someone else may have
    // other column types, and must be refused, not trusted.
    let rows = tx.query(
        "SELECT key::text, value::text FROM schema_info
         WHERE key::text IN ('application', 'version') ORDER BY 1",
        &[],
    )?;
    let mut values = Vec::with_capacity(rows.len());
    for row in &rows {
        values.push((
            row.try_get::<_, Option<String>>(0)?,
            row.try_get::<_, Option<String>>(1)?,
        ));
    }
    let value = |key: &str| -> Option<String> {
        values
            .iter()
            .find(|(name, _)| name.as_deref() == Some(key))
            .and_then(|(_, value)| value.clone())
    };
    if value("application").as_deref() != Some(APPLICATION) {
        return Ok(DbState::Other(
            "its schema_info does not mark it as a forensics case".into(),
        ));
    }
    Ok(match value("version").and_then(|text| text.parse().ok()) {
        Some(version) => DbState::Case(version),
        None => DbState::Other("its schema_info has no version".into()),
    })
}

/// Creates the tables, the custody triggers and the `schema_info` rows.
pub(crate) fn install(tx: &mut Transaction<'_>) -> Result<(), postgres::Error> {
    tx.batch_execute(SCHEMA_SQL)?;
    tx.execute(
        "INSERT INTO schema_info (key, value) VALUES ('application', $1), ('version', $2)",
        &[&APPLICATION, &PG_SCHEMA_VERSION.to_string()],
    )?;
    Ok(())
}

/// Why a database in `state` cannot be opened as a case, if it cannot.
pub(crate) fn refuse_open(state: &DbState) -> Option<String> {
    match state {
        DbState::Empty => Some("empty database (create the case first)".into()),
        DbState::Other(what) => Some(what.clone()),
        DbState::Case(version) if *version > PG_SCHEMA_VERSION => Some(format!(
            "schema version {version} is newer than this tool's {PG_SCHEMA_VERSION}"
        )),
        DbState::Case(version) if *version < PG_SCHEMA_VERSION => Some(format!(
            "schema version {version} is older than {PG_SCHEMA_VERSION}, and PostgreSQL \
             cases have no migrations to bring it up to date"
        )),
        DbState::Case(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_case_of_this_version_opens() {
        assert!(refuse_open(&DbState::Empty).is_some());
        assert!(refuse_open(&DbState::Other("x".into())).is_some());
        assert!(refuse_open(&DbState::Case(PG_SCHEMA_VERSION + 1)).is_some());
        assert!(refuse_open(&DbState::Case(PG_SCHEMA_VERSION - 1)).is_some());
        assert_eq!(refuse_open(&DbState::Case(PG_SCHEMA_VERSION)), None);
    }

    #[test]
    fn the_ddl_has_every_table_of_the_sqlite_schema() {
        let sqlite = [
            include_str!("../sql/001_initial.sql"),
            include_str!("../sql/002_carved_features.sql"),
        ]
        .concat();
        for line in sqlite.lines() {
            let Some(rest) = line.strip_prefix("CREATE TABLE ") else {
                continue;
            };
            let name = rest.split_whitespace().next().unwrap_or("");
            if name == "objects_v2" {
                continue; // rebuilt into `objects` by migration 2
            }
            assert!(
                SCHEMA_SQL.contains(&format!("CREATE TABLE {name} (")),
                "{name} missing from schema.sql"
            );
        }
    }
}
