//! Hostile volumes: each an error or a problem, never a panic or a hang.

use std::sync::Arc;

use super::*;
use crate::evidence::MemorySource;
use crate::fs::FileSystem;

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
