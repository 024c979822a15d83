//! Helpers for the workspace end-to-end tests in `tests/tests/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `forensics` binary built for this test run.
///
/// `cargo test --workspace` builds it (the CLI crate's own tests need it); a
/// lone `cargo test -p forensics-e2e` asks for it to be built first.
pub fn forensics_exe() -> PathBuf {
    let test_exe = std::env::current_exe().expect("the test binary knows its path");
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("test binaries live in target/<profile>/deps");
    let exe = profile_dir.join(format!("forensics{}", std::env::consts::EXE_SUFFIX));
    assert!(
        exe.exists(),
        "{} is missing: run `cargo build -p forensics-cli` (or `cargo test --workspace`)",
        exe.display()
    );
    exe
}

/// Runs `forensics` with `args` and returns what it printed and its exit code.
pub fn forensics(args: &[&str]) -> Output {
    Command::new(forensics_exe())
        .args(args)
        .output()
        .expect("the forensics binary starts")
}

/// Parses JSON Lines output into values, failing on any line that is not JSON.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("every --json line is a JSON object"))
        .collect()
}

/// Runs `forensics` as `examiner` (through `FORENSICS_EXAMINER`) and fails
/// the test, with what it printed, unless it succeeds.
pub fn forensics_as(examiner: &str, args: &[&str]) -> Output {
    let output = Command::new(forensics_exe())
        .args(args)
        .env("FORENSICS_EXAMINER", examiner)
        .output()
        .expect("the forensics binary starts");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}
