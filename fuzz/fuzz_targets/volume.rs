//! MBR (with its EBR chain) and GPT (primary and backup headers, entry
//! arrays): detecting the table and reading every partition window must
//! never panic, hang or allocate without bound.
#![no_main]

use std::sync::Arc;

use forensics_core::evidence::{EvidenceSource, MemorySource, Window};
use forensics_core::volume;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let media = Arc::new(MemorySource::new(data.to_vec()));
    let Ok(Some(table)) = volume::detect(media.as_ref()) else {
        return;
    };
    let mut sector = [0u8; 512];
    for partition in table.partitions.iter().take(1024) {
        let Ok(window) = Window::new(
            media.clone(),
            partition.image_offset,
            partition.len_bytes,
        ) else {
            continue;
        };
        let _ = window.read_at(0, &mut sector);
        let _ = window.read_at(partition.len_bytes.saturating_sub(1), &mut sector);
    }
});
