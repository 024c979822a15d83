//! The ext2/3/4 reader on corrupted copies of the committed test images:
//! errors and problem records, never a panic, a hang or an absurd allocation.
#![allow(clippy::unwrap_used)]

use crate::ext4_common;

use ext4_common::*;
use forensics_core::fs;

#[test]
fn bad_superblocks_are_refused_with_errors() {
    let good = image("ext4-small");
    let cases: [(u64, &[u8], &str); 5] = [
        (1024 + 0x38, &[0, 0], "magic"),
        (1024 + 0x18, &20u32.to_le_bytes(), "block size"),
        (1024, &u32::MAX.to_le_bytes(), "inode count"),
        (1024 + 0x20, &0u32.to_le_bytes(), "blocks per group"),
        (1024 + 0x58, &3u16.to_le_bytes(), "inode size"),
    ];
    for (offset, new, what) in cases {
        let mut bytes = good.clone();
        patch(&mut bytes, offset, new);
        assert!(open(bytes).is_err(), "{what}");
    }
    assert!(open(good[..1500].to_vec()).is_err(), "truncated superblock");
    // Four million groups of 8 blocks: the descriptor table would need 128 MiB.
    let mut bytes = good.clone();
    patch(&mut bytes, 1024 + 0x20, &8u32.to_le_bytes());
    patch(&mut bytes, 1024 + 0x4, &(8u32 * 4_000_000).to_le_bytes());
    patch(&mut bytes, 1024 + 0x28, &8u32.to_le_bytes());
    let Err(error) = open(bytes) else {
        panic!("accepted")
    };
    assert!(error.to_string().contains("past the"), "{error}");
}

#[test]
fn an_extent_index_node_pointing_at_itself_is_reported_not_followed() {
    let mut bytes = image("ext4-small");
    let (number, record) = inode_of(&bytes, "/frag/fragmented.bin");
    let inode = ext4(bytes.clone()).inode(number).unwrap();
    assert_eq!(
        u16::from_le_bytes([inode.block[6], inode.block[7]]),
        1,
        "depth-1 tree"
    );
    let node_block = u32::from_le_bytes(inode.block[16..20].try_into().unwrap());
    let node = u64::from(node_block) * 1024;
    patch(&mut bytes, node + 6, &1u16.to_le_bytes());
    patch(&mut bytes, node + 2, &1u16.to_le_bytes());
    patch(&mut bytes, node + 12 + 4, &node_block.to_le_bytes());
    patch(&mut bytes, node + 12 + 8, &0u16.to_le_bytes());
    // The root must now promise depth 2 for the child's depth 1 to be consistent.
    patch(&mut bytes, record + 0x28 + 6, &2u16.to_le_bytes());
    let fs = open(bytes).unwrap();
    let (_, problems) = walk(fs.as_ref());
    assert!(
        problems.iter().any(|p| p.message.contains("loop")),
        "{problems:?}"
    );
    assert!(
        fs.read_content(&number.to_string(), None, &mut Vec::new())
            .is_err()
    );
}

#[test]
fn an_extent_tree_deeper_than_five_or_with_bad_magic_is_an_error() {
    let good = image("ext4-small");
    let (number, record) = inode_of(&good, "/docs/report.txt");
    for (field, new) in [(6u64, 9u16), (0, 0x1234)] {
        let mut bytes = good.clone();
        patch(&mut bytes, record + 0x28 + field, &new.to_le_bytes());
        let fs = open(bytes).unwrap();
        let (entries, problems) = walk(fs.as_ref());
        assert!(entries.iter().any(|e| e.path == "/docs/report.txt"));
        assert!(
            problems.iter().any(|p| p.message.contains("report.txt")),
            "{problems:?}"
        );
        assert!(
            fs.read_content(&number.to_string(), None, &mut Vec::new())
                .is_err()
        );
    }
}

#[test]
fn block_numbers_past_the_volume_and_inodes_past_the_count_are_errors() {
    let mut bytes = image("ext4-small");
    let (number, record) = inode_of(&bytes, "/docs/report.txt");
    // First leaf extent of the root: ee_start_lo at i_block + 12 + 8.
    patch(
        &mut bytes,
        record + 0x28 + 20,
        &0x7FFF_FFFFu32.to_le_bytes(),
    );
    let fs = open(bytes).unwrap();
    let error = fs
        .read_content(&number.to_string(), None, &mut Vec::new())
        .unwrap_err();
    assert!(error.to_string().contains("past the volume"), "{error}");
    for id in ["0", "99999999", "-1", "abc"] {
        assert!(
            matches!(
                fs.read_content(id, None, &mut Vec::new()),
                Err(fs::Error::NotFound { .. })
            ),
            "{id}"
        );
    }
}

