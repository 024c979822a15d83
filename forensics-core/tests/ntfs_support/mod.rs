//! Shared helpers of the NTFS tests: the committed test volume, its key,
//! and byte-level access to MFT records for crafting hostile variants.
#![allow(dead_code)]

use std::io::Read;
use std::sync::Arc;

use forensics_core::evidence::{EvidenceSource, MemorySource};
use forensics_core::fs::{self, EntryKind, FileEntry, FileSystem};
use sha2::{Digest, Sha256};

pub const IMAGE_GZ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/ntfs-small.img.gz");
pub const KEY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/ntfs-small.key.json"
);
pub const RECORD_BYTES: usize = 1024;

pub fn image() -> Vec<u8> {
    let file = std::fs::File::open(IMAGE_GZ).expect("test image");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .expect("gunzip test image");
    bytes
}

pub fn key_files() -> Vec<serde_json::Value> {
    let key: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(KEY).expect("key")).expect("key json");
    key["files"].as_array().expect("files").clone()
}

pub fn open(bytes: Vec<u8>) -> Result<Box<dyn FileSystem>, fs::Error> {
    let source: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(bytes));
    fs::open(source)
}

pub fn entries(fs: &dyn FileSystem) -> (Vec<FileEntry>, Vec<forensics_core::Problem>) {
    let mut found = Vec::new();
    let problems = fs.walk(&mut |e| found.push(e)).expect("walk");
    (found, problems)
}

pub fn sha256_of(fs: &dyn FileSystem, id: &str) -> String {
    let mut content = Vec::new();
    fs.read_content(id, None, &mut content).expect("content");
    format!("{:x}", Sha256::digest(&content))
}

pub fn le4(bytes: &[u8], at: usize) -> [u8; 4] {
    [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]
}

/// Offsets of MFT records in the image, by record number (NTFS 3.1 keeps
/// the number at 0x2C of each record).
pub fn record_offsets(bytes: &[u8]) -> Vec<(u32, usize)> {
    (0..bytes.len() / RECORD_BYTES)
        .map(|i| i * RECORD_BYTES)
        .filter(|&at| &bytes[at..at + 4] == b"FILE")
        .map(|at| (u32::from_le_bytes(le4(bytes, at + 0x2C)), at))
        .collect()
}

pub fn record_of(bytes: &[u8], number: u32) -> usize {
    record_offsets(bytes)
        .into_iter()
        .find(|&(n, _)| n == number)
        .map(|(_, at)| at)
        .expect("record")
}

/// (offset in record, type) of each attribute of the record at `at`.
pub fn attributes(bytes: &[u8], at: usize) -> Vec<(usize, u32)> {
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

pub fn id_of(fs: &dyn FileSystem, path: &str) -> u32 {
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
pub struct CappedSink(pub u64);

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
pub fn exercise(bytes: Vec<u8>) -> usize {
    let Ok(fs) = open(bytes) else { return 0 };
    let mut listed = Vec::new();
    let _ = fs.walk(&mut |e| listed.push(e));
    for entry in listed.iter().filter(|e| e.kind != EntryKind::Directory) {
        let _ = fs.read_content(&entry.id, None, &mut CappedSink(16 << 20));
    }
    let _ = fs.unallocated();
    listed.len()
}
