//! Hostile input for the scanner finishes in bounded time with bounded
//! output: long runs of `@`, digits and dots, nested gzip bombs, base64 of
//! base64, random bytes. (4 MiB each in this unoptimised test build; 1 GiB figures in
//! BENCHMARKS.md.)
#![allow(clippy::unwrap_used)]

use flate2::Compression;
use flate2::write::GzEncoder;
use forensics_core::scan::{Kind, ScanOptions, scan_bytes};
use std::io::Write;
use std::time::{Duration, Instant};

const SIZE: usize = 4 << 20;
/// Generous even for an unoptimised build on a loaded machine.
const LIMIT: Duration = Duration::from_secs(120);

fn timed(data: &[u8]) -> Vec<forensics_core::scan::Feature> {
    let start = Instant::now();
    let features = scan_bytes(data, &ScanOptions::default()).unwrap();
    assert!(start.elapsed() < LIMIT, "took {:?}", start.elapsed());
    features
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn runs_of_one_byte_give_nothing() {
    for byte in [b'@', b'.', b'7', b'A', b':', b'-', 0u8] {
        let features = timed(&vec![byte; SIZE]);
        assert!(
            features.is_empty(),
            "{:?}: {:?}",
            byte as char,
            &features[..1]
        );
    }
}

#[test]
fn repeated_near_misses_stay_bounded() {
    for unit in [
        &b"a@b."[..],
        b"1.1.",
        b"4111 ",
        b"http://",
        b"\x1f\x8b\x08\x00",
        b"x\x9c",
        b"PK\x03\x04",
    ] {
        let data: Vec<u8> = unit.iter().copied().cycle().take(SIZE).collect();
        let features = timed(&data);
        assert!(features.len() < 1000, "{} features", features.len());
    }
}

#[test]
fn nested_gzip_bombs_are_cut_at_the_limits() {
    let mut bomb = vec![0u8; 96 << 20];
    bomb[1000..1024].copy_from_slice(b"eve.bomb@example.org    ");
    let mut data = gzip(&bomb);
    drop(bomb);
    for _ in 0..3 {
        data = gzip(&data);
    }
    let mut image = vec![0u8; 4096];
    image.extend_from_slice(&data);
    let features = timed(&image);
    let hits: Vec<_> = features.iter().filter(|f| f.kind == Kind::Email).collect();
    // The outer layers may hold the inner stream in a stored block, so the
    // same stream is also seen one level up: at most one hit per level.
    assert!((1..=4).contains(&hits.len()), "{hits:?}");
    assert!(
        hits.iter()
            .any(|f| f.forensic_path == "4096-GZIP-0-GZIP-0-GZIP-0-GZIP-1000"),
        "{hits:?}"
    );
}

#[test]
fn base64_of_base64_is_followed_to_the_depth_limit() {
    let mut data = b"contact frank@example.com please ".repeat(4);
    for _ in 0..8 {
        let mut e = String::new();
        for chunk in data.chunks(3) {
            e.push_str(&encode_chunk(chunk));
        }
        data = e.into_bytes();
    }
    let mut image = vec![b' '; 16];
    image.extend_from_slice(&data);
    image.extend(std::iter::repeat_n(b' ', SIZE - image.len().min(SIZE)));
    let features = timed(&image);
    assert!(
        features
            .iter()
            .all(|f| f.forensic_path.matches("BASE64").count() <= 5)
    );
}

fn encode_chunk(chunk: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = [
        chunk[0],
        *chunk.get(1).unwrap_or(&0),
        *chunk.get(2).unwrap_or(&0),
    ];
    let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
    (0..4)
        .map(|i| {
            if i <= chunk.len() {
                char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            }
        })
        .collect()
}

#[test]
fn random_bytes_give_few_features() {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..SIZE)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let features = timed(&data);
    assert!(
        features.len() < 200,
        "{} features in random data",
        features.len()
    );
}
