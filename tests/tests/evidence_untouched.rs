//! Evidence is sacred: no command may change an evidence file's bytes or its
//! modification time.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::SystemTime;

use corpus::{OutputFormat, ScenarioOptions};
use forensics_e2e::forensics;

/// Contents and modification time of a file.
fn fingerprint(path: &Path) -> (Vec<u8>, SystemTime) {
    let bytes = std::fs::read(path).unwrap();
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    (bytes, modified)
}

/// Every read-only command; `{}` stands for the evidence path.
const COMMANDS: &[&[&str]] = &[
    &["info", "{}"],
    &["info", "--json", "{}"],
    &["hash", "{}"],
    &["hash", "--json", "--piecewise", "1M", "{}"],
    &["ls", "-r", "{}"],
    &["ls", "-r", "--json", "{}"],
    &["ls", "-r", "--bodyfile", "{}"],
    &["ls", "-r", "--deleted", "{}"],
    &["timeline", "{}"],
    &["timeline", "--format", "csv", "{}"],
    &["cat", "{}", "/reused cluster.txt"],
];

fn run_all_and_compare(image: &Path, extra: &[&[&str]]) {
    let before = fingerprint(image);
    let image_arg = image.to_str().unwrap();
    for command in COMMANDS.iter().chain(extra) {
        let args: Vec<&str> = command
            .iter()
            .map(|a| if *a == "{}" { image_arg } else { a })
            .collect();
        let output = forensics(&args);
        assert!(
            output.status.success(),
            "forensics {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            fingerprint(image),
            before,
            "forensics {args:?} changed the evidence"
        );
    }
}

#[test]
fn no_command_changes_a_raw_image() {
    let dir = tempfile::tempdir().unwrap();
    corpus::generate("fat16", &ScenarioOptions::with_seed(5), dir.path()).unwrap();
    run_all_and_compare(&dir.path().join("fat16.raw"), &[]);
}

#[test]
fn no_command_changes_an_e01_image() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = ScenarioOptions::with_seed(6);
    options.format = OutputFormat::E01;
    corpus::generate("fat16", &options, dir.path()).unwrap();
    run_all_and_compare(
        &dir.path().join("fat16.E01"),
        &[&["verify", "{}"], &["verify", "--json", "{}"]],
    );
}
