//! Tampering with a case, as an attacker holding the file would (triggers
//! dropped first), must make `verify_case` fail naming the entry or evidence.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use forensics_core::case::custody::entry_hash;
use forensics_core::case::ingest::{self, IngestOptions, NoProgress};
use forensics_core::case::keys::SigningKey;
use forensics_core::case::verify::{Subject, verify_case};
use forensics_core::case::{Case, CaseInfo, Session, SteppingClock};
use forensics_core::fs::Timestamp;
use rusqlite::{Connection, params};

fn session(key: Option<SigningKey>) -> Session {
    let clock = SteppingClock::new(Timestamp::from_unix_seconds(1_700_000_000).unwrap());
    let mut session = Session::new("Examiner One", Box::new(clock));
    session.command_line = vec!["test".into()];
    session.host = "lab-host".into();
    session.signing_key = key;
    session
}

/// A case with one raw evidence item, a tag and a note: entries 1..=7.
fn make_case(dir: &Path, key: Option<SigningKey>) -> (PathBuf, PathBuf) {
    let evidence = dir.join("disk.raw");
    let bytes: Vec<u8> = (0..200_000u32).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&evidence, bytes).unwrap();
    let case_path = dir.join("case.fcase");
    let info = CaseInfo {
        case_number: "2026-042".into(),
        title: "Tamper test".into(),
        examiner: "Examiner One".into(),
    };
    let mut case = Case::create(&case_path, &info, session(key)).unwrap();
    ingest::add_evidence(
        &mut case,
        std::slice::from_ref(&evidence),
        &IngestOptions::default(),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    case.tag(1, "seized").unwrap();
    case.note(Some(1), "bag 7, seal intact", true).unwrap();
    (case_path, evidence)
}

fn attacker(case_path: &Path) -> Connection {
    let conn = Connection::open(case_path).unwrap();
    for table in ["custody_log", "tags", "notes"] {
        conn.execute_batch(&format!(
            "DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete;"
        ))
        .unwrap();
    }
    conn
}

/// Recomputes `entry_hash` and `prev_hash` of every entry from `from_seq` on,
/// as an attacker rewriting the chain would (signatures are left as they are).
fn rehash_from(conn: &Connection, from_seq: i64) {
    let rows: Vec<(i64, String, String, String, String)> = conn
        .prepare("SELECT seq, at_utc, examiner, action, details_json FROM custody_log ORDER BY seq")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut prev = forensics_core::case::custody::GENESIS_HASH.to_string();
    for (seq, at, examiner, action, details) in rows {
        if seq >= from_seq {
            let hash = entry_hash(seq as u64, &at, &examiner, &action, &details, &prev);
            conn.execute(
                "UPDATE custody_log SET prev_hash = ?1, entry_hash = ?2 WHERE seq = ?3",
                params![prev, hash, seq],
            )
            .unwrap();
        }
        prev = conn
            .query_row(
                "SELECT entry_hash FROM custody_log WHERE seq = ?1",
                [seq],
                |r| r.get(0),
            )
            .unwrap();
    }
}

fn first_subject(case_path: &Path, expect_head: Option<&str>) -> Subject {
    let report = verify_case(case_path, expect_head).unwrap();
    assert!(!report.holds(), "tampering went unnoticed");
    report.failures[0].subject.clone()
}

#[test]
fn an_untouched_case_verifies_and_its_head_matches() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let head = Case::open(&case_path)
        .unwrap()
        .chain_head()
        .unwrap()
        .unwrap();
    let report = verify_case(&case_path, Some(&head)).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(report.evidence_checked, 1);
    assert!(report.entries >= 7, "{report:?}");
}

#[test]
fn the_triggers_refuse_update_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = Connection::open(&case_path).unwrap();
    let update = conn.execute("UPDATE custody_log SET examiner = 'x' WHERE seq = 2", []);
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = conn.execute("DELETE FROM custody_log WHERE seq = 2", []);
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    // Examiners' tags and notes are append-only too.
    for sql in [
        "UPDATE tags SET examiner = 'x'",
        "DELETE FROM tags",
        "UPDATE notes SET text = 'x'",
        "DELETE FROM notes",
    ] {
        let refused = conn.execute(sql, []).unwrap_err().to_string();
        assert!(refused.contains("append-only"), "{sql}: {refused}");
    }
}

#[test]
fn an_edited_entry_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = attacker(&case_path);
    conn.execute(
        "UPDATE custody_log SET examiner = 'Somebody Else' WHERE seq = 3",
        [],
    )
    .unwrap();
    drop(conn);
    assert_eq!(first_subject(&case_path, None), Subject::Entry { seq: 3 });
}

#[test]
fn a_deleted_entry_is_named_by_the_gap() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = attacker(&case_path);
    conn.execute("DELETE FROM custody_log WHERE seq = 3", [])
        .unwrap();
    drop(conn);
    assert_eq!(first_subject(&case_path, None), Subject::Entry { seq: 4 });
}

