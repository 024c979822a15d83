//! NTFS reader against the committed test volume (`tests/data/ntfs-small.*`,
//! made by `tests/data/make-ntfs-small.sh`) and against hostile variants of
//! it: every case must end in entries, problems or errors, never a panic or
//! a hang.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::sync::Arc;

use forensics_core::evidence::{EvidenceSource, MemorySource};
use forensics_core::fs::{self, EntryKind, FileEntry, FileSystem, FsType};
use sha2::{Digest, Sha256};

const IMAGE_GZ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ntfs-small.img.gz");
const KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/ntfs-small.key.json"
);
const RECORD_BYTES: usize = 1024;

fn image() -> Vec<u8> {
    let file = std::fs::File::open(IMAGE_GZ).expect("test image");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .expect("gunzip test image");
    bytes
}

fn key_files() -> Vec<serde_json::Value> {
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(KEY).expect("key")).expect("key json");
    key["files"].as_array().expect("files").clone()
}

fn open(bytes: Vec<u8>) -> Result<Box<dyn FileSystem>, fs::Error> {
    let source: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(bytes));
    fs::open(source)
}

fn entries(fs: &dyn FileSystem) -> (Vec<FileEntry>, Vec<forensics_core::Problem>) {
    let mut found = Vec::new();
    let problems = fs.walk(&mut |e| found.push(e)).expect("walk");
    (found, problems)
}

fn sha256_of(fs: &dyn FileSystem, id: &str) -> String {
    let mut content = Vec::new();
    fs.read_content(id, None, &mut content).expect("content");
    format!("{:x}", Sha256::digest(&content))
}

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

fn le4(bytes: &[u8], at: usize) -> [u8; 4] {
    [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]
}

/// Offsets of MFT records in the image, by record number (NTFS 3.1 keeps
/// the number at 0x2C of each record).
fn record_offsets(bytes: &[u8]) -> Vec<(u32, usize)> {
    (0..bytes.len() / RECORD_BYTES)
        .map(|i| i * RECORD_BYTES)
        .filter(|&at| &bytes[at..at + 4] == b"FILE")
        .map(|at| (u32::from_le_bytes(le4(bytes, at + 0x2C)), at))
        .collect()
}

fn record_of(bytes: &[u8], number: u32) -> usize {
    record_offsets(bytes)
        .into_iter()
        .find(|&(n, _)| n == number)
        .map(|(_, at)| at)
        .expect("record")
}

/// (offset in record, type) of each attribute of the record at `at`.
fn attributes(bytes: &[u8], at: usize) -> Vec<(usize, u32)> {
    let mut found = Vec::new();
    let mut offset = usize::from(u16::from_le_bytes([bytes[at + 0x14], bytes[at + 0x15]]));
    while offset + 8 < RECORD_BYTES {
        let ty = u32::from_le_bytes(le4(bytes, at + offset));
        let len = u32::from_le_bytes(le4(bytes, at + offset + 4));
        if ty == u32::MAX || len == 0 {
            break;
        }
        found.push((offset, ty));
        offset += len as usize;
    }
    found
}

fn id_of(fs: &dyn FileSystem, path: &str) -> u32 {
    let (listed, _) = entries(fs);
    listed
        .iter()
        .find(|e| e.path == path)
        .expect(path)
        .id
        .parse()
        .expect("number")
}

/// A sink that refuses more than a fixed number of bytes (hostile sizes).
struct CappedSink(u64);

impl std::io::Write for CappedSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let len = buf.len() as u64;
        if len > self.0 {
            return Err(std::io::Error::other("output cap reached"));
        }
        self.0 -= len;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lists everything and reads every entry; must not panic.
fn exercise(bytes: Vec<u8>) -> usize {
    let Ok(fs) = open(bytes) else { return 0 };
    let mut listed = Vec::new();
    let _ = fs.walk(&mut |e| listed.push(e));
    for entry in listed.iter().filter(|e| e.kind != EntryKind::Directory) {
        let _ = fs.read_content(&entry.id, None, &mut CappedSink(16 << 20));
    }
    let _ = fs.unallocated();
    listed.len()
}

#[test]
fn corrupt_boot_sector_is_an_error() {
    let mut bytes = image();
    bytes[0x0B] = 0; // bytes per sector
    bytes[0x0C] = 0;
    assert!(open(bytes).is_err());
    let mut bytes = image();
    bytes[0x40] = 0x7F; // absurd record size
    assert!(open(bytes).is_err());
    let mut bytes = image();
    bytes[0x30..0x38].copy_from_slice(&u64::MAX.to_le_bytes()); // $MFT cluster
    assert!(open(bytes).is_err());
}

