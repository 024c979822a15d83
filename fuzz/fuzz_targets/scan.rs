//! The feature scanner on arbitrary bytes, with small pages so that page
//! boundaries, margins and recursion are all exercised: never panic or hang,
//! and every hit lies inside the input.
#![no_main]

use forensics_core::scan::{ScanOptions, scan_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = ScanOptions {
        page_bytes: 4096,
        margin_bytes: 1024,
        ..ScanOptions::default()
    };
    let Ok(features) = scan_bytes(data, &options) else {
        return;
    };
    for f in &features {
        assert!(f.image_offset < data.len() as u64);
    }
});
