//! ext2/3/4: opening, walking, reading every entry's content and the
//! unallocated ranges must never panic, hang or allocate without bound.
#![no_main]

use std::io::Write;
use std::sync::Arc;

use forensics_core::evidence::MemorySource;
use forensics_core::fs::{FileSystem, ext4::Ext4};
use libfuzzer_sys::fuzz_target;

/// Output cap per entry: a huge (sparse) size claim must stop here.
const MAX_CONTENT_BYTES: usize = 1 << 20;

struct Capped(usize);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        if self.0 > MAX_CONTENT_BYTES {
            return Err(std::io::Error::other("output cap"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(fs) = Ext4::open(Arc::new(MemorySource::new(data.to_vec()))) else {
        return;
    };
    let mut ids = Vec::new();
    let _ = fs.walk(&mut |entry| ids.push(entry.id));
    for id in ids {
        let _ = fs.read_content(&id, None, &mut Capped(0));
    }
    let _ = fs.unallocated();
});
