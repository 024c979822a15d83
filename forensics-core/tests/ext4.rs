//! The ext2/3/4 reader against the committed test images and their answer
//! keys (made by `tests/data/make-ext4-small.sh` with e2fsprogs), against The
//! Sleuth Kit when it is installed, and against corrupted copies.

// Helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use forensics_core::evidence::MemorySource;
use forensics_core::fs::ext4::Ext4;
use forensics_core::fs::{self, EntryKind, FileEntry, FileSystem, Timestamp};
use serde_json::Value;
use sha2::{Digest, Sha256};

const IMAGES: [&str; 3] = ["ext4-small", "ext4-inline", "ext3-small"];

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn image(name: &str) -> Vec<u8> {
    let file = std::fs::File::open(data_dir().join(format!("{name}.img.gz"))).unwrap();
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

fn key(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(data_dir().join(format!("{name}.key.json"))).unwrap();
    let key: Value = serde_json::from_str(&text).unwrap();
    key["files"].as_array().unwrap().clone()
}

fn open(bytes: Vec<u8>) -> Result<Box<dyn FileSystem>, fs::Error> {
    fs::open(Arc::new(MemorySource::new(bytes)))
}

fn ext4(bytes: Vec<u8>) -> Ext4 {
    Ext4::open(Arc::new(MemorySource::new(bytes))).unwrap()
}

fn walk(fs: &dyn FileSystem) -> (Vec<FileEntry>, Vec<forensics_core::Problem>) {
    let mut entries = Vec::new();
    let problems = fs.walk(&mut |entry| entries.push(entry)).unwrap();
    (entries, problems)
}

fn content(fs: &dyn FileSystem, id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    fs.read_content(id, None, &mut out).unwrap();
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn key_time(value: &Value) -> Option<Timestamp> {
    let seconds = value.get("seconds")?.as_i64()?;
    let nanos = u32::try_from(value.get("nanos")?.as_u64()?).ok()?;
    Timestamp::from_unix_parts(seconds, nanos)
}

#[test]
fn listings_times_and_contents_match_the_answer_keys() {
    for name in IMAGES {
        let fs = open(image(name)).unwrap();
        let (entries, problems) = walk(fs.as_ref());
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let key = key(name);
        // The virtual $OrphanFiles directory is not in the key (it has no orphans).
        let ours: BTreeSet<(String, bool)> = entries
            .iter()
            .filter(|e| e.path != "/$OrphanFiles")
            .map(|e| (e.path.clone(), e.deleted))
            .collect();
        let wanted: BTreeSet<(String, bool)> = key
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["deleted"].as_bool().unwrap(),
                )
            })
            .collect();
        let extra: Vec<_> = ours.difference(&wanted).collect();
        let missing: Vec<_> = wanted.difference(&ours).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{name}: extra {extra:?}, missing {missing:?}"
        );
        for file in &key {
            let path = file["path"].as_str().unwrap();
            let entry = entries.iter().find(|e| e.path == path).unwrap();
            assert_eq!(entry.id, file["inode"].to_string(), "{name}:{path} inode");
            assert_eq!(
                entry.size,
                file["size"].as_u64().unwrap(),
                "{name}:{path} size"
            );
            let kind = match file["kind"].as_str().unwrap() {
                "file" => EntryKind::File,
                "directory" => EntryKind::Directory,
                "symlink" => EntryKind::Symlink,
                _ => EntryKind::Other,
            };
            assert_eq!(entry.kind, kind, "{name}:{path} kind");
            let times = &file["times"];
            assert_eq!(
                entry.times.modified,
                key_time(&times["modified"]),
                "{name}:{path} mtime"
            );
            assert_eq!(
                entry.times.accessed,
                key_time(&times["accessed"]),
                "{name}:{path} atime"
            );
            assert_eq!(
                entry.times.changed,
                key_time(&times["changed"]),
                "{name}:{path} ctime"
            );
            assert_eq!(
                entry.times.created,
                key_time(&times["created"]),
                "{name}:{path} crtime"
            );
            if let Some(target) = file.get("target").and_then(Value::as_str) {
                assert_eq!(
                    entry.link_target.as_deref(),
                    Some(target),
                    "{name}:{path} target"
                );
                assert_eq!(content(fs.as_ref(), &entry.id), target.as_bytes());
            }
            if let Some(sha256) = file.get("sha256").and_then(Value::as_str) {
                let bytes = content(fs.as_ref(), &entry.id);
                assert_eq!(
                    bytes.len() as u64,
                    entry.size,
                    "{name}:{path} content length"
                );
                assert_eq!(sha256_hex(&bytes), sha256, "{name}:{path} content");
            }
        }
    }
}

