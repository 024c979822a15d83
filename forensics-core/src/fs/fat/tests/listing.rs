//! Listing, names, ids, times, content and unallocated space of good volumes.

use std::sync::Arc;

use super::*;
use crate::evidence::MemorySource;
use crate::fs::fat::dir::fat_time;
use crate::fs::{EntryKind, Error, FileSystem, FsType};

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
