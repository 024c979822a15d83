//! Helpers shared by the corpus integration tests: small scenario options, an
//! independent FAT reader, and tool detection.

#![allow(dead_code)]

use corpus::ScenarioOptions;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::Command;

/// Options giving small, fast images of `scenario`.
pub fn small_options(scenario: &str, seed: u64) -> ScenarioOptions {
    let mut options = ScenarioOptions::with_seed(seed);
    options.image_size_bytes = Some(match scenario {
        "carve-blob" => 3 << 20,
        "memdump" => 2 << 20,
        "fat12" => 2 << 20,
        "fat16" => 6 << 20,
        "fat32" => 34 << 20,
        "ntfs" => 8 << 20,
        "ntfs-small" => 6 << 20,
        _ => 64 << 20,
    });
    options
}

/// Lowercase hex SHA-256.
pub fn sha256(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// True if `tool` runs; prints the skip line otherwise.
pub fn have_tool(tool: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped: {tool} not installed");
    }
    found
}

/// CRC-32 (IEEE), bitwise, independent of the crc32fast crate the generator uses.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Reads the whole image (test images are small).
pub fn read_image(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(format!("{name}.raw"))).expect("image readable")
}

/// A minimal FAT reader written from the specification, independent of the
/// generator's writer: geometry from the BPB, FAT entries, cluster chains.
pub struct FatReader<'a> {
    fs: &'a [u8],
    pub cluster_bytes: usize,
    fat_offset: usize,
    data_offset: usize,
    pub bits: u32,
}

fn le16(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

impl<'a> FatReader<'a> {
    /// Opens the file system starting at `fs[0]`.
    pub fn new(fs: &'a [u8]) -> Self {
        let bytes_per_sector = le16(fs, 11);
        let sectors_per_cluster = usize::from(fs[13]);
        let reserved = le16(fs, 14);
        let fats = usize::from(fs[16]);
        let root_entries = le16(fs, 17);
        let total16 = le16(fs, 19);
        let fat16_size = le16(fs, 22);
        let fat_size = if fat16_size != 0 {
            fat16_size
        } else {
            le32(fs, 36)
        };
        let total = if total16 != 0 { total16 } else { le32(fs, 32) };
        let root_sectors = (root_entries * 32).div_ceil(bytes_per_sector);
        let data_sectors = total - reserved - fats * fat_size - root_sectors;
        let clusters = data_sectors / sectors_per_cluster;
        let bits = if clusters < 4085 {
            12
        } else if clusters < 65525 {
            16
        } else {
            32
        };
        Self {
            fs,
            cluster_bytes: bytes_per_sector * sectors_per_cluster,
            fat_offset: reserved * bytes_per_sector,
            data_offset: (reserved + fats * fat_size + root_sectors) * bytes_per_sector,
            bits,
        }
    }

    /// FAT entry of `cluster` (first FAT).
    pub fn entry(&self, cluster: usize) -> usize {
        match self.bits {
            12 => {
                let at = self.fat_offset + cluster * 3 / 2;
                let pair = le16(self.fs, at);
                if cluster.is_multiple_of(2) {
                    pair & 0xFFF
                } else {
                    pair >> 4
                }
            }
            16 => le16(self.fs, self.fat_offset + cluster * 2),
            _ => le32(self.fs, self.fat_offset + cluster * 4) & 0x0FFF_FFFF,
        }
    }

    fn end_of_chain(&self, value: usize) -> bool {
        match self.bits {
            12 => value >= 0xFF8,
            16 => value >= 0xFFF8,
            _ => value >= 0x0FFF_FFF8,
        }
    }

    /// The cluster chain from `first`.
    pub fn chain(&self, first: usize) -> Vec<usize> {
        let mut out = vec![first];
        let mut cluster = first;
        while out.len() < 1_000_000 {
            let next = self.entry(cluster);
            if self.end_of_chain(next) || next < 2 {
                break;
            }
            out.push(next);
            cluster = next;
        }
        out
    }

    /// Offset of `cluster` from the file-system start.
    pub fn cluster_offset(&self, cluster: usize) -> usize {
        self.data_offset + (cluster - 2) * self.cluster_bytes
    }

    /// `size` bytes read along `clusters`.
    pub fn read(&self, clusters: &[usize], size: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(size);
        for &c in clusters {
            let at = self.data_offset + (c - 2) * self.cluster_bytes;
            let take = (size - out.len()).min(self.cluster_bytes);
            out.extend_from_slice(&self.fs[at..at + take]);
            if out.len() == size {
                break;
            }
        }
        out
    }
}
