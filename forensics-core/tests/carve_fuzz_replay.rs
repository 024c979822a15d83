//! Replays the carve fuzz seeds (`fuzz/seeds/carve_*`) on the stable
//! toolchain: every seed is found whole by its own type's validator and by
//! the carver when buried in other bytes, and every validator survives every
//! seed and its prefixes.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use forensics_core::carve::signatures::SIGNATURES;
use forensics_core::carve::validate::{Ctx, Verdict};
use forensics_core::carve::{self, CarveOptions, Status};
use forensics_core::evidence::MemorySource;

fn seeds() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap().flatten() {
        let name = dir.file_name().to_string_lossy().into_owned();
        if name.starts_with("carve_") {
            out.extend(
                std::fs::read_dir(dir.path())
                    .unwrap()
                    .flatten()
                    .map(|e| e.path()),
            );
        }
    }
    out.sort();
    out
}

/// The carve type a seed is an example of, from its extension.
fn type_of(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "hive" => "regf",
        "jpg" => "jpg",
        "png" => "png",
        "gif" => "gif",
        "bmp" => "bmp",
        "tif" => "tif",
        "wav" => "wav",
        "mp3" => "mp3",
        "mp4" => "mp4",
        "pdf" => "pdf",
        "zip" => "zip",
        "gz" => "gz",
        "7z" => "7z",
        "rar" => "rar",
        "sqlite" => "sqlite",
        "exe" => "exe",
        "elf" => "elf",
        "ole" => "ole",
        "evtx" => "evtx",
        "eml" => "eml",
        "mbox" => "mbox",
        other => panic!("seed with unknown extension {other}"),
    }
}

fn footers(data: &[u8]) -> Vec<usize> {
    (0..data.len())
        .filter(|&i| data[i..].starts_with(b"%%EOF") || data[i..].starts_with(b"PK\x05\x06"))
        .collect()
}

#[test]
fn every_seed_validates_as_complete_with_its_own_type() {
    let all = seeds();
    assert!(all.len() >= 20, "seeds missing: {all:?}");
    for path in &all {
        let data = std::fs::read(path).unwrap();
        let sig = SIGNATURES.iter().find(|s| s.name == type_of(path)).unwrap();
        let found = footers(&data);
        let verdict = (sig.validate)(&Ctx::with(&data, false, &found));
        assert_eq!(
            verdict,
            Verdict::Complete {
                len_bytes: data.len() as u64
            },
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_seed_is_carved_from_inside_other_bytes() {
    for path in seeds() {
        let data = std::fs::read(&path).unwrap();
        let mut media = vec![0u8; 8192 + 3];
        media.extend_from_slice(&data);
        media.extend_from_slice(&[0u8; 8192]);
        let report = carve::carve(&MemorySource::new(media), &CarveOptions::default()).unwrap();
        let hit = report
            .files
            .iter()
            .find(|f| f.image_offset == 8195 && f.nested_in.is_none())
            .unwrap_or_else(|| panic!("{} not carved: {:?}", path.display(), report.files));
        assert_eq!(hit.file_type, type_of(&path), "{}", path.display());
        assert_eq!(hit.status, Status::Complete, "{}", path.display());
        // Mail text runs to the next non-text byte; everything else is exact.
        assert_eq!(hit.length, data.len() as u64, "{}", path.display());
    }
}

#[test]
fn every_validator_survives_every_seed_and_its_prefixes() {
    for path in seeds() {
        let data = std::fs::read(&path).unwrap();
        let found = footers(&data);
        let step = (data.len() / 97).max(1);
        for cut in (0..=data.len()).step_by(step) {
            let view = &data[..cut];
            let relevant: Vec<usize> = found.iter().copied().filter(|&f| f < cut).collect();
            for sig in SIGNATURES {
                for capped in [false, true] {
                    match (sig.validate)(&Ctx::with(view, capped, &relevant)) {
                        Verdict::Complete { len_bytes } => assert!(
                            len_bytes <= cut as u64,
                            "{} on {} cut {cut}: {len_bytes}",
                            sig.name,
                            path.display()
                        ),
                        Verdict::Truncated { present_len } => assert!(present_len <= cut as u64),
                        Verdict::Invalid => {}
                    }
                }
            }
        }
    }
}
