//! The PostgreSQL case store on a throwaway cluster ([`crate::pg_cluster`]):
//! creating, opening, writing, the append-only custody log, the schema's
//! agreement with SQLite's, and two processes appending at the same time.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use forensics_core::case::backend::{CaseStore, SqlValue};
use forensics_core::case::keys::SigningKey;
use forensics_core::case::pg::PgCase;
use forensics_core::case::verify::{Subject, verify_store_chain};
use forensics_core::case::{Case, CaseInfo, Error, Session, SteppingClock};
use forensics_core::fs::Timestamp;
use serde_json::json;

use crate::pg_cluster;

pub(crate) fn session(examiner: &str, key: Option<SigningKey>) -> Session {
    let clock = SteppingClock::new(Timestamp::from_unix_seconds(1_700_000_000).unwrap());
    let mut session = Session::new(examiner, Box::new(clock));
    session.command_line = vec!["test".into()];
    session.host = "lab-host".into();
    session.signing_key = key;
    session
}

fn info() -> CaseInfo {
    CaseInfo {
        case_number: "2026-PG-1".into(),
        title: "Shared case".into(),
        examiner: "Examiner One".into(),
    }
}

/// Adds an evidence-kind object through the portable SQL; returns its id.
fn add_object(case: &mut PgCase) -> i64 {
    let mut id = 0;
    case.write_with_custody("test_object", &mut |tx| {
        let rows = tx.query(
            "INSERT INTO objects (parent_id, kind) VALUES ($1, 'evidence') RETURNING id",
            &[SqlValue::Null],
        )?;
        id = rows[0][0].as_i64("id")?;
        Ok(json!({"object_id": id}))
    })
    .unwrap();
    id
}

#[test]
fn pg_case_is_created_written_reopened_and_its_chain_verifies() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("written");
    let key = SigningKey::from_seed([7; 32]);
    let mut case = PgCase::create(&url, &info(), session("Examiner One", Some(key))).unwrap();
    let object_id = add_object(&mut case);
    let tag = case.tag(object_id, "seized").unwrap();
    let again = case.tag(object_id, "seized").unwrap();
    let (note_id, _) = case.note(Some(object_id), "bag 7", true).unwrap();
    let (case_note, _) = case.note(None, "case opened", false).unwrap();
    assert!(note_id >= 1 && case_note > note_id);
    assert!(tag.details_json.contains("\"new\":true"));
    assert!(again.details_json.contains("\"new\":false"));
    assert!(matches!(case.tag(9999, "x"), Err(Error::NotFound(_))));
    let report = case.verify_chain(None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(
        report.entries, 7,
        "register_key, create_case, object, 2 tags, 2 notes"
    );
    assert_eq!(report.signed_entries, 7);
    let head = case.chain_head().unwrap();
    assert_eq!(report.head, head);
    let log = case.custody_log().unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "register_key",
            "create_case",
            "test_object",
            "tag",
            "tag",
            "note",
            "note"
        ]
    );
    assert!(log[1].details_json.contains("\"schema_version\":2"));
    drop(case);

    let mut reopened = PgCase::open(&url, None).unwrap();
    assert_eq!(reopened.custody_log().unwrap(), log);
    let (opened_info, created_utc) = reopened.info().unwrap();
    assert_eq!(opened_info, info());
    assert!(created_utc <= log[1].at_utc, "{created_utc}");
    assert!(matches!(
        reopened.tag(object_id, "y"),
        Err(Error::NoSession)
    ));
    let refused = PgCase::open(&url, Some(session("Examiner One", None))).unwrap_err();
    assert!(
        refused.to_string().contains("give the private key"),
        "{refused}"
    );
    let mut other = PgCase::open(&url, Some(session("Examiner Two", None))).unwrap();
    other.tag(object_id, "reviewed").unwrap();
    let expected_head = other.chain_head().unwrap();
    let report = other.verify_chain(expected_head.as_deref()).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    let wrong = other.verify_chain(Some(&"0".repeat(64))).unwrap();
    assert!(matches!(wrong.failures[0].subject, Subject::Head));
}

