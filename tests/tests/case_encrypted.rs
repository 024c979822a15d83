//! Encryption at rest, end to end: `case init --encrypt` makes a case file
//! with no plaintext in it; every `case` command works with the passphrase,
//! and refuses clearly without it or with a wrong one.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::Path;
use std::process::{Command, Output, Stdio};

use forensics_core::case::{Case, Passphrase, is_encrypted};
use forensics_e2e::{forensics_exe, json_lines};

const PASSPHRASE: &str = "correct horse battery staple";

fn case_cmd(args: &[&str], passphrase: Option<&str>) -> Output {
    let mut command = Command::new(forensics_exe());
    command
        .arg("case")
        .args(args)
        .env("FORENSICS_EXAMINER", "Enc Tester")
        .env_remove("FORENSICS_CASE_PASSPHRASE")
        .stdin(Stdio::null());
    if let Some(secret) = passphrase {
        command.env("FORENSICS_CASE_PASSPHRASE", secret);
    }
    command.output().expect("the forensics binary starts")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn build_encrypted_case(dir: &Path) -> (std::path::PathBuf, corpus::AnswerKey) {
    let options = corpus::ScenarioOptions::with_seed(77);
    let key = corpus::generate("fat16", &options, dir).unwrap();
    let image = dir.join(&key.image_files[0]);
    let case = dir.join("secret.case");
    let case_arg = case.to_str().unwrap();
    let init = case_cmd(
        &["init", case_arg, "--case-number", "ENC-1", "--encrypt"],
        Some(PASSPHRASE),
    );
    assert!(init.status.success(), "{}", stderr(&init));
    let add = case_cmd(
        &["add", case_arg, image.to_str().unwrap()],
        Some(PASSPHRASE),
    );
    assert!(add.status.success(), "{}", stderr(&add));
    (case, key)
}

#[test]
fn an_encrypted_case_holds_no_plaintext_and_works_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (case, key) = build_encrypted_case(dir.path());
    let case_arg = case.to_str().unwrap();
    assert!(is_encrypted(&case).unwrap());

    let bytes = std::fs::read(&case).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3"));
    for needle in [
        &b"ENC-1"[..],
        b"Enc Tester",
        b"create_case",
        b"CREATE TABLE",
    ] {
        assert!(
            !bytes.windows(needle.len()).any(|window| window == needle),
            "{} found in the encrypted case file",
            String::from_utf8_lossy(needle)
        );
    }

    let listed = case_cmd(&["ls", case_arg, "--json"], Some(PASSPHRASE));
    assert!(listed.status.success(), "{}", stderr(&listed));
    let paths: Vec<String> = json_lines(&listed.stdout)
        .iter()
        .filter_map(|row| row["path"].as_str().map(str::to_string))
        .collect();
    let some_key_file = key.filesystems[0]
        .files
        .iter()
        .find(|file| !file.is_dir)
        .unwrap();
    assert!(
        paths.iter().any(|path| path == &some_key_file.path),
        "{} not listed in {paths:?}",
        some_key_file.path
    );

    let verify = case_cmd(&["verify", case_arg], Some(PASSPHRASE));
    assert!(verify.status.success(), "{}", stderr(&verify));

    let opened = Case::open_with(&case, Some(&Passphrase::new(PASSPHRASE))).unwrap();
    assert_eq!(opened.info().unwrap().0.case_number, "ENC-1");
}

#[test]
fn an_encrypted_case_refuses_a_missing_or_wrong_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (case, _) = build_encrypted_case(dir.path());
    let case_arg = case.to_str().unwrap();

    let without = case_cmd(&["log", case_arg], None);
    assert_eq!(without.status.code(), Some(2), "{}", stderr(&without));
    assert!(
        stderr(&without).contains("FORENSICS_CASE_PASSPHRASE"),
        "{}",
        stderr(&without)
    );

    let wrong = case_cmd(&["verify", case_arg], Some("not the passphrase"));
    assert_ne!(wrong.status.code(), Some(0));
    assert!(stderr(&wrong).contains("passphrase"), "{}", stderr(&wrong));

    let error = Case::open(&case).unwrap_err().to_string();
    assert!(error.contains("encrypted"), "{error}");
    let error = Case::open_with(&case, Some(&Passphrase::new("wrong wrong")))
        .unwrap_err()
        .to_string();
    assert!(error.contains("passphrase"), "{error}");
}

#[test]
fn a_short_passphrase_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("weak.case");
    let init = case_cmd(
        &[
            "init",
            case.to_str().unwrap(),
            "--case-number",
            "W",
            "--encrypt",
        ],
        Some("short"),
    );
    assert_eq!(init.status.code(), Some(2), "{}", stderr(&init));
    assert!(!case.exists());
}
