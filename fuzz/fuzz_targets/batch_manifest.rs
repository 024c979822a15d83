//! Batch manifests: any bytes must parse to units or fail with a line
//! number; every unit read back must keep its id when written again.
#![no_main]

use std::path::Path;

use forensics_core::batch::{parse_manifest, write_manifest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(units) = parse_manifest(data, Path::new("fuzz.jsonl")) else {
        return;
    };
    let mut written = Vec::new();
    if write_manifest(&units, &mut written).is_ok() {
        let again = parse_manifest(written.as_slice(), Path::new("again.jsonl"));
        assert_eq!(again.ok().as_ref(), Some(&units));
    }
});