#[test]
fn pg_create_refuses_a_database_that_is_not_empty() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("twice");
    PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    let twice = PgCase::create(&url, &info(), session("Examiner One", None)).unwrap_err();
    assert!(matches!(twice, Error::StoreNotEmpty { .. }), "{twice}");
    assert!(
        twice.to_string().contains("already holds a case"),
        "{twice}"
    );

    let other = cluster.create_database("other_tables");
    let mut client = postgres::Client::connect(&other, postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE payroll (id BIGINT)")
        .unwrap();
    let refused = PgCase::create(&other, &info(), session("Examiner One", None)).unwrap_err();
    assert!(refused.to_string().contains("not empty"), "{refused}");
}

#[test]
fn pg_open_refuses_a_database_that_is_not_a_case() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let empty = cluster.create_database("empty");
    let error = PgCase::open(&empty, None).unwrap_err();
    assert!(matches!(error, Error::NotACase { .. }), "{error}");
    assert!(error.to_string().contains("empty database"), "{error}");

    let foreign = cluster.create_database("foreign");
    let mut client = postgres::Client::connect(&foreign, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO schema_info VALUES ('version', '2');",
        )
        .unwrap();
    let error = PgCase::open(&foreign, None).unwrap_err();
    assert!(error.to_string().contains("does not mark it"), "{error}");

    let error = PgCase::open(&cluster.url("no_such_database"), None).unwrap_err();
    assert!(matches!(error, Error::Postgres { .. }), "{error}");
}

#[test]
fn pg_errors_never_show_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "postgres://lab:s3cret-pw@/case?host={}&connect_timeout=2",
        dir.path().display()
    );
    let error = PgCase::open(&url, None).unwrap_err();
    let message = format!("{error} {error:?}");
    assert!(matches!(error, Error::Postgres { .. }), "{message}");
    assert!(!message.contains("s3cret-pw"), "{message}");
    assert!(message.contains("postgres://lab@/case"), "{message}");
}

#[test]
fn pg_custody_log_refuses_update_delete_and_truncate_and_tampering_is_found() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("append_only");
    let mut case = PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    add_object(&mut case);
    add_object(&mut case);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for statement in [
        "UPDATE custody_log SET examiner = 'Mallory' WHERE seq = 2",
        "DELETE FROM custody_log WHERE seq = 3",
        "TRUNCATE custody_log",
    ] {
        let error = client.batch_execute(statement).unwrap_err();
        let text = error
            .as_db_error()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        assert!(
            text.contains("custody_log is append-only"),
            "{statement}: {error}"
        );
    }
    assert_eq!(case.custody_log().unwrap().len(), 3);
    // An attacker owning the database drops the triggers first.
    client
        .batch_execute(
            "DROP TRIGGER custody_log_no_update ON custody_log;
             UPDATE custody_log SET examiner = 'Mallory' WHERE seq = 2;",
        )
        .unwrap();
    let report = case.verify_chain(None).unwrap();
    assert!(!report.holds());
    assert_eq!(report.failures[0].subject, Subject::Entry { seq: 2 });
}

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

#[test]
fn store_chain_verification_agrees_with_the_sqlite_verification() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.fcase");
    let key = SigningKey::from_seed([3; 32]);
    let mut case = Case::create(&path, &info(), session("Examiner One", Some(key))).unwrap();
    case.note(None, "first", false).unwrap();
    let report = verify_store_chain(&mut case, None).unwrap();
    let full = forensics_core::case::verify::verify_case(&path, None).unwrap();
    assert!(report.holds() && full.holds());
    assert_eq!(
        (report.entries, report.signed_entries, report.head),
        (full.entries, full.signed_entries, full.head)
    );
}

