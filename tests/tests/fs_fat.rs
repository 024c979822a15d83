//! FAT answer-key tests: the corpus's FAT12/16/32 images and MBR/GPT disks
//! with FAT partitions are listed and read back through the library and the
//! CLI, and compared with TSK's `fls` when it is installed.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use corpus::key::{AnswerKey, FileKey, FileSystemKey};
use forensics_core::evidence::EvidenceSource;
use forensics_core::fs::{self, EntryKind, FileEntry, FileSystem};
use forensics_e2e::{forensics, json_lines};
use sha2::{Digest, Sha256};

const SEED: u64 = 20_261_128;

fn generate(scenario: &str, dir: &Path) -> (AnswerKey, PathBuf) {
    let options = corpus::ScenarioOptions::with_seed(SEED);
    let key = corpus::generate(scenario, &options, dir).expect("corpus generates");
    let image = dir.join(&key.image_files[0]);
    (key, image)
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the listed `path` names key file `file`: equal paths, or for a
/// deleted entry without a long name, the same parent and the same name
/// after the lost first character (shown as `_`).
fn names(file: &FileKey, path: &str) -> bool {
    if file.path == path {
        return true;
    }
    let split = |p: &str| {
        let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
        let rest: String = name.chars().skip(1).collect();
        (parent.to_owned(), rest.to_lowercase())
    };
    file.deleted
        && path.rsplit('/').next().is_some_and(|n| n.starts_with('_'))
        && split(&file.path) == split(path)
}

/// The volume-layer partition index of the key's file system (matched by
/// offset: the key numbers logical partitions from 5, the volume layer in
/// table order).
fn partition_of(media: &Arc<dyn EvidenceSource>, fs_key: &FileSystemKey) -> Option<u32> {
    let layout = fs::layout(media).expect("layout");
    layout
        .volumes
        .iter()
        .find(|v| v.image_offset == fs_key.image_offset)
        .expect("a volume at the key's offset")
        .partition_index
}

/// Every key file is listed with the right kind, flag and size and reads
/// back to its digest (unless overwritten); nothing but the special files
/// is listed that the key does not have.
fn check_file_system(fs: &dyn FileSystem, fs_key: &FileSystemKey, label: &str) {
    let mut entries: Vec<FileEntry> = Vec::new();
    let problems = fs.walk(&mut |e| entries.push(e)).expect("walk");
    assert!(problems.is_empty(), "{label}: {problems:?}");
    let mut matched = BTreeSet::new();
    for file in &fs_key.files {
        let found = entries
            .iter()
            .find(|e| e.deleted == file.deleted && names(file, &e.path))
            .unwrap_or_else(|| panic!("{label}: {} not listed", file.path));
        matched.insert(found.id.clone());
        let want_kind = if file.is_dir {
            EntryKind::Directory
        } else {
            EntryKind::File
        };
        assert_eq!(found.kind, want_kind, "{label}: kind of {}", file.path);
        assert_eq!(
            found.times.modified.map(|t| t.unix_seconds()),
            Some(file.modified),
            "{label}: modified of {}",
            file.path
        );
        assert_eq!(
            found.times.created.map(|t| t.unix_seconds()),
            Some(file.created),
            "{label}: created of {}",
            file.path
        );
        if file.is_dir {
            continue;
        }
        assert_eq!(found.size, file.size, "{label}: size of {}", file.path);
        let mut content = Vec::new();
        let read = fs.read_content(&found.id, None, &mut content);
        if file.overwritten {
            continue;
        }
        read.unwrap_or_else(|e| panic!("{label}: reading {}: {e}", file.path));
        assert_eq!(
            sha256(&content),
            file.digests.sha256,
            "{label}: content of {}",
            file.path
        );
    }
    let extra: Vec<&str> = entries
        .iter()
        .filter(|e| !matched.contains(&e.id) && e.kind != EntryKind::Other)
        .map(|e| e.path.as_str())
        .collect();
    assert!(
        extra.is_empty(),
        "{label}: listed but not in the key: {extra:?}"
    );
}

fn check_scenario(scenario: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (key, image) = generate(scenario, dir.path());
    let evidence = forensics_core::evidence::open(&image).expect("open evidence");
    let media = evidence.source.clone();
    assert!(!key.filesystems.is_empty());
    for fs_key in &key.filesystems {
        let partition = partition_of(&media, fs_key);
        let (_, fs) = fs::open_volume(&media, partition).expect("open FAT volume");
        let label = format!("{scenario} partition {partition:?}");
        let want_type = fs_key.fs_type.as_str();
        assert_eq!(
            serde_json::to_value(fs.fs_type()).expect("fs type serialises"),
            want_type,
            "{label}"
        );
        check_file_system(fs.as_ref(), fs_key, &label);
    }
}

#[test]
fn fat12_key_files_are_listed_and_read_back() {
    check_scenario("fat12");
}

#[test]
fn fat16_key_files_are_listed_and_read_back() {
    check_scenario("fat16");
}

#[test]
fn fat32_key_files_are_listed_and_read_back() {
    check_scenario("fat32");
}

#[test]
fn mbr_disk_fat_partitions_are_listed_and_read_back() {
    check_scenario("disk-mbr");
}

#[test]
fn gpt_disk_fat_partitions_are_listed_and_read_back() {
    check_scenario("disk-gpt");
}

/// `forensics ls -r --json` and `forensics cat '#ID'` agree with the key,
/// with `-p N` on a partitioned disk.
fn check_cli(scenario: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (key, image) = generate(scenario, dir.path());
    let image = image.to_str().expect("UTF-8 temp path");
    let media = forensics_core::evidence::open(Path::new(image))
        .expect("open evidence")
        .source;
    for fs_key in &key.filesystems {
        let partition = partition_of(&media, fs_key).map(|p| p.to_string());
        let mut args = vec!["ls", "-r", "--json", image];
        if let Some(p) = &partition {
            args.extend(["-p", p]);
        }
        let output = forensics(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let listed = json_lines(&output.stdout);
        for file in fs_key.files.iter().filter(|f| !f.is_dir) {
            let found = listed
                .iter()
                .find(|e| {
                    e["deleted"] == file.deleted && names(file, e["path"].as_str().unwrap_or(""))
                })
                .unwrap_or_else(|| panic!("{scenario}: {} not listed", file.path));
            assert_eq!(found["size"], file.size, "{}", file.path);
            if file.overwritten {
                continue;
            }
            let id = format!("#{}", found["id"].as_str().expect("id"));
            let mut args = vec!["cat", image, id.as_str()];
            if let Some(p) = &partition {
                args.extend(["-p", p]);
            }
            let output = forensics(&args);
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_eq!(sha256(&output.stdout), file.digests.sha256, "{}", file.path);
        }
    }
}

#[test]
fn cli_lists_and_cats_a_bare_fat16_image() {
    check_cli("fat16");
}

#[test]
fn cli_lists_and_cats_mbr_disk_partitions() {
    check_cli("disk-mbr");
}

fn fls_installed() -> bool {
    Command::new("fls").arg("-V").output().is_ok()
}

/// `fls -r -p` output as (path, deleted, id), without the volume label and
/// `$OrphanFiles`, which we do not list.
fn fls_listing(image: &str) -> BTreeSet<(String, bool, String)> {
    let output = Command::new("fls")
        .args(["-r", "-p", image])
        .output()
        .expect("fls runs");
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.contains("(Volume Label Entry)") && !l.contains("$OrphanFiles"))
        .filter_map(|line| {
            let (head, path) = line.split_once(":\t")?;
            let deleted = head.contains(" * ");
            let id = head.rsplit(' ').next()?.to_owned();
            Some((format!("/{path}"), deleted, id))
        })
        .collect()
}

/// Bodyfile lines keyed by path: (mode, size, atime, mtime, crtime).
fn bodyfile(text: &str) -> BTreeMap<String, (String, i64, i64, i64)> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split('|').collect();
            let number = |i: usize| fields.get(i)?.parse::<i64>().ok();
            Some((
                fields.get(1)?.to_string(),
                (
                    fields.get(2)?.to_string(),
                    number(7)?,
                    number(8)?,
                    number(10)?,
                ),
            ))
        })
        .collect()
}

