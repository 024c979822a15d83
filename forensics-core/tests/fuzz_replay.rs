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

#[test]
fn volume_seeds_give_their_partition_tables() {
    let files = seeds("volume");
    assert_eq!(files.len(), 2, "volume seeds missing: {files:?}");
    for path in files {
        let bytes = std::fs::read(&path).expect("seed readable");
        let media = MemorySource::new(bytes);
        let table = forensics_core::volume::detect(&media)
            .expect("a seed reads")
            .expect("a seed has a partition table");
        assert!(!table.partitions.is_empty(), "{}", path.display());
        // The seeds are the first 64 KiB of larger disks: what lies beyond
        // is reported, not read.
        assert!(!table.problems.is_empty(), "{}", path.display());
    }
}

#[test]
fn hash_set_seeds_read_and_open() {
    use forensics_core::hash::Algorithm;
    use forensics_core::hash::sets::{DigestSet, read_list};
    let files = seeds("hashset");
    assert_eq!(files.len(), 4, "hash-set seeds missing: {files:?}");
    let dir = tempfile::tempdir().unwrap();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.ends_with("-body") {
            let mut bytes = std::fs::read(&path).unwrap();
            bytes.extend_from_slice(blake3::hash(&bytes).as_bytes());
            let set_path = dir.path().join("seed.fhs");
            std::fs::write(&set_path, bytes).unwrap();
            let set = DigestSet::open(&set_path).expect("the seed set opens");
            let md5_of_abc = forensics_core::hash::from_hex("900150983cd24fb0d6963f7d28e17f72");
            assert!(set.contains(Algorithm::Md5, &md5_of_abc.unwrap()).is_some());
        } else {
            let mut entries = 0;
            read_list(&path, Algorithm::Sha256, &mut |_, _| {
                entries += 1;
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(entries >= 1, "{name}");
        }
    }
}

#[test]
fn bundle_seed_verifies_and_a_changed_byte_fails() {
    use forensics_core::report::bundle::verify_bundle;
    let files = seeds("bundle");
    let zip = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "zip"))
        .expect("the bundle seed");
    let check = verify_bundle(zip).unwrap();
    assert!(check.holds(), "{:?}", check.failures);
    assert_eq!(check.files_checked, 2, "the tagged file and the report");
    // One byte of the first entry's data changed (its local header is at
    // offset 0: 30 bytes, then the name and the extra field).
    let mut bytes = std::fs::read(zip).unwrap();
    let name_len = usize::from(u16::from_le_bytes([bytes[26], bytes[27]]));
    let extra_len = usize::from(u16::from_le_bytes([bytes[28], bytes[29]]));
    bytes[30 + name_len + extra_len] ^= 0x01;
    let dir = tempfile::tempdir().unwrap();
    let changed = dir.path().join("changed.zip");
    std::fs::write(&changed, bytes).unwrap();
    let check = verify_bundle(&changed).unwrap();
    assert!(!check.holds());
}

#[test]
fn batch_manifest_seeds_parse_and_keep_their_unit_ids() {
    let files = seeds("batch_manifest");
    assert!(files.len() >= 2, "seeds missing: {files:?}");
    let mut parsed = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        if let Ok(units) = forensics_core::batch::parse_manifest(bytes.as_slice(), &path) {
            let mut written = Vec::new();
            forensics_core::batch::write_manifest(&units, &mut written).unwrap();
            assert_eq!(written, bytes, "{} does not round-trip", path.display());
            parsed += units.len();
        }
    }
    assert!(
        parsed >= 10,
        "the range-split seed holds 12 valid units, {parsed} parsed"
    );
}
