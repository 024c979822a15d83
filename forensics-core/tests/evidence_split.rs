//! Split raw images made like `split -b 7M` read exactly as the whole image,
//! through `evidence::open`; missing and short segments are named in errors.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use forensics_core::evidence::{self, EvidenceSource, Format, read_exact_at};

/// `split -b 7M` segment size.
const SEGMENT_LEN: usize = 7 * 1024 * 1024;
/// Two full segments and a short last one.
const IMAGE_LEN: usize = 2 * SEGMENT_LEN + 1_234_567;

/// Deterministic, non-repeating image content (xorshift64).
fn image() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut bytes = Vec::with_capacity(IMAGE_LEN + 8);
    while bytes.len() < IMAGE_LEN {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(IMAGE_LEN);
    bytes
}

/// Writes `image` as segments `stem.<extension>` into `dir`, as `split`
/// would; returns the segment paths in order.
fn write_segments(dir: &Path, stem: &str, extensions: &[&str], image: &[u8]) -> Vec<PathBuf> {
    let chunks: Vec<&[u8]> = image.chunks(SEGMENT_LEN).collect();
    assert_eq!(chunks.len(), extensions.len());
    chunks
        .iter()
        .zip(extensions)
        .map(|(chunk, extension)| {
            let path = dir.join(format!("{stem}.{extension}"));
            std::fs::write(&path, chunk).expect("segment written");
            path
        })
        .collect()
}

fn read_all_in_odd_chunks(source: &dyn EvidenceSource) -> Vec<u8> {
    let mut whole = Vec::with_capacity(IMAGE_LEN);
    let mut buf = vec![0u8; 1_000_003];
    loop {
        let read = source
            .read_at(whole.len() as u64, &mut buf)
            .expect("split reads do not fail");
        if read == 0 {
            break;
        }
        whole.extend_from_slice(&buf[..read]);
    }
    whole
}

fn assert_reads_like_the_image(first: &Path, segments: &[PathBuf], image: &[u8]) {
    let evidence = evidence::open(first).expect("split image opens");
    assert_eq!(evidence.info.format, Format::SplitRaw);
    assert_eq!(evidence.info.media_size, IMAGE_LEN as u64);
    assert_eq!(evidence.info.segment_files, segments);
    let source = evidence.source.as_ref();
    assert_eq!(source.len(), IMAGE_LEN as u64);
    assert!(read_all_in_odd_chunks(source) == image);
    let boundaries = [SEGMENT_LEN, 2 * SEGMENT_LEN];
    for boundary in boundaries {
        for (before, len) in [
            (1, 2),
            (3, 10),
            (4093, 8191),
            (SEGMENT_LEN - 1, SEGMENT_LEN + 3),
        ] {
            let offset = boundary - before.min(boundary);
            let len = len.min(IMAGE_LEN - offset);
            let mut buf = vec![0u8; len];
            read_exact_at(source, offset as u64, &mut buf).expect("read inside the image");
            assert!(buf == image[offset..offset + len], "{offset}+{len}");
        }
    }
    let mut tail = [0u8; 16];
    let read = source.read_at(IMAGE_LEN as u64 - 5, &mut tail);
    assert_eq!(read.expect("tail read"), 5);
    assert_eq!(&tail[..5], &image[IMAGE_LEN - 5..]);
    let read = source.read_at(IMAGE_LEN as u64, &mut tail);
    assert_eq!(read.expect("read at the end"), 0);
}

#[test]
fn numeric_split_segments_read_identically_to_the_whole_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = image();
    let segments = write_segments(dir.path(), "disk", &["001", "002", "003"], &image);
    assert_reads_like_the_image(&segments[0], &segments, &image);
}

#[test]
fn zero_based_numeric_split_segments_read_identically_to_the_whole_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = image();
    let segments = write_segments(dir.path(), "disk.img", &["000", "001", "002"], &image);
    assert_reads_like_the_image(&segments[0], &segments, &image);
}

#[test]
fn alphabetic_split_segments_read_identically_to_the_whole_image() {
    let dir = tempfile::tempdir().unwrap();
    let image = image();
    let segments = write_segments(dir.path(), "disk", &["aa", "ab", "ac"], &image);
    assert_reads_like_the_image(&segments[0], &segments, &image);
}

#[test]
fn a_missing_middle_segment_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let image = image();
    let segments = write_segments(dir.path(), "disk", &["001", "002", "003"], &image);
    std::fs::remove_file(&segments[1]).unwrap();
    let err = evidence::open(&segments[0]).unwrap_err();
    assert!(matches!(err, evidence::Error::Segment { .. }), "{err}");
    assert!(err.to_string().contains("disk.002"), "{err}");

    let alpha_dir = tempfile::tempdir().unwrap();
    let mut four = image.clone();
    four.extend_from_slice(&image[..SEGMENT_LEN]);
    let alpha: Vec<PathBuf> = four
        .chunks(SEGMENT_LEN)
        .zip(["aa", "ab", "ac", "ad"])
        .map(|(chunk, extension)| {
            let path = alpha_dir.path().join(format!("disk.{extension}"));
            std::fs::write(&path, chunk).unwrap();
            path
        })
        .collect();
    std::fs::remove_file(&alpha[2]).unwrap();
    let err = evidence::open(&alpha[0]).unwrap_err().to_string();
    assert!(err.contains("disk.ac"), "{err}");
}

#[test]
fn a_short_middle_segment_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let image = image();
    let segments = write_segments(dir.path(), "disk", &["001", "002", "003"], &image);
    std::fs::write(&segments[1], &image[SEGMENT_LEN..2 * SEGMENT_LEN - 100]).unwrap();
    let err = evidence::open(&segments[0]).unwrap_err();
    assert!(matches!(err, evidence::Error::Segment { .. }), "{err}");
    assert!(err.to_string().contains("disk.002"), "{err}");
}

#[test]
fn a_lone_first_segment_opens_as_raw() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("disk.001");
    std::fs::write(&path, [7u8; 4096]).unwrap();
    let evidence = evidence::open(&path).unwrap();
    assert_eq!(evidence.info.format, Format::Raw);
    assert_eq!(evidence.info.media_size, 4096);
}
