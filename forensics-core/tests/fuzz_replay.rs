//! Replays the fuzz seeds (`fuzz/seeds/`) and the inputs the fuzzers once
//! crashed on (`tests/fixtures/fuzzed/`) as ordinary tests on the stable
//! toolchain.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use forensics_core::evidence::{Evidence, MemorySource, SegmentNaming, memdump};

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && path.extension().is_none_or(|e| e != "py"))
        .collect();
    files.sort();
    files
}

fn seeds(target: &str) -> Vec<PathBuf> {
    files_in(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fuzz/seeds")
            .join(target),
    )
}

fn fuzzed(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzzed")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Opens `bytes` as LiME or crash dump (by content) and reads around each
/// range, as the fuzz targets do.
fn open_and_read(bytes: Vec<u8>) -> Option<Evidence> {
    let head = bytes.get(..64).unwrap_or(&bytes).to_vec();
    let file = Arc::new(MemorySource::new(bytes));
    let evidence = if memdump::is_lime(&head) {
        memdump::lime_from_source(file, Path::new("replay.lime"))
    } else {
        memdump::crash_dump_from_source(file, Path::new("replay.dmp"))
    }
    .ok()?;
    let physical = evidence.physical.clone()?;
    let mut buf = vec![0u8; 8192];
    for range in &evidence.info.memory_ranges {
        let read = physical.read_at(range.physical_start.saturating_sub(3), &mut buf);
        assert!(read.is_ok(), "{read:?}");
    }
    Some(evidence)
}

#[test]
fn every_memory_dump_seed_opens_and_reads() {
    let files: Vec<PathBuf> = [seeds("lime"), seeds("crashdump")].concat();
    assert!(files.len() >= 6, "seeds missing: {files:?}");
    for path in files {
        let bytes = std::fs::read(&path).expect("seed readable");
        let evidence = open_and_read(bytes);
        assert!(evidence.is_some(), "{} does not open", path.display());
    }
}

#[test]
fn every_split_naming_seed_round_trips() {
    let files = seeds("split_naming");
    assert!(!files.is_empty());
    for path in files {
        let name = std::fs::read_to_string(&path).expect("seed is text");
        let naming = SegmentNaming::of_first_segment(&name).expect("seed is a first segment");
        assert_eq!(naming.segment_name(0).as_deref(), Some(name.as_str()));
        let second = naming.segment_name(1).expect("second segment name");
        assert_eq!(naming.segment_index(&second), Some(1));
    }
}

#[test]
fn every_fuzzed_input_is_refused_or_read_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzzed");
    for path in files_in(&dir) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let _ = open_and_read(fuzzed(name));
    }
}

#[test]
fn fat_seeds_walk_and_read_every_entry() {
    let files = seeds("fat");
    assert!(!files.is_empty(), "FAT seeds missing");
    for path in files {
        let bytes = std::fs::read(&path).expect("seed readable");
        let fs = forensics_core::fs::open(Arc::new(MemorySource::new(bytes))).expect("seed opens");
        let mut entries = Vec::new();
        let problems = fs.walk(&mut |e| entries.push(e)).expect("seed walks");
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        assert!(entries.iter().any(|e| e.path == "/DIR/Long file name.txt"));
        assert!(entries.iter().any(|e| e.deleted && e.path == "/_ONE.TXT"));
        for entry in entries
            .iter()
            .filter(|e| e.kind != forensics_core::fs::EntryKind::Directory)
        {
            let mut out = Vec::new();
            let written = fs.read_content(&entry.id, None, &mut out).expect("content");
            assert_eq!(written, entry.size, "{}", entry.path);
        }
    }
}
