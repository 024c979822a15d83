//! Acquisitions of in-memory and faulty sources, read back with the
//! evidence layer.

use std::sync::atomic::{AtomicBool, Ordering};

use super::*;
use crate::hash::{HashOptions, NoSink};
use crate::time::Timestamp;

const SECTOR: u64 = 512;

/// 3 MiB + 1.5 KiB of mixed media: text, zeros and noise.
fn media(len_bytes: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len_bytes)
        .map(|i| match (i / 65536) % 3 {
            0 => b"evidence line\n"[i % 14],
            1 => 0,
            _ => {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            }
        })
        .collect()
}

fn clock() -> FixedClock {
    FixedClock(Timestamp::from_unix_seconds(1_764_326_400).expect("in range"))
}

fn digests_of(bytes: &[u8]) -> Digests {
    let source = crate::evidence::MemorySource::new(bytes.to_vec());
    hash::hash_source(
        &source,
        &HashOptions::default(),
        &mut NoSink,
        &AtomicBool::new(false),
    )
    .expect("memory")
}

use crate::hash;

fn run(
    source: &dyn AcquireSource,
    dest: &std::path::Path,
    options: &AcquireOptions,
) -> AcquireReport {
    acquire(
        source,
        dest,
        options,
        &clock(),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .expect("acquisition runs")
}

fn read_back(path: &std::path::Path, len_bytes: u64) -> Vec<u8> {
    let evidence = crate::evidence::open(path).expect("image opens");
    let mut bytes = vec![0u8; usize::try_from(len_bytes).expect("small")];
    crate::evidence::read_exact_at(evidence.source.as_ref(), 0, &mut bytes).expect("reads");
    bytes
}

#[test]
fn e01_acquisition_reads_back_with_the_same_four_digests_and_metadata() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = media(3 * 1024 * 1024 + 1536);
    let source = MemoryAcquireSource::new(data.clone(), "memory");
    let options = AcquireOptions {
        metadata: AcquireMetadata {
            case_number: "CASE-7".into(),
            evidence_number: "EV-1".into(),
            examiner: "J. Doe".into(),
            description: "test media".into(),
            notes: "none".into(),
        },
        ..AcquireOptions::default()
    };
    let report = run(&source, &dir.path().join("disk"), &options);
    assert_eq!(report.status, AcquireStatus::Complete);
    assert_eq!(report.image_files, vec![dir.path().join("disk.E01")]);
    assert_eq!(report.digests, digests_of(&data));
    let verification = report.verification.as_ref().expect("verified");
    assert!(verification.matches && verification.stored_hashes_match);
    let evidence = crate::evidence::open(&report.image_files[0]).expect("opens");
    assert_eq!(evidence.info.stored_hashes.md5, report.digests.md5_hex());
    assert_eq!(evidence.info.stored_hashes.sha1, report.digests.sha1_hex());
    let metadata = format!("{:?}", evidence.info.metadata);
    for value in ["CASE-7", "EV-1", "J. Doe", "test media"] {
        assert!(metadata.contains(value), "{value} missing from {metadata}");
    }
    assert_eq!(read_back(&report.image_files[0], data.len() as u64), data);
    assert!(!dir.path().join("disk.E01.partial").exists());
    let log = std::fs::read_to_string(&report.log_path).expect("log written");
    assert!(log.contains("status:            COMPLETE"));
    assert!(log.contains(&report.digests.blake3_hex().expect("blake3")));
    assert!(log.contains(crate::TOOL_VERSION));
}

#[test]
fn raw_split_acquisition_writes_numbered_segments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = media(5 * 1024 * 1024);
    let source = MemoryAcquireSource::new(data.clone(), "memory");
    let options = AcquireOptions {
        format: ImageFormat::Raw,
        segment_size_bytes: Some(2 * 1024 * 1024),
        ..AcquireOptions::default()
    };
    let report = run(&source, &dir.path().join("disk"), &options);
    let names: Vec<_> = report
        .image_files
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["disk.001", "disk.002", "disk.003"]);
    assert!(report.verification.as_ref().expect("verified").matches);
    assert_eq!(read_back(&report.image_files[0], data.len() as u64), data);
}

