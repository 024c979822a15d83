//! Evidence is sacred: no command may change an evidence file's bytes or its
//! modification time.

use std::path::Path;
use std::time::SystemTime;

use forensics_e2e::forensics;

/// Contents and modification time of a file.
fn fingerprint(path: &Path) -> (Vec<u8>, SystemTime) {
    let bytes = std::fs::read(path).unwrap();
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    (bytes, modified)
}

/// Every read-only command, as arguments after the evidence path is filled in.
const COMMANDS: &[&[&str]] = &[&["info", "{}"], &["info", "--json", "{}"]];

#[test]
fn no_command_changes_the_evidence_bytes_or_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("evidence.raw");
    let bytes: Vec<u8> = (0..1_000_003u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    std::fs::write(&image, &bytes).unwrap();
    let before = fingerprint(&image);

    for command in COMMANDS {
        let image_arg = image.to_str().unwrap();
        let args: Vec<&str> = command
            .iter()
            .map(|a| if *a == "{}" { image_arg } else { a })
            .collect();
        let output = forensics(&args);
        assert!(
            output.status.success(),
            "forensics {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            fingerprint(&image),
            before,
            "forensics {args:?} changed the evidence"
        );
    }
}
