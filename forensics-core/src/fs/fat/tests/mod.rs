//! Hand-built FAT12/FAT32 volumes: normal listing, long and deleted names, and the
//! hostile cases (chain cycles, clusters past the end, directory cycles, bad
//! BPB values), each an error or a problem, never a panic or a hang.

mod hostile;
mod listing;

use std::sync::Arc;

use super::FatFs;
use super::dir::short_name_checksum;
use crate::evidence::MemorySource;
use crate::fs::{Error, FileEntry, FileSystem};

const SECTOR: usize = 512;
/// Sector layout of the test volume: boot, FAT1, FAT2, root (16 entries),
/// then clusters 2..=61.
const FAT1: usize = SECTOR;
const FAT2: usize = 2 * SECTOR;
const ROOT: usize = 3 * SECTOR;
const TOTAL_SECTORS: usize = 64;

fn cluster_offset(cluster: usize) -> usize {
    4 * SECTOR + (cluster - 2) * SECTOR
}

struct Volume {
    bytes: Vec<u8>,
}

impl Volume {
    fn new() -> Self {
        let mut bytes = vec![0u8; TOTAL_SECTORS * SECTOR];
        bytes[0] = 0xEB;
        bytes[11..13].copy_from_slice(&512u16.to_le_bytes());
        bytes[13] = 1; // sectors per cluster
        bytes[14..16].copy_from_slice(&1u16.to_le_bytes()); // reserved
        bytes[16] = 2; // FATs
        bytes[17..19].copy_from_slice(&16u16.to_le_bytes()); // root entries
        bytes[19..21].copy_from_slice(&(TOTAL_SECTORS as u16).to_le_bytes());
        bytes[21] = 0xF8;
        bytes[22..24].copy_from_slice(&1u16.to_le_bytes()); // FAT sectors
        bytes[54..62].copy_from_slice(b"FAT12   ");
        bytes[510] = 0x55;
        bytes[511] = 0xAA;
        let mut volume = Self { bytes };
        volume.set_fat(0, 0xFF8);
        volume.set_fat(1, 0xFFF);
        volume
    }

    fn set_fat(&mut self, cluster: usize, value: u16) {
        for fat in [FAT1, FAT2] {
            let at = fat + cluster + cluster / 2;
            let pair = u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]]);
            let pair = if cluster % 2 == 1 {
                (pair & 0x000F) | (value << 4)
            } else {
                (pair & 0xF000) | (value & 0x0FFF)
            };
            self.bytes[at..at + 2].copy_from_slice(&pair.to_le_bytes());
        }
    }

    /// Chains `clusters` in order, the last one marked end-of-chain.
    fn chain(&mut self, clusters: &[usize]) {
        for pair in clusters.windows(2) {
            self.set_fat(pair[0], pair[1] as u16);
        }
        if let Some(&last) = clusters.last() {
            self.set_fat(last, 0xFFF);
        }
    }

    fn put(&mut self, offset: usize, data: &[u8]) {
        self.bytes[offset..offset + data.len()].copy_from_slice(data);
    }

    fn open(self) -> Result<FatFs, Error> {
        FatFs::open(Arc::new(MemorySource::new(self.bytes)))
    }
}

/// An 8.3 entry written 2021-06-15 12:34:56, created with 1.5 s extra.
fn short_entry(name: &[u8; 11], attributes: u8, cluster: u16, size: u32) -> [u8; 32] {
    let mut entry = [0u8; 32];
    entry[..11].copy_from_slice(name);
    entry[11] = attributes;
    entry[13] = 150;
    let date: u16 = (41 << 9) | (6 << 5) | 15;
    let time: u16 = (12 << 11) | (34 << 5) | 28;
    for at in [14, 22] {
        entry[at..at + 2].copy_from_slice(&time.to_le_bytes());
    }
    for at in [16, 18, 24] {
        entry[at..at + 2].copy_from_slice(&date.to_le_bytes());
    }
    entry[26..28].copy_from_slice(&cluster.to_le_bytes());
    entry[28..32].copy_from_slice(&size.to_le_bytes());
    entry
}

