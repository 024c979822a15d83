//! The command-line contract: usage errors exit 2, `--version` names the tool.
#![allow(clippy::unwrap_used)]

use std::process::Command;

fn forensics(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_forensics"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn version_names_the_tool() {
    let output = forensics(&["--version"]);
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("forensics "));
}

#[test]
fn an_unknown_verb_is_a_usage_error_with_exit_code_2() {
    let output = forensics(&["frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
}