#[test]
fn the_walk_lists_parents_before_children_and_siblings_in_name_order() {
    let fs = open(image("ext4-small")).unwrap();
    let (entries, _) = walk(fs.as_ref());
    let mut seen = BTreeSet::new();
    for entry in &entries {
        let parent = entry.path.rsplit_once('/').unwrap().0;
        assert!(
            parent.is_empty() || seen.contains(parent),
            "{} before its parent",
            entry.path
        );
        seen.insert(entry.path.clone());
    }
    let top: Vec<&str> = entries
        .iter()
        .filter(|e| e.path.matches('/').count() == 1 && e.path != "/$OrphanFiles")
        .map(|e| e.name.as_str())
        .collect();
    let mut sorted = top.clone();
    sorted.sort_unstable();
    assert_eq!(top, sorted);
    let again = walk(fs.as_ref()).0;
    assert_eq!(entries, again, "walks are deterministic");
}

#[test]
fn fragmented_punched_and_sparse_files_have_matching_byte_runs() {
    let fs = open(image("ext4-small")).unwrap();
    let (entries, _) = walk(fs.as_ref());
    let find = |path: &str| entries.iter().find(|e| e.path == path).unwrap();
    let fragmented = find("/frag/fragmented.bin");
    assert!(
        fragmented.byte_runs.len() >= 10,
        "{:?}",
        fragmented.byte_runs
    );
    assert!(
        fragmented
            .byte_runs
            .iter()
            .all(|r| r.volume_offset.is_some())
    );
    for path in ["/frag/filler", "/sparse.bin"] {
        let runs = &find(path).byte_runs;
        assert!(
            runs.iter().any(|r| r.volume_offset.is_none()),
            "{path} has holes"
        );
        let total: u64 = runs.iter().map(|r| r.len_bytes).sum();
        assert_eq!(total, find(path).size, "{path} runs cover the size");
    }
    let volume = image("ext4-small");
    let file = find("/frag/fragmented.bin");
    let mut from_runs = Vec::new();
    for run in &file.byte_runs {
        let start = usize::try_from(run.volume_offset.unwrap()).unwrap();
        from_runs
            .extend_from_slice(&volume[start..start + usize::try_from(run.len_bytes).unwrap()]);
    }
    assert_eq!(from_runs, content(fs.as_ref(), &file.id));
}

#[test]
fn unallocated_ranges_are_sorted_disjoint_from_live_files_and_match_the_free_count() {
    for name in IMAGES {
        let bytes = image(name);
        let free_blocks = u64::from(u32::from_le_bytes(
            bytes[1024 + 0x0C..1024 + 0x10].try_into().unwrap(),
        ));
        let fs = open(bytes).unwrap();
        let ranges = fs.unallocated().unwrap();
        assert!(
            ranges
                .windows(2)
                .all(|w| w[0].image_offset + w[0].len_bytes < w[1].image_offset),
            "{name}"
        );
        let total: u64 = ranges.iter().map(|r| r.len_bytes).sum();
        assert_eq!(
            total,
            free_blocks * 1024,
            "{name}: free bytes equal the superblock's free block count"
        );
        let (entries, _) = walk(fs.as_ref());
        for entry in entries.iter().filter(|e| !e.deleted) {
            for run in &entry.byte_runs {
                let Some(start) = run.volume_offset else {
                    continue;
                };
                let end = start + run.len_bytes;
                assert!(
                    ranges
                        .iter()
                        .all(|r| end <= r.image_offset || start >= r.image_offset + r.len_bytes),
                    "{name}: {} overlaps unallocated space",
                    entry.path
                );
            }
        }
    }
}

#[test]
fn listings_and_contents_agree_with_the_sleuth_kit() {
    if Command::new("fls").arg("-V").output().is_err()
        || Command::new("icat").arg("-V").output().is_err()
    {
        eprintln!("skipped: fls/icat (sleuthkit) not installed");
        return;
    }
    for name in IMAGES {
        let bytes = image(name);
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&bytes).unwrap();
        let path = file.path().to_str().unwrap().to_owned();
        let fls = Command::new("fls")
            .args(["-r", "-p", &path])
            .output()
            .unwrap();
        let theirs: BTreeSet<(String, bool, String)> = String::from_utf8_lossy(&fls.stdout)
            .lines()
            .filter_map(|line| {
                let (head, name) = line.split_once(":\t")?;
                let deleted = head.contains('*');
                let inode = head
                    .rsplit(' ')
                    .next()?
                    .trim_end_matches("(realloc)")
                    .to_owned();
                Some((format!("/{name}"), deleted, inode))
            })
            .collect();
        let fs = open(bytes).unwrap();
        let (entries, _) = walk(fs.as_ref());
        let ours: BTreeSet<(String, bool, String)> = entries
            .iter()
            .map(|e| (e.path.clone(), e.deleted, e.id.clone()))
            .collect();
        let extra: Vec<_> = ours.difference(&theirs).collect();
        let missing: Vec<_> = theirs.difference(&ours).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "{name} vs fls: extra {extra:?}, missing {missing:?}"
        );
        for entry in entries.iter().filter(|e| e.kind == EntryKind::File) {
            let icat = Command::new("icat")
                .args([&path, &entry.id])
                .output()
                .unwrap();
            assert_eq!(
                sha256_hex(&content(fs.as_ref(), &entry.id)),
                sha256_hex(&icat.stdout),
                "{name}:{}",
                entry.path
            );
        }
    }
}

