//! Each decoder of the scanner (gzip, zlib, ZIP entry, base64, EXIF GPS) and
//! each validator on arbitrary bytes: never panic, never exceed the limits.
#![no_main]

use forensics_core::scan::patterns::Container;
use forensics_core::scan::{Kind, RecursionLimits, exif, recurse, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = RecursionLimits {
        max_output_bytes: 1 << 20,
        ..RecursionLimits::default()
    };
    for container in [Container::Gzip, Container::Zlib, Container::Zip, Container::Base64] {
        let decoded = recurse::decode(container, data, &limits, limits.max_output_bytes);
        assert!(decoded.bytes.len() <= limits.max_output_bytes);
    }
    let _ = exif::gps_position(data);
    for kind in Kind::ALL {
        if let Some(range) = validate::check(kind, data, 0..data.len()) {
            assert!(range.end <= data.len() && range.start <= range.end);
        }
    }
});
