//! Replays the seeds of the `scan` and `scan_decode` fuzz targets
//! (`fuzz/seeds/scan*/`) the way the targets run them, so the seeds stay
//! valid inputs and a crash they once found stays fixed.
#![allow(clippy::unwrap_used)]

use forensics_core::scan::patterns::Container;
use forensics_core::scan::{
    Kind, RecursionLimits, ScanOptions, exif, recurse, scan_bytes, validate,
};
use std::path::{Path, PathBuf};

fn seeds(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bin"))
        .collect();
    files.sort();
    files
}

#[test]
fn scan_seeds_give_features_inside_the_input() {
    let files = seeds("scan");
    assert!(files.len() >= 4, "seeds missing: {files:?}");
    let options = ScanOptions {
        page_bytes: 4096,
        margin_bytes: 1024,
        ..ScanOptions::default()
    };
    for file in files {
        let data = std::fs::read(&file).unwrap();
        let features = scan_bytes(&data, &options).unwrap();
        assert!(
            !features.is_empty(),
            "{}: every seed holds a feature",
            file.display()
        );
        assert!(features.iter().all(|f| f.image_offset < data.len() as u64));
    }
}

#[test]
fn decode_seeds_decode_and_stay_in_limits() {
    let files = seeds("scan_decode");
    assert!(files.len() >= 5, "seeds missing: {files:?}");
    let limits = RecursionLimits {
        max_output_bytes: 1 << 20,
        ..RecursionLimits::default()
    };
    let mut decoded_any = 0;
    for file in &files {
        let data = std::fs::read(file).unwrap();
        for container in [
            Container::Gzip,
            Container::Zlib,
            Container::Zip,
            Container::Base64,
        ] {
            let out = recurse::decode(container, &data[..], &limits, limits.max_output_bytes);
            assert!(out.bytes.len() <= limits.max_output_bytes);
            decoded_any += usize::from(!out.bytes.is_empty());
        }
        let _ = exif::gps_position(&data);
        for kind in Kind::ALL {
            let _ = validate::check(kind, &data, 0..data.len());
        }
    }
    assert!(decoded_any >= 4, "each container seed decodes");
    let exif_seed = std::fs::read(files.iter().find(|f| f.ends_with("exif.bin")).unwrap()).unwrap();
    assert_eq!(
        exif::gps_position(&exif_seed).as_deref(),
        Some("48.856667,2.294444")
    );
}
