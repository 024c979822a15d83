//! The PostgreSQL case store on a throwaway cluster ([`crate::pg_cluster`]):
//! creating, opening, writing, the append-only custody log, and the
//! agreement with SQLite's chain verification (the schema and the SQL
//! dialect are compared in `pg_portable`, concurrency in `pg_concurrency`).
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

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

pub(crate) fn info() -> CaseInfo {
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
    let version = format!(
        "\"schema_version\":{}",
        forensics_core::case::pg::PG_SCHEMA_VERSION
    );
    assert!(log[1].details_json.contains(&version));
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

    // A schema_info of other column types is refused, not trusted.
    let odd = cluster.create_database("odd_types");
    let mut client = postgres::Client::connect(&odd, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE schema_info (key INTEGER, value BYTEA);
             INSERT INTO schema_info VALUES (1, NULL);",
        )
        .unwrap();
    let error = PgCase::open(&odd, None).unwrap_err();
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
