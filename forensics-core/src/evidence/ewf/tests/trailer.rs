//! The trailing sections: `hash`/`digest` agreement and `error2` ranges.

use super::corrupt::{image_bytes, open, read_everything, section, sections};
use super::*;
use crate::evidence::ewf;
use crate::evidence::ewf::sections::{SectionDescriptor, adler32};

#[test]
fn disagreeing_hash_and_digest_sections_are_a_problem() {
    let data = media(20 * 512, 42);
    let mut bytes = image_bytes(&data, EwfCompression::Fast);
    let hash = section(&bytes, "hash");
    let start = hash.data_start as usize;
    bytes[start] ^= 0xff;
    let sum = adler32(&bytes[start..start + 32]);
    bytes[start + 32..start + 36].copy_from_slice(&sum.to_le_bytes());
    let evidence = open(bytes).expect("open");
    let problems = &evidence.info.problems;
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("digest section stores")),
        "{problems:?}"
    );
}

/// Inserts a section of `kind` holding `data` before the `digest` section,
/// moving the descriptors after it.
fn insert_before_digest(bytes: &[u8], kind: &str, data: &[u8]) -> Vec<u8> {
    let digest = section(bytes, "digest").file_offset as usize;
    let shift = 76 + data.len() as u64;
    let mut out = bytes[..digest].to_vec();
    let inserted = SectionDescriptor {
        kind: kind.into(),
        next_offset: digest as u64 + shift,
        size_bytes: shift,
    };
    out.extend(inserted.to_bytes());
    out.extend(data);
    let mut tail = bytes[digest..].to_vec();
    for moved in sections(bytes)
        .iter()
        .filter(|s| s.file_offset as usize >= digest)
    {
        let at = moved.file_offset as usize - digest;
        let mut descriptor = SectionDescriptor::parse(&tail[at..at + 76]).expect("descriptor");
        descriptor.next_offset += shift;
        tail[at..at + 76].copy_from_slice(&descriptor.to_bytes());
    }
    out.extend(tail);
    out
}

/// error2 section data for `(first_sector, sector_count)` ranges.
fn error2_bytes(ranges: &[(u32, u32)]) -> Vec<u8> {
    let mut data = vec![0u8; 520];
    data[..4].copy_from_slice(&(ranges.len() as u32).to_le_bytes());
    let sum = adler32(&data[..516]);
    data[516..520].copy_from_slice(&sum.to_le_bytes());
    let entries: Vec<u8> = ranges
        .iter()
        .flat_map(|(first, count)| [first.to_le_bytes(), count.to_le_bytes()].concat())
        .collect();
    data.extend(&entries);
    data.extend(adler32(&entries).to_le_bytes());
    data
}

#[test]
fn acquisition_read_errors_in_error2_are_problems() {
    let data = media(64 * 512, 43);
    let bytes = image_bytes(&data, EwfCompression::Fast);
    let bytes = insert_before_digest(&bytes, "error2", &error2_bytes(&[(8, 4), (40, 2)]));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("errors.E01");
    std::fs::write(&path, &bytes).expect("write");
    let evidence = ewf::open(&path).expect("open");
    let ranges: Vec<(Option<u64>, Option<u64>)> = evidence
        .info
        .problems
        .iter()
        .map(|p| (p.image_offset, p.len_bytes))
        .collect();
    assert_eq!(
        ranges,
        vec![
            (Some(8 * 512), Some(4 * 512)),
            (Some(40 * 512), Some(2 * 512))
        ]
    );
    assert_eq!(read_everything(&evidence), data);
    if tool_available("ewfinfo") {
        // libewf reads the same ranges from our error2 layout.
        let output = std::process::Command::new("ewfinfo")
            .arg(&path)
            .output()
            .expect("ewfinfo");
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            report.contains("at sector(s): 8 - 11 number: 4"),
            "{report}"
        );
        assert!(
            report.contains("at sector(s): 40 - 41 number: 2"),
            "{report}"
        );
    }
}
