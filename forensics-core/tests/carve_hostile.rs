//! The carver on hostile media: random data, all-0xFF, endless JPEG headers,
//! ZIP/PDF/SQLite structures claiming absurd sizes. Nothing may panic, hang
//! or claim a complete file that is not there; non-mapped sources give the
//! same results as mapped ones.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::time::{Duration, Instant};

use forensics_core::carve::{self, CarveOptions, CarveReport, Status};
use forensics_core::evidence::{Error, EvidenceSource, MemorySource};

/// A source without a zero-copy view (like an E01), to exercise buffered views.
struct Unmapped(MemorySource);

impl EvidenceSource for Unmapped {
    fn len(&self) -> u64 {
        self.0.len()
    }
    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        self.0.read_at(image_offset, buf)
    }
}

fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        out.extend_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out.truncate(len);
    out
}

fn carve_bytes(bytes: Vec<u8>) -> CarveReport {
    let started = Instant::now();
    let report = carve::carve(&MemorySource::new(bytes), &CarveOptions::default()).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "carving took {:?}",
        started.elapsed()
    );
    report
}

fn gif() -> Vec<u8> {
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
        .to_vec()
}

fn png() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], &b"\0\0\0\x01\0\0\0\x01\x08\x00\0\0\0"[..]),
        (b"IDAT", b"\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01"),
        (b"IEND", b""),
    ] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32fast::hash(&typed).to_be_bytes());
    }
    out
}

fn gzip() -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&b"evidence ".repeat(500)).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn random_data_yields_no_complete_files() {
    let report = carve_bytes(random_bytes(32 << 20, 1));
    let complete: Vec<_> = report
        .files
        .iter()
        .filter(|f| f.status == Status::Complete)
        .collect();
    assert!(complete.is_empty(), "{complete:?}");
}

#[test]
fn all_ff_and_all_zero_media_yield_nothing() {
    assert!(carve_bytes(vec![0xFF; 8 << 20]).files.is_empty());
    assert!(carve_bytes(vec![0x00; 8 << 20]).files.is_empty());
}

#[test]
fn endless_jpeg_headers_are_bounded() {
    let mut blob = Vec::new();
    while blob.len() < 16 << 20 {
        blob.extend_from_slice(
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        );
    }
    let report = carve_bytes(blob.clone());
    assert!(report.files.iter().all(|f| f.status != Status::Complete));
    let report = carve_bytes(b"\xFF\xD8\xFF".repeat(4 << 20));
    assert!(report.files.is_empty());
    // More candidates than a chunk may hold: reported, not silently dropped.
    assert!(!report.problems.is_empty());
}

#[test]
fn absurd_sizes_are_refused_without_allocating() {
    let mut blob = random_bytes(4 << 20, 2);
    // ZIP end record claiming a 4 GiB central directory.
    blob[1000..1004].copy_from_slice(b"PK\x03\x04");
    blob[2000..2022]
        .copy_from_slice(b"PK\x05\x06\0\0\0\0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF\0\0");
    // PDF whose startxref points past the end.
    let pdf = b"%PDF-1.7\nstartxref\n999999999999\n%%EOF\n";
    blob[10_000..10_000 + pdf.len()].copy_from_slice(pdf);
    // SQLite header claiming 2^32-1 pages of 64 KiB.
    let mut sqlite =
        b"SQLite format 3\0\x00\x01\x01\x01\x00\x40\x20\x20\0\0\0\x01\xFF\xFF\xFF\xFF".to_vec();
    sqlite.resize(100, 0);
    sqlite[92..96].copy_from_slice(&[0, 0, 0, 1]);
    sqlite.push(0x0D);
    blob[20_000..20_000 + sqlite.len()].copy_from_slice(&sqlite);
    // 7z and gzip with wild sizes, an OLE2 header with 2^31 FAT sectors.
    blob[30_000..30_006].copy_from_slice(b"7z\xBC\xAF\x27\x1C");
    blob[40_000..40_004].copy_from_slice(b"\x1F\x8B\x08\x00");
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.resize(512, 0xFF);
    blob[50_000..50_512].copy_from_slice(&ole);
    let report = carve_bytes(blob);
    assert!(
        report.files.iter().all(|f| f.status != Status::Complete),
        "{:?}",
        report.files
    );
}

#[test]
fn small_real_files_are_found_mapped_and_unmapped() {
    let mut blob = random_bytes(3 << 20, 3);
    let files = [
        (100_003usize, gif(), "gif"),
        (700_000, png(), "png"),
        (1_500_001, gzip(), "gz"),
    ];
    for (at, bytes, _) in &files {
        blob[*at..*at + bytes.len()].copy_from_slice(bytes);
    }
    let mapped = carve_bytes(blob.clone());
    let unmapped =
        carve::carve(&Unmapped(MemorySource::new(blob)), &CarveOptions::default()).unwrap();
    assert_eq!(mapped, unmapped);
    for (at, bytes, kind) in &files {
        let found = mapped
            .files
            .iter()
            .find(|f| f.image_offset == *at as u64)
            .unwrap_or_else(|| panic!("{kind} missed"));
        assert_eq!(found.file_type, *kind);
        assert_eq!(found.length, bytes.len() as u64);
        assert_eq!(found.status, Status::Complete);
    }
}

#[test]
fn truncated_png_is_reported_with_its_valid_chunks() {
    let mut blob = vec![0u8; 1 << 20];
    let png = png();
    let cut = png.len() - 6; // IEND's CRC is cut off
    blob[4096..4096 + cut].copy_from_slice(&png[..cut]);
    let report = carve_bytes(blob);
    let found = &report.files[0];
    assert_eq!(found.status, Status::Truncated);
    assert_eq!(found.length, (png.len() - 12) as u64);
}

#[test]
fn unknown_types_are_refused() {
    let options = CarveOptions {
        types: vec!["nope".into()],
        ..CarveOptions::default()
    };
    let err = carve::carve(&MemorySource::new(vec![0; 16]), &options).unwrap_err();
    assert!(err.to_string().contains("nope"));
}
