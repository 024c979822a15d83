//! Embedded files are valid for the tools that read their formats: SQLite
//! (`sqlite3`), ZIP (`unzip -t`), and our own structural checks for PNG
//! (chunk CRCs) and PDF (cross-reference offsets).

mod common;

use common::{have_tool, read_image, small_options};
use std::process::Command;

fn complete_items(kind: &str) -> (tempfile::TempDir, Vec<std::path::PathBuf>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = small_options("carve-blob", 13);
    options.file_count = Some(24);
    options.image_size_bytes = Some(8 << 20);
    let key = corpus::generate("carve-blob", &options, dir.path()).expect("generate");
    let image = read_image(dir.path(), "carve-blob");
    let mut paths = Vec::new();
    for item in key
        .carved
        .iter()
        .filter(|c| c.file_type == kind && c.status == "complete")
    {
        let path = dir.path().join(format!("{}.{kind}", item.id));
        let start = item.image_offset as usize;
        std::fs::write(&path, &image[start..start + item.length as usize]).expect("write");
        paths.push(path);
    }
    assert!(!paths.is_empty(), "at least one {kind}");
    (dir, paths)
}

#[test]
fn sqlite_databases_pass_integrity_check() {
    if !have_tool("sqlite3") {
        return;
    }
    let (_dir, paths) = complete_items("sqlite");
    for path in paths {
        let out = Command::new("sqlite3")
            .arg(&path)
            .arg("PRAGMA integrity_check; SELECT count(*) FROM sqlite_master;")
            .output()
            .expect("sqlite3");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.starts_with("ok\n"), "{}: {text}", path.display());
    }
}

#[test]
fn zip_archives_pass_unzip_test() {
    if !have_tool("unzip") {
        return;
    }
    let (_dir, paths) = complete_items("zip");
    for path in paths {
        let out = Command::new("unzip")
            .arg("-t")
            .arg(&path)
            .output()
            .expect("unzip");
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn png_chunks_have_correct_crcs() {
    let (_dir, paths) = complete_items("png");
    for path in paths {
        let data = std::fs::read(&path).expect("read");
        let mut at = 8;
        let mut kinds = Vec::new();
        while at + 12 <= data.len() {
            let len = u32::from_be_bytes(data[at..at + 4].try_into().expect("4")) as usize;
            let body = &data[at + 4..at + 8 + len];
            let crc = u32::from_be_bytes(data[at + 8 + len..at + 12 + len].try_into().expect("4"));
            assert_eq!(crc32fast_free(body), crc);
            kinds.push(String::from_utf8_lossy(&body[..4]).into_owned());
            at += 12 + len;
        }
        assert_eq!(at, data.len());
        assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
        assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
    }
}

fn crc32fast_free(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn pdf_xref_offsets_point_at_objects() {
    let (_dir, paths) = complete_items("pdf");
    for path in paths {
        let data = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&data);
        let startxref: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .and_then(|l| l.parse().ok())
            .expect("startxref");
        assert!(data[startxref..].starts_with(b"xref\n"));
        let table = String::from_utf8_lossy(&data[startxref..]);
        for (n, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let offset: usize = line[..10].parse().expect("offset");
            assert!(
                data[offset..].starts_with(format!("{} 0 obj", n + 1).as_bytes()),
                "object {}",
                n + 1
            );
        }
        assert!(data.ends_with(b"%%EOF\n"));
    }
}
