//! The hashing engine against reference implementations: fixed known-answer
//! vectors, the RustCrypto/BLAKE3 one-shot functions, and (when installed) the
//! `md5sum`, `sha1sum`, `sha256sum` and `b3sum` binaries, on awkward sizes,
//! through every read path (memory map, positional reads, byte runs) and
//! thread count.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on purpose

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;

use forensics_core::evidence::{self, EvidenceSource, MemorySource, RawImage};
use forensics_core::hash::{
    self, Algorithm, AlgorithmSet, BLOCK_LEN_BYTES, ByteRun, Digests, HashOptions, HashSink,
    NoSink, Piece, to_hex,
};
use md5::Digest as _;

/// A source without a memory map that returns at most 1000 bytes per read,
/// so the positional-read path and its short-read loop are exercised.
struct ChoppySource(Vec<u8>);

impl EvidenceSource for ChoppySource {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, evidence::Error> {
        let start = usize::try_from(image_offset).unwrap_or(usize::MAX);
        let Some(rest) = self.0.get(start..) else {
            return Ok(0);
        };
        let len = rest.len().min(buf.len()).min(1000);
        buf[..len].copy_from_slice(&rest[..len]);
        Ok(len)
    }
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn reference(data: &[u8]) -> Digests {
    Digests {
        md5: Some(md5::Md5::digest(data).into()),
        sha1: Some(sha1::Sha1::digest(data).into()),
        sha256: Some(sha2::Sha256::digest(data).into()),
        blake3: Some(*blake3::hash(data).as_bytes()),
    }
}

fn options(threads: usize, piecewise_len_bytes: Option<u64>) -> HashOptions {
    HashOptions {
        algorithms: AlgorithmSet::ALL,
        piecewise_len_bytes,
        threads,
    }
}

#[derive(Default)]
struct Collect {
    pieces: Vec<Piece>,
    last_progress: Option<(u64, u64)>,
}

impl HashSink for Collect {
    fn progress(&mut self, bytes_done: u64, bytes_total: u64) {
        if let Some((done, _)) = self.last_progress {
            assert!(bytes_done >= done, "progress went backwards");
        }
        self.last_progress = Some((bytes_done, bytes_total));
    }

