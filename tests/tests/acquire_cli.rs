//! `forensics acquire`: images of a corpus disk written as E01 and split raw,
//! checked by libewf (`ewfverify`, `ewfinfo`), The Sleuth Kit (`mmls`, `fls`)
//! and our own reader; Ctrl-C leaves a marked incomplete image; `--case`
//! records the acquisition and adds the image.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use forensics_e2e::{forensics, forensics_exe, json_lines};

/// Whether `tool` runs (the reference tools are optional on developer machines).
fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-V").output().is_ok();
    if !found {
        eprintln!("skipped: {tool} not installed");
    }
    found
}

/// Output of a reference tool, which must succeed.
fn run_tool(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The corpus `disk-mbr` image (partitions with FAT file systems).
fn disk_mbr(dir: &Path) -> PathBuf {
    let mut options = corpus::ScenarioOptions::with_seed(11);
    options.image_size_bytes = Some(64 << 20);
    corpus::generate("disk-mbr", &options, dir).unwrap();
    dir.join("disk-mbr.raw")
}

/// `forensics hash --json` of `path`: the four digests and the media size.
fn our_digests(path: &Path) -> serde_json::Value {
    let output = forensics(&["hash", "--json", path.to_str().unwrap()]);
    assert!(output.status.success());
    let line = json_lines(&output.stdout).pop().unwrap();
    serde_json::json!({
        "md5": line["md5"], "sha1": line["sha1"], "sha256": line["sha256"],
        "blake3": line["blake3"], "size": line["size"],
    })
}

/// The first partition that holds a file system, as (start sector) from mmls.
fn first_fs_partition(mmls: &str) -> String {
    mmls.lines()
        .find(|line| line.contains("FAT") || line.contains("Linux") || line.contains("NTFS"))
        .and_then(|line| line.split_whitespace().nth(2))
        .unwrap_or_else(|| panic!("no file-system partition in:\n{mmls}"))
        .to_owned()
}

#[test]
fn e01_of_a_corpus_disk_passes_libewf_and_sleuthkit_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let source = disk_mbr(dir.path());
    let dest = dir.path().join("evidence");
    let before = std::fs::metadata(&source).unwrap().modified().unwrap();
    let output = forensics(&[
        "acquire",
        source.to_str().unwrap(),
        dest.to_str().unwrap(),
        "--case-number",
        "2026-0042",
        "--evidence-number",
        "EV-7",
        "--examiner",
        "Jane Roe",
        "--description",
        "corpus disk",
        "--notes",
        "seized at desk",
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = json_lines(&output.stdout).pop().unwrap();
    assert_eq!(line["status"], "complete");
    assert_eq!(line["verified"], true);
    let after = std::fs::metadata(&source).unwrap().modified().unwrap();
    assert_eq!(before, after, "the source must not be written");
    let e01 = dir.path().join("evidence.E01");
    assert_eq!(line["path"], e01.to_str().unwrap());
    let source_digests = our_digests(&source);
    for algorithm in ["md5", "sha1", "sha256", "blake3"] {
        assert_eq!(line[algorithm], source_digests[algorithm], "{algorithm}");
    }
    assert_eq!(our_digests(&e01), source_digests);
    let log = std::fs::read_to_string(dir.path().join("evidence.E01.log")).unwrap();
    assert!(log.contains("status:            COMPLETE"), "{log}");
    assert!(log.contains(source_digests["sha256"].as_str().unwrap()));

    if have("ewfverify") {
        let verify = run_tool("ewfverify", &["-q", "-d", "sha1", e01.to_str().unwrap()]);
        assert!(verify.contains("ewfverify: SUCCESS"), "{verify}");
        let md5 = source_digests["md5"].as_str().unwrap();
        assert!(
            verify.contains(&format!("MD5 hash stored in file:\t\t{md5}")),
            "{verify}"
        );
    }
    if have("ewfinfo") {
        let info = run_tool("ewfinfo", &[e01.to_str().unwrap()]);
        for expected in [
            "Case number:\t\t2026-0042",
            "Evidence number:\tEV-7",
            "Examiner name:\t\tJane Roe",
            "Description:\t\tcorpus disk",
            "Notes:\t\t\tseized at desk",
            "File format:\t\tEnCase 6",
            "good (fast) compression",
        ] {
            assert!(info.contains(expected), "{expected:?} not in:\n{info}");
        }
    }
    if have("mmls") && have("fls") {
        let mmls_raw = run_tool("mmls", &[source.to_str().unwrap()]);
        let mmls_e01 = run_tool("mmls", &[e01.to_str().unwrap()]);
        assert_eq!(mmls_e01, mmls_raw);
        let start = first_fs_partition(&mmls_raw);
        let fls_raw = run_tool("fls", &["-r", "-o", &start, source.to_str().unwrap()]);
        let fls_e01 = run_tool("fls", &["-r", "-o", &start, e01.to_str().unwrap()]);
        assert!(fls_raw.lines().count() > 3, "{fls_raw}");
        assert_eq!(fls_e01, fls_raw);
    }
}

#[test]
fn split_raw_and_best_compression_read_back_to_the_source_digests() {
    let dir = tempfile::tempdir().unwrap();
    let source = disk_mbr(dir.path());
    let source_digests = our_digests(&source);
    let raw = dir.path().join("split");
    let output = forensics(&[
        "acquire",
        source.to_str().unwrap(),
        raw.to_str().unwrap(),
        "--format",
        "raw",
        "--segment-size",
        "30M",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = dir.path().join("split.001");
    for (name, len) in [
        ("split.001", 30 << 20),
        ("split.002", 30 << 20),
        ("split.003", 4 << 20),
    ] {
        assert_eq!(std::fs::metadata(dir.path().join(name)).unwrap().len(), len);
    }
    assert_eq!(our_digests(&first), source_digests);

    let best = dir.path().join("best.E01");
    let output = forensics(&[
        "acquire",
        source.to_str().unwrap(),
        best.to_str().unwrap(),
        "--compression",
        "best",
        "--segment-size",
        "1M",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        dir.path().join("best.E02").exists(),
        "1 MiB segments make several files"
    );
    assert_eq!(our_digests(&best), source_digests);
    if have("ewfverify") {
        let verify = run_tool("ewfverify", &["-q", best.to_str().unwrap()]);
        assert!(verify.contains("ewfverify: SUCCESS"), "{verify}");
    }
}

#[test]
fn ctrl_c_leaves_a_marked_incomplete_image_and_a_log_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("big.raw");
    // 8 GiB sparse: long enough to be interrupted, cheap to store.
    std::fs::File::create(&source)
        .unwrap()
        .set_len(8 << 30)
        .unwrap();
    let dest = dir.path().join("cut.E01");
    let child = Command::new(forensics_exe())
        .args([
            "acquire",
            source.to_str().unwrap(),
            dest.to_str().unwrap(),
            "--json",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let partial = dir.path().join("cut.E01.partial");
    for _ in 0..200 {
        if partial.join("cut.E01").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = json_lines(&output.stdout).pop().unwrap();
    assert_eq!(line["status"], "incomplete");
    assert!(
        line["md5"].is_null(),
        "digests of a partial read are not printed"
    );
    assert!(!dest.exists(), "an incomplete image must never be in place");
    let marker = std::fs::read_to_string(partial.join("INCOMPLETE.txt")).unwrap();
    assert!(
        marker.starts_with("INCOMPLETE ACQUISITION: cancelled"),
        "{marker}"
    );
    let log = std::fs::read_to_string(dir.path().join("cut.E01.log")).unwrap();
    assert!(
        log.contains("status:            INCOMPLETE (cancelled"),
        "{log}"
    );
    // The partial E01 does not open as an image.
    let info = forensics(&["info", partial.join("cut.E01").to_str().unwrap()]);
    assert_eq!(info.status.code(), Some(2));
}

#[test]
fn acquire_into_a_case_records_custody_and_adds_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let source = disk_mbr(dir.path());
    let case = dir.path().join("case.db");
    let init = forensics(&[
        "case",
        "init",
        case.to_str().unwrap(),
        "--case-number",
        "C-9",
        "--examiner",
        "Jane Roe",
    ]);
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let dest = dir.path().join("img.E01");
    let output = forensics(&[
        "acquire",
        source.to_str().unwrap(),
        dest.to_str().unwrap(),
        "--examiner",
        "Jane Roe",
        "--case",
        case.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = json_lines(&output.stdout);
    let registered = lines.iter().find(|l| l["type"] == "case").unwrap();
    assert!(registered["object_id"].as_i64().unwrap() > 0);
    let log = forensics(&["case", "log", case.to_str().unwrap(), "--json"]);
    assert!(log.status.success());
    let entries = json_lines(&log.stdout);
    let acquire = entries.iter().find(|e| e["action"] == "acquire").unwrap();
    let details = acquire["details_json"]
        .as_str()
        .map_or_else(|| acquire.to_string(), str::to_owned);
    assert!(
        details.contains(&our_digests(&source)["sha256"].as_str().unwrap().to_owned()),
        "{details}"
    );
    assert!(
        entries.iter().any(|e| e["action"] == "add_evidence"),
        "{entries:?}"
    );
    let verify = forensics(&["case", "verify", case.to_str().unwrap()]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}
