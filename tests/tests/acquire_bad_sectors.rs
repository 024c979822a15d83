//! Acquiring a source with failing sectors (a test wrapper failing reads at
//! set offsets): the image equals the source except for the zero-filled bad
//! ranges, which are in the log and in the E01 `error2` section (libewf's
//! `ewfinfo` lists them as acquiry read errors).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use forensics_core::acquire::{
    self, AcquireOptions, AcquireStatus, Fault, FaultySource, FileSource, FixedClock, ImageFormat,
    NoProgress,
};
use forensics_core::evidence::{self, read_exact_at};
use forensics_core::time::Timestamp;

const SECTOR: u64 = 512;

fn have(tool: &str) -> bool {
    let found = Command::new(tool).arg("-V").output().is_ok();
    if !found {
        eprintln!("skipped: {tool} not installed");
    }
    found
}

fn read_image(path: &Path, len_bytes: usize) -> Vec<u8> {
    let evidence = evidence::open(path).unwrap();
    let mut bytes = vec![0u8; len_bytes];
    read_exact_at(evidence.source.as_ref(), 0, &mut bytes).unwrap();
    bytes
}

#[test]
fn failing_sectors_are_zero_filled_logged_and_listed_in_the_e01_error_section() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = corpus::ScenarioOptions::with_seed(5);
    options.image_size_bytes = Some(64 << 20);
    corpus::generate("disk-mbr", &options, dir.path()).unwrap();
    let source_path = dir.path().join("disk-mbr.raw");
    let original = std::fs::read(&source_path).unwrap();
    // A single bad sector, a run of 8 inside one block, one spanning two
    // 2 MiB blocks, and a transient error that a retry overcomes.
    let bad = [(4_000, 1), (9_000, 8), (4_095, 3), (20_000, 1)];
    let mut faults: Vec<Fault> = bad
        .iter()
        .map(|&(sector, count)| Fault {
            media_offset: sector * SECTOR,
            len_bytes: count * SECTOR,
            failures: None,
        })
        .collect();
    faults.push(Fault {
        media_offset: 12_345 * SECTOR,
        len_bytes: 1,
        failures: Some(2),
    });
    let source = FaultySource::new(FileSource::open(&source_path).unwrap(), faults);
    let clock = FixedClock(Timestamp::from_unix_seconds(1_764_320_000).unwrap());

    for format in [ImageFormat::E01, ImageFormat::Raw] {
        let dest = dir.path().join(match format {
            ImageFormat::Raw => "bad.raw",
            ImageFormat::E01 => "bad.E01",
        });
        let acquire_options = AcquireOptions {
            format,
            ..AcquireOptions::default()
        };
        let report = acquire::acquire(
            &source,
            &dest,
            &acquire_options,
            &clock,
            &mut NoProgress,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(report.status, AcquireStatus::Complete);
        let ranges: Vec<(u64, u64)> = report
            .bad_ranges
            .iter()
            .map(|r| (r.media_offset / SECTOR, r.len_bytes / SECTOR))
            .collect();
        assert_eq!(
            ranges,
            vec![(4_000, 1), (4_095, 3), (9_000, 8), (20_000, 1)]
        );

        let mut expected = original.clone();
        for &(sector, count) in &ranges {
            let start = (sector * SECTOR) as usize;
            expected[start..start + (count * SECTOR) as usize].fill(0);
        }
        assert_ne!(expected, original);
        assert_eq!(read_image(&report.image_files[0], original.len()), expected);

        let log = std::fs::read_to_string(&report.log_path).unwrap();
        assert!(log.contains("13 bad sectors in 4 ranges"), "{log}");
        for (sector, count) in &ranges {
            let line = format!(
                "bad range: media offset {} length {} bytes (sectors {}-{})",
                sector * SECTOR,
                count * SECTOR,
                sector,
                sector + count - 1
            );
            assert!(log.contains(&line), "{line:?} not in:\n{log}");
        }

        if format == ImageFormat::E01 && have("ewfinfo") {
            let info = Command::new("ewfinfo")
                .arg(&report.image_files[0])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&info.stdout);
            assert!(text.contains("Read errors during acquiry"), "{text}");
            assert!(text.contains("total number: 4"), "{text}");
            for (sector, count) in &ranges {
                let listed = format!(
                    "at sector(s): {} - {} number: {}",
                    sector,
                    sector + count - 1,
                    count
                );
                assert!(text.contains(&listed), "{listed:?} not in:\n{text}");
            }
        }
        if format == ImageFormat::E01 && have("ewfverify") {
            let verify = Command::new("ewfverify")
                .arg("-q")
                .arg(&report.image_files[0])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&verify.stdout);
            assert!(text.contains("ewfverify: SUCCESS"), "{text}");
        }
    }
}
