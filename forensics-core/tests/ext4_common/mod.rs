//! Helpers shared by the ext4 integration tests: the committed images and
//! keys, opening, walking, reading, patching.
// Each test crate uses a different subset of these helpers.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use forensics_core::evidence::MemorySource;
use forensics_core::fs::ext4::Ext4;
use forensics_core::fs::{self, FileEntry, FileSystem, Timestamp};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const IMAGES: [&str; 3] = ["ext4-small", "ext4-inline", "ext3-small"];

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub fn image(name: &str) -> Vec<u8> {
    let file = std::fs::File::open(data_dir().join(format!("{name}.img.gz"))).unwrap();
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

pub fn key(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data_dir().join(format!("{name}.key.json"))).unwrap();
    let key: Value = serde_json::from_str(&text).unwrap();
    key["files"].as_array().unwrap().clone()
}

pub fn open(bytes: Vec<u8>) -> Result<Box<dyn FileSystem>, fs::Error> {
    fs::open(Arc::new(MemorySource::new(bytes)))
}

pub fn ext4(bytes: Vec<u8>) -> Ext4 {
    Ext4::open(Arc::new(MemorySource::new(bytes))).unwrap()
}

pub fn walk(fs: &dyn FileSystem) -> (Vec<FileEntry>, Vec<forensics_core::Problem>) {
    let mut entries = Vec::new();
    let problems = fs.walk(&mut |entry| entries.push(entry)).unwrap();
    (entries, problems)
}

pub fn content(fs: &dyn FileSystem, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    fs.read_content(id, None, &mut out).unwrap();
    out
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn key_time(value: &Value) -> Option<Timestamp> {
    let seconds = value.get("seconds")?.as_i64()?;
    let nanos = u32::try_from(value.get("nanos")?.as_u64()?).ok()?;
    Timestamp::from_unix_parts(seconds, nanos)
}

/// A writer that refuses output beyond `cap` bytes.
pub struct Capped {
    pub written: usize,
    pub cap: usize,
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.written + buf.len() > self.cap {
            return Err(std::io::Error::other("output cap reached"));
        }
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub fn patch(bytes: &mut [u8], offset: u64, new: &[u8]) {
    let at = usize::try_from(offset).unwrap();
    bytes[at..at + new.len()].copy_from_slice(new);
}

/// Inode number and record offset of `path` in `bytes`.
pub fn inode_of(bytes: &[u8], path: &str) -> (u32, u64) {
    let fs = open(bytes.to_vec()).unwrap();
    let entry = fs::find_by_path(fs.as_ref(), path).unwrap().unwrap();
    let number: u32 = entry.id.parse().unwrap();
    (
        number,
        ext4(bytes.to_vec()).inode_volume_offset(number).unwrap(),
    )
}

pub fn fuzz_seeds() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds/ext4");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "img"))
        .map(|path| (path.display().to_string(), std::fs::read(&path).unwrap()))
        .collect();
    seeds.sort();
    seeds
}