    fn piece(&mut self, piece: Piece) {
        self.pieces.push(piece);
    }
}

fn no_cancel() -> AtomicBool {
    AtomicBool::new(false)
}

#[test]
fn known_answer_vectors_hold_for_empty_and_abc() {
    let cases = [
        (
            &b""[..],
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
        ),
        (
            &b"abc"[..],
            "900150983cd24fb0d6963f7d28e17f72",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
        ),
    ];
    for (data, md5, sha1, sha256, blake3) in cases {
        for threads in [1, 2, 4] {
            let source = MemorySource::new(data.to_vec());
            let digests =
                hash::hash_source(&source, &options(threads, None), &mut NoSink, &no_cancel())
                    .unwrap();
            assert_eq!(digests.md5_hex().unwrap(), md5);
            assert_eq!(digests.sha1_hex().unwrap(), sha1);
            assert_eq!(digests.sha256_hex().unwrap(), sha256);
            assert_eq!(digests.blake3_hex().unwrap(), blake3);
        }
    }
}

#[test]
fn awkward_sizes_match_the_reference_through_every_source_and_thread_count() {
    let sizes = [
        0,
        1,
        63,
        64,
        65,
        BLOCK_LEN_BYTES - 1,
        BLOCK_LEN_BYTES,
        BLOCK_LEN_BYTES + 1,
        2 * BLOCK_LEN_BYTES + 65,
    ];
    let dir = tempfile::tempdir().unwrap();
    for (seed, &size) in sizes.iter().enumerate() {
        let data = random_bytes(size, seed as u64);
        let expected = reference(&data);
        let path = dir.path().join(format!("data-{size}.raw"));
        std::fs::write(&path, &data).unwrap();
        let sources: Vec<(&str, Box<dyn EvidenceSource>)> = vec![
            ("memory", Box::new(MemorySource::new(data.clone()))),
            ("choppy", Box::new(ChoppySource(data.clone()))),
            ("raw mmap", Box::new(RawImage::open(&path).unwrap())),
        ];
        for (name, source) in &sources {
            for threads in [1, 2, 3, 4] {
                let digests = hash::hash_source(
                    source.as_ref(),
                    &options(threads, None),
                    &mut NoSink,
                    &no_cancel(),
                )
                .unwrap();
                assert_eq!(digests, expected, "{name}, {size} bytes, {threads} threads");
            }
        }
    }
}

#[test]
fn single_algorithms_compute_only_what_was_asked() {
    let data = random_bytes(100_000, 9);
    let source = MemorySource::new(data.clone());
    let expected = reference(&data);
    for algorithm in Algorithm::ALL {
        for threads in [1, 2] {
            let options = HashOptions {
                algorithms: AlgorithmSet::of(&[algorithm]),
                piecewise_len_bytes: None,
                threads,
            };
            let digests = hash::hash_source(&source, &options, &mut NoSink, &no_cancel()).unwrap();
            assert_eq!(digests.algorithms(), AlgorithmSet::of(&[algorithm]));
            assert_eq!(digests.get(algorithm), expected.get(algorithm));
        }
    }
}

#[test]
fn piecewise_windows_match_the_digests_of_their_slices() {
    let window = 4096usize;
    for size in [
        0,
        1,
        window - 1,
        window,
        window + 1,
        3 * window - 1,
        BLOCK_LEN_BYTES + window + 7,
    ] {
        let data = random_bytes(size, 77);
        for source in [
            Box::new(MemorySource::new(data.clone())) as Box<dyn EvidenceSource>,
            Box::new(ChoppySource(data.clone())),
        ] {
            for threads in [1, 2, 4] {
                let mut sink = Collect::default();
                let options = options(threads, Some(window as u64));
                let digests =
                    hash::hash_source(source.as_ref(), &options, &mut sink, &no_cancel()).unwrap();
                assert_eq!(digests, reference(&data));
                assert_eq!(sink.pieces.len(), size.div_ceil(window), "{size} bytes");
                for (index, piece) in sink.pieces.iter().enumerate() {
                    let start = index * window;
                    let end = (start + window).min(size);
                    assert_eq!(piece.index, index as u64);
                    assert_eq!(piece.data_offset, start as u64);
                    assert_eq!(piece.len_bytes, (end - start) as u64);
                    assert_eq!(
                        piece.digests,
                        reference(&data[start..end]),
                        "window {index}"
                    );
                }
                if size > 0 {
                    assert_eq!(sink.last_progress, Some((size as u64, size as u64)));
                }
            }
        }
    }
}

#[test]
fn windows_larger_than_a_block_and_not_aligned_to_blocks_are_exact() {
    let window = BLOCK_LEN_BYTES as u64 + 12_345;
    let data = random_bytes(3 * BLOCK_LEN_BYTES + 5, 3);
    let source = MemorySource::new(data.clone());
    let mut sink = Collect::default();
    hash::hash_source(&source, &options(2, Some(window)), &mut sink, &no_cancel()).unwrap();
    let expected: Vec<Digests> = data.chunks(window as usize).map(reference).collect();
    let got: Vec<Digests> = sink.pieces.iter().map(|p| p.digests).collect();
    assert_eq!(got, expected);
}

#[test]
fn byte_runs_hash_data_runs_and_sparse_runs_as_zeros() {
    let media = random_bytes(3 * BLOCK_LEN_BYTES, 5);
    let runs = [
        ByteRun::data(BLOCK_LEN_BYTES as u64 + 17, 70_000),
        ByteRun::sparse(BLOCK_LEN_BYTES as u64 + 3),
        ByteRun::data(5, 1),
        ByteRun::data(0, 0),
        ByteRun::data(2 * BLOCK_LEN_BYTES as u64, BLOCK_LEN_BYTES as u64),
    ];
    let mut content = Vec::new();
    for run in &runs {
        match run.image_offset {
            Some(offset) => {
                let start = offset as usize;
                content.extend_from_slice(&media[start..start + run.len_bytes as usize]);
            }
            None => content.resize(content.len() + run.len_bytes as usize, 0),
        }
    }
    for source in [
        Box::new(MemorySource::new(media.clone())) as Box<dyn EvidenceSource>,
        Box::new(ChoppySource(media.clone())),
    ] {
        for threads in [1, 2] {
            let digests = hash::hash_runs(
                source.as_ref(),
                &runs,
                &options(threads, None),
                &mut NoSink,
                &no_cancel(),
            )
            .unwrap();
            assert_eq!(digests, reference(&content), "{threads} threads");
        }
    }
}

#[test]
fn a_range_hashes_only_its_bytes_and_a_range_past_the_end_is_refused() {
    let media = random_bytes(10_000, 11);
    let source = MemorySource::new(media.clone());
    let digests = hash::hash_range(
        &source,
        1234,
        5000,
        &options(2, None),
        &mut NoSink,
        &no_cancel(),
    )
    .unwrap();
    assert_eq!(digests, reference(&media[1234..6234]));
    let past_end = hash::hash_range(
        &source,
        9000,
        1001,
        &options(2, None),
        &mut NoSink,
        &no_cancel(),
    );
    assert!(past_end.is_err());
}

#[test]
fn a_set_cancel_flag_stops_hashing_with_cancelled() {
    let source = MemorySource::new(vec![0u8; 4 * BLOCK_LEN_BYTES]);
    for threads in [1, 2] {
        let result = hash::hash_source(
            &source,
            &options(threads, None),
            &mut NoSink,
            &AtomicBool::new(true),
        );
        assert!(
            matches!(result, Err(hash::Error::Cancelled)),
            "{threads} threads"
        );
    }
}

#[test]
fn an_empty_algorithm_set_is_an_error() {
    let source = MemorySource::new(vec![1, 2, 3]);
    let options = HashOptions {
        algorithms: AlgorithmSet::EMPTY,
        ..HashOptions::default()
    };
    assert!(hash::hash_source(&source, &options, &mut NoSink, &no_cancel()).is_err());
}

/// The first word that `tool FILE` prints, or `None` when the tool is missing.
fn tool_digest(tool: &str, path: &Path) -> Option<String> {
    match Command::new(tool).arg(path).output() {
        Ok(output) if output.status.success() => String::from_utf8(output.stdout)
            .ok()?
            .split_whitespace()
            .next()
            .map(str::to_string),
        _ => {
            eprintln!("skipped: {tool} not installed");
            None
        }
    }
}

#[test]
fn digests_equal_the_coreutils_and_b3sum_binaries_when_installed() {
    let dir = tempfile::tempdir().unwrap();
    for size in [0, 65, BLOCK_LEN_BYTES + 1] {
        let data = random_bytes(size, 21);
        let path = dir.path().join(format!("tool-{size}.raw"));
        std::fs::write(&path, &data).unwrap();
        let evidence = evidence::open(&path).unwrap();
        let digests = hash::hash_source(
            evidence.source.as_ref(),
            &HashOptions::default(),
            &mut NoSink,
            &no_cancel(),
        )
        .unwrap();
        for (tool, algorithm) in [
            ("md5sum", Algorithm::Md5),
            ("sha1sum", Algorithm::Sha1),
            ("sha256sum", Algorithm::Sha256),
            ("b3sum", Algorithm::Blake3),
        ] {
            if let Some(expected) = tool_digest(tool, &path) {
                assert_eq!(
                    to_hex(digests.get(algorithm).unwrap()),
                    expected,
                    "{tool} on {size} bytes"
                );
            }
        }
    }
}

/// A source without a map whose reads fail from `fail_from` on.
struct FailingSource {
    len: u64,
    fail_from: u64,
}

impl EvidenceSource for FailingSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, evidence::Error> {
        if image_offset + buf.len() as u64 > self.fail_from {
            return Err(evidence::Error::io(
                "failing.raw",
                std::io::Error::other("simulated bad sector"),
            ));
        }
        buf.fill(7);
        Ok(buf.len())
    }
}

