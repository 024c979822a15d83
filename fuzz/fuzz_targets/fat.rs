//! FAT12/16/32: opening, walking every entry and reading every entry's
//! content (capped) must never panic, hang or allocate without bound.
#![no_main]

use std::io::{self, Write};
use std::sync::Arc;

use forensics_core::evidence::MemorySource;
use forensics_core::fs;
use libfuzzer_sys::fuzz_target;

/// Most content bytes taken from one entry.
const OUTPUT_CAP_BYTES: usize = 1 << 20;

/// A writer that refuses to grow past [`OUTPUT_CAP_BYTES`].
struct Capped(usize);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 + buf.len() > OUTPUT_CAP_BYTES {
            return Err(io::Error::other("output cap reached"));
        }
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let volume = Arc::new(MemorySource::new(data.to_vec()));
    let Ok(fs) = fs::open(volume) else {
        return;
    };
    let mut ids = Vec::new();
    let _ = fs.walk(&mut |entry| ids.push(entry.id));
    for id in ids.iter().take(256) {
        let _ = fs.read_content(id, None, &mut Capped(0));
    }
    let _ = fs.read_content("2", None, &mut Capped(0));
    let _ = fs.unallocated();
});
