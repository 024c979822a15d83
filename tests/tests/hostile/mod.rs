//! The hostile-image suite: corrupt and crafted evidence run through the
//! `forensics` binary as an examiner would (`info`, `ls -r`, `case add`,
//! which walks every volume and reads and hashes every file).
//!
//! Every case runs under a hard limit of [`WALL_LIMIT_SECONDS`] and
//! [`ADDRESS_SPACE_LIMIT_KIB`] of virtual memory (`ulimit -v`), so a hang or
//! an unbounded allocation fails the case instead of the machine. A case
//! passes when no command panics, is killed or exceeds the limits, and —
//! for damage that must be noticed — when `case add` reports an error or at
//! least one problem record.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

mod boundaries;
mod crafted;
mod images;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use forensics_e2e::forensics_exe;

/// Wall-clock limit for one command on one hostile image.
const WALL_LIMIT_SECONDS: u32 = 60;
/// Virtual memory limit for one command (the images are a few MiB).
const ADDRESS_SPACE_LIMIT_KIB: u64 = 3 * 1024 * 1024;

/// What a case must show besides not crashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The damage must be noticed: an error or a problem record.
    Noticed,
    /// Only robustness is asserted (a flipped bit may land in unused bytes).
    Survives,
}

/// One hostile image.
pub struct Case {
    /// Family and detail, e.g. `truncate/fat16/fat1-end`.
    pub name: String,
    /// The image bytes.
    pub bytes: Vec<u8>,
    /// File extension (`raw`, `E01`).
    pub extension: &'static str,
    /// What must be shown.
    pub expect: Expect,
}

impl Case {
    /// A case named `name`.
    pub fn new(name: impl Into<String>, bytes: Vec<u8>, expect: Expect) -> Self {
        Self {
            name: name.into(),
            bytes,
            extension: "raw",
            expect,
        }
    }

    /// The same case written as an E01 segment.
    pub fn e01(mut self) -> Self {
        self.extension = "E01";
        self
    }
}

/// Runs the binary under the time and memory limits.
fn limited(args: &[&str]) -> Output {
    let script = format!(
        "ulimit -v {ADDRESS_SPACE_LIMIT_KIB}; exec timeout -s KILL {WALL_LIMIT_SECONDS} \"$@\""
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg("sh")
        .arg(forensics_exe())
        .args(args)
        .env("FORENSICS_EXAMINER", "Hostile Tester")
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .expect("sh starts")
}

/// Why a command's outcome is a failure, if it is one.
fn crash(output: &Output) -> Option<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    match output.status.code() {
        Some(0..=2) if !stderr.contains("panicked") => None,
        Some(code) => Some(format!("exit {code}: {}", stderr.trim())),
        None => Some(format!(
            "killed (time or memory limit, or a signal): {}",
            stderr.trim()
        )),
    }
}

/// Runs one case; returns a failure message.
fn run_case(dir: &Path, index: usize, case: &Case) -> Option<String> {
    let image = dir.join(format!("case-{index}.{}", case.extension));
    std::fs::write(&image, &case.bytes).unwrap();
    let image_arg = image.to_str().unwrap();
    let case_file = dir.join(format!("case-{index}.case"));
    let case_arg = case_file.to_str().unwrap();
    let steps: [&[&str]; 4] = [
        &["info", "--json", image_arg],
        &["ls", "-r", "--json", image_arg],
        &["case", "init", case_arg, "--case-number", "HOSTILE"],
        &["case", "add", "--json", case_arg, image_arg],
    ];
    let mut add_output = None;
    for step in steps {
        let output = limited(step);
        if let Some(why) = crash(&output) {
            return Some(format!("{} {}: {why}", case.name, step[0]));
        }
        add_output = Some(output);
    }
    let _ = std::fs::remove_file(&image);
    if case.expect == Expect::Survives {
        return None;
    }
    let add = add_output.unwrap();
    let summary = String::from_utf8_lossy(&add.stdout);
    let noticed = add.status.code() != Some(0)
        || summary.lines().any(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            value["type"] == "evidence"
                && (!value["error"].is_null() || value["problems"].as_u64().unwrap_or(0) > 0)
        });
    (!noticed).then(|| format!("{}: damage not noticed: {summary}", case.name))
}

#[test]
fn hostile_images_give_errors_or_problems_within_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let bases = images::Bases::generate(dir.path());
    let mut cases = boundaries::truncations(&bases);
    cases.extend(boundaries::bit_flips(&bases));
    cases.extend(crafted::loops(&bases));
    cases.extend(crafted::absurd_sizes(&bases));
    cases.extend(crafted::bombs(&bases));
    let started = Instant::now();
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(index, case)| run_case(dir.path(), index, case))
        .collect();
    eprintln!(
        "hostile suite: {} cases, {} failed, {:.1} s",
        cases.len(),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
