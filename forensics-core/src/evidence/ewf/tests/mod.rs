//! Tests of the E01 reader and writer: round trips through our writer and
//! through libewf's `ewfacquire`, and corrupt inputs.

mod corrupt;
mod libewf;
mod round_trip;
mod trailer;

use std::path::{Path, PathBuf};
use std::process::Command;

use md5::{Digest, Md5};
use sha1::Sha1;

use super::{EwfCompression, EwfWriteOptions, EwfWriter};
use crate::evidence::{Evidence, EvidenceSource, read_exact_at};

/// Deterministic media: repeated text, zero runs and (half of the blocks)
/// pseudo-random runs, which do not compress, so their chunks are stored plain.
pub(super) fn media(len_bytes: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = Vec::with_capacity(len_bytes);
    let mut block = 0u64;
    while out.len() < len_bytes {
        let run = 3000 + (next() % 60_000) as usize;
        match block % 4 {
            0 => {
                let line = format!("log line {block}: user=alice action=login ok\n");
                let end = out.len() + run;
                while out.len() < end {
                    out.extend_from_slice(line.as_bytes());
                }
            }
            1 => out.resize(out.len() + run, 0),
            _ => {
                for _ in 0..run / 8 {
                    out.extend(next().to_le_bytes());
                }
            }
        }
        block += 1;
    }
    out.truncate(len_bytes);
    out
}

pub(super) fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(super) fn sha1_hex(bytes: &[u8]) -> String {
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Options with recognisable metadata and small chunks/segments.
pub(super) fn small_options(compression: EwfCompression) -> EwfWriteOptions {
    EwfWriteOptions {
        case_number: "CASE-7".into(),
        evidence_number: "EV-7/1".into(),
        examiner_name: "Examiner Ä. Test".into(),
        description: "test disk".into(),
        notes: "written by the unit tests".into(),
        acquiry_unix_secs: 1_780_000_000,
        acquiry_software_version: "unit-test 1".into(),
        acquiry_operating_system: "Linux".into(),
        compression,
        sectors_per_chunk: 8,
        bytes_per_sector: 512,
        segment_size_bytes: 64 << 10,
        ..EwfWriteOptions::default()
    }
}

/// Writes `data` as an E01 at `dir/name.E01`; returns the first segment.
pub(super) fn write_image(
    dir: &Path,
    name: &str,
    data: &[u8],
    options: EwfWriteOptions,
) -> PathBuf {
    let path = dir.join(format!("{name}.E01"));
    let mut writer = EwfWriter::create(&path, options).expect("create the first segment");
    for piece in data.chunks(100_003) {
        writer.write_all(piece).expect("write media");
    }
    writer.finish().expect("finish the image");
    path
}

/// Reads all media of `evidence` in reads of `read_bytes`.
pub(super) fn read_all(evidence: &Evidence, read_bytes: usize) -> Vec<u8> {
    let source = &evidence.source;
    let mut out = vec![0u8; usize::try_from(source.len()).expect("test media fits memory")];
    for (index, piece) in out.chunks_mut(read_bytes).enumerate() {
        read_exact_at(source.as_ref(), (index * read_bytes) as u64, piece).expect("read media");
    }
    out
}

/// Asserts reads at odd offsets and lengths (across chunk and segment
/// boundaries) return exactly `expected`.
pub(super) fn assert_odd_reads(source: &dyn EvidenceSource, expected: &[u8]) {
    let len = expected.len();
    let mut offset = 0usize;
    let mut step = 1usize;
    while offset < len {
        let want = (step * 7919) % 70_000 + 1;
        let mut buf = vec![0u8; want];
        let read = source.read_at(offset as u64, &mut buf).expect("read");
        assert_eq!(read, want.min(len - offset), "read length at {offset}");
        assert_eq!(
            &buf[..read],
            &expected[offset..offset + read],
            "bytes at {offset}"
        );
        offset += (step * 104_729) % 90_001 + 1;
        step += 1;
    }
    let mut tail = [0u8; 16];
    assert_eq!(
        source.read_at(len as u64, &mut tail).expect("read at end"),
        0
    );
    assert_eq!(
        source
            .read_at(u64::MAX, &mut tail)
            .expect("read far past end"),
        0
    );
}

/// Whether `tool` runs; prints the skip line when it does not.
pub(super) fn tool_available(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-V").output().is_ok();
    if !ok {
        println!("skipped: {tool} not installed");
    }
    ok
}

/// How many chunks of the image are stored compressed and plain, counted
/// from the `table` sections of every segment.
pub(super) fn chunk_kinds(segment_files: &[PathBuf]) -> (usize, usize) {
    use super::sections::{le_u32, walk_segment};
    use super::table::{COMPRESSED_FLAG, Table};
    let (mut compressed, mut plain) = (0, 0);
    for path in segment_files {
        let bytes = std::fs::read(path).expect("read segment");
        for section in walk_segment(&bytes, "t").sections {
            if section.kind != "table" {
                continue;
            }
            let data = &bytes[section.data_start as usize..section.data_end as usize];
            let table = Table::parse(data, true).expect("table");
            for index in 0..table.entry_count as usize {
                let entry = le_u32(data, table.entries_start + index * 4).expect("entry");
                if entry & COMPRESSED_FLAG != 0 {
                    compressed += 1;
                } else {
                    plain += 1;
                }
            }
        }
    }
    (compressed, plain)
}
