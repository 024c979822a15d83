//! Tests of Windows crash dumps and of detection through `evidence::open`.

use std::path::Path;

use super::testutil::{
    DumpSpec, PAGE, bitmap_dump, dump_header, full_dump, lime_file, page_content, read, source,
};
use super::*;
use crate::evidence::{Format, MemoryRange};

fn open(bytes: Vec<u8>) -> Result<Evidence, Error> {
    crash_dump_from_source(source(bytes), Path::new("MEMORY.DMP"))
}

fn assert_pages(physical: &dyn EvidenceSource, page_frames: u64, present: &[u64]) {
    assert_eq!(physical.len(), page_frames * PAGE as u64);
    for page_frame in 0..page_frames {
        let expected = if present.contains(&page_frame) {
            page_content(page_frame)
        } else {
            vec![0u8; PAGE]
        };
        let got = read(physical, page_frame * PAGE as u64, PAGE);
        assert!(got == expected, "page frame {page_frame}");
    }
}

#[test]
fn a_64_bit_full_dump_places_each_run_at_its_pages() {
    let spec = DumpSpec::full(true, &[(1, 2), (5, 1), (0x10, 3)]);
    let file = full_dump(&spec);
    let evidence = open(file.clone()).unwrap();
    let physical = evidence.physical.as_deref().unwrap();
    assert_pages(physical, 0x13, &[1, 2, 5, 0x10, 0x11, 0x12]);
    // A read spanning the end of page 2 and the gap after it.
    let spanning = read(physical, 3 * PAGE as u64 - 4, 8);
    assert_eq!(&spanning[..4], &page_content(2)[PAGE - 4..]);
    assert_eq!(&spanning[4..], &[0; 4]);
    assert_eq!(read(evidence.source.as_ref(), 0, file.len()), file);
    let info = &evidence.info;
    assert_eq!(info.format, Format::WindowsCrashDump);
    assert_eq!(info.media_size, file.len() as u64);
    assert_eq!(
        info.memory_ranges[1],
        MemoryRange {
            physical_start: 5 * 4096,
            len_bytes: 4096,
            file_offset: 0x2000 + 2 * 4096,
        }
    );
    assert!(info.problems.is_empty(), "{:?}", info.problems);
    let expected = [
        ("signature", "PAGEDU64"),
        ("dump_type", "full (1)"),
        ("machine_image_type", "0x8664 (x64)"),
        ("os_version", "15.19041"),
        ("directory_table_base", "0x1ab000"),
        ("number_of_processors", "4"),
        ("bug_check_code", "0x000000e2"),
        ("system_time", "2024-02-29T12:34:56Z"),
        ("physical_size", "77824"),
        ("run_count", "3"),
        ("captured_bytes", "24576"),
    ];
    for (key, value) in expected {
        assert_eq!(info.metadata_value(key), Some(value), "{key}");
    }
    // RequiredDumpSpace was left as "PAGEPAGE" by the builder.
    assert_eq!(info.metadata_value("required_dump_space"), None);
}

#[test]
fn a_32_bit_full_dump_places_each_run_at_its_pages() {
    let spec = DumpSpec::full(false, &[(0, 1), (3, 2)]);
    let file = full_dump(&spec);
    let evidence = open(file).unwrap();
    assert_pages(evidence.physical.as_deref().unwrap(), 5, &[0, 3, 4]);
    assert_eq!(evidence.info.memory_ranges[1].file_offset, 0x1000 + 4096);
    assert_eq!(
        evidence.info.metadata_value("machine_image_type"),
        Some("0x014c (x86)")
    );
    assert_eq!(evidence.info.metadata_value("signature"), Some("PAGEDUMP"));
}

#[test]
fn bitmap_dumps_place_each_set_bit_s_page() {
    let present = [0, 1, 2, 7, 8, 9, 64, 100, 129];
    for signature in [b"SDMP", b"FDMP"] {
        let evidence = open(bitmap_dump(signature, 130, &present)).unwrap();
        assert_pages(evidence.physical.as_deref().unwrap(), 130, &present);
        assert_eq!(evidence.info.metadata_value("run_count"), Some("5"));
        assert!(evidence.info.problems.is_empty());
    }
    let kernel = open(bitmap_dump(b"SDMP", 8, &[1])).unwrap();
    assert_eq!(
        kernel.info.metadata_value("dump_type"),
        Some("bitmap kernel (6)")
    );
}

#[test]
fn a_page_count_that_disagrees_with_the_runs_is_a_problem_not_an_error() {
    let mut spec = DumpSpec::full(true, &[(0, 2)]);
    spec.number_of_pages = Some(3);
    let evidence = open(full_dump(&spec)).unwrap();
    assert_eq!(evidence.info.problems.len(), 1);
    assert_eq!(evidence.info.problems[0].image_offset, Some(0x90));
}

#[test]
fn an_absurd_number_of_runs_is_refused_before_reading_runs() {
    for bits64 in [true, false] {
        let mut spec = DumpSpec::full(bits64, &[(0, 1)]);
        spec.number_of_runs = Some(0xFFFF_FFFF);
        let err = open(full_dump(&spec)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::LimitExceeded {
                    value: 0xFFFF_FFFF,
                    ..
                }
            ),
            "{err}"
        );
    }
}

