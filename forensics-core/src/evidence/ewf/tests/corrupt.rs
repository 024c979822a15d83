//! Corrupt and truncated images: each gives an error or a recorded problem or
//! damaged range, never a panic, a hang or a huge allocation.

use std::path::Path;

use super::*;
use crate::evidence::Error;
use crate::evidence::ewf::sections::{Section, SectionDescriptor, adler32, walk_segment};
use crate::evidence::ewf::table::{COMPRESSED_FLAG, TABLE_HEADER_SIZE};
use crate::evidence::ewf::volume::Volume;
use crate::evidence::ewf::{self, open_from_memory};

const NAME: &str = "mem.E01";

/// A one-segment image of `data` in memory.
pub(super) fn image_bytes(data: &[u8], compression: EwfCompression) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut options = small_options(compression);
    options.segment_size_bytes = 64 << 20;
    let path = write_image(dir.path(), "one", data, options);
    std::fs::read(path).expect("read image")
}

pub(super) fn sections(bytes: &[u8]) -> Vec<Section> {
    walk_segment(bytes, NAME).sections
}

pub(super) fn section(bytes: &[u8], kind: &str) -> Section {
    sections(bytes)
        .into_iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} section"))
}

pub(super) fn open(bytes: Vec<u8>) -> Result<crate::evidence::Evidence, Error> {
    open_from_memory(Path::new(NAME), vec![bytes])
}

/// Reads everything; asserts no read fails and the length is the media's.
pub(super) fn read_everything(evidence: &crate::evidence::Evidence) -> Vec<u8> {
    read_all(evidence, 12_345)
}

/// Table entries `(index, raw)` of the first table.
fn table_entries(bytes: &[u8], kind: &str) -> (usize, Vec<u32>) {
    let table = section(bytes, kind);
    let start = table.data_start as usize;
    let count = u32::from_le_bytes(bytes[start..start + 4].try_into().expect("4 bytes")) as usize;
    let entries_at = start + TABLE_HEADER_SIZE;
    let entries = (0..count)
        .map(|i| {
            let at = entries_at + i * 4;
            u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
        })
        .collect();
    (entries_at, entries)
}

fn assert_only_chunk_damaged(evidence: &crate::evidence::Evidence, data: &[u8], chunk: usize) {
    let chunk_size = 4096;
    let read = read_everything(evidence);
    let damaged = evidence.source.damaged_ranges();
    assert_eq!(damaged.len(), 1, "{damaged:?}");
    assert_eq!(damaged[0].image_offset, Some((chunk * chunk_size) as u64));
    assert_eq!(damaged[0].len_bytes, Some(chunk_size as u64));
    let range = chunk * chunk_size..(chunk + 1) * chunk_size;
    assert!(read[range.clone()].iter().all(|&b| b == 0));
    assert_eq!(read[..range.start], data[..range.start]);
    assert_eq!(read[range.end..], data[range.end..]);
}

#[test]
fn truncated_images_open_with_problems_or_fail() {
    let data = media(200 * 512, 31);
    let bytes = image_bytes(&data, EwfCompression::Best);
    let len = bytes.len();
    let mut cuts: Vec<usize> = (0..len).step_by(len / 97 + 1).collect();
    cuts.extend([1, 12, 13, 14, 88, 89, 90, len - 77, len - 76, len - 1]);
    for cut in cuts {
        match open(bytes[..cut].to_vec()) {
            Ok(evidence) => {
                let read = read_everything(&evidence);
                assert_eq!(read.len(), data.len());
                assert!(
                    !evidence.info.problems.is_empty(),
                    "cut at {cut} of {len} opened without a problem"
                );
            }
            Err(error) => assert!(!error.to_string().is_empty()),
        }
    }
}

#[test]
fn a_flipped_byte_in_a_compressed_chunk_is_a_damaged_range() {
    let data = media(200 * 512, 32);
    let mut bytes = image_bytes(&data, EwfCompression::Best);
    let base = section(&bytes, "sectors").file_offset;
    let (_, entries) = table_entries(&bytes, "table");
    let chunk = entries
        .iter()
        .position(|e| e & COMPRESSED_FLAG != 0)
        .expect("a compressed chunk");
    let start = (base + u64::from(entries[chunk] & !COMPRESSED_FLAG)) as usize;
    let end = (base + u64::from(entries[chunk + 1] & !COMPRESSED_FLAG)) as usize;
    bytes[(start + end) / 2] ^= 0x55;
    let evidence = open(bytes).expect("open");
    assert_only_chunk_damaged(&evidence, &data, chunk);
}

