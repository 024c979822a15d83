//! Determinism: the same evidence and options give byte-identical output
//! with one thread and with several — JSON of every command that has a
//! thread option or runs in parallel, and the case contents.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use forensics_core::case::Case;
use forensics_e2e::forensics_exe;

/// Thread counts compared with one thread (more than the machine's cores
/// too: the split of the work must not depend on the core count).
const MANY_THREADS: [&str; 2] = ["2", "7"];

fn run(args: &[&str], threads: &str) -> Output {
    let output = Command::new(forensics_exe())
        .args(args)
        .env("RAYON_NUM_THREADS", threads)
        .env("FORENSICS_EXAMINER", "Determinism Tester")
        .output()
        .expect("the forensics binary starts");
    assert!(
        output.status.success(),
        "{args:?} with {threads} threads: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn image(dir: &Path, scenario: &str) -> PathBuf {
    let options = corpus::ScenarioOptions::with_seed(4242);
    let key = corpus::generate(scenario, &options, dir).unwrap();
    dir.join(&key.image_files[0])
}

/// Runs `args` (with `{T}` replaced by the thread count) with one thread and
/// with each of [`MANY_THREADS`], and asserts identical standard output.
fn assert_same_stdout(args: &[&str]) {
    let with = |threads: &str| {
        let args: Vec<String> = args.iter().map(|a| a.replace("{T}", threads)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, threads).stdout
    };
    let single = with("1");
    assert!(!single.is_empty(), "{args:?} printed nothing");
    for threads in MANY_THREADS {
        assert!(
            single == with(threads),
            "{args:?}: output with 1 and {threads} threads differs"
        );
    }
}

#[test]
fn hashes_and_piecewise_hashes_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let disk = image(dir.path(), "disk-mbr");
    let disk = disk.to_str().unwrap();
    assert_same_stdout(&[
        "hash",
        disk,
        "--json",
        "--threads",
        "{T}",
        "--piecewise",
        "1048577",
    ]);
}

#[test]
fn listings_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let disk = image(dir.path(), "disk-gpt");
    let disk = disk.to_str().unwrap();
    for partition in ["1", "2"] {
        assert_same_stdout(&["ls", disk, "-p", partition, "-r", "--json"]);
    }
}

#[test]
fn case_contents_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let disk = image(dir.path(), "disk-mbr");
    let mut dumps = Vec::new();
    for threads in ["1", MANY_THREADS[0], MANY_THREADS[1]] {
        let case = dir.path().join(format!("threads-{threads}.case"));
        let case = case.to_str().unwrap();
        run(&["case", "init", case, "--case-number", "DET-1"], threads);
        run(
            &[
                "case",
                "add",
                case,
                disk.to_str().unwrap(),
                "--threads",
                threads,
            ],
            threads,
        );
        dumps.push(
            Case::open(Path::new(case))
                .unwrap()
                .normalised_dump()
                .unwrap(),
        );
    }
    assert!(
        dumps[0].len() > 100,
        "the case holds too little: {}",
        dumps[0].len()
    );
    for (dump, threads) in dumps[1..].iter().zip(MANY_THREADS) {
        assert!(
            &dumps[0] == dump,
            "case contents with 1 and {threads} threads differ"
        );
    }
}
