//! Extreme knob settings give an image or a clear error, never a panic.
#![allow(clippy::unwrap_used)]

use corpus::{Error, ScenarioOptions};

#[test]
fn extreme_knobs_never_panic() {
    let cases: &[(&str, u64, usize, f64)] = &[
        ("carve-blob", 2 << 20, 60, 1.0),
        ("carve-blob", 3 << 20, 1, 0.0),
        ("carve-blob", 4 << 20, 400, 1.0),
        ("memdump", 1 << 20, 1, 1.0),
        ("memdump", 1 << 20, 400, 0.0),
        ("fat12", 1 << 20, 60, 1.0),
        ("fat12", 1 << 20, 3000, 1.0),
        ("fat16", 4 << 20, 500, 1.0),
        ("fat16", 4 << 20, 20_000, 0.0),
    ];
    for &(name, size, files, rate) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut options = ScenarioOptions::with_seed(size ^ files as u64);
        options.image_size_bytes = Some(size);
        options.file_count = Some(files);
        options.fragmentation_rate = rate;
        options.noise = rate;
        match corpus::generate(name, &options, dir.path()) {
            Ok(key) => assert_eq!(key.image_size, size),
            Err(Error::InvalidOption(message)) => println!("{name} {size} {files}: {message}"),
            Err(other) => panic!("{name}: unexpected error {other}"),
        }
    }
}
