//! Generated images read by third-party tools agree with the key: The Sleuth
//! Kit (`mmls`, `fls`, `icat`), dosfstools (`fsck.fat -n`) and mtools
//! (`mdir`, `mtype`). Each check prints "skipped: TOOL not installed" when the
//! tool is missing.
#![allow(clippy::unwrap_used)]

use crate::common;

use common::{have_tool, sha256, small_options};
use corpus::AnswerKey;
use corpus::key::FileSystemKey;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn run(program: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new(program)
        .args(args)
        .env("MTOOLS_SKIP_CHECK", "1")
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// One `fls -r -p` line: (deleted, inode).
fn fls_listing(image: &Path, sector_offset: u64) -> BTreeMap<String, (bool, String)> {
    let offset = sector_offset.to_string();
    let text = String::from_utf8(run(
        "fls",
        &[
            "-r",
            "-p",
            "-o",
            &offset,
            image.to_str().expect("utf8 path"),
        ],
    ))
    .expect("utf8");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some((left, path)) = line.split_once('\t') else {
            continue;
        };
        let deleted = left.contains('*');
        let inode = left
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .trim_end_matches(':')
            .to_string();
        out.insert(format!("/{path}"), (deleted, inode));
    }
    out
}

/// Bodyfile rows by path: (size, atime, mtime, crtime).
fn bodyfile(image: &Path, sector_offset: u64) -> BTreeMap<String, (u64, i64, i64, i64)> {
    let offset = sector_offset.to_string();
    let text = String::from_utf8(run(
        "fls",
        &[
            "-z",
            "UTC",
            "-m",
            "/",
            "-r",
            "-p",
            "-o",
            &offset,
            image.to_str().expect("utf8"),
        ],
    ))
    .expect("utf8");
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('|').collect();
        if f.len() == 11 {
            let num = |i: usize| f[i].parse::<i64>().unwrap_or(-1);
            out.insert(
                f[1].trim_end_matches(" (deleted)").to_string(),
                (num(6) as u64, num(7), num(8), num(10)),
            );
        }
    }
    out
}

fn check_with_tsk(image: &Path, fs: &FileSystemKey) {
    let sector_offset = fs.image_offset / 512;
    let listing = fls_listing(image, sector_offset);
    let body = bodyfile(image, sector_offset);
    let mut regular_in_key = 0;
    for file in &fs.files {
        let parent = file.path.rsplit_once('/').map_or("", |(p, _)| p);
        let by_short = format!("{parent}/{}", file.short_name);
        let (tsk_path, (deleted, inode)) = listing
            .get_key_value(&file.path)
            .or_else(|| listing.get_key_value(&by_short))
            .unwrap_or_else(|| panic!("fls lists {} (or {by_short})", file.path));
        assert_eq!(*deleted, file.deleted, "{}: deleted flag", file.path);
        if file.is_dir {
            continue;
        }
        regular_in_key += 1;
        if let Some(&(size, atime, mtime, crtime)) = body.get(tsk_path) {
            assert_eq!(size, file.size, "{}: size", file.path);
            assert_eq!(mtime, file.modified, "{}: mtime", file.path);
            assert_eq!(atime, file.accessed, "{}: atime", file.path);
            // TSK keeps the odd second of a FAT creation time (10 ms field =
            // 100) in its nanosecond field, so the bodyfile shows the even second.
            assert_eq!(
                crtime,
                file.created - file.created % 2,
                "{}: crtime",
                file.path
            );
        } else {
            panic!("bodyfile lists {tsk_path}");
        }
        if file.size > 0 && !file.overwritten {
            let offset = sector_offset.to_string();
            let content = run(
                "icat",
                &["-o", &offset, image.to_str().expect("utf8"), inode],
            );
            assert_eq!(
                content.len() as u64,
                file.size,
                "{}: icat length",
                file.path
            );
            assert_eq!(
                sha256(&content),
                file.digests.sha256,
                "{}: icat content",
                file.path
            );
        }
    }
    let regular_in_tsk = listing
        .keys()
        .filter(|p| !p.contains("$") && !p.contains("(Volume Label Entry)"))
        .filter(|p| !fs.files.iter().any(|f| f.is_dir && &f.path == *p))
        .count();
    assert_eq!(
        regular_in_tsk, regular_in_key,
        "fls lists exactly the key's files"
    );
}

fn generate(name: &str) -> (tempfile::TempDir, AnswerKey) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = corpus::generate(name, &small_options(name, 31), dir.path()).expect("generate");
    (dir, key)
}

#[test]
fn sleuth_kit_lists_and_reads_fat_files_like_the_key() {
    if !have_tool("fls") || !have_tool("icat") {
        return;
    }
    for name in ["fat12", "fat16", "fat32", "disk-mbr", "disk-gpt"] {
        let (dir, key) = generate(name);
        let image = dir.path().join(format!("{name}.raw"));
        for fs in &key.filesystems {
            check_with_tsk(&image, fs);
        }
        println!("{name}: TSK agrees on {} files", key.all_files().count());
    }
}

/// TSK's view of every regular file as findings, the way `forensics ls
/// --json` reports them: path, size, sha256 (of icat output), deleted.
fn tsk_findings(image: &Path, fs: &FileSystemKey) -> String {
    let sector_offset = fs.image_offset / 512;
    let offset = sector_offset.to_string();
    let body = bodyfile(image, sector_offset);
    let mut lines = String::new();
    for (path, (deleted, inode)) in fls_listing(image, sector_offset) {
        let Some(&(size, ..)) = body.get(&path) else {
            continue;
        };
        if path.contains('$') || path.contains("(Volume Label Entry)") {
            continue;
        }
        let content = run(
            "icat",
            &["-o", &offset, image.to_str().expect("utf8"), &inode],
        );
        let line = serde_json::json!({
            "path": path,
            "partition": fs.partition_index,
            "size": size,
            "sha256": sha256(&content),
            "deleted": deleted,
        });
        lines.push_str(&line.to_string());
        lines.push('\n');
    }
    lines
}

