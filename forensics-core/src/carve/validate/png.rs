//! PNG: chunk walk from IHDR to IEND with every chunk's CRC-32 checked.

use super::{Ctx, Verdict, is_fourcc};

/// The eight-byte PNG signature.
pub const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Longest chunk data accepted (the PNG limit is 2^31 - 1).
const MAX_CHUNK_BYTES: u32 = 0x7FFF_FFFF;

/// Walks the chunks; complete at IEND, truncated at the first bad chunk.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(0, 8) != Some(SIGNATURE) || ctx.bytes(12, 4) != Some(b"IHDR") {
        return Verdict::Invalid;
    }
    let mut pos = 8usize;
    let mut good_end = 0u64;
    loop {
        let Some(len) = ctx.be32(pos) else {
            return ctx.truncated_to(good_end);
        };
        let Some(kind) = ctx.bytes(pos + 4, 4) else {
            return ctx.truncated_to(good_end);
        };
        if len > MAX_CHUNK_BYTES || !is_fourcc(kind) || !kind.iter().all(u8::is_ascii_alphabetic) {
            return ctx.truncated_to(good_end);
        }
        let len = len as usize;
        let Some(typed) = ctx.bytes(pos + 4, 4 + len) else {
            return ctx.truncated_to(good_end);
        };
        let Some(stored_crc) = ctx.be32(pos + 8 + len) else {
            return ctx.truncated_to(good_end);
        };
        if crc32fast::hash(typed) != stored_crc {
            return ctx.truncated_to(good_end);
        }
        pos += 12 + len;
        good_end = pos as u64;
        if kind == b"IEND" {
            return Verdict::Complete {
                len_bytes: good_end,
            };
        }
    }
}
