//! The whole carver (scan, validation, gap carving, nesting) on arbitrary
//! media: no panic, no hang, results inside the media.
#![no_main]

use forensics_core::carve::{self, CarveOptions};
use forensics_core::evidence::MemorySource;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let len = data.len() as u64;
    let Ok(report) = carve::carve(&MemorySource::new(data.to_vec()), &CarveOptions::default()) else {
        return;
    };
    for file in &report.files {
        for fragment in &file.fragments {
            assert!(fragment.image_offset + fragment.length <= len);
        }
    }
});