/// Environment of a worker process of the concurrency test.
const WORKER_URL: &str = "FORENSICS_PG_WORKER_URL";
const WORKER_NAME: &str = "FORENSICS_PG_WORKER_NAME";
const WORKER_DIR: &str = "FORENSICS_PG_WORKER_DIR";
/// Entries each worker appends.
const ENTRIES_PER_WORKER: usize = 1000;

/// Not a test of its own: the worker process of
/// [`pg_two_processes_appending_1000_entries_each_keep_one_linear_chain`],
/// started as this test binary with the worker environment set.
#[test]
#[ignore = "worker process of the two-process custody test"]
fn pg_append_worker() {
    let (Ok(url), Ok(name), Ok(dir)) = (
        std::env::var(WORKER_URL),
        std::env::var(WORKER_NAME),
        std::env::var(WORKER_DIR),
    ) else {
        return;
    };
    let dir = Path::new(&dir);
    let mut case = PgCase::open(&url, Some(session(&name, None))).unwrap();
    std::fs::write(dir.join(format!("ready-{name}")), b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !dir.join("go").exists() {
        assert!(Instant::now() < deadline, "no go signal");
        std::thread::sleep(Duration::from_millis(2));
    }
    for index in 0..ENTRIES_PER_WORKER {
        case.write_with_custody("append_test", &mut |_tx| {
            Ok(json!({"worker": name, "index": index}))
        })
        .unwrap();
    }
}

#[test]
fn pg_two_processes_appending_1000_entries_each_keep_one_linear_chain() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("two_writers");
    PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let workers: Vec<_> = ["worker-a", "worker-b"]
        .into_iter()
        .map(|name| {
            Command::new(&exe)
                .args(["pg_store::pg_append_worker", "--exact", "--ignored"])
                .args(["--nocapture", "--test-threads=1"])
                .env(WORKER_URL, &url)
                .env(WORKER_NAME, name)
                .env(WORKER_DIR, dir.path())
                .spawn()
                .unwrap()
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !["worker-a", "worker-b"]
        .iter()
        .all(|name| dir.path().join(format!("ready-{name}")).exists())
    {
        assert!(Instant::now() < deadline, "workers did not connect");
        std::thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    std::fs::write(dir.path().join("go"), b"").unwrap();
    for mut worker in workers {
        assert!(worker.wait().unwrap().success(), "a worker failed");
    }
    let elapsed = started.elapsed();

    let mut case = PgCase::open(&url, None).unwrap();
    let log = case.custody_log().unwrap();
    assert_eq!(log.len(), 2 * ENTRIES_PER_WORKER + 1);
    let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=2001).collect::<Vec<u64>>(), "gaps or duplicates");
    let mut prev_hashes: Vec<&str> = log.iter().map(|e| e.prev_hash.as_str()).collect();
    prev_hashes.sort_unstable();
    prev_hashes.dedup();
    assert_eq!(
        prev_hashes.len(),
        log.len(),
        "two entries share a parent: a fork"
    );
    for name in ["worker-a", "worker-b"] {
        let mine: Vec<i64> = log
            .iter()
            .filter(|e| e.examiner == name)
            .map(|e| {
                let details: serde_json::Value = serde_json::from_str(&e.details_json).unwrap();
                details["index"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(
            mine,
            (0..ENTRIES_PER_WORKER as i64).collect::<Vec<_>>(),
            "{name}"
        );
    }
    let switches = log
        .windows(2)
        .filter(|w| w[0].examiner != w[1].examiner)
        .count();
    let report = case.verify_chain(None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(report.entries, 2001);
    println!(
        "two processes appended {} custody entries in {:.2} s ({:.0} entries/s), \
         writers alternated {switches} times",
        2 * ENTRIES_PER_WORKER,
        elapsed.as_secs_f64(),
        (2 * ENTRIES_PER_WORKER) as f64 / elapsed.as_secs_f64()
    );
    assert!(switches > 1, "the two writers never ran at the same time");
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