#[test]
fn an_absurd_number_of_pages_is_refused() {
    let mut spec = DumpSpec::full(true, &[(0, 1)]);
    spec.number_of_pages = Some(u64::MAX);
    let err = open(full_dump(&spec)).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                value: u64::MAX,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn runs_past_the_end_of_the_file_are_refused() {
    let spec = DumpSpec::full(true, &[(0, 2), (4, 0xFFFF_FFFF)]);
    let mut file = dump_header(&spec);
    file.extend(page_content(0));
    file.extend(page_content(1));
    let err = open(file).unwrap_err().to_string();
    assert!(err.contains("run 1"), "{err}");
    assert!(err.contains("past its end"), "{err}");
    let huge_base = DumpSpec::full(true, &[(u64::MAX, 2)]);
    assert!(open(full_dump(&DumpSpec::full(true, &[]))).is_ok());
    let err = open(dump_header(&huge_base)).unwrap_err().to_string();
    assert!(err.contains("largest physical address"), "{err}");
}

#[test]
fn overlapping_runs_are_refused() {
    let spec = DumpSpec::full(true, &[(0, 4), (2, 1)]);
    let err = open(full_dump(&spec)).unwrap_err().to_string();
    assert!(err.contains("overlaps"), "{err}");
}

#[test]
fn a_descriptor_never_filled_in_is_refused() {
    let mut spec = DumpSpec::full(true, &[]);
    spec.number_of_runs = Some(u32::from_le_bytes(*b"PAGE"));
    let err = open(dump_header(&spec)).unwrap_err().to_string();
    assert!(err.contains("never filled in"), "{err}");
}

#[test]
fn a_bitmap_larger_than_the_file_is_refused() {
    let mut file = bitmap_dump(b"SDMP", 64, &[1]);
    // Claim 2^39 page frames: a 64 GiB bitmap in a file of a few KiB.
    file[0x2030..0x2038].copy_from_slice(&(1u64 << 39).to_le_bytes());
    let err = open(file.clone()).unwrap_err().to_string();
    assert!(err.contains("past the end of the file"), "{err}");
    file[0x2030..0x2038].copy_from_slice(&u64::MAX.to_le_bytes());
    let err = open(file).unwrap_err();
    assert!(matches!(err, Error::LimitExceeded { .. }), "{err}");
}

#[test]
fn a_bitmap_marking_more_pages_than_the_file_holds_is_refused() {
    let mut file = bitmap_dump(b"FDMP", 64, &[1, 2]);
    file[0x2038 + 4] = 0xFF;
    let err = open(file).unwrap_err().to_string();
    assert!(
        err.contains("more pages present than the file holds"),
        "{err}"
    );
}

#[test]
fn a_first_page_inside_the_bitmap_or_past_the_file_is_refused() {
    let mut file = bitmap_dump(b"SDMP", 64, &[1]);
    file[0x2020..0x2028].copy_from_slice(&0x2000u64.to_le_bytes());
    assert!(open(file.clone()).is_err());
    file[0x2020..0x2028].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(open(file).is_err());
}

#[test]
fn truncated_headers_are_reported_as_truncated() {
    let file = full_dump(&DumpSpec::full(true, &[(0, 1)]));
    for len in [8, 100, 0x1fff] {
        let err = open(file[..len].to_vec()).unwrap_err();
        assert!(matches!(err, Error::Truncated { .. }), "{len}: {err}");
    }
    let bitmap = bitmap_dump(b"SDMP", 64, &[1]);
    let err = open(bitmap[..0x2010].to_vec()).unwrap_err();
    assert!(matches!(err, Error::Truncated { .. }), "{err}");
    assert!(open(b"PAGE".to_vec()).is_err());
    assert!(open(Vec::new()).is_err());
}

#[test]
fn a_bad_bitmap_signature_and_other_dump_types_are_refused() {
    let mut file = bitmap_dump(b"SDMP", 64, &[1]);
    file[0x2000..0x2004].copy_from_slice(b"XXXX");
    assert!(matches!(open(file).unwrap_err(), Error::Corrupt { .. }));
    let mut summary = DumpSpec::full(true, &[]);
    summary.dump_type = 2;
    let err = open(dump_header(&summary)).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err}");
    let mut bitmap32 = DumpSpec::full(false, &[]);
    bitmap32.dump_type = 5;
    assert!(matches!(
        open(dump_header(&bitmap32)).unwrap_err(),
        Error::Unsupported { .. }
    ));
}

#[test]
fn evidence_open_detects_memory_dumps_from_content_not_name() {
    let dir = tempfile::tempdir().unwrap();
    let lime = dir.path().join("memory.raw");
    std::fs::write(&lime, lime_file(&[(0x2000, &[9u8; 64])])).unwrap();
    let evidence = crate::evidence::open(&lime).unwrap();
    assert_eq!(evidence.info.format, Format::Lime);
    assert_eq!(evidence.info.path, lime);
    let physical = evidence.physical.unwrap();
    assert_eq!(read(physical.as_ref(), 0x2000, 64), vec![9u8; 64]);
    assert!(evidence.source.as_bytes().is_some());

    let dump = dir.path().join("dump.raw");
    std::fs::write(&dump, full_dump(&DumpSpec::full(true, &[(2, 1)]))).unwrap();
    let evidence = crate::evidence::open(&dump).unwrap();
    assert_eq!(evidence.info.format, Format::WindowsCrashDump);
    assert_eq!(
        read(evidence.physical.unwrap().as_ref(), 0x2000, 4096),
        page_content(2)
    );

    let plain = dir.path().join("plain.raw");
    std::fs::write(&plain, [0u8; 512]).unwrap();
    let evidence = crate::evidence::open(&plain).unwrap();
    assert_eq!(evidence.info.format, Format::Raw);
    assert!(evidence.physical.is_none());

    let hostile = dir.path().join("hostile.raw");
    let mut spec = DumpSpec::full(true, &[]);
    spec.number_of_runs = Some(0xFFFF_FFFF);
    std::fs::write(&hostile, dump_header(&spec)).unwrap();
    let err = crate::evidence::open(&hostile).unwrap_err().to_string();
    assert!(err.contains("hostile.raw"), "{err}");
}
