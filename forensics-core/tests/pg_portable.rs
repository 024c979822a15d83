//! The PostgreSQL schema and SQL dialect against SQLite's: the same tables
//! and columns, and the same results for the same portable SQL.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::collections::BTreeMap;
use std::path::Path;

use forensics_core::case::Case;
use forensics_core::case::backend::{CaseStore, SqlValue};
use forensics_core::case::pg::PgCase;
use serde_json::json;

use crate::pg_cluster;
use crate::pg_store::{info, session};

/// Tables and their columns (name → type class) of a SQLite case.
fn sqlite_columns(path: &Path) -> BTreeMap<String, Vec<(String, &'static str)>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = BTreeMap::new();
    for table in tables {
        let mut columns: Vec<(String, &'static str)> = conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{table}')"
            ))
            .unwrap()
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .map(|(name, ty)| (name, if ty == "INTEGER" { "integer" } else { "text" }))
            .collect();
        columns.sort();
        out.insert(table, columns);
    }
    out
}

#[test]
fn pg_schema_has_the_tables_and_columns_of_the_sqlite_schema() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite_path = dir.path().join("case.fcase");
    Case::create(&sqlite_path, &info(), session("Examiner One", None)).unwrap();
    let expected = sqlite_columns(&sqlite_path);
    let url = cluster.create_database("schema");
    PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let mut actual: BTreeMap<String, Vec<(String, &'static str)>> = BTreeMap::new();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text, data_type::text
             FROM information_schema.columns WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap()
    {
        let ty: String = row.get(2);
        let class = match ty.as_str() {
            "bigint" => "integer",
            "text" => "text",
            other => panic!("unexpected column type {other}"),
        };
        actual
            .entry(row.get(0))
            .or_default()
            .push((row.get(1), class));
    }
    for columns in actual.values_mut() {
        columns.sort();
    }
    assert_eq!(actual, expected);
    // Ids left out are generated, as SQLite's INTEGER PRIMARY KEY are.
    let identity: Vec<String> = client
        .query(
            "SELECT table_name::text || '.' || column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        identity,
        ["features.id", "notes.id", "objects.id", "problems.id"]
    );
}

/// The statements of the portability test and what each returns; run on a
/// fresh case of either engine.
fn portable_statements(store: &mut dyn CaseStore) -> Vec<Vec<Vec<SqlValue>>> {
    let mut results = Vec::new();
    store
        .write_with_custody("portable", &mut |tx| {
            let id = tx.query(
                "INSERT INTO objects (parent_id, kind) VALUES ($1, $2) RETURNING id",
                &[SqlValue::Null, "evidence".into()],
            )?;
            results.push(id);
            for _ in 0..2 {
                let changed = tx.execute(
                    "INSERT INTO tags (object_id, tag, examiner, at_utc) VALUES ($1, $2, $3, $4)
                     ON CONFLICT DO NOTHING",
                    &[1.into(), "seized".into(), "E".into(), "t".into()],
                )?;
                results.push(vec![vec![SqlValue::Integer(changed as i64)]]);
            }
            Ok(json!({}))
        })
        .unwrap();
    store
        .read(&mut |tx| {
            results.push(tx.query(
                "SELECT count(*), sum(seq), max(seq), min(prev_hash) FROM custody_log",
                &[],
            )?);
            results.push(tx.query(
                "SELECT EXISTS (SELECT 1 FROM custody_log WHERE seq = $1),
                        EXISTS (SELECT 1 FROM custody_log WHERE seq = $2)",
                &[1.into(), 99.into()],
            )?);
            results.push(tx.query(
                "SELECT action, signature, key_id FROM custody_log WHERE seq >= $1 ORDER BY seq",
                &[1.into()],
            )?);
            results.push(tx.query(
                "SELECT o.id, o.parent_id, t.tag FROM objects o JOIN tags t ON t.object_id = o.id
                 WHERE t.tag = $1",
                &["seized".into()],
            )?);
            Ok(())
        })
        .unwrap();
    results
}

#[test]
fn pg_and_sqlite_give_the_same_results_for_the_same_portable_sql() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut sqlite =
        Case::create(&dir.path().join("case.fcase"), &info(), session("E", None)).unwrap();
    let url = cluster.create_database("portable");
    let mut pg = PgCase::create(&url, &info(), session("E", None)).unwrap();
    let from_sqlite = portable_statements(&mut sqlite);
    let from_pg = portable_statements(&mut pg);
    assert_eq!(from_pg, from_sqlite);
    assert_eq!(from_pg[0], [[SqlValue::Integer(1)]], "generated id");
    assert_eq!(
        from_pg[1..3],
        [[[SqlValue::Integer(1)]], [[SqlValue::Integer(0)]]]
    );

    // A value of the wrong type is an error naming the mismatch, on PostgreSQL.
    let error = pg
        .write_with_custody("bad", &mut |tx| {
            tx.execute(
                "INSERT INTO objects (parent_id, kind) VALUES ($1, 'file')",
                &["one".into()],
            )?;
            Ok(json!({}))
        })
        .unwrap_err();
    let message = format!("{error}: {:?}", std::error::Error::source(&error));
    assert!(
        message.contains("text cannot be bound to a int8 parameter"),
        "{message}"
    );
    assert_eq!(
        pg.custody_log().unwrap().len(),
        2,
        "the failed write left nothing"
    );
}
