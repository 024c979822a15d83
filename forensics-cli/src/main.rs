//! `forensics`: parse arguments, call `forensics-core`, print (human or JSON Lines).
//!
//! Exit codes: 0 success, 1 a finding that fails (hash mismatch, broken custody
//! chain), 2 a usage or input error with a one-line message.
#![forbid(unsafe_code)]

mod args;
mod args_batch;
mod args_case;
mod cmd;
mod output;

use std::process::ExitCode;

use clap::Parser;

/// How a command ended when it did not fail.
pub(crate) enum Outcome {
    /// Everything checked holds.
    Success,
    /// A finding fails: a digest mismatch, a broken chain.
    FindingFailed,
}

fn main() -> ExitCode {
    let args = args::Args::parse();
    match cmd::run(args) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::FindingFailed) => ExitCode::from(1),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("forensics: {}", one_line(&err));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes on one line, without repeating a cause that the
/// message above already contains.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace('\n', " ")
}
