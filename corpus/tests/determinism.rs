//! Same seed → byte-identical images and keys; different seeds differ.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{sha256, small_options};
use corpus::{Determinism, OutputFormat};

fn build(name: &str, seed: u64) -> (String, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = corpus::generate(name, &small_options(name, seed), dir.path()).expect("generate");
    let image = std::fs::read(dir.path().join(format!("{name}.raw"))).expect("image");
    let key_text =
        std::fs::read_to_string(dir.path().join(format!("{name}.key.json"))).expect("key");
    assert_eq!(
        sha256(&image),
        key.image_hashes.sha256,
        "{name}: key hash is the image hash"
    );
    assert_eq!(image.len() as u64, key.image_size);
    (sha256(&image), sha256(key_text.as_bytes()))
}

#[test]
fn same_seed_same_bytes_and_different_seed_differs() {
    // `ntfs` (content-deterministic) and `ntfs-small` (fixed) are checked
    // in tests/ntfs.rs.
    let byte_deterministic = corpus::scenarios()
        .iter()
        .filter(|s| s.determinism == Determinism::Bytes);
    for scenario in byte_deterministic {
        let first = build(scenario.name, 11);
        let second = build(scenario.name, 11);
        assert_eq!(
            first, second,
            "{}: same seed must give identical output",
            scenario.name
        );
        let other = build(scenario.name, 12);
        assert_ne!(
            first.0, other.0,
            "{}: different seeds must give different images",
            scenario.name
        );
        assert_ne!(
            first.1, other.1,
            "{}: different seeds must give different keys",
            scenario.name
        );
    }
}

#[test]
fn split_output_joins_to_the_raw_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = small_options("fat12", 5);
    options.format = OutputFormat::Split;
    options.segment_size_bytes = 512 * 1024;
    let key = corpus::generate("fat12", &options, dir.path()).expect("generate");
    assert_eq!(
        key.image_files,
        ["fat12.001", "fat12.002", "fat12.003", "fat12.004"]
    );
    assert!(!dir.path().join("fat12.raw").exists());
    let mut joined = Vec::new();
    for file in &key.image_files {
        joined.extend(std::fs::read(dir.path().join(file)).expect("segment"));
    }
    assert_eq!(sha256(&joined), key.image_hashes.sha256);
    assert_eq!(key.format, "split");
}

#[test]
fn unknown_scenario_and_bad_options_are_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(corpus::generate("nope", &small_options("fat12", 1), dir.path()).is_err());
    let mut options = small_options("fat32", 1);
    options.image_size_bytes = Some(1 << 20);
    assert!(corpus::generate("fat32", &options, dir.path()).is_err());
    let mut options = small_options("fat12", 1);
    options.noise = 2.0;
    assert!(corpus::generate("fat12", &options, dir.path()).is_err());
}