#[test]
fn an_inserted_entry_breaks_the_link_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = attacker(&case_path);
    conn.execute("UPDATE custody_log SET seq = seq + 1000 WHERE seq >= 3", [])
        .unwrap();
    conn.execute(
        "UPDATE custody_log SET seq = seq - 999 WHERE seq >= 1000",
        [],
    )
    .unwrap();
    let prev: String = conn
        .query_row(
            "SELECT entry_hash FROM custody_log WHERE seq = 2",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let details = r#"{"note":"forged"}"#;
    let hash = entry_hash(
        3,
        "2023-11-14T22:13:21Z",
        "Examiner One",
        "note",
        details,
        &prev,
    );
    conn.execute(
        "INSERT INTO custody_log (seq, at_utc, examiner, action, details_json, prev_hash, entry_hash)
         VALUES (3, '2023-11-14T22:13:21Z', 'Examiner One', 'note', ?1, ?2, ?3)",
        params![details, prev, hash],
    )
    .unwrap();
    drop(conn);
    assert_eq!(first_subject(&case_path, None), Subject::Entry { seq: 4 });
}

#[test]
fn swapped_entries_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = attacker(&case_path);
    conn.execute_batch(
        "UPDATE custody_log SET seq = -1 WHERE seq = 4;
         UPDATE custody_log SET seq = 4 WHERE seq = 5;
         UPDATE custody_log SET seq = 5 WHERE seq = -1;",
    )
    .unwrap();
    drop(conn);
    assert_eq!(first_subject(&case_path, None), Subject::Entry { seq: 4 });
}

#[test]
fn a_rewritten_chain_passes_alone_but_fails_the_recorded_head() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let head = Case::open(&case_path)
        .unwrap()
        .chain_head()
        .unwrap()
        .unwrap();
    let conn = attacker(&case_path);
    conn.execute(
        "UPDATE custody_log SET details_json = replace(details_json, 'seized', 'returned') WHERE seq = 6",
        [],
    )
    .unwrap();
    conn.execute("UPDATE tags SET tag = 'returned'", [])
        .unwrap();
    rehash_from(&conn, 6);
    drop(conn);
    assert!(verify_case(&case_path, None).unwrap().holds());
    assert_eq!(first_subject(&case_path, Some(&head)), Subject::Head);
}

#[test]
fn a_wrong_expected_head_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    assert_eq!(
        first_subject(&case_path, Some(&"ab".repeat(32))),
        Subject::Head
    );
}

#[test]
fn signed_entries_cannot_be_rewritten_without_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), Some(SigningKey::from_seed([9; 32])));
    let report = verify_case(&case_path, None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(report.signed_entries, report.entries);

    let conn = attacker(&case_path);
    conn.execute(
        "UPDATE custody_log SET details_json = replace(details_json, 'seized', 'returned') WHERE seq = 7",
        [],
    )
    .unwrap();
    rehash_from(&conn, 7);
    drop(conn);
    assert_eq!(first_subject(&case_path, None), Subject::Entry { seq: 7 });

    // Stripping the signatures does not help either.
    let conn = Connection::open(&case_path).unwrap();
    conn.execute(
        "UPDATE custody_log SET signature = NULL, key_id = NULL WHERE seq >= 7",
        [],
    )
    .unwrap();
    drop(conn);
    let report = verify_case(&case_path, None).unwrap();
    assert_eq!(report.failures[0].subject, Subject::Entry { seq: 7 });
    assert!(
        report.failures[0].message.contains("unsigned"),
        "{report:?}"
    );
}

#[test]
fn one_changed_evidence_byte_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, evidence) = make_case(dir.path(), None);
    let mut bytes = std::fs::read(&evidence).unwrap();
    bytes[123_456] ^= 1;
    std::fs::write(&evidence, bytes).unwrap();
    match first_subject(&case_path, None) {
        Subject::Evidence { object_id, path } => {
            assert_eq!(object_id, 1);
            assert!(path.ends_with("disk.raw"), "{path}");
        }
        other => panic!("expected the evidence to be named, got {other:?}"),
    }
}

#[test]
fn a_changed_intake_digest_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, _) = make_case(dir.path(), None);
    let conn = Connection::open(&case_path).unwrap();
    conn.execute(
        "UPDATE evidence SET md5 = '00000000000000000000000000000000'",
        [],
    )
    .unwrap();
    drop(conn);
    assert!(matches!(
        first_subject(&case_path, None),
        Subject::Evidence { object_id: 1, .. }
    ));
}

#[test]
fn adding_the_same_evidence_again_changes_nothing_but_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (case_path, evidence) = make_case(dir.path(), None);
    let mut case = Case::open(&case_path).unwrap();
    let before = case.normalised_dump().unwrap();
    case.set_session(session(None)).unwrap();
    let summary = ingest::add_evidence(
        &mut case,
        &[evidence],
        &IngestOptions::default(),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert!(summary.evidence[0].already_done);
    assert_eq!(case.normalised_dump().unwrap(), before);
    let problems = case.problems().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("file system not read"),
        "{problems:?}"
    );
}
