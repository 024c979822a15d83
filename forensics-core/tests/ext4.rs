//! The ext2/3/4 reader against the committed test images and their answer
//! keys (made by `tests/data/make-ext4-small.sh` with e2fsprogs), against The
//! Sleuth Kit when it is installed, and against the fuzz seeds.
#![allow(clippy::unwrap_used)]

use crate::ext4_common;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Command;

use ext4_common::*;
use forensics_core::fs::EntryKind;
use serde_json::Value;

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
fn a_renamed_directorys_old_name_is_listed_deleted_without_its_children() {
    if Command::new("debugfs").arg("-V").output().is_err() {
        eprintln!("skipped: debugfs (e2fsprogs) not installed");
        return;
    }
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&image("ext4-small")).unwrap();
    let path = file.path().to_str().unwrap().to_owned();
    for request in ["link /docs /docs_old", "unlink /docs"] {
        let status = Command::new("debugfs")
            .args(["-w", "-R", request, &path])
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "debugfs {request}");
    }
    let fs = open(std::fs::read(&path).unwrap()).unwrap();
    let (entries, _) = walk(fs.as_ref());
    let old = entries.iter().find(|e| e.path == "/docs").unwrap();
    assert!(old.deleted);
    assert!(
        !entries.iter().any(|e| e.path.starts_with("/docs/")),
        "children stay under the live name"
    );
    let live = entries
        .iter()
        .find(|e| e.path == "/docs_old/report.txt")
        .unwrap();
    assert!(!live.deleted);
    assert!(
        entries
            .iter()
            .any(|e| e.path == "/docs_old/deleted_note.txt" && e.deleted)
    );
}

#[test]
fn a_bigalloc_volume_lists_reads_and_counts_free_clusters() {
    if Command::new("mke2fs").arg("-V").output().is_err() {
        eprintln!("skipped: mke2fs (e2fsprogs) not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("src");
    std::fs::create_dir_all(source.join("sub")).unwrap();
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(source.join("sub/big.bin"), &big).unwrap();
    std::fs::write(source.join("small.txt"), b"bigalloc\n").unwrap();
    let image = dir.path().join("bigalloc.img");
    let made = Command::new("mke2fs")
        .args([
            "-q", "-F", "-t", "ext4", "-O", "bigalloc", "-C", "16384", "-b", "1024", "-d",
        ])
        .arg(&source)
        .arg(&image)
        .arg("8M")
        .env("E2FSPROGS_FAKE_TIME", "1672531200")
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let bytes = std::fs::read(&image).unwrap();
    let free_blocks = u64::from(u32::from_le_bytes(
        bytes[1024 + 0x0C..1024 + 0x10].try_into().unwrap(),
    ));
    let fs = open(bytes).unwrap();
    let (entries, problems) = walk(fs.as_ref());
    assert!(problems.is_empty(), "{problems:?}");
    let big_entry = entries.iter().find(|e| e.path == "/sub/big.bin").unwrap();
    assert_eq!(content(fs.as_ref(), &big_entry.id), big);
    let small = entries.iter().find(|e| e.path == "/small.txt").unwrap();
    assert_eq!(content(fs.as_ref(), &small.id), b"bigalloc\n");
    let free_bytes: u64 = fs.unallocated().unwrap().iter().map(|r| r.len_bytes).sum();
    assert_eq!(free_bytes, free_blocks * 1024);
}
