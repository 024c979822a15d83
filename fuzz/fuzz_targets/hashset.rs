//! Hash-set files: a text list (md5sum, sha*sum, hashdeep, NSRL-style CSV)
//! must read or fail with a line number; a `.fhs` set whose BLAKE3 trailer
//! holds (the fuzzer's bytes get a correct one) must open or fail cleanly,
//! and lookups on an opened set must not panic.
#![no_main]

use std::io::Write;

use forensics_core::hash::sets::{DigestSet, Error, read_list};
use forensics_core::hash::{Algorithm, Digests};
use libfuzzer_sys::fuzz_target;

/// Entries read from one list before the rest is ignored.
const MAX_ENTRIES: usize = 100_000;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else {
        return;
    };
    let list_path = dir.path().join("list.txt");
    if std::fs::write(&list_path, data).is_ok() {
        let mut entries = 0usize;
        let _ = read_list(&list_path, Algorithm::Sha256, &mut |_, line| {
            entries += 1;
            if entries > MAX_ENTRIES {
                return Err(Error::MalformedLine {
                    path: list_path.clone(),
                    line,
                    what: "enough entries for one input".into(),
                });
            }
            Ok(())
        });
    }
    let set_path = dir.path().join("set.fhs");
    let Ok(mut file) = std::fs::File::create(&set_path) else {
        return;
    };
    let trailer = blake3::hash(data);
    if file.write_all(data).is_err() || file.write_all(trailer.as_bytes()).is_err() {
        return;
    }
    drop(file);
    let Ok(set) = DigestSet::open(&set_path) else {
        return;
    };
    let _ = (set.name(), set.kind(), set.categories(), set.tables());
    let probe = Digests {
        md5: Some([0x5a; 16]),
        sha1: Some([0u8; 20]),
        sha256: Some([0xff; 32]),
        blake3: Some([0x11; 32]),
    };
    let _ = set.lookup(&probe);
    let _ = set.contains(Algorithm::Sha1, &[0u8; 20]);
});