#[test]
fn bad_sectors_are_zero_filled_listed_and_in_the_error2_section() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = media(4 * 1024 * 1024);
    let faults = vec![
        Fault {
            media_offset: 100 * SECTOR + 3,
            len_bytes: 1,
            failures: None,
        },
        Fault {
            media_offset: 5000 * SECTOR,
            len_bytes: 3 * SECTOR,
            failures: None,
        },
        Fault {
            media_offset: 7000 * SECTOR,
            len_bytes: 1,
            failures: Some(1),
        },
    ];
    let source = FaultySource::new(MemoryAcquireSource::new(data.clone(), "faulty"), faults);
    let report = run(
        &source,
        &dir.path().join("bad.E01"),
        &AcquireOptions::default(),
    );
    let ranges: Vec<_> = report
        .bad_ranges
        .iter()
        .map(|r| (r.media_offset, r.len_bytes))
        .collect();
    assert_eq!(
        ranges,
        vec![(100 * SECTOR, SECTOR), (5000 * SECTOR, 3 * SECTOR)]
    );
    let mut expected = data.clone();
    for (offset, len) in &ranges {
        expected[*offset as usize..(*offset + *len) as usize].fill(0);
    }
    assert_eq!(report.digests, digests_of(&expected));
    assert_eq!(report.status, AcquireStatus::Complete);
    assert_eq!(
        read_back(&report.image_files[0], data.len() as u64),
        expected
    );
    let log = std::fs::read_to_string(&report.log_path).expect("log");
    assert!(log.contains("4 bad sectors in 2 ranges"), "{log}");
    assert!(log.contains("bad range: media offset 2560000 length 1536 bytes (sectors 5000-5002)"));
    let segment = std::fs::read(&report.image_files[0]).expect("segment");
    assert!(
        segment.windows(6).any(|w| w == b"error2"),
        "no error2 section"
    );
}

#[test]
fn a_source_of_partial_sectors_is_padded_in_the_e01_and_still_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = media(100_000);
    let source = MemoryAcquireSource::new(data.clone(), "odd");
    let report = run(
        &source,
        &dir.path().join("odd.E01"),
        &AcquireOptions::default(),
    );
    assert_eq!(report.status, AcquireStatus::Complete);
    assert_eq!(report.digests, digests_of(&data));
    assert!(report.padding_note.is_some());
    assert_eq!(read_back(&report.image_files[0], data.len() as u64), data);
}

/// Sets the cancel flag once the first block is read.
struct CancelAfterFirstBlock<'a>(&'a AtomicBool);

impl AcquireProgress for CancelAfterFirstBlock<'_> {
    fn progress(&mut self, _bytes_done: u64, _bytes_total: u64) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn a_cancelled_acquisition_leaves_only_a_marked_incomplete_staging_directory() {
    for format in [ImageFormat::E01, ImageFormat::Raw] {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = MemoryAcquireSource::new(media(6 * 1024 * 1024), "memory");
        let cancel = AtomicBool::new(false);
        let options = AcquireOptions {
            format,
            ..AcquireOptions::default()
        };
        let dest = dir.path().join("cut.E01");
        let report = acquire(
            &source,
            &dest,
            &options,
            &clock(),
            &mut CancelAfterFirstBlock(&cancel),
            &cancel,
        )
        .expect("cancel is not an error");
        assert!(matches!(report.status, AcquireStatus::Incomplete { .. }));
        assert!(!dest.exists(), "an incomplete image must not be in place");
        let partial = dir.path().join("cut.E01.partial");
        assert_eq!(report.partial_dir.as_deref(), Some(partial.as_path()));
        assert!(partial.join(INCOMPLETE_MARKER).exists());
        let log = std::fs::read_to_string(&report.log_path).expect("log");
        assert!(
            log.contains("INCOMPLETE (cancelled after 2097152 of 6291456 bytes)"),
            "{log}"
        );
        if format == ImageFormat::E01 {
            assert!(crate::evidence::open(&partial.join("cut.E01")).is_err());
        }
    }
}

#[test]
fn an_existing_destination_is_never_overwritten() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dest = dir.path().join("x.E01");
    std::fs::write(&dest, b"keep").expect("write");
    let source = MemoryAcquireSource::new(media(4096), "memory");
    let result = acquire(
        &source,
        &dest,
        &AcquireOptions::default(),
        &clock(),
        &mut NoProgress,
        &AtomicBool::new(false),
    );
    assert!(matches!(
        result,
        Err(AcquireError::DestinationExists { .. })
    ));
    assert_eq!(std::fs::read(&dest).expect("read"), b"keep");
}

#[test]
fn a_file_source_is_read_only_and_sized_by_seeking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("src.raw");
    std::fs::write(&path, media(70_000)).expect("write");
    let source = FileSource::open(&path).expect("opens");
    assert_eq!(source.len_bytes(), 70_000);
    assert!(!source.is_device());
}