/// The LFN slots (in on-disk order) for `long` belonging to `short`.
fn lfn_slots(long: &str, short: &[u8; 11], deleted: bool) -> Vec<[u8; 32]> {
    let mut units: Vec<u16> = long.encode_utf16().collect();
    units.push(0);
    while !units.len().is_multiple_of(13) {
        units.push(0xFFFF);
    }
    let checksum = short_name_checksum(short);
    let count = units.len() / 13;
    let mut slots = Vec::new();
    for index in (0..count).rev() {
        let mut slot = [0u8; 32];
        slot[0] = if deleted {
            0xE5
        } else {
            (index as u8 + 1) | if index + 1 == count { 0x40 } else { 0 }
        };
        slot[11] = 0x0F;
        slot[13] = checksum;
        let part = &units[index * 13..index * 13 + 13];
        let offsets = (1..11)
            .step_by(2)
            .chain((14..26).step_by(2))
            .chain((28..32).step_by(2));
        for (unit, at) in part.iter().zip(offsets) {
            slot[at..at + 2].copy_from_slice(&unit.to_le_bytes());
        }
        slots.push(slot);
    }
    slots
}

fn write_entries(volume: &mut Volume, offset: usize, entries: &[[u8; 32]]) {
    for (index, entry) in entries.iter().enumerate() {
        volume.put(offset + index * 32, entry);
    }
}

fn walk(fs: &FatFs) -> (Vec<FileEntry>, Vec<String>) {
    let mut entries = Vec::new();
    let problems = fs.walk(&mut |e| entries.push(e)).expect("walk");
    (entries, problems.into_iter().map(|p| p.message).collect())
}

fn content(fs: &FatFs, id: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    fs.read_content(id, None, &mut out)?;
    Ok(out)
}

/// Root: label, `Hello world.txt` (2 clusters), a deleted long-named file,
/// a deleted 8.3 file, directory SUB with one file.
fn sample_volume() -> Volume {
    let mut volume = Volume::new();
    let hello_short = *b"HELLOW~1TXT";
    let gone_short = *b"\xE5ONE~1  TXT";
    let mut root = vec![short_entry(b"TESTVOL    ", 0x08, 0, 0)];
    root.extend(lfn_slots("Hello world.txt", &hello_short, false));
    root.push(short_entry(&hello_short, 0x20, 2, 700));
    root.extend(lfn_slots("Gone file.txt", b"GONE~1  TXT", true));
    root.push(short_entry(&gone_short, 0x20, 5, 600));
    root.push(short_entry(b"\xE5LD     TXT", 0x20, 8, 10));
    root.push(short_entry(b"SUB        ", 0x10, 10, 0));
    write_entries(&mut volume, ROOT, &root);
    volume.chain(&[2, 3]);
    volume.put(cluster_offset(2), &[b'h'; 512]);
    volume.put(cluster_offset(3), &[b'i'; 512]);
    // Deleted "Gone file.txt": clusters 5 and 6 free, 7 taken by nobody.
    volume.put(cluster_offset(5), &[b'g'; 512]);
    volume.put(cluster_offset(6), &[b'G'; 512]);
    volume.chain(&[10]);
    let sub = [
        short_entry(b".          ", 0x10, 10, 0),
        short_entry(b"..         ", 0x10, 0, 0),
        short_entry(b"INNER   BIN", 0x20, 11, 3),
    ];
    write_entries(&mut volume, cluster_offset(10), &sub);
    volume.chain(&[11]);
    volume.put(cluster_offset(11), b"abc");
    volume
}

/// A FAT32-layout volume: 32 reserved sectors, two 1-sector FATs, 100
/// clusters of 512 bytes, root directory chain starting at cluster 2.
fn fat32_volume(root_chain: &[u32]) -> Vec<u8> {
    let total_sectors = 32 + 2 + 100;
    let mut bytes = vec![0u8; total_sectors * SECTOR];
    bytes[0] = 0xEB;
    bytes[11..13].copy_from_slice(&512u16.to_le_bytes());
    bytes[13] = 1;
    bytes[14..16].copy_from_slice(&32u16.to_le_bytes());
    bytes[16] = 2;
    bytes[32..36].copy_from_slice(&(total_sectors as u32).to_le_bytes());
    bytes[36..40].copy_from_slice(&1u32.to_le_bytes());
    bytes[44..48].copy_from_slice(&2u32.to_le_bytes());
    bytes[82..90].copy_from_slice(b"FAT32   ");
    let mut set = |cluster: u32, value: u32| {
        for fat in [32, 33] {
            let at = fat * SECTOR + cluster as usize * 4;
            bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
        }
    };
    set(0, 0x0FFF_FFF8);
    set(1, 0x0FFF_FFFF);
    for pair in root_chain.windows(2) {
        set(pair[0], pair[1]);
    }
    if let Some(&last) = root_chain.last() {
        set(last, 0x0FFF_FFFF);
    }
    let data = 34 * SECTOR;
    let entry = short_entry(b"FILE    TXT", 0x20, 0, 0);
    bytes[data..data + 32].copy_from_slice(&entry);
    bytes
}