// ------------------------------------------------------------ hostile input

/// A writer that refuses output beyond `cap` bytes.
struct Capped {
    written: usize,
    cap: usize,
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

fn patch(bytes: &mut [u8], offset: u64, new: &[u8]) {
    let at = usize::try_from(offset).unwrap();
    bytes[at..at + new.len()].copy_from_slice(new);
}

/// Inode number and record offset of `path` in `bytes`.
fn inode_of(bytes: &[u8], path: &str) -> (u32, u64) {
    let fs = open(bytes.to_vec()).unwrap();
    let entry = fs::find_by_path(fs.as_ref(), path).unwrap().unwrap();
    let number: u32 = entry.id.parse().unwrap();
    (
        number,
        ext4(bytes.to_vec()).inode_volume_offset(number).unwrap(),
    )
}

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

fn fuzz_seeds() -> Vec<(String, Vec<u8>)> {
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

#[test]
fn the_fuzz_seeds_list_their_files_deleted_one_and_link() {
    let seeds = fuzz_seeds();
    assert_eq!(
        seeds.len(),
        3,
        "ext4 with extents, ext4 with inline data, ext2"
    );
    for (name, bytes) in seeds {
        let fs = open(bytes).unwrap();
        let (entries, problems) = walk(fs.as_ref());
        assert!(problems.is_empty(), "{name}: {problems:?}");
        let listed: Vec<(&str, bool)> = entries
            .iter()
            .map(|e| (e.path.as_str(), e.deleted))
            .collect();
        assert_eq!(
            listed,
            vec![
                ("/a.txt", false),
                ("/dir", false),
                ("/dir/b.txt", false),
                ("/dir/c.txt", true),
                ("/link", false),
                ("/lost+found", false),
                ("/$OrphanFiles", false)
            ],
            "{name}"
        );
        let find = |path: &str| entries.iter().find(|e| e.path == path).unwrap();
        assert_eq!(content(fs.as_ref(), &find("/a.txt").id), b"hello\n");
        assert_eq!(
            content(fs.as_ref(), &find("/dir/b.txt").id),
            vec![b'x'; 3000]
        );
        assert_eq!(
            content(fs.as_ref(), &find("/dir/c.txt").id),
            b"gone soon\n",
            "{name}"
        );
        assert_eq!(find("/link").link_target.as_deref(), Some("a.txt"));
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
fn a_deleted_inode_whose_name_is_gone_is_listed_as_an_orphan_with_its_content() {
    let mut bytes = image("ext4-small");
    let key = key("ext4-small");
    let note = key
        .iter()
        .find(|f| f["path"] == "/docs/deleted_note.txt")
        .unwrap();
    let number = note["inode"].as_u64().unwrap();
    // Wipe the removed entry's inode number: the name can no longer be tied to it.
    let name_at = bytes
        .windows(16)
        .position(|w| w == b"deleted_note.txt")
        .unwrap();
    patch(&mut bytes, (name_at - 8) as u64, &0u32.to_le_bytes());
    let fs = open(bytes).unwrap();
    let (entries, _) = walk(fs.as_ref());
    assert!(!entries.iter().any(|e| e.path == "/docs/deleted_note.txt"));
    let orphan_path = format!("/$OrphanFiles/OrphanFile-{number}");
    let orphan = entries.iter().find(|e| e.path == orphan_path).unwrap();
    assert!(orphan.deleted);
    assert_eq!(orphan.size, note["size"].as_u64().unwrap());
    assert_eq!(
        sha256_hex(&content(fs.as_ref(), &orphan.id)),
        note["sha256"].as_str().unwrap()
    );
    let last_two: Vec<&str> = entries[entries.len() - 2..]
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert_eq!(
        last_two,
        vec!["/$OrphanFiles", orphan_path.as_str()],
        "orphans come last"
    );
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
