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
    let page_size: u64 = if raw_page == 1 {
        65536
    } else {
        u64::from(raw_page)
    };
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
    let (Some(change_counter), Some(pages), Some(valid_for)) =
        (ctx.be32(24), ctx.be32(28), ctx.be32(92))
    else {
        return Verdict::Invalid;
    };
    if pages > 0 && valid_for == change_counter {
        let free_pages = ctx.be32(36).unwrap_or(0);
        if let Some(bad) = first_bad_page(ctx, page_size, pages, free_pages) {
            return ctx.truncated_to(bad * page_size);
        }
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

/// Index (0-based) of the first page after page 1 that cannot be a page of
/// this database: a b-tree page with an impossible header, or a page that is
/// neither b-tree nor overflow/freelist (whose first four bytes are a page
/// number). All-zero pages are only accepted when the freelist is not empty.
fn first_bad_page(ctx: &Ctx<'_>, page_size: u64, pages: u32, free_pages: u32) -> Option<u64> {
    for index in 1..u64::from(pages) {
        let at = usize::try_from(index * page_size).ok()?;
        let page = ctx.data.get(at..at + page_size as usize)?;
        let ok = match page[0] {
            0x02 | 0x05 | 0x0A | 0x0D => {
                let cells = u64::from(u16::from_be_bytes([page[3], page[4]]));
                let content = u64::from(u16::from_be_bytes([page[5], page[6]]));
                let header = if matches!(page[0], 0x02 | 0x05) {
                    12
                } else {
                    8
                };
                header + 2 * cells <= page_size && (content == 0 || content <= page_size)
            }
            _ => {
                let next = u32::from_be_bytes([page[0], page[1], page[2], page[3]]);
                let all_zero = page.iter().all(|&b| b == 0);
                next <= pages && (!all_zero || free_pages > 0)
            }
        };
        if !ok {
            return Some(index);
        }
    }
    None
}
