//! Fuzzes the E01 reader: the input is split into segments at each EVF
//! signature after the first byte, opened in memory, and read.
#![no_main]

use std::path::Path;

use forensics_core::evidence::ewf;
use libfuzzer_sys::fuzz_target;

/// "EVF" 0x09 0x0d 0x0a 0xff 0x00.
const SIGNATURE: &[u8] = b"EVF\x09\x0d\x0a\xff\x00";
/// Media bytes read from the start (crafted sizes can be huge).
const READ_LIMIT: u64 = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let mut segments = Vec::new();
    let mut start = 0;
    for at in 1..data.len() {
        if data[at..].starts_with(SIGNATURE) {
            segments.push(data[start..at].to_vec());
            start = at;
        }
    }
    segments.push(data[start..].to_vec());
    let Ok(evidence) = ewf::open_from_memory(Path::new("fuzz.E01"), segments) else {
        return;
    };
    let source = evidence.source;
    let mut buf = vec![0u8; 1 << 20];
    let mut offset = 0u64;
    while offset < source.len().min(READ_LIMIT) {
        match source.read_at(offset, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(read) => offset += read as u64,
        }
    }
    // A small read near the end and one straddling a chunk boundary.
    let mut small = [0u8; 100];
    let _ = source.read_at(source.len().saturating_sub(50), &mut small);
    let _ = source.read_at(32_700, &mut small);
    let _ = source.damaged_ranges();
});