#[test]
fn a_flipped_byte_in_an_uncompressed_chunk_fails_its_adler32() {
    let data = media(100 * 512, 33);
    let mut bytes = image_bytes(&data, EwfCompression::None);
    let base = section(&bytes, "sectors").file_offset;
    let (_, entries) = table_entries(&bytes, "table");
    assert!(entries.iter().all(|e| e & COMPRESSED_FLAG == 0));
    let chunk = 3;
    bytes[(base + u64::from(entries[chunk]) + 100) as usize] ^= 1;
    let evidence = open(bytes).expect("open");
    assert_only_chunk_damaged(&evidence, &data, chunk);
    let message = &evidence.source.damaged_ranges()[0].message;
    assert!(message.contains("checksum"), "{message}");
}

/// Sets entry `index` of `kind` to `raw` and fixes the entries checksum.
fn set_entry(bytes: &mut [u8], kind: &str, index: usize, raw: u32) {
    let (entries_at, entries) = table_entries(bytes, kind);
    let at = entries_at + index * 4;
    bytes[at..at + 4].copy_from_slice(&raw.to_le_bytes());
    let end = entries_at + entries.len() * 4;
    let sum = adler32(&bytes[entries_at..end]);
    bytes[end..end + 4].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn a_table_offset_past_the_end_is_a_damaged_range() {
    let data = media(100 * 512, 34);
    let mut bytes = image_bytes(&data, EwfCompression::Fast);
    for kind in ["table", "table2"] {
        set_entry(&mut bytes, kind, 5, 0x7fff_ff00 | COMPRESSED_FLAG);
    }
    let evidence = open(bytes).expect("open");
    assert_only_chunk_damaged(&evidence, &data, 5);
    let message = &evidence.source.damaged_ranges()[0].message;
    assert!(message.contains("outside the segment"), "{message}");
}

#[test]
fn a_bad_table_falls_back_to_table2() {
    let data = media(100 * 512, 35);
    let mut bytes = image_bytes(&data, EwfCompression::Fast);
    let (entries_at, _) = table_entries(&bytes, "table");
    bytes[entries_at + 9] ^= 0x40; // no checksum fix: the table is bad
    let evidence = open(bytes).expect("open");
    assert_eq!(read_everything(&evidence), data);
    assert!(evidence.source.damaged_ranges().is_empty());
    let problems = &evidence.info.problems;
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("table2 backup is used")),
        "{problems:?}"
    );
}

/// Rewrites the volume section with `sectors_per_chunk` (checksum fixed).
fn with_sectors_per_chunk(bytes: &[u8], sectors_per_chunk: u32) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    let volume_section = section(&bytes, "volume");
    let start = volume_section.data_start as usize;
    let end = volume_section.data_end as usize;
    let mut volume = Volume::parse(&bytes[start..end]).expect("volume");
    volume.sectors_per_chunk = sectors_per_chunk;
    bytes[start..end].copy_from_slice(&volume.to_bytes());
    bytes
}

#[test]
fn chunk_sizes_of_zero_and_four_gib_are_refused() {
    let bytes = image_bytes(&media(20 * 512, 36), EwfCompression::Fast);
    for (sectors_per_chunk, shown) in [(0, "= 0 bytes"), (8 << 20, "4294967296")] {
        let error = open(with_sectors_per_chunk(&bytes, sectors_per_chunk)).expect_err("refused");
        let text = error.to_string();
        assert!(
            text.contains("chunk size") && text.contains(shown),
            "{text}"
        );
    }
}

