//! Hand-built FAT12 volumes: normal listing, long and deleted names, and the
//! hostile cases (chain cycles, clusters past the end, directory cycles, bad
//! BPB values), each an error or a problem, never a panic or a hang.

use std::sync::Arc;

use super::FatFs;
use super::dir::{fat_time, short_name_checksum};
use crate::evidence::MemorySource;
use crate::fs::{EntryKind, Error, FileEntry, FileSystem, FsType};

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

#[test]
fn lists_names_ids_times_and_reads_content() {
    let fs = sample_volume().open().expect("open");
    assert_eq!(fs.fs_type(), FsType::Fat12);
    let (entries, problems) = walk(&fs);
    assert!(problems.is_empty(), "{problems:?}");
    let listed: Vec<(&str, &str, bool)> = entries
        .iter()
        .map(|e| (e.path.as_str(), e.id.as_str(), e.deleted))
        .collect();
    // Root slots: 0 label, 1-2 LFN, 3 Hello, 4-5 LFN, 6 Gone, 7 OLD, 8 SUB.
    assert_eq!(
        listed[..6],
        [
            ("/Gone file.txt", "9", true),
            ("/Hello world.txt", "6", false),
            ("/SUB", "11", false),
            ("/SUB/INNER.BIN", "149", false),
            ("/_LD.TXT", "10", true),
            ("/$MBR", "979", false),
        ]
    );
    let hello = &entries[1];
    assert_eq!(hello.size, 700);
    assert_eq!(hello.kind, EntryKind::File);
    let modified = hello.times.modified.expect("modified");
    assert_eq!(modified.to_rfc3339(), "2021-06-15T12:34:56Z");
    assert_eq!(
        hello.times.created.expect("created").to_rfc3339(),
        "2021-06-15T12:34:57.5Z"
    );
    assert_eq!(
        hello.times.accessed.expect("accessed").to_rfc3339(),
        "2021-06-15T00:00:00Z"
    );
    assert_eq!(hello.times.changed, None);
    let data = content(&fs, "6").expect("hello");
    assert_eq!(data.len(), 700);
    assert!(data[..512].iter().all(|&b| b == b'h') && data[512..].iter().all(|&b| b == b'i'));
    let gone = content(&fs, "9").expect("deleted content");
    assert_eq!(gone.len(), 600);
    assert!(gone[..512].iter().all(|&b| b == b'g') && gone[512..].iter().all(|&b| b == b'G'));
    assert_eq!(content(&fs, "149").expect("inner"), b"abc");
    assert!(matches!(content(&fs, "11"), Err(Error::NotFound { .. })));
    assert!(matches!(content(&fs, "12345"), Err(Error::NotFound { .. })));
    assert_eq!(content(&fs, "979").expect("$MBR").len(), 512);
}

#[test]
fn deleted_content_skips_allocated_clusters_and_gives_up_on_reused_first_cluster() {
    let mut volume = sample_volume();
    volume.chain(&[6]); // cluster 6 taken by someone else
    volume.put(cluster_offset(7), &[b'7'; 512]);
    let fs = volume.open().expect("open");
    let gone = content(&fs, "9").expect("deleted content");
    assert!(gone[..512].iter().all(|&b| b == b'g') && gone[512..].iter().all(|&b| b == b'7'));

    let mut volume = sample_volume();
    volume.chain(&[5]);
    let fs = volume.open().expect("open");
    assert!(matches!(content(&fs, "9"), Err(Error::NotFound { .. })));
}

#[test]
fn lfn_with_wrong_checksum_falls_back_to_short_name() {
    let mut volume = Volume::new();
    let mut root = lfn_slots("Long name.txt", b"OTHER   TXT", false);
    root.push(short_entry(b"LONGNA~1TXT", 0x20, 0, 0));
    write_entries(&mut volume, ROOT, &root);
    let fs = volume.open().expect("open");
    let (entries, _) = walk(&fs);
    assert_eq!(entries[0].path, "/LONGNA~1.TXT");
}

#[test]
fn chain_cycle_is_cut_and_reported() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[short_entry(b"LOOP    BIN", 0x20, 2, 5 * 512)],
    );
    volume.set_fat(2, 3);
    volume.set_fat(3, 2);
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    assert_eq!(entries[0].path, "/LOOP.BIN");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("loops back to cluster 2")),
        "{problems:?}"
    );
    assert_eq!(content(&fs, "3").expect("short content").len(), 1024);
}

