//! Builders of small LiME files and Windows crash dumps for tests.

use std::sync::Arc;

use crate::evidence::{EvidenceSource, MemorySource};

/// Bytes of a crash dump page.
pub(crate) const PAGE: usize = 4096;

/// A 32-byte LiME range header.
pub(crate) fn lime_header(magic: u32, version: u32, start: u64, end: u64) -> Vec<u8> {
    let mut header = Vec::with_capacity(32);
    header.extend_from_slice(&magic.to_le_bytes());
    header.extend_from_slice(&version.to_le_bytes());
    header.extend_from_slice(&start.to_le_bytes());
    header.extend_from_slice(&end.to_le_bytes());
    header.extend_from_slice(&[0u8; 8]);
    header
}

/// A LiME file with one range per `(physical_start, data)`.
pub(crate) fn lime_file(ranges: &[(u64, &[u8])]) -> Vec<u8> {
    let mut file = Vec::new();
    for (start, data) in ranges {
        let end = start + data.len() as u64 - 1;
        file.extend(lime_header(0x4C69_4D45, 1, *start, end));
        file.extend_from_slice(data);
    }
    file
}

/// Recognisable content of physical page `page_frame`.
pub(crate) fn page_content(page_frame: u64) -> Vec<u8> {
    (0..PAGE)
        .map(|i| (page_frame as usize * 7 + i * 13 + 1) as u8)
        .collect()
}

/// The fields of a crash dump header the builders set.
#[derive(Debug, Clone)]
pub(crate) struct DumpSpec {
    /// 64-bit (`PAGEDU64`) or 32-bit (`PAGEDUMP`).
    pub bits64: bool,
    pub dump_type: u32,
    /// `(BasePage, PageCount)` runs for a full dump.
    pub runs: Vec<(u64, u64)>,
    /// `NumberOfRuns` as written (defaults to `runs.len()`).
    pub number_of_runs: Option<u32>,
    /// `NumberOfPages` as written (defaults to the sum of the runs).
    pub number_of_pages: Option<u64>,
    pub system_time: u64,
}

impl DumpSpec {
    /// A full dump with `runs`.
    pub(crate) fn full(bits64: bool, runs: &[(u64, u64)]) -> Self {
        Self {
            bits64,
            dump_type: 1,
            runs: runs.to_vec(),
            number_of_runs: None,
            number_of_pages: None,
            // 2024-02-29T12:34:56Z
            system_time: (1_709_210_096 + 11_644_473_600) * 10_000_000,
        }
    }
}

/// The main header of `spec`, filled with `PAGE` like a real one.
pub(crate) fn dump_header(spec: &DumpSpec) -> Vec<u8> {
    let header_len = if spec.bits64 { 0x2000 } else { 0x1000 };
    let mut header: Vec<u8> = b"PAGE".iter().copied().cycle().take(header_len).collect();
    let mut put = |offset: usize, bytes: &[u8]| {
        header[offset..offset + bytes.len()].copy_from_slice(bytes);
    };
    put(
        0,
        if spec.bits64 {
            b"PAGEDU64"
        } else {
            b"PAGEDUMP"
        },
    );
    put(0x08, &15u32.to_le_bytes());
    put(0x0c, &19041u32.to_le_bytes());
    let number_of_runs = spec.number_of_runs.unwrap_or(spec.runs.len() as u32);
    let number_of_pages = spec
        .number_of_pages
        .unwrap_or(spec.runs.iter().map(|r| r.1).sum());
    if spec.bits64 {
        put(0x10, &0x1ab000u64.to_le_bytes());
        put(0x30, &0x8664u32.to_le_bytes());
        put(0x34, &4u32.to_le_bytes());
        put(0x38, &0xe2u32.to_le_bytes());
        if spec.dump_type == 1 {
            put(0x88, &number_of_runs.to_le_bytes());
            put(0x8c, &0u32.to_le_bytes());
            put(0x90, &number_of_pages.to_le_bytes());
            for (i, (base, count)) in spec.runs.iter().enumerate() {
                put(0x98 + i * 16, &base.to_le_bytes());
                put(0xa0 + i * 16, &count.to_le_bytes());
            }
        }
        put(0xf98, &spec.dump_type.to_le_bytes());
        put(0xfa8, &spec.system_time.to_le_bytes());
    } else {
        put(0x10, &0x0018_5000u32.to_le_bytes());
        put(0x20, &0x014cu32.to_le_bytes());
        put(0x24, &2u32.to_le_bytes());
        put(0x28, &0xe2u32.to_le_bytes());
        if spec.dump_type == 1 {
            put(0x64, &number_of_runs.to_le_bytes());
            put(0x68, &(number_of_pages as u32).to_le_bytes());
            for (i, (base, count)) in spec.runs.iter().enumerate() {
                put(0x6c + i * 8, &(*base as u32).to_le_bytes());
                put(0x70 + i * 8, &(*count as u32).to_le_bytes());
            }
        }
        put(0xf88, &spec.dump_type.to_le_bytes());
        put(0xfc0, &spec.system_time.to_le_bytes());
    }
    header
}

/// A full dump: header, then the pages of each run in order.
pub(crate) fn full_dump(spec: &DumpSpec) -> Vec<u8> {
    let mut file = dump_header(spec);
    for (base, count) in &spec.runs {
        for page_frame in *base..base + count {
            file.extend(page_content(page_frame));
        }
    }
    file
}

/// A 64-bit bitmap dump (`signature` `SDMP` or `FDMP`) over `page_frames`
/// frames holding the pages in `present` (ascending).
pub(crate) fn bitmap_dump(signature: &[u8; 4], page_frames: u64, present: &[u64]) -> Vec<u8> {
    let dump_type = if signature == b"FDMP" { 5 } else { 6 };
    let mut spec = DumpSpec::full(true, &[]);
    spec.dump_type = dump_type;
    let mut file = dump_header(&spec);
    let bitmap_len = page_frames.div_ceil(8) as usize;
    let first_page = (0x2000 + 0x38 + bitmap_len).next_multiple_of(PAGE) as u64;
    let mut bitmap_header = vec![0u8; 0x38];
    bitmap_header[..4].copy_from_slice(signature);
    bitmap_header[4..8].copy_from_slice(b"DUMP");
    bitmap_header[0x20..0x28].copy_from_slice(&first_page.to_le_bytes());
    bitmap_header[0x28..0x30].copy_from_slice(&(present.len() as u64).to_le_bytes());
    bitmap_header[0x30..0x38].copy_from_slice(&page_frames.to_le_bytes());
    file.extend(bitmap_header);
    let mut bitmap = vec![0u8; bitmap_len];
    for &page_frame in present {
        bitmap[(page_frame / 8) as usize] |= 1 << (page_frame % 8);
    }
    file.extend(bitmap);
    file.resize(first_page as usize, 0);
    for &page_frame in present {
        file.extend(page_content(page_frame));
    }
    file
}

/// `bytes` as a shared source.
pub(crate) fn source(bytes: Vec<u8>) -> Arc<dyn EvidenceSource> {
    Arc::new(MemorySource::new(bytes))
}

/// Reads `len` bytes at `physical_address` of `view`, all of which must exist.
pub(crate) fn read(view: &dyn EvidenceSource, physical_address: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0xEEu8; len];
    crate::evidence::read_exact_at(view, physical_address, &mut buf).expect("read inside view");
    buf
}
