//! E01 output: deterministic bytes, our reader gives back the raw image, and
//! libewf's `ewfverify` accepts it when installed.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::io::Read;

use common::{have_tool, sha256, small_options};
use corpus::OutputFormat;
use forensics_core::evidence;

fn e01_options(seed: u64) -> corpus::ScenarioOptions {
    let mut options = small_options("fat12", seed);
    options.format = OutputFormat::E01;
    options.segment_size_bytes = 1 << 20;
    options
}

fn segment_bytes(dir: &std::path::Path, files: &[String]) -> Vec<u8> {
    let mut all = Vec::new();
    for file in files {
        std::fs::File::open(dir.join(file))
            .unwrap()
            .read_to_end(&mut all)
            .unwrap();
    }
    all
}

#[test]
fn e01_output_is_deterministic_and_reads_back_as_the_raw_image() {
    let first_dir = tempfile::tempdir().unwrap();
    let key = corpus::generate("fat12", &e01_options(9), first_dir.path()).unwrap();
    assert_eq!(key.format, "e01");
    assert!(key.image_files.first().is_some_and(|f| f == "fat12.E01"));
    assert!(!first_dir.path().join("fat12.raw").exists());

    let second_dir = tempfile::tempdir().unwrap();
    let again = corpus::generate("fat12", &e01_options(9), second_dir.path()).unwrap();
    assert_eq!(again.image_files, key.image_files);
    assert_eq!(
        sha256(&segment_bytes(first_dir.path(), &key.image_files)),
        sha256(&segment_bytes(second_dir.path(), &again.image_files)),
        "same seed, same E01 bytes"
    );

    let opened = evidence::open(&first_dir.path().join("fat12.E01")).unwrap();
    assert_eq!(opened.source.len(), key.image_size);
    let mut media = vec![0u8; key.image_size as usize];
    evidence::read_exact_at(opened.source.as_ref(), 0, &mut media).unwrap();
    assert_eq!(sha256(&media), key.image_hashes.sha256);
    assert_eq!(
        opened.info.stored_hashes.md5.as_deref(),
        Some(key.image_hashes.md5.as_str())
    );
    assert_eq!(
        opened.info.metadata_value("case_number"),
        Some("CORPUS-fat12")
    );
    assert!(
        opened.info.problems.is_empty(),
        "{:?}",
        opened.info.problems
    );
}

#[test]
fn ewfverify_accepts_corpus_e01_output() {
    if !have_tool("ewfverify") {
        println!("skipped: ewfverify not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    corpus::generate("fat12", &e01_options(4), dir.path()).unwrap();
    let output = std::process::Command::new("ewfverify")
        .arg("-q")
        .arg(dir.path().join("fat12.E01"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("SUCCESS"), "{text}");
}