#[test]
fn clusters_past_the_end_are_reported() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[
            short_entry(b"FAR     BIN", 0x20, 4000, 100),
            short_entry(b"BADLINK BIN", 0x20, 2, 1024),
            short_entry(b"FARDIR     ", 0x10, 3000, 0),
        ],
    );
    volume.set_fat(2, 0xFF0); // reserved value inside the chain
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    assert_eq!(entries.len(), 3 + 3);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("/FAR.BIN") && p.contains("invalid cluster 4000"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("/BADLINK.BIN") && p.contains("invalid cluster 4080"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("/FARDIR") && p.contains("invalid cluster 3000"))
    );
    assert_eq!(content(&fs, "3").expect("no clusters").len(), 0);
}

#[test]
fn directory_cycles_are_cut_and_reported() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[short_entry(b"A          ", 0x10, 2, 0)],
    );
    volume.chain(&[2]);
    write_entries(
        &mut volume,
        cluster_offset(2),
        &[
            short_entry(b".          ", 0x10, 2, 0),
            short_entry(b"..         ", 0x10, 0, 0),
            short_entry(b"SELF       ", 0x10, 2, 0),
            short_entry(b"UP         ", 0x10, 0, 0),
        ],
    );
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths[..3], ["/A", "/A/SELF", "/A/UP"]);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("/A/SELF") && p.contains("cycle"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("/A/UP") && p.contains("root"))
    );
}

#[test]
fn directory_chain_cycle_terminates() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[short_entry(b"A          ", 0x10, 2, 0)],
    );
    volume.set_fat(2, 3);
    volume.set_fat(3, 2);
    let fs = volume.open().expect("open");
    let (_, problems) = walk(&fs);
    assert!(
        problems.iter().any(|p| p.contains("loops back")),
        "{problems:?}"
    );
}

/// A named change that breaks a boot sector.
type Spoil = (&'static str, fn(&mut Volume));

#[test]
fn bad_boot_sectors_are_errors() {
    let cases: [Spoil; 9] = [
        ("0 bytes per sector", |v| v.put(11, &0u16.to_le_bytes())),
        ("600 bytes per sector", |v| v.put(11, &600u16.to_le_bytes())),
        ("0 sectors per cluster", |v| v.bytes[13] = 0),
        ("3 sectors per cluster", |v| v.bytes[13] = 3),
        ("no reserved sectors", |v| v.put(14, &0u16.to_le_bytes())),
        ("no FATs", |v| v.bytes[16] = 0),
        ("9 FATs", |v| v.bytes[16] = 9),
        ("FAT size 0", |v| v.put(22, &0u16.to_le_bytes())),
        ("huge FAT", |v| v.put(22, &0xFFFFu16.to_le_bytes())),
    ];
    for (what, spoil) in cases {
        let mut volume = Volume::new();
        spoil(&mut volume);
        assert!(volume.open().is_err(), "{what} was accepted");
    }
    let mut tiny = Volume::new();
    tiny.put(19, &4u16.to_le_bytes()); // no room for data
    assert!(tiny.open().is_err());
    assert!(FatFs::open(Arc::new(MemorySource::new(vec![0xEB; 100]))).is_err());
}

#[test]
fn volume_shorter_than_the_bpb_says_is_a_problem_not_an_error() {
    let mut volume = Volume::new();
    volume.put(19, &0u16.to_le_bytes());
    volume.put(32, &0xFFFF_FFFFu32.to_le_bytes()); // 2 TiB claimed
    volume.put(22, &12u16.to_le_bytes()); // FAT big enough for it... not quite
    // A FAT12 layout cannot address that many clusters: rejected cleanly.
    assert!(volume.open().is_err());

    let mut volume = sample_volume();
    volume.bytes.truncate(12 * SECTOR); // cuts cluster 10 (SUB) and 11 off
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    assert!(entries.iter().any(|e| e.path == "/SUB"));
    assert!(problems.iter().any(|p| p.contains("only")), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("cannot read directory cluster 10"))
    );
}

#[test]
fn unallocated_ranges_are_merged_free_clusters() {
    let fs = sample_volume().open().expect("open");
    let ranges = fs.unallocated().expect("unallocated");
    let expected: Vec<(u64, u64)> = vec![
        (cluster_offset(4) as u64, 512),
        (cluster_offset(5) as u64, 5 * 512),
        (cluster_offset(12) as u64, 50 * 512),
    ];
    let got: Vec<(u64, u64)> = ranges
        .iter()
        .map(|r| (r.image_offset, r.len_bytes))
        .collect();
    // Clusters 4 and 5..=9 are adjacent: one range.
    assert_eq!(got[0], (expected[0].0, 6 * 512));
    assert_eq!(got[1], expected[2]);
    assert_eq!(got.len(), 2);
}

