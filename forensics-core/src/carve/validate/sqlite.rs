//! SQLite 3 database: the 100-byte header's page size × page count, with the
//! header's constant fields and page 1's b-tree type checked.

use super::{Ctx, Verdict};

/// The 16-byte SQLite magic.
pub const MAGIC: &[u8] = b"SQLite format 3\0";

/// Page size and page count of the database at the start of the view.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(0, 16) != Some(MAGIC) {
        return Verdict::Invalid;
    }
    let (Some(raw_page), Some(header)) = (ctx.be16(16), ctx.bytes(18, 6)) else {
        return Verdict::Invalid;
    };
    let page_size: u64 = if raw_page == 1 { 65536 } else { u64::from(raw_page) };
    if !page_size.is_power_of_two() || page_size < 512 {
        return Verdict::Invalid;
    }
    // write/read versions 1 (legacy) or 2 (WAL); payload fractions 64/32/32.
    if !matches!(header[0], 1 | 2) || !matches!(header[1], 1 | 2) || header[3..6] != [64, 32, 32] {
        return Verdict::Invalid;
    }
    if u64::from(header[2]) >= page_size / 2 {
        return Verdict::Invalid;
    }
    if !matches!(ctx.u8(100), Some(0x0D | 0x05 | 0x0A | 0x02)) {
        return Verdict::Invalid;
    }
    let (Some(change_counter), Some(pages), Some(valid_for)) = (ctx.be32(24), ctx.be32(28), ctx.be32(92)) else {
        return Verdict::Invalid;
    };
    if pages > 0 && valid_for == change_counter {
        return ctx.ends_at(page_size * u64::from(pages));
    }
    // Legacy header without a trustworthy page count: count b-tree pages.
    let mut count = 1u64;
    loop {
        let at = count * page_size;
        match usize::try_from(at).ok().and_then(|a| ctx.u8(a)) {
            Some(0x0D | 0x05 | 0x0A | 0x02) => count += 1,
            _ => break,
        }
    }
    ctx.truncated_to((count * page_size).min(ctx.len() as u64))
}
