//! Images written by our writer read back exactly.

use std::sync::Arc;

use super::*;
use crate::evidence::ewf::{self, EwfWriteError};

#[test]
fn writer_round_trip_multi_segment_best() {
    let dir = tempfile::tempdir().expect("tempdir");
    // 700 sectors: not a whole number of 4 KiB chunks.
    let data = media(700 * 512, 11);
    let path = write_image(
        dir.path(),
        "disk",
        &data,
        small_options(EwfCompression::Best),
    );
    let evidence = ewf::open(&path).expect("open");
    let info = &evidence.info;
    assert!(
        info.segment_files.len() >= 3,
        "segments: {:?}",
        info.segment_files
    );
    let (compressed, plain) = chunk_kinds(&info.segment_files);
    assert!(
        compressed > 5 && plain > 5,
        "{compressed} compressed, {plain} plain"
    );
    assert_eq!(info.media_size, data.len() as u64);
    assert_eq!(info.chunk_size, Some(4096));
    assert_eq!(info.sector_size, 512);
    assert_eq!(info.compression.as_deref(), Some("deflate:best"));
    assert_eq!(info.problems, vec![], "problems");
    assert_eq!(
        info.stored_hashes.md5.as_deref(),
        Some(md5_hex(&data).as_str())
    );
    assert_eq!(
        info.stored_hashes.sha1.as_deref(),
        Some(sha1_hex(&data).as_str())
    );
    for (key, value) in [
        ("case_number", "CASE-7"),
        ("evidence_number", "EV-7/1"),
        ("examiner_name", "Examiner Ä. Test"),
        ("description", "test disk"),
        ("notes", "written by the unit tests"),
        ("acquiry_date", "Thu May 28 20:26:40 2026"),
        ("system_date", "Thu May 28 20:26:40 2026"),
        ("acquiry_software_version", "unit-test 1"),
        ("acquiry_operating_system", "Linux"),
        ("media_type", "fixed disk"),
        ("compression_level", "best compression"),
    ] {
        assert_eq!(info.metadata_value(key), Some(value), "metadata {key}");
    }
    assert_eq!(read_all(&evidence, 1 << 20), data);
    assert_eq!(read_all(&evidence, 4096), data);
    assert_odd_reads(evidence.source.as_ref(), &data);
    assert!(evidence.source.damaged_ranges().is_empty());
}

#[test]
fn writer_round_trip_without_and_with_fast_compression() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(300 * 512, 5);
    for (name, compression, label) in [
        ("none", EwfCompression::None, "none"),
        ("fast", EwfCompression::Fast, "deflate:fast"),
    ] {
        let path = write_image(dir.path(), name, &data, small_options(compression));
        let evidence = ewf::open(&path).expect("open");
        assert_eq!(evidence.info.compression.as_deref(), Some(label));
        assert_eq!(read_all(&evidence, 10_000), data, "{name}");
        assert_odd_reads(evidence.source.as_ref(), &data);
    }
}

#[test]
fn the_last_sector_is_padded_and_the_summary_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("odd.E01");
    let data = media(1000, 3);
    let mut writer = EwfWriter::create(&path, small_options(EwfCompression::Fast)).expect("create");
    writer.write_all(&data).expect("write");
    let summary = writer.finish().expect("finish");
    assert_eq!(summary.padding_bytes, 24);
    assert_eq!(summary.media_size, 1024);
    let mut padded = data.clone();
    padded.resize(1024, 0);
    assert_eq!(summary.md5, md5_hex(&padded));
    assert_eq!(summary.sha1, sha1_hex(&padded));
    assert_eq!(summary.segment_files, vec![path.clone()]);
    assert_eq!(summary.chunk_count, 1);
    let evidence = ewf::open(&path).expect("open");
    assert_eq!(read_all(&evidence, 333), padded);
}

#[test]
fn empty_media_writes_a_valid_empty_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_image(
        dir.path(),
        "empty",
        &[],
        small_options(EwfCompression::Best),
    );
    let evidence = ewf::open(&path).expect("open");
    assert_eq!(evidence.info.media_size, 0);
    assert_eq!(evidence.info.problems, vec![]);
    assert_eq!(
        evidence.info.stored_hashes.md5.as_deref(),
        Some(md5_hex(&[]).as_str())
    );
}

#[test]
fn the_writer_refuses_bad_names_options_and_existing_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad_name = EwfWriter::create(dir.path().join("x.raw"), EwfWriteOptions::default());
    assert!(matches!(
        bad_name,
        Err(EwfWriteError::BadFirstSegmentName { .. })
    ));
    let zero_chunk = EwfWriteOptions {
        sectors_per_chunk: 0,
        ..EwfWriteOptions::default()
    };
    let error = EwfWriter::create(dir.path().join("a.E01"), zero_chunk).err();
    assert!(matches!(error, Some(EwfWriteError::InvalidOption { .. })));
    let tiny_segment = EwfWriteOptions {
        segment_size_bytes: 1000,
        ..EwfWriteOptions::default()
    };
    let error = EwfWriter::create(dir.path().join("b.E01"), tiny_segment).err();
    assert!(matches!(error, Some(EwfWriteError::InvalidOption { .. })));
    let existing = dir.path().join("c.E01");
    std::fs::write(&existing, b"evidence").expect("write");
    let error = EwfWriter::create(&existing, EwfWriteOptions::default()).err();
    assert!(matches!(error, Some(EwfWriteError::Io { .. })));
    assert_eq!(std::fs::read(&existing).expect("read"), b"evidence");
}

