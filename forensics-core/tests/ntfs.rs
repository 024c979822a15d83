//! NTFS reader against the committed test volume (`tests/data/ntfs-small.*`,
//! made by `tests/data/make-ntfs-small.sh`): answer key, TSK agreement,
//! streams, compression, fragments, free space, initialized size.
#![allow(clippy::unwrap_used)]

use crate::ntfs_support;

use forensics_core::fs::{self, EntryKind, FsType};
use ntfs_support::*;

#[test]
fn listing_and_content_match_the_answer_key() {
    let fs = open(image()).expect("open");
    assert_eq!(fs.fs_type(), FsType::Ntfs);
    let (listed, problems) = entries(fs.as_ref());
    assert!(problems.is_empty(), "{problems:?}");
    for file in key_files() {
        let path = file["path"].as_str().expect("path");
        let deleted = file["deleted"].as_bool().expect("deleted");
        let entry = listed
            .iter()
            .find(|e| e.path == path && e.deleted == deleted)
            .unwrap_or_else(|| panic!("{path} (deleted: {deleted}) not listed"));
        assert_eq!(entry.size, file["size"].as_u64().expect("size"), "{path}");
        assert_eq!(sha256_of(fs.as_ref(), &entry.id), file["sha256"], "{path}");
        if path.contains(':') {
            assert_eq!(entry.kind, EntryKind::Stream, "{path}");
            assert_eq!(entry.id.split('-').nth(1), Some("128"), "{path}");
        } else {
            assert_eq!(entry.kind, EntryKind::File, "{path}");
            assert!(entry.id.parse::<u64>().is_ok(), "{path}: id {}", entry.id);
            assert!(entry.times.modified.is_some() && entry.times.created.is_some());
            assert!(entry.fn_times.is_some(), "{path}: $FILE_NAME times");
        }
    }
}

#[test]
fn streams_compression_fragments_and_system_files_are_shown() {
    let fs = open(image()).expect("open");
    let (listed, _) = entries(fs.as_ref());
    let by_path = |p: &str| listed.iter().find(|e| e.path == p).expect(p);
    assert_eq!(by_path("/Downloads/setup.exe").streams, ["Zone.Identifier"]);
    for system in [
        "/$MFT",
        "/$MFTMirr",
        "/$LogFile",
        "/$Bitmap",
        "/$UpCase",
        "/$Extend",
    ] {
        by_path(system);
    }
    assert!(
        listed
            .iter()
            .any(|e| e.path == "/$OrphanFiles/OrphanFile-16" && e.deleted)
    );
    let fragmented = by_path("/Temp/fragmented.dat");
    assert!(fragmented.byte_runs.len() > 1, "{:?}", fragmented.byte_runs);
    let covered: u64 = fragmented.byte_runs.iter().map(|r| r.len_bytes).sum();
    assert_eq!(covered, fragmented.size);
    // Compressed files decompress (the key's hashes are of the plain text).
    let compressed = by_path("/Compressed/log.txt");
    let mut content = Vec::new();
    fs.read_content(&compressed.id, None, &mut content)
        .expect("read");
    assert!(content.starts_with(b"compressed log line 000000"));
    // Walk order: parents before children, siblings sorted.
    let paths: Vec<&str> = listed.iter().map(|e| e.path.as_str()).collect();
    let docs = paths.iter().position(|p| *p == "/Documents").expect("dir");
    let tiny = paths
        .iter()
        .position(|p| *p == "/Documents/tiny.txt")
        .expect("file");
    assert!(docs < tiny);
    // Named stream by name and by id agree.
    let mut by_name = Vec::new();
    let exe = by_path("/Downloads/setup.exe");
    fs.read_content(&exe.id, Some("Zone.Identifier"), &mut by_name)
        .expect("stream");
    assert!(by_name.starts_with(b"[ZoneTransfer]"));
    assert!(matches!(
        fs.read_content(&exe.id, Some("nope"), &mut Vec::new()),
        Err(fs::Error::NotFound { .. })
    ));
}

#[test]
fn unallocated_ranges_avoid_every_allocated_file() {
    let bytes = image();
    let volume_len = bytes.len() as u64;
    let fs = open(bytes).expect("open");
    let free = fs.unallocated().expect("bitmap");
    assert!(!free.is_empty());
    assert!(
        free.windows(2)
            .all(|w| w[0].image_offset + w[0].len_bytes < w[1].image_offset)
    );
    assert!(
        free.iter()
            .all(|r| r.image_offset + r.len_bytes <= volume_len)
    );
    let (listed, _) = entries(fs.as_ref());
    for entry in listed.iter().filter(|e| !e.deleted) {
        for run in &entry.byte_runs {
            let Some(start) = run.volume_offset else {
                continue;
            };
            let end = start + run.len_bytes;
            let overlaps = free
                .iter()
                .any(|r| start < r.image_offset + r.len_bytes && r.image_offset < end);
            assert!(
                !overlaps || run.len_bytes == 0,
                "{} overlaps free space",
                entry.path
            );
        }
    }
}

#[test]
fn bytes_past_the_initialized_size_read_as_zeros() {
    let clean = image();
    let fs = open(clean.clone()).expect("open");
    let number = id_of(fs.as_ref(), "/Documents/Reports/summary.txt");
    let mut original = Vec::new();
    fs.read_content(&number.to_string(), None, &mut original)
        .expect("read");
    let mut bytes = clean;
    let at = record_of(&bytes, number);
    let (offset, _) = attributes(&bytes, at)
        .into_iter()
        .find(|&(_, ty)| ty == 0x80)
        .expect("$DATA");
    let field = at + offset + 0x38;
    bytes[field..field + 8].copy_from_slice(&4096u64.to_le_bytes());
    let fs = open(bytes).expect("open");
    let mut content = Vec::new();
    fs.read_content(&number.to_string(), None, &mut content)
        .expect("read");
    assert_eq!(content.len(), original.len());
    assert_eq!(content[..4096], original[..4096]);
    assert!(content[4096..].iter().all(|&b| b == 0));
}

/// `fls -r -p` (The Sleuth Kit) lists the same paths with the same deleted
/// flags and the same addresses (TSK `N-128-2` for a file's data is our `N`).
#[test]
fn listing_agrees_with_fls() {
    if std::process::Command::new("fls")
        .arg("-V")
        .output()
        .is_err()
    {
        eprintln!("skipped: fls (sleuthkit) not installed");
        return;
    }
    let bytes = image();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ntfs-small.img");
    std::fs::write(&path, &bytes).expect("write image");
    let output = std::process::Command::new("fls")
        .args(["-r", "-p"])
        .arg(&path)
        .output()
        .expect("fls");
    assert!(output.status.success());
    let mut theirs: Vec<(String, bool, String)> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (head, path) = line.split_once('\t')?;
            let deleted = head.contains('*');
            let address = head.trim_end_matches(':').rsplit(' ').next()?.to_owned();
            Some((format!("/{path}"), deleted, address))
        })
        .collect();
    let fs = open(bytes).expect("open");
    let (listed, _) = entries(fs.as_ref());
    let mut ours: Vec<(String, bool, String)> = listed
        .iter()
        .map(|e| (e.path.clone(), e.deleted, e.id.clone()))
        .collect();
    // TSK writes the default attribute's type and id after a file's number.
    for entry in &mut theirs {
        let parts: Vec<&str> = entry.2.split('-').collect();
        if parts.len() == 3 && !entry.0.rsplit('/').next().unwrap_or("").contains(':') {
            entry.2 = parts[0].to_owned();
        }
    }
    theirs.sort();
    ours.sort();
    assert_eq!(ours, theirs);
}
