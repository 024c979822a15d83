//! `case add --carve --scan`: carved files from the space no file system
//! uses are stored as objects with their digests, features are stored with
//! the file that holds them, each stage has its custody entry, the case
//! verifies, and running the command again stores nothing twice.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::Path;
use std::process::Command;

use corpus::ScenarioOptions;
use forensics_core::case::Case;
use forensics_e2e::{forensics_exe, json_lines};

fn case_cmd(args: &[&str]) -> serde_json::Value {
    let output = Command::new(forensics_exe())
        .arg("case")
        .args(args)
        .env("FORENSICS_EXAMINER", "Stage Tester")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    if !args.contains(&"--json") {
        return serde_json::Value::Null;
    }
    json_lines(&output.stdout)
        .into_iter()
        .find(|line| line["type"] == "evidence")
        .unwrap_or_default()
}

fn count(case: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(case).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

#[test]
fn carving_and_scanning_through_a_case_store_once_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("fat16", &ScenarioOptions::with_seed(4), dir.path()).unwrap();
    let image = dir.path().join(&key.image_files[0]);
    let case = dir.path().join("stages.case");
    let (case_arg, image_arg) = (case.to_str().unwrap(), image.to_str().unwrap());
    case_cmd(&["init", case_arg, "--case-number", "ST-1"]);
    let add = ["add", case_arg, image_arg, "--carve", "--scan", "--json"];
    let first = case_cmd(&add);
    let carved = first["carved_files"].as_u64().unwrap();
    assert!(carved > 0, "nothing carved: {first}");

    let deleted: Vec<&str> = key
        .all_files()
        .filter(|(_, f)| f.deleted)
        .map(|(_, f)| f.digests.sha256.as_str())
        .collect();
    let conn = rusqlite::Connection::open(&case).unwrap();
    let mut statement = conn
        .prepare("SELECT c.sha256, c.status, o.kind FROM carved_files c JOIN objects o ON o.id = c.object_id")
        .unwrap();
    let rows: Vec<(String, String, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.iter().all(|(_, _, kind)| kind == "carved"));
    assert!(
        rows.iter()
            .any(|(sha, status, _)| status == "complete" && deleted.contains(&sha.as_str())),
        "no deleted file recovered by carving: {rows:?}"
    );
    drop(statement);
    drop(conn);

    let features_before = count(&case, "SELECT count(*) FROM features");
    let dump_before = Case::open(&case).unwrap().normalised_dump().unwrap();
    let second = case_cmd(&add);
    assert_eq!(second["carved_files"], first["carved_files"]);
    assert_eq!(
        count(&case, "SELECT count(*) FROM features"),
        features_before
    );
    assert_eq!(
        Case::open(&case).unwrap().normalised_dump().unwrap(),
        dump_before
    );
    for action in ["carve", "scan"] {
        let sql = format!("SELECT count(*) FROM custody_log WHERE action = '{action}'");
        assert_eq!(count(&case, &sql), 1, "{action} entries");
    }
    case_cmd(&["verify", case_arg]);

    let tampered = dir.path().join("tampered.case");
    std::fs::copy(&case, &tampered).unwrap();
    let conn = rusqlite::Connection::open(&tampered).unwrap();
    conn.execute(
        "UPDATE carved_files SET status = 'complete' WHERE carve_index = 0",
        [],
    )
    .unwrap();
    conn.execute(
        "UPDATE carved_files SET sha256 = 'forged' WHERE carve_index = 0",
        [],
    )
    .unwrap();
    drop(conn);
    let verify = Command::new(forensics_exe())
        .args(["case", "verify", tampered.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        verify.status.code(),
        Some(1),
        "an edited carved row must fail verification"
    );
    assert!(String::from_utf8_lossy(&verify.stdout).contains("carved_files"));

    let report = dir.path().join("report.html");
    let report_arg = report.to_str().unwrap();
    case_cmd(&[
        "report",
        case_arg,
        "--format",
        "html",
        "--out",
        report_arg,
        "--no-verify",
    ]);
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Carved files") && html.contains("Features (most frequent values)"));
    let recovered = rows
        .iter()
        .find(|(_, status, _)| status == "complete")
        .unwrap();
    assert!(
        html.contains(&recovered.0),
        "carved file missing from the report"
    );
}

#[test]
fn features_of_a_memory_dump_are_stored_with_their_places() {
    let dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("memdump", &ScenarioOptions::with_seed(11), dir.path()).unwrap();
    let image = dir.path().join(&key.image_files[0]);
    let case = dir.path().join("dump.case");
    let case_arg = case.to_str().unwrap();
    case_cmd(&["init", case_arg, "--case-number", "ST-2"]);
    let summary = case_cmd(&["add", case_arg, image.to_str().unwrap(), "--scan", "--json"]);
    assert!(summary["features"].as_u64().unwrap() > 0, "{summary}");
    let conn = rusqlite::Connection::open(&case).unwrap();
    let expected: Vec<_> = key
        .features
        .iter()
        .filter(|f| f.valid != Some(false))
        .collect();
    assert!(!expected.is_empty());
    for feature in expected {
        let found: i64 = conn
            .query_row(
                "SELECT count(*) FROM features WHERE value = ?1
                 AND (forensic_path = ?2 OR (?2 IS NULL AND image_offset = ?3))",
                rusqlite::params![
                    feature.value,
                    feature.forensic_path,
                    feature.image_offset as i64
                ],
                |row| row.get(0),
            )
            .unwrap();
        assert!(found >= 1, "{} {} not stored", feature.kind, feature.value);
    }
    let histogram = Case::open(&case).unwrap().feature_histogram(1000).unwrap();
    let some = key
        .features
        .iter()
        .find(|f| f.valid != Some(false))
        .unwrap();
    assert!(
        histogram
            .iter()
            .any(|entry| entry.value == some.value && entry.count >= 1)
    );
}
