//! `forensics hash`, `verify`, `hashset` and `audit` run as a user would.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on purpose

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_forensics");
const ABC_MD5: &str = "900150983cd24fb0d6963f7d28e17f72";
const ABC_SHA1: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";
const ABC_SHA256: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const ABC_BLAKE3: &str = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85";

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}

#[test]
fn hash_json_gives_all_four_digests_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "abc.raw", b"abc");
    let output = run(&["hash", "--json", path.to_str().unwrap()]);
    assert!(output.status.success(), "{output:?}");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line["type"], "hash");
    assert_eq!(line["format"], "raw");
    assert_eq!(line["size"], 3);
    assert_eq!(line["md5"], ABC_MD5);
    assert_eq!(line["sha1"], ABC_SHA1);
    assert_eq!(line["sha256"], ABC_SHA256);
    assert_eq!(line["blake3"], ABC_BLAKE3);
    assert!(line["known_set"].is_null());
    assert!(
        output.stderr.is_empty(),
        "no progress bar when not on a terminal"
    );
}

#[test]
fn hash_text_with_one_algorithm_is_md5sum_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "abc.raw", b"abc");
    let output = run(&["hash", "--algo", "md5", path.to_str().unwrap()]);
    assert_eq!(stdout(&output), format!("{ABC_MD5}  {}\n", path.display()));
    let output = run(&["hash", "--algo", "sha1,md5", path.to_str().unwrap()]);
    assert_eq!(
        stdout(&output),
        format!(
            "MD5 ({0}) = {ABC_MD5}\nSHA1 ({0}) = {ABC_SHA1}\n",
            path.display()
        )
    );
    let output = run(&["hash", "--algo", "crc32", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hash_agrees_with_the_coreutils_binaries_on_random_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "random.raw",
        &random_bytes(3 * 1024 * 1024 + 17),
    );
    let output = run(&["hash", "--json", "--threads", "2", path.to_str().unwrap()]);
    let line = &json_lines(&output)[0];
    for (tool, field) in [
        ("md5sum", "md5"),
        ("sha1sum", "sha1"),
        ("sha256sum", "sha256"),
        ("b3sum", "blake3"),
    ] {
        match Command::new(tool).arg(&path).output() {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8(out.stdout).unwrap();
                assert_eq!(
                    line[field],
                    text.split_whitespace().next().unwrap(),
                    "{tool}"
                );
            }
            _ => eprintln!("skipped: {tool} not installed"),
        }
    }
}

