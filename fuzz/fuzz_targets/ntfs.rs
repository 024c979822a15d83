//! NTFS: opening, listing (deleted records included), reading every entry's
//! content and the free-cluster map must never panic, hang or allocate from
//! unchecked sizes. The input patches the committed test volume
//! (`forensics-core/tests/data/ntfs-small.img.gz`): each 4-byte chunk is an
//! offset (3 bytes; high bit of the first: inside the MFT) and a new byte.
//! An input starting with `RAW!` is used as the whole volume instead.
#![no_main]

use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use forensics_core::evidence::{EvidenceSource, MemorySource};
use forensics_core::fs::{self, EntryKind};
use libfuzzer_sys::fuzz_target;

/// Bytes of content read per entry at most.
const OUTPUT_CAP_BYTES: u64 = 4 << 20;
/// Entries whose content is read per input at most.
const MAX_READS: usize = 200;
/// Size of the region after the MFT start that MFT patches fall in.
const MFT_REGION_BYTES: u64 = 256 * 1024;

fn base() -> &'static (Vec<u8>, u64) {
    static BASE: OnceLock<(Vec<u8>, u64)> = OnceLock::new();
    BASE.get_or_init(|| {
        let gz = include_bytes!("../../forensics-core/tests/data/ntfs-small.img.gz");
        let mut image = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut image)
            .expect("embedded image");
        let sector = u64::from(u16::from_le_bytes([image[11], image[12]]));
        let cluster = sector * u64::from(image[13]);
        let mft_lcn = u64::from_le_bytes(image[48..56].try_into().expect("8 bytes"));
        (image, mft_lcn * cluster)
    })
}

struct Capped(u64);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let len = buf.len() as u64;
        if len > self.0 {
            return Err(std::io::Error::other("cap"));
        }
        self.0 -= len;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fuzz_target!(|data: &[u8]| {
    // The reader catches the `ntfs` crate's own panics (see
    // `fs/ntfs/record.rs`); libFuzzer's hook would abort on them before the
    // catch. A panic anywhere else still reaches libFuzzer and is a crash.
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let volume = if let Some(raw) = data.strip_prefix(b"RAW!") {
        raw.to_vec()
    } else {
        let (image, mft_start) = base();
        let mut image = image.clone();
        let len = image.len() as u64;
        for chunk in data.chunks_exact(4) {
            let offset = u64::from(chunk[0] & 0x7F) << 16 | u64::from(chunk[1]) << 8 | u64::from(chunk[2]);
            let at = if chunk[0] & 0x80 != 0 {
                (mft_start + offset % MFT_REGION_BYTES) % len
            } else {
                offset * 4 % len
            };
            image[at as usize] = chunk[3];
        }
        image
    };
    let source: Arc<dyn EvidenceSource> = Arc::new(MemorySource::new(volume));
    let Ok(fs) = fs::open(source) else { return };
    let mut entries = Vec::new();
    let _ = fs.walk(&mut |e| entries.push(e));
    for entry in entries.iter().filter(|e| e.kind != EntryKind::Directory).take(MAX_READS) {
        let _ = fs.read_content(&entry.id, None, &mut Capped(OUTPUT_CAP_BYTES));
    }
    let _ = fs.unallocated();
});