#[test]
fn scoring_sleuth_kit_output_gives_full_recall() {
    if !have_tool("fls") || !have_tool("icat") {
        return;
    }
    let (dir, key) = generate("disk-mbr");
    let image = dir.path().join("disk-mbr.raw");
    let mut findings = String::new();
    for fs in &key.filesystems {
        findings.push_str(&tsk_findings(&image, fs));
    }
    let parsed = corpus::score::parse_findings(&findings).expect("JSON Lines");
    let report = corpus::score::score(&key, &parsed);
    let files = &report.categories[0];
    assert_eq!(files.category, "files");
    assert_eq!(
        (files.recall, files.precision),
        (1.0, 1.0),
        "{}",
        report.to_text()
    );
    // Without the deleted files, recall drops by exactly their share.
    let live: Vec<_> = parsed
        .into_iter()
        .filter(|f| f.deleted != Some(true))
        .collect();
    let report = corpus::score::score(&key, &live);
    let files = &report.categories[0];
    let deleted = key
        .all_files()
        .filter(|(_, f)| f.deleted && !f.is_dir)
        .count();
    assert_eq!(files.missed.len(), deleted);
    assert!(
        (files.recall - (files.expected - deleted) as f64 / files.expected as f64).abs() < 1e-9
    );
}

#[test]
fn mmls_sees_the_key_partitions() {
    if !have_tool("mmls") {
        return;
    }
    for name in ["disk-mbr", "disk-gpt"] {
        let (dir, key) = generate(name);
        let image = dir.path().join(format!("{name}.raw"));
        let text = String::from_utf8(run("mmls", &[image.to_str().expect("utf8")])).expect("utf8");
        let mut seen: Vec<(u64, u64)> = text
            .lines()
            .filter_map(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                let slot = cols.get(1)?;
                if *slot == "Meta"
                    || slot.starts_with('-')
                    || !slot.chars().next()?.is_ascii_digit()
                {
                    return None;
                }
                Some((cols.get(2)?.parse().ok()?, cols.get(4)?.parse().ok()?))
            })
            .collect();
        seen.sort_unstable();
        let mut expected: Vec<(u64, u64)> = key
            .partitions
            .iter()
            .filter(|p| p.role != "extended")
            .map(|p| (p.start_sector, p.sector_count))
            .collect();
        expected.sort_unstable();
        assert_eq!(seen, expected, "{name}: mmls partitions");
    }
}

/// Writes one file system of the image to its own file (fsck.fat and mtools
/// take no offset).
fn extract(dir: &Path, name: &str, fs: &FileSystemKey) -> std::path::PathBuf {
    let image = std::fs::read(dir.join(format!("{name}.raw"))).expect("image");
    let path = dir.join(format!("fs-{}.img", fs.image_offset));
    std::fs::write(
        &path,
        &image[fs.image_offset as usize..(fs.image_offset + fs.len_bytes) as usize],
    )
    .expect("write");
    path
}

#[test]
fn fsck_fat_finds_no_errors() {
    if !have_tool("fsck.fat") {
        return;
    }
    for name in ["fat12", "fat16", "fat32", "disk-mbr", "disk-gpt"] {
        let (dir, key) = generate(name);
        for fs in &key.filesystems {
            let path = extract(dir.path(), name, fs);
            let output = Command::new("fsck.fat")
                .arg("-n")
                .arg(&path)
                .output()
                .expect("fsck.fat runs");
            let text = String::from_utf8_lossy(&output.stdout);
            assert!(
                output.status.success(),
                "{name} at {}: fsck.fat -n: {text}",
                fs.image_offset
            );
            let lines = text.lines().count();
            assert_eq!(
                lines, 2,
                "{name}: fsck.fat reports only its banner and summary: {text}"
            );
        }
    }
}

#[test]
fn mtools_list_and_read_live_files() {
    if !have_tool("mdir") || !have_tool("mtype") {
        return;
    }
    for name in ["fat12", "fat16", "fat32", "disk-mbr", "disk-gpt"] {
        let (dir, key) = generate(name);
        for fs in &key.filesystems {
            check_with_mtools(dir.path(), name, fs);
        }
    }
}

fn check_with_mtools(dir: &Path, name: &str, fs: &FileSystemKey) {
    let path = extract(dir, name, fs);
    let image = path.to_str().expect("utf8");
    let text = String::from_utf8(run("mdir", &["-/", "-b", "-i", image, "::"])).expect("utf8");
    let mut listed: Vec<String> = text
        .lines()
        .map(|l| l.trim_start_matches("::").trim_end_matches('/').to_string())
        .collect();
    listed.sort();
    let mut live: Vec<String> = fs
        .files
        .iter()
        .filter(|f| !f.deleted)
        .map(|f| f.path.clone())
        .collect();
    live.sort();
    assert_eq!(
        listed, live,
        "{name} at {}: mdir lists the live files",
        fs.image_offset
    );
    for file in fs.files.iter().filter(|f| !f.deleted && !f.is_dir) {
        let content = run("mtype", &["-i", image, &format!("::{}", file.path)]);
        assert_eq!(
            sha256(&content),
            file.digests.sha256,
            "{name}: mtype {}",
            file.path
        );
    }
}