#[test]
fn bad_fixups_make_a_problem_and_the_rest_is_listed() {
    let clean = image();
    let number = id_of(
        open(clean.clone()).expect("open").as_ref(),
        "/Documents/Reports/summary.txt",
    );
    let mut bytes = clean;
    let at = record_of(&bytes, number);
    bytes[at + 510] ^= 0xFF; // sector end no longer carries the update sequence number
    let fs = open(bytes).expect("open");
    let (listed, problems) = entries(fs.as_ref());
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains(&format!("record {number}"))),
        "{problems:?}"
    );
    assert!(
        !listed
            .iter()
            .any(|e| e.path == "/Documents/Reports/summary.txt")
    );
    assert!(listed.iter().any(|e| e.path == "/Documents/tiny.txt"));
}

#[test]
fn attribute_list_pointing_at_itself_does_not_loop() {
    let clean = image();
    let number = id_of(
        open(clean.clone()).expect("open").as_ref(),
        "/Temp/keep0.tmp",
    );
    let mut bytes = clean;
    let at = record_of(&bytes, number);
    let sequence = u16::from_le_bytes([bytes[at + 0x10], bytes[at + 0x11]]);
    let (offset, _) = attributes(&bytes, at)
        .into_iter()
        .find(|&(_, ty)| ty == 0x50)
        .expect("security descriptor");
    let attr = at + offset;
    bytes[attr..attr + 4].copy_from_slice(&0x20u32.to_le_bytes()); // now $ATTRIBUTE_LIST
    bytes[attr + 0x10..attr + 0x14].copy_from_slice(&64u32.to_le_bytes());
    let value = attr + usize::from(u16::from_le_bytes([bytes[attr + 0x14], bytes[attr + 0x15]]));
    let reference = u64::from(number) | u64::from(sequence) << 48;
    for (i, length) in [(0usize, 32u16), (1, 0)] {
        let entry = value + i * 32;
        bytes[entry..entry + 4].copy_from_slice(&0x80u32.to_le_bytes());
        bytes[entry + 4..entry + 6].copy_from_slice(&length.to_le_bytes());
        bytes[entry + 6] = 0;
        bytes[entry + 7] = 0x1A;
        bytes[entry + 8..entry + 16].fill(0);
        bytes[entry + 16..entry + 24].copy_from_slice(&(reference + 1).to_le_bytes());
        bytes[entry + 24..entry + 26].copy_from_slice(&2u16.to_le_bytes());
    }
    let started = std::time::Instant::now();
    let count = exercise(bytes);
    assert!(count > 20);
    assert!(started.elapsed().as_secs() < 60);
}

#[test]
fn directory_containing_its_parent_is_reported_not_followed_forever() {
    let clean = image();
    let fs = open(clean.clone()).expect("open");
    let documents = id_of(fs.as_ref(), "/Documents");
    let reports = id_of(fs.as_ref(), "/Documents/Reports");
    let mut bytes = clean;
    let at = record_of(&bytes, documents);
    let reports_at = record_of(&bytes, reports);
    let reports_sequence = u16::from_le_bytes([bytes[reports_at + 0x10], bytes[reports_at + 0x11]]);
    for (offset, ty) in attributes(&bytes, at) {
        if ty == 0x30 {
            let value = at
                + offset
                + usize::from(u16::from_le_bytes([
                    bytes[at + offset + 0x14],
                    bytes[at + offset + 0x15],
                ]));
            let reference = u64::from(reports) | u64::from(reports_sequence) << 48;
            bytes[value..value + 8].copy_from_slice(&reference.to_le_bytes());
        }
    }
    let fs = open(bytes).expect("open");
    let (listed, problems) = entries(fs.as_ref());
    assert!(
        problems.iter().any(|p| p.message.contains("not reachable")),
        "{problems:?}"
    );
    assert!(listed.iter().any(|e| e.path == "/$OrphanFiles/Documents"));
    assert!(
        listed
            .iter()
            .any(|e| e.path == "/$OrphanFiles/Documents/Reports/summary.txt")
    );
    let mut paths: Vec<&str> = listed.iter().map(|e| e.path.as_str()).collect();
    let total = paths.len();
    paths.sort();
    paths.dedup();
    assert!(total - paths.len() < 4, "entries repeated by the loop");
}

#[test]
fn truncated_volumes_never_panic() {
    let clean = image();
    for len in [
        0,
        100,
        512,
        4096,
        16 * 1024,
        64 * 1024,
        1 << 20,
        3 << 20,
        clean.len() - 4096,
    ] {
        exercise(clean[..len].to_vec());
    }
}

#[test]
fn random_damage_in_the_mft_never_panics() {
    let clean = image();
    let offsets: Vec<usize> = record_offsets(&clean)
        .into_iter()
        .map(|(_, at)| at)
        .collect();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..60 {
        let mut bytes = clean.clone();
        for _ in 0..24 {
            let record = offsets[(next() % offsets.len() as u64) as usize];
            let at = record + (next() % RECORD_BYTES as u64) as usize;
            bytes[at] = next() as u8;
        }
        exercise(bytes);
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
