//! LiME dumps: parsing and physical-address reads must never panic or hang.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use forensics_core::evidence::{MemorySource, memdump};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = Arc::new(MemorySource::new(data.to_vec()));
    let Ok(evidence) = memdump::lime_from_source(file, Path::new("fuzz.lime")) else {
        return;
    };
    let Some(physical) = evidence.physical else {
        return;
    };
    let mut buf = [0u8; 4096];
    let len = physical.len();
    for range in evidence.info.memory_ranges.iter().take(16) {
        let _ = physical.read_at(range.physical_start.saturating_sub(3), &mut buf);
    }
    let _ = physical.read_at(len.saturating_sub(5), &mut buf);
    let _ = physical.read_at(len / 2, &mut buf);
});
