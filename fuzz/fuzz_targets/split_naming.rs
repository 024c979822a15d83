//! Split raw segment naming: any file name either is not a first segment, or
//! names a set whose segment names round-trip through their indices.
#![no_main]

use forensics_core::evidence::SegmentNaming;
use libfuzzer_sys::fuzz_target;

/// Indices around the widths' limits (26, 26², 10³ - 1, 26³).
const INDICES: [usize; 11] = [1, 2, 25, 26, 27, 675, 676, 998, 999, 17_575, usize::MAX];

fuzz_target!(|data: &[u8]| {
    let Ok(name) = std::str::from_utf8(data) else {
        return;
    };
    let Some(naming) = SegmentNaming::of_first_segment(name) else {
        return;
    };
    assert_eq!(naming.segment_name(0).as_deref(), Some(name));
    for index in INDICES {
        if let Some(segment) = naming.segment_name(index) {
            assert_eq!(naming.segment_index(&segment), Some(index), "{segment}");
        }
    }
    // Any name, including one sharing the stem, maps to at most one index
    // that maps back to the same name.
    if let Some(index) = naming.segment_index(name.get(..name.len() / 2).unwrap_or("")) {
        let _ = naming.segment_name(index);
    }
});