#[test]
fn a_read_error_midway_is_returned_by_every_thread_count_without_hanging() {
    let source = FailingSource {
        len: 8 * BLOCK_LEN_BYTES as u64,
        fail_from: 3 * BLOCK_LEN_BYTES as u64 + 5,
    };
    for threads in [1, 2, 4] {
        let mut sink = Collect::default();
        let result = hash::hash_source(
            &source,
            &options(threads, Some(4096)),
            &mut sink,
            &no_cancel(),
        );
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("failing.raw") && err.contains("bad sector"),
            "{err}"
        );
    }
}

/// Sets the cancel flag once some progress has been made.
struct CancelAfterFirstBlock<'a>(&'a AtomicBool);

impl HashSink for CancelAfterFirstBlock<'_> {
    fn progress(&mut self, bytes_done: u64, _bytes_total: u64) {
        if bytes_done > 0 {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

#[test]
fn cancelling_from_the_sink_midway_stops_with_cancelled() {
    let source = ChoppySource(vec![0u8; 16 * BLOCK_LEN_BYTES]);
    for threads in [1, 2] {
        let cancel = AtomicBool::new(false);
        let result = hash::hash_source(
            &source,
            &options(threads, None),
            &mut CancelAfterFirstBlock(&cancel),
            &cancel,
        );
        assert!(
            matches!(result, Err(hash::Error::Cancelled)),
            "{threads} threads"
        );
    }
}