#[test]
fn directory_entries_with_rec_len_zero_or_past_the_block_become_problems() {
    let good = image("ext4-small");
    let (number, _) = inode_of(&good, "/docs");
    let inode = ext4(good.clone()).inode(number).unwrap();
    let block = u64::from(u32::from_le_bytes(inode.block[20..24].try_into().unwrap()));
    for rec_len in [0u16, 4000] {
        let mut bytes = good.clone();
        patch(&mut bytes, block * 1024 + 4, &rec_len.to_le_bytes());
        let fs = open(bytes).unwrap();
        let (entries, problems) = walk(fs.as_ref());
        assert!(
            problems.iter().any(|p| p.message.contains("rec_len")),
            "{problems:?}"
        );
        assert!(
            entries.iter().any(|e| e.path == "/README.txt"),
            "the rest of the walk goes on"
        );
    }
}

#[test]
fn a_huge_size_claim_is_listed_and_reading_stops_at_the_callers_cap() {
    let mut bytes = image("ext4-small");
    let (number, record) = inode_of(&bytes, "/docs/report.txt");
    patch(&mut bytes, record + 0x6C, &u32::MAX.to_le_bytes());
    let fs = open(bytes).unwrap();
    let entry = fs::find_by_path(fs.as_ref(), "/docs/report.txt")
        .unwrap()
        .unwrap();
    assert!(entry.size > 1 << 40);
    let mut capped = Capped {
        written: 0,
        cap: 1 << 20,
    };
    let result = fs.read_content(&number.to_string(), None, &mut capped);
    assert!(matches!(result, Err(fs::Error::Output(_))), "{result:?}");
}

#[test]
fn random_corruption_of_metadata_never_panics_or_hangs() {
    let good = image("ext4-small");
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..150 {
        let mut bytes = good.clone();
        for _ in 0..24 {
            // Superblock, descriptors, bitmaps, inode tables and early data.
            let at = usize::try_from(next() % (400 * 1024)).unwrap();
            bytes[at] = u8::try_from(next() & 0xFF).unwrap();
        }
        let Ok(fs) = open(bytes) else { continue };
        let mut ids = Vec::new();
        if fs.walk(&mut |entry| ids.push(entry.id)).is_err() {
            continue;
        }
        for id in ids {
            let mut capped = Capped {
                written: 0,
                cap: 1 << 20,
            };
            let _ = fs.read_content(&id, None, &mut capped);
        }
        let _ = fs.unallocated();
    }
}

#[test]
fn random_corruption_of_the_tiny_seed_images_never_panics_or_hangs() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (_, good) in fuzz_seeds() {
        for _ in 0..300 {
            let mut bytes = good.clone();
            for _ in 0..1 + next() % 16 {
                let at = usize::try_from(next() % bytes.len() as u64).unwrap();
                bytes[at] = u8::try_from(next() & 0xFF).unwrap();
            }
            let Ok(fs) = open(bytes) else { continue };
            let mut ids = Vec::new();
            let _ = fs.walk(&mut |entry| ids.push(entry.id));
            for id in ids {
                let _ = fs.read_content(
                    &id,
                    None,
                    &mut Capped {
                        written: 0,
                        cap: 1 << 20,
                    },
                );
            }
            let _ = fs.unallocated();
        }
    }
}

#[test]
fn a_group_descriptor_pointing_past_the_volume_makes_its_inodes_unreadable_not_the_volume() {
    let mut bytes = image("ext4-small");
    // Group 0's descriptor (block 2 with 1 KiB blocks): bg_inode_table_lo.
    patch(&mut bytes, 2 * 1024 + 8, &0x00FF_FFFFu32.to_le_bytes());
    let fs = open(bytes).unwrap();
    let error = fs.walk(&mut |_| {}).unwrap_err().to_string();
    assert!(error.contains("invalid group 0"), "{error}");
}
