//! The `ntfs` (mkntfs + ntfs-3g) and `ntfs-small` (committed volume)
//! scenarios: every key entry is listed by `forensics_core::fs` with the
//! right deleted flag, size and content SHA-256, and by `fls` when installed.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{have_tool, sha256, small_options};
use corpus::AnswerKey;
use forensics_core::evidence::{EvidenceSource, MemorySource};
use forensics_core::fs::{self, EntryKind, FileEntry};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

/// Generates `name`; `None` (after printing the skip line) when the
/// scenario's external tools are missing.
fn generate(name: &str, seed: u64, dir: &Path) -> Option<AnswerKey> {
    match corpus::generate(name, &small_options(name, seed), dir) {
        Ok(key) => Some(key),
        Err(corpus::Error::ToolMissing(message)) => {
            println!("skipped: mkntfs/ntfs-3g not available ({message})");
            None
        }
        Err(other) => panic!("{name}: {other}"),
    }
}

/// Checks the image in `dir` against `key` with forensics-core's reader.
fn check_with_forensics_core(dir: &Path, key: &AnswerKey) {
    let image = std::fs::read(dir.join(format!("{}.raw", key.scenario))).unwrap();
    assert_eq!(sha256(&image), key.image_hashes.sha256);
    let source: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(image));
    let volume = fs::open(source).expect("forensics-core opens the volume");
    assert_eq!(volume.fs_type(), fs::FsType::Ntfs);
    let mut listed: Vec<FileEntry> = Vec::new();
    let problems = volume.walk(&mut |e| listed.push(e)).expect("walk");
    assert!(problems.is_empty(), "{problems:?}");
    let files = &key.filesystems[0].files;
    assert!(files.iter().any(|f| f.deleted), "some files are deleted");
    assert!(files.iter().any(|f| f.path.contains(':')), "a stream");
    assert!(files.iter().any(|f| !f.path.is_ascii()), "a non-ASCII name");
    for file in files {
        let entry = listed
            .iter()
            .find(|e| e.path == file.path && e.deleted == file.deleted)
            .unwrap_or_else(|| panic!("{} (deleted: {}) not listed", file.path, file.deleted));
        if file.is_dir {
            assert_eq!(entry.kind, EntryKind::Directory, "{}", file.path);
            continue;
        }
        let kind = if file.path.contains(':') {
            EntryKind::Stream
        } else {
            EntryKind::File
        };
        assert_eq!(entry.kind, kind, "{}", file.path);
        assert_eq!(entry.size, file.size, "{}", file.path);
        let mut content = Vec::new();
        volume.read_content(&entry.id, None, &mut content).unwrap();
        assert_eq!(sha256(&content), file.digests.sha256, "{}", file.path);
        if file.modified != 0 {
            let modified = entry.times.modified.map(|t| t.unix_seconds());
            assert_eq!(modified, Some(file.modified), "{} modified", file.path);
        }
    }
}

/// Compares `fls -r -p` (path, deleted) pairs with the key, if fls exists.
fn check_with_fls(dir: &Path, key: &AnswerKey) {
    if !have_tool("fls") {
        return;
    }
    let image = dir.join(format!("{}.raw", key.scenario));
    let output = Command::new("fls")
        .args(["-r", "-p"])
        .arg(&image)
        .output()
        .unwrap();
    assert!(output.status.success(), "fls failed");
    let text = String::from_utf8(output.stdout).expect("fls prints UTF-8");
    let listed: BTreeSet<(String, bool)> = text
        .lines()
        .filter_map(|line| {
            let (meta, name) = line.split_once('\t')?;
            Some((format!("/{name}"), meta.contains('*')))
        })
        .collect();
    for file in &key.filesystems[0].files {
        assert!(
            listed.contains(&(file.path.clone(), file.deleted)),
            "fls does not list {} (deleted: {})",
            file.path,
            file.deleted
        );
    }
}

#[test]
fn ntfs_small_matches_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let key = generate("ntfs-small", 1, dir.path()).expect("ntfs-small never needs tools");
    assert_eq!(key.filesystems[0].fs_type, "ntfs");
    check_with_forensics_core(dir.path(), &key);
    check_with_fls(dir.path(), &key);
    let other = tempfile::tempdir().unwrap();
    let again = generate("ntfs-small", 2, other.path()).unwrap();
    assert_eq!(again.image_hashes, key.image_hashes, "fixed image");
}

#[test]
fn ntfs_small_rejects_another_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = small_options("ntfs-small", 1);
    options.image_size_bytes = Some(8 << 20);
    let err = corpus::generate("ntfs-small", &options, dir.path()).unwrap_err();
    assert!(err.to_string().contains("fixed"), "{err}");
}

#[test]
fn ntfs_matches_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let Some(key) = generate("ntfs", 5, dir.path()) else {
        return;
    };
    check_with_forensics_core(dir.path(), &key);
    check_with_fls(dir.path(), &key);
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 2, "only the image and the key remain");
}

#[test]
fn ntfs_same_seed_same_files_other_seed_differs() {
    let build = |seed| {
        let dir = tempfile::tempdir().unwrap();
        generate("ntfs", seed, dir.path()).map(|key| key.filesystems)
    };
    let Some(first) = build(9) else { return };
    assert_eq!(Some(&first), build(9).as_ref(), "same seed, same files");
    assert_ne!(Some(&first), build(10).as_ref(), "other seed, other files");
}