#[test]
fn an_absurd_media_size_is_refused() {
    let bytes = image_bytes(&media(20 * 512, 44), EwfCompression::Fast);
    let volume_section = section(&bytes, "volume");
    let (start, end) = (
        volume_section.data_start as usize,
        volume_section.data_end as usize,
    );
    let mut volume = Volume::parse(&bytes[start..end]).expect("volume");
    volume.sector_count = 1 << 45; // 16 PiB of 512-byte sectors
    let mut bytes = bytes.clone();
    bytes[start..end].copy_from_slice(&volume.to_bytes());
    let error = open(bytes).expect_err("refused");
    assert!(matches!(error, Error::LimitExceeded { .. }), "{error}");
}

#[test]
fn a_section_loop_stops_the_walk() {
    let data = media(50 * 512, 37);
    let mut bytes = image_bytes(&data, EwfCompression::Fast);
    let table2 = section(&bytes, "table2");
    let at = table2.file_offset as usize;
    let mut descriptor = SectionDescriptor::parse(&bytes[at..at + 76]).expect("descriptor");
    descriptor.next_offset = 13;
    bytes[at..at + 76].copy_from_slice(&descriptor.to_bytes());
    let evidence = open(bytes).expect("open");
    let problems: Vec<String> = evidence
        .info
        .problems
        .iter()
        .map(|p| p.message.clone())
        .collect();
    assert!(problems.iter().any(|p| p.contains("loop")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.contains("no done section")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("no hash section")),
        "{problems:?}"
    );
    assert_eq!(read_everything(&evidence), data);
}

#[test]
fn missing_hash_and_done_sections_mark_the_image_incomplete() {
    let data = media(50 * 512, 38);
    let bytes = image_bytes(&data, EwfCompression::Best);
    let digest = section(&bytes, "digest");
    let evidence = open(bytes[..digest.file_offset as usize].to_vec()).expect("open");
    let problems: Vec<String> = evidence
        .info
        .problems
        .iter()
        .map(|p| p.message.clone())
        .collect();
    assert!(
        problems.iter().any(|p| p.contains("no hash section")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("no done section")),
        "{problems:?}"
    );
    assert_eq!(evidence.info.stored_hashes.md5, None);
    assert_eq!(read_everything(&evidence), data);
}

#[test]
fn a_missing_segment_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(600 * 512, 39);
    let path = write_image(
        dir.path(),
        "multi",
        &data,
        small_options(EwfCompression::Fast),
    );
    let second = dir.path().join("multi.E02");
    std::fs::remove_file(&second).expect("remove E02");
    match ewf::open(&path) {
        Err(Error::Segment { path, .. }) => assert_eq!(path, second),
        other => panic!("expected a segment error, got {other:?}"),
    }
}

#[test]
fn segments_out_of_order_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(600 * 512, 40);
    let path = write_image(
        dir.path(),
        "order",
        &data,
        small_options(EwfCompression::Fast),
    );
    let first = std::fs::read(&path).expect("E01");
    let second = std::fs::read(dir.path().join("order.E02")).expect("E02");
    let error = open_from_memory(Path::new(NAME), vec![second, first]).err();
    assert!(matches!(error, Some(Error::Segment { .. })), "{error:?}");
}

#[test]
fn random_byte_flips_never_panic() {
    let data = media(120 * 512, 41);
    let clean = image_bytes(&data, EwfCompression::Best);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let mut bytes = clean.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % bytes.len() as u64) as usize;
            bytes[at] ^= (next() % 255 + 1) as u8;
        }
        if let Ok(evidence) = open(bytes) {
            let _ = read_everything(&evidence);
        }
    }
}

#[test]
fn segments_of_different_images_are_a_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write_image(
        dir.path(),
        "a",
        &media(600 * 512, 50),
        small_options(EwfCompression::Fast),
    );
    let b = write_image(
        dir.path(),
        "b",
        &media(700 * 512, 51),
        small_options(EwfCompression::Fast),
    );
    let first = std::fs::read(&a).expect("a.E01");
    let mut segments = vec![first];
    for number in 2..=20 {
        match std::fs::read(b.with_extension(format!("E{number:02}"))) {
            Ok(bytes) => segments.push(bytes),
            Err(_) => break,
        }
    }
    let evidence = open_from_memory(Path::new(NAME), segments).expect("open");
    let problems = &evidence.info.problems;
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("different images")),
        "{problems:?}"
    );
}