#[test]
fn fat_dates_decode_and_reject_invalid_fields() {
    let date: u16 = (44 << 9) | (2 << 5) | 29; // 2024-02-29
    let stamp = fat_time(date, (23 << 11) | (59 << 5) | 29, 199).expect("valid");
    assert_eq!(stamp.to_rfc3339(), "2024-02-29T23:59:59.99Z");
    assert_eq!(fat_time(0, 0, 0), None);
    assert_eq!(fat_time((44 << 9) | (13 << 5) | 1, 0, 0), None);
    assert_eq!(fat_time(date, 24 << 11, 0), None);
}

#[test]
fn garbage_volumes_never_panic() {
    // A valid BPB over pseudo-random directory and FAT bytes.
    let mut state = 0x1234_5678_9ABC_DEF0u64;
    for _ in 0..64 {
        let mut volume = sample_volume();
        for byte in volume.bytes[FAT1..].iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if state.is_multiple_of(7) {
                *byte = state as u8;
            }
        }
        let Ok(fs) = volume.open() else { continue };
        let (entries, _) = walk(&fs);
        for entry in entries {
            let _ = content(&fs, &entry.id);
        }
        let _ = fs.unallocated();
    }
}

#[test]
fn loop_into_the_middle_of_a_chain_is_cut_at_the_first_repeat() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[short_entry(b"LASSO   BIN", 0x20, 2, 40 * 512)],
    );
    volume.chain(&[2, 3, 4, 5]);
    volume.set_fat(5, 3);
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    assert_eq!(entries[0].byte_runs.len(), 1);
    assert_eq!(entries[0].byte_runs[0].len_bytes, 4 * 512);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("loops back to cluster 3")),
        "{problems:?}"
    );
    assert_eq!(content(&fs, "3").expect("short content").len(), 4 * 512);
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

#[test]
fn fat32_root_chain_is_followed_and_its_loops_cut() {
    let fs = FatFs::open(Arc::new(MemorySource::new(fat32_volume(&[2, 3])))).expect("open");
    assert_eq!(fs.fs_type(), FsType::Fat32);
    let (entries, problems) = walk(&fs);
    assert_eq!(entries[0].path, "/FILE.TXT");
    // Cluster 2 is the first data sector: TSK numbers its first slot 3.
    assert_eq!(entries[0].id, "3");
    assert!(problems.is_empty(), "{problems:?}");

    let mut looping = fat32_volume(&[2, 3]);
    let at = 32 * SECTOR + 3 * 4;
    looping[at..at + 4].copy_from_slice(&2u32.to_le_bytes());
    let fs = FatFs::open(Arc::new(MemorySource::new(looping))).expect("open");
    let (entries, problems) = walk(&fs);
    assert_eq!(entries[0].path, "/FILE.TXT");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("root directory") && p.contains("loops"))
    );

    let mut bad_root = fat32_volume(&[2]);
    bad_root[44..48].copy_from_slice(&5000u32.to_le_bytes());
    assert!(FatFs::open(Arc::new(MemorySource::new(bad_root))).is_err());
}

#[test]
fn children_of_a_deleted_directory_are_deleted() {
    let mut volume = Volume::new();
    write_entries(
        &mut volume,
        ROOT,
        &[short_entry(b"\xE5LDDIR     ", 0x10, 20, 0)],
    );
    write_entries(
        &mut volume,
        cluster_offset(20),
        &[
            short_entry(b".          ", 0x10, 20, 0),
            short_entry(b"..         ", 0x10, 0, 0),
            short_entry(b"KEPT    TXT", 0x20, 21, 5),
        ],
    );
    volume.put(cluster_offset(21), b"kept!");
    let fs = volume.open().expect("open");
    let (entries, problems) = walk(&fs);
    assert!(problems.is_empty(), "{problems:?}");
    let listed: Vec<(&str, bool)> = entries
        .iter()
        .map(|e| (e.path.as_str(), e.deleted))
        .collect();
    assert_eq!(listed[..2], [("/_LDDIR", true), ("/_LDDIR/KEPT.TXT", true)]);
    assert_eq!(content(&fs, &entries[1].id).expect("recovered"), b"kept!");
}
