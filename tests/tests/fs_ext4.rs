//! `forensics ls`, `cat` and `timeline` on the committed ext4 test image
//! (`forensics-core/tests/data/ext4-small.img.gz`, made by
//! `make-ext4-small.sh`): deleted entries, content by `#ID`, and a bodyfile
//! that `mactime` accepts.
#![allow(clippy::unwrap_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use forensics_e2e::{forensics, json_lines};
use sha2::{Digest, Sha256};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../forensics-core/tests/data")
}

/// Decompresses the test image into `dir` and returns its path.
fn image_in(dir: &Path) -> String {
    let file = std::fs::File::open(data_dir().join("ext4-small.img.gz")).expect("committed image");
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(file)
        .read_to_end(&mut bytes)
        .expect("gzip image");
    let path = dir.join("ext4-small.img");
    std::fs::write(&path, bytes).expect("temp image written");
    path.to_str().expect("utf-8 temp path").to_owned()
}

fn key_files() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(data_dir().join("ext4-small.key.json")).expect("key");
    let key: serde_json::Value = serde_json::from_str(&text).expect("key is JSON");
    key["files"].as_array().expect("files").clone()
}

#[test]
fn ls_lists_deleted_files_and_cat_by_id_reads_them_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image = image_in(dir.path());
    let listed = json_lines(&forensics(&["ls", "-r", "--json", &image]).stdout);
    let deleted_only = json_lines(&forensics(&["ls", "-r", "--deleted", "--json", &image]).stdout);
    assert!(deleted_only.iter().all(|e| e["deleted"] == true));
    for file in key_files() {
        let path = file["path"].as_str().expect("path");
        let entry = listed
            .iter()
            .find(|e| e["path"] == path && e["deleted"] == file["deleted"])
            .unwrap_or_else(|| panic!("{path} not listed"));
        assert_eq!(entry["id"], file["inode"].to_string(), "{path}");
        if file["deleted"] == true {
            assert!(
                deleted_only.iter().any(|e| e["path"] == path),
                "{path} in --deleted"
            );
        }
        let Some(sha256) = file["sha256"].as_str() else {
            continue;
        };
        let id = format!("#{}", file["inode"]);
        let output = forensics(&["cat", &image, &id]);
        assert!(output.status.success(), "cat {id}");
        let digest: String = Sha256::digest(&output.stdout)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, sha256, "{path}");
    }
}

#[test]
fn the_bodyfile_is_accepted_by_mactime() {
    let dir = tempfile::tempdir().expect("temp dir");
    let image = image_in(dir.path());
    let output = forensics(&["ls", "-r", "--bodyfile", &image]);
    assert!(output.status.success());
    let body = dir.path().join("ext4.body");
    std::fs::write(&body, &output.stdout).expect("bodyfile written");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("0|/docs/deleted_note.txt (deleted)|")),
        "{text}"
    );
    let Ok(mactime) = Command::new("mactime")
        .args(["-b", body.to_str().expect("utf-8"), "-d", "-y"])
        .output()
    else {
        eprintln!("skipped: mactime (sleuthkit) not installed");
        return;
    };
    assert!(
        mactime.status.success(),
        "{}",
        String::from_utf8_lossy(&mactime.stderr)
    );
    let timeline = String::from_utf8_lossy(&mactime.stdout);
    assert!(timeline.contains("/frag/fragmented.bin"), "{timeline}");
}
