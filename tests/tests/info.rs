//! `forensics info`: what it prints for good input, and the one-line error and
//! exit code 2 for bad input.
#![allow(clippy::unwrap_used)]

use forensics_e2e::{forensics, json_lines};

#[test]
fn info_json_reports_format_and_media_size_of_a_raw_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("disk.img");
    std::fs::write(&image, vec![7u8; 10_240]).unwrap();
    let output = forensics(&["info", "--json", image.to_str().unwrap()]);
    assert!(output.status.success());
    let lines = json_lines(&output.stdout);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["format"], "raw");
    assert_eq!(lines[0]["media_size"], 10_240);
}

#[test]
fn info_on_a_missing_file_exits_2_with_one_line_naming_it() {
    let output = forensics(&["info", "/nonexistent/case/disk.E01"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/nonexistent/case/disk.E01"), "{stderr}");
}

#[test]
fn info_refuses_ewf2_with_not_supported_yet() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("disk.Ex01");
    let mut bytes = b"EVF2\r\n\x81\x00".to_vec();
    bytes.resize(4096, 0);
    std::fs::write(&image, bytes).unwrap();
    let output = forensics(&["info", image.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not supported yet"), "{stderr}");
}