#[test]
fn lowercase_segments_and_in_memory_segments_open() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(400 * 512, 9);
    let path = dir.path().join("low.e01");
    let mut writer = EwfWriter::create(&path, small_options(EwfCompression::Fast)).expect("create");
    writer.write_all(&data).expect("write");
    let summary = writer.finish().expect("finish");
    assert!(summary.segment_files.len() > 1);
    assert_eq!(summary.segment_files[1], dir.path().join("low.e02"));
    let evidence = ewf::open(&path).expect("open");
    assert_eq!(read_all(&evidence, 65_536), data);
    let segments = summary
        .segment_files
        .iter()
        .map(|p| std::fs::read(p).expect("read segment"))
        .collect();
    let from_memory = ewf::open_from_memory(&path, segments).expect("open from memory");
    assert_eq!(read_all(&from_memory, 50_000), data);
    assert_eq!(from_memory.info.stored_hashes, evidence.info.stored_hashes);
}

#[test]
fn concurrent_readers_share_one_image() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = Arc::new(media(600 * 512, 21));
    let path = write_image(
        dir.path(),
        "shared",
        &data,
        small_options(EwfCompression::Best),
    );
    let evidence = ewf::open(&path).expect("open");
    std::thread::scope(|scope| {
        for thread in 0..4u64 {
            let source = Arc::clone(&evidence.source);
            let data = Arc::clone(&data);
            scope.spawn(move || {
                let mut offset = thread * 1000;
                let mut buf = vec![0u8; 5000];
                while offset < data.len() as u64 {
                    let read = source.read_at(offset, &mut buf).expect("read");
                    let start = offset as usize;
                    assert_eq!(&buf[..read], &data[start..start + read]);
                    offset += 7777;
                }
            });
        }
    });
}

#[test]
fn evidence_open_detects_e01_by_content() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(64 * 512, 2);
    let path = write_image(
        dir.path(),
        "detect",
        &data,
        small_options(EwfCompression::Fast),
    );
    let evidence = crate::evidence::open(&path).expect("open");
    assert_eq!(evidence.info.format, crate::evidence::Format::Ewf);
    assert_eq!(read_all(&evidence, 4096), data);
}

#[test]
fn more_chunks_than_one_table_holds_use_several_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let chunk_count = crate::evidence::ewf::table::MAX_ENTRIES_PER_TABLE as usize + 1000;
    let data = media(chunk_count * 512, 8);
    let mut options = small_options(EwfCompression::None);
    options.sectors_per_chunk = 1;
    options.segment_size_bytes = 1 << 30;
    let path = write_image(dir.path(), "tables", &data, options);
    let bytes = std::fs::read(&path).expect("read image");
    let layout = crate::evidence::ewf::sections::walk_segment(&bytes, "tables.E01");
    let tables = layout.sections.iter().filter(|s| s.kind == "table").count();
    assert_eq!(tables, 2);
    let evidence = ewf::open(&path).expect("open");
    assert_eq!(evidence.info.problems, vec![]);
    assert_eq!(read_all(&evidence, 1 << 20), data);
    assert_odd_reads(evidence.source.as_ref(), &data);
}

#[test]
fn unreadable_ranges_are_zeros_listed_in_error2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.E01");
    let data = media(64 * 512, 12);
    let mut writer = EwfWriter::create(&path, small_options(EwfCompression::Fast)).expect("create");
    writer.write_all(&data[..10 * 512]).expect("write");
    writer.write_unreadable(2 * 512).expect("mark");
    writer.write_unreadable(512).expect("mark adjacent");
    writer.write_all(&data[13 * 512..]).expect("write");
    assert!(matches!(
        writer.write_unreadable(100),
        Err(EwfWriteError::InvalidOption { .. })
    ));
    let summary = writer.finish().expect("finish");
    assert_eq!(summary.unreadable_sectors, vec![(10, 3)]);
    let mut expected = data.clone();
    expected[10 * 512..13 * 512].fill(0);
    assert_eq!(summary.md5, md5_hex(&expected));
    let evidence = ewf::open(&path).expect("open");
    let problems = &evidence.info.problems;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].image_offset, Some(10 * 512));
    assert_eq!(problems[0].len_bytes, Some(3 * 512));
    assert_eq!(read_all(&evidence, 4096), expected);
}

#[test]
fn a_prehashed_writer_stores_the_callers_digests_and_needs_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = media(64 * 512, 3);
    let path = dir.path().join("pre.E01");
    let mut writer = ewf::EwfWriter::create_prehashed(&path, small_options(EwfCompression::Fast))
        .expect("create");
    writer.write_all(&data).expect("write");
    let md5: [u8; 16] = md5::Md5::digest(&data).into();
    let sha1: [u8; 20] = Sha1::digest(&data).into();
    let summary = writer.finish_with_digests(md5, sha1).expect("finish");
    assert_eq!(summary.sha1, sha1_hex(&data));
    let evidence = ewf::open(&path).expect("open");
    assert_eq!(
        evidence.info.stored_hashes.sha1.as_deref(),
        Some(summary.sha1.as_str())
    );

    // A prehashed writer cannot invent digests, and a hashing writer
    // does not take the caller's.
    let other = dir.path().join("other.E01");
    let writer = ewf::EwfWriter::create_prehashed(&other, small_options(EwfCompression::Fast))
        .expect("create");
    assert!(matches!(
        writer.finish(),
        Err(EwfWriteError::InvalidOption { .. })
    ));
    let third = dir.path().join("third.E01");
    let writer =
        ewf::EwfWriter::create(&third, small_options(EwfCompression::Fast)).expect("create");
    assert!(matches!(
        writer.finish_with_digests([0; 16], [0; 20]),
        Err(EwfWriteError::InvalidOption { .. })
    ));
}