#[test]
fn listing_and_bodyfile_times_agree_with_fls() {
    if !fls_installed() {
        eprintln!("skipped: fls (sleuthkit) not installed");
        return;
    }
    for scenario in ["fat12", "fat32"] {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (_, image) = generate(scenario, dir.path());
        let image = image.to_str().expect("UTF-8 temp path");
        let output = forensics(&["ls", "-r", image]);
        assert!(output.status.success());
        let ours: BTreeSet<(String, bool, String)> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| {
                let (head, path) = line.split_once(":\t")?;
                let id = head.rsplit(' ').next()?.to_owned();
                Some((format!("/{path}"), head.contains(" * "), id))
            })
            .collect();
        assert!(
            ours.iter().any(|(_, deleted, _)| *deleted),
            "{scenario}: no deleted entry"
        );
        assert_eq!(ours, fls_listing(image), "{scenario}: ls -r vs fls -r -p");

        let theirs = Command::new("fls")
            .args(["-r", "-p", "-m", "/", image])
            .output()
            .expect("fls runs");
        let theirs = bodyfile(&String::from_utf8_lossy(&theirs.stdout));
        let output = forensics(&["ls", "-r", "--bodyfile", image]);
        let ours = bodyfile(&String::from_utf8_lossy(&output.stdout));
        for (path, (id, atime, mtime, crtime)) in &ours {
            if path.contains('$') {
                continue;
            }
            let (their_id, their_atime, their_mtime, their_crtime) = theirs
                .get(path)
                .unwrap_or_else(|| panic!("{path} not in fls -m"));
            assert_eq!(
                (id, atime, mtime),
                (their_id, their_atime, their_mtime),
                "{path}"
            );
            // TSK drops the whole second the creation time's 10-ms field can
            // add (values 100-199); we keep it, as the FAT specification says.
            assert!(
                *crtime == *their_crtime || *crtime == *their_crtime + 1,
                "{path}: crtime {crtime} vs TSK {their_crtime}"
            );
        }
    }
}
