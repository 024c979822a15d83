//! Roles on a shared PostgreSQL case: a reviewer reads and annotates (its
//! notes attributed in the custody log, which still verifies) but cannot
//! change or remove what others wrote; a reader can only read.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use forensics_core::case::backend::CaseStore;
use forensics_core::case::pg::{CaseRole, PgCase};
use forensics_core::case::verify::verify_store_chain;

use crate::pg_cluster;
use crate::pg_store::{info, session};

#[test]
fn pg_reviewer_annotates_reader_only_reads_and_neither_changes_rows() {
    let Some(cluster) = pg_cluster::shared() else {
        return;
    };
    let url = cluster.create_database("roles");
    let mut case = PgCase::create(&url, &info(), session("Examiner One", None)).unwrap();
    case.note(None, "seal intact", false).unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute("CREATE ROLE rev_one LOGIN; CREATE ROLE read_one LOGIN;")
        .unwrap();
    case.grant_role("rev_one", CaseRole::Reviewer).unwrap();
    case.grant_role("read_one", CaseRole::Reader).unwrap();
    assert!(
        case.grant_role("x; DROP TABLE files", CaseRole::Reader)
            .is_err()
    );
    let as_role = |role: &str| {
        url.replacen(
            &format!("{}@", pg_cluster::SUPERUSER),
            &format!("{role}@"),
            1,
        )
    };

    let mut reviewer =
        PgCase::open(&as_role("rev_one"), Some(session("Reviewer Two", None))).unwrap();
    reviewer
        .note(None, "agree with the timeline", true)
        .unwrap();
    let mut raw = postgres::Client::connect(&as_role("rev_one"), postgres::NoTls).unwrap();
    for sql in [
        "DELETE FROM notes",
        "UPDATE custody_log SET examiner = 'x'",
        "INSERT INTO objects (kind) VALUES ('evidence')",
        "DELETE FROM custody_log",
    ] {
        let error = raw.batch_execute(sql).unwrap_err();
        let error = error
            .as_db_error()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        assert!(
            error.contains("denied") || error.contains("append-only"),
            "{sql}: {error}"
        );
    }

    let mut reader =
        PgCase::open(&as_role("read_one"), Some(session("Reader Three", None))).unwrap();
    assert!(reader.note(None, "should not be stored", false).is_err());
    let log = reader.custody_log().unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create_case", "note", "grant_role", "grant_role", "note"],
        "{log:#?}"
    );
    assert_eq!(log[4].examiner, "Reviewer Two");
    assert!(log[2].details_json.contains("\"rights\":\"reviewer\""));
    let report = verify_store_chain(&mut reader, None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
}
