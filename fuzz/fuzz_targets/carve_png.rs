//! Carving validators for PNG chunk walk with CRCs: no panic, no hang, and every verdict
//! stays inside the bytes it was given, capped or not, with footers or not.
#![no_main]

use forensics_core::carve::validate::{Ctx, Verdict, png};
use libfuzzer_sys::fuzz_target;

fn check(validate: fn(&Ctx<'_>) -> Verdict, data: &[u8]) {
    let footers: Vec<usize> = (0..data.len())
        .filter(|&i| data[i..].starts_with(b"%%EOF") || data[i..].starts_with(b"PK\x05\x06"))
        .take(64)
        .collect();
    for capped in [false, true] {
        for footers in [&[][..], &footers[..]] {
            match validate(&Ctx::with(data, capped, footers)) {
                Verdict::Complete { len_bytes } => assert!(len_bytes <= data.len() as u64),
                Verdict::Truncated { present_len } => assert!(present_len <= data.len() as u64),
                Verdict::Invalid => {}
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(png::validate, data);
});