#[test]
fn piecewise_lines_come_before_the_total_in_offset_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "p.raw", &random_bytes(10_000));
    let output = run(&[
        "hash",
        "--json",
        "--algo",
        "md5",
        "--piecewise",
        "4K",
        path.to_str().unwrap(),
    ]);
    let lines = json_lines(&output);
    let pieces: Vec<(u64, u64)> = lines
        .iter()
        .filter(|l| l["type"] == "piece")
        .map(|l| {
            (
                l["image_offset"].as_u64().unwrap(),
                l["size"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pieces, [(0, 4096), (4096, 4096), (8192, 1808)]);
    assert_eq!(lines.last().unwrap()["type"], "hash");
    assert!(lines[0]["sha1"].is_null());
}

#[test]
fn a_hash_set_marks_known_media_and_reports_its_category() {
    let dir = tempfile::tempdir().unwrap();
    let media = write(dir.path(), "abc.raw", b"abc");
    let vics = write(
        dir.path(),
        "vics.json",
        format!(
            r#"{{"value":[{{"MediaID":1,"Category":1,"MD5":"{}"}}]}}"#,
            ABC_MD5.to_uppercase()
        )
        .as_bytes(),
    );
    let set = dir.path().join("cases.fhs");
    let output = run(&[
        "hashset",
        "import",
        vics.to_str().unwrap(),
        "--out",
        set.to_str().unwrap(),
        "--name",
        "VIC test",
        "--kind",
        "notable",
    ]);
    assert!(output.status.success(), "{output:?}");
    let output = run(&["hashset", "info", "--json", set.to_str().unwrap()]);
    let info = &json_lines(&output)[0];
    assert_eq!(info["name"], "VIC test");
    assert_eq!(info["kind"], "notable");
    assert_eq!(info["tables"][0]["count"], 1);
    let output = run(&[
        "hash",
        "--json",
        "--known",
        set.to_str().unwrap(),
        media.to_str().unwrap(),
    ]);
    let line = &json_lines(&output)[0];
    assert_eq!(line["known_set"], "VIC test");
    assert_eq!(line["known_kind"], "notable");
    assert_eq!(line["category"], "1");
}

#[test]
fn a_malformed_list_fails_the_import_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "bad.md5",
        format!("{ABC_MD5}  a\nnot a digest line\n").as_bytes(),
    );
    let out = dir.path().join("bad.fhs");
    let output = run(&[
        "hashset",
        "import",
        list.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--name",
        "x",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("bad.md5") && stderr.contains("line 2"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn verify_without_stored_digests_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "abc.raw", b"abc");
    let output = run(&["verify", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("no digest")
    );
}

/// An E01 of `source` made by ewfacquire (uncompressed, MD5 + SHA-1), or
/// `None` when ewfacquire is missing or this build cannot open E01 yet.
fn ewfacquire(dir: &Path, source: &Path) -> Option<PathBuf> {
    let target = dir.join("img");
    let made = Command::new("ewfacquire")
        .args(["-u", "-q", "-c", "none", "-d", "sha1", "-t"])
        .arg(&target)
        .arg(source)
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: ewfacquire not installed");
        return None;
    }
    let image = dir.join("img.E01");
    if !run(&["info", image.to_str().unwrap()]).status.success() {
        eprintln!("skipped: this build cannot open E01 images yet");
        return None;
    }
    Some(image)
}

#[test]
fn verify_of_an_ewfacquire_image_matches_its_stored_digests() {
    let dir = tempfile::tempdir().unwrap();
    let source = write(dir.path(), "src.raw", &random_bytes(1024 * 1024 + 512));
    let Some(image) = ewfacquire(dir.path(), &source) else {
        return;
    };
    let output = run(&["verify", "--json", image.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines = json_lines(&output);
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "check" && l["algorithm"] == "md5" && l["match"] == true)
    );
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "check" && l["algorithm"] == "sha1" && l["match"] == true)
    );
    let hashed = run(&["hash", "--json", image.to_str().unwrap()]);
    let raw = run(&["hash", "--json", source.to_str().unwrap()]);
    assert_eq!(
        json_lines(&hashed)[0]["sha256"],
        json_lines(&raw)[0]["sha256"]
    );
}

#[test]
fn audit_passes_on_an_unchanged_tree_and_fails_on_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir(&tree).unwrap();
    write(&tree, "abc.txt", b"abc");
    let list = write(
        dir.path(),
        "list.md5",
        format!("{ABC_MD5}  abc.txt\n").as_bytes(),
    );
    let output = run(&["audit", list.to_str().unwrap(), tree.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    write(&tree, "new.txt", b"new");
    let output = run(&[
        "audit",
        "--json",
        list.to_str().unwrap(),
        tree.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    assert!(
        lines
            .iter()
            .any(|l| l["status"] == "new" && l["path"].as_str().unwrap().ends_with("new.txt"))
    );
    assert_eq!(lines.last().unwrap()["passed"], false);
}

#[test]
fn verify_of_a_damaged_e01_fails_naming_digests_and_damaged_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let source = write(dir.path(), "src.raw", &random_bytes(1024 * 1024));
    let Some(image) = ewfacquire(dir.path(), &source) else {
        return;
    };
    let mut bytes = std::fs::read(&image).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let damaged = write(dir.path(), "damaged.E01", &bytes);
    let output = run(&["verify", "--json", damaged.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines = json_lines(&output);
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "check" && l["match"] == false)
    );
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "problem" && l["image_offset"].is_u64())
    );
    assert_eq!(lines.last().unwrap()["verified"], false);
    let text = run(&["verify", damaged.to_str().unwrap()]);
    assert!(
        stdout(&text).contains("MD5 and SHA1 mismatch"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn a_hash_set_without_any_selected_algorithm_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let media = write(dir.path(), "abc.raw", b"abc");
    let list = write(
        dir.path(),
        "l.sha1",
        format!("{ABC_SHA1}  abc\n").as_bytes(),
    );
    let set = dir.path().join("s.fhs");
    let made = run(&[
        "hashset",
        "import",
        list.to_str().unwrap(),
        "--out",
        set.to_str().unwrap(),
        "--name",
        "s",
    ]);
    assert!(made.status.success());
    let output = run(&[
        "hash",
        "--algo",
        "md5",
        "--known",
        set.to_str().unwrap(),
        media.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8(output.stderr).unwrap().contains("sha1"));
}
