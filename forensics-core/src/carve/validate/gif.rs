//! GIF87a/89a: header, colour tables, extension and image blocks with their
//! data sub-blocks, to the trailer byte (0x3B).

use super::{Ctx, Verdict};

/// Largest number of blocks walked (frames, extensions).
const MAX_BLOCKS: usize = 1 << 20;

/// Skips a chain of data sub-blocks starting at `pos`; returns the offset
/// after the terminator.
fn skip_sub_blocks(ctx: &Ctx<'_>, mut pos: usize) -> Option<usize> {
    loop {
        let size = usize::from(ctx.u8(pos)?);
        pos += 1;
        if size == 0 {
            return Some(pos);
        }
        pos += size;
        if pos > ctx.len() {
            return None;
        }
    }
}

fn colour_table_bytes(flags: u8) -> usize {
    if flags & 0x80 != 0 {
        3 << ((flags & 0x07) + 1)
    } else {
        0
    }
}

/// Walks the blocks to the trailer.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    let header = ctx.bytes(0, 6);
    if header != Some(b"GIF87a") && header != Some(b"GIF89a") {
        return Verdict::Invalid;
    }
    let (Some(width), Some(height), Some(flags)) = (ctx.le16(6), ctx.le16(8), ctx.u8(10)) else {
        return ctx.truncated_to(ctx.len() as u64);
    };
    if width == 0 || height == 0 {
        return Verdict::Invalid;
    }
    let mut pos = 13 + colour_table_bytes(flags);
    let mut good_end = pos as u64;
    let mut images = 0usize;
    for _ in 0..MAX_BLOCKS {
        match ctx.u8(pos) {
            Some(0x3B) if images > 0 => {
                return Verdict::Complete {
                    len_bytes: pos as u64 + 1,
                };
            }
            Some(0x21) => {
                if ctx.u8(pos + 1).is_none() {
                    break;
                }
                match skip_sub_blocks(ctx, pos + 2) {
                    Some(next) => pos = next,
                    None => break,
                }
            }
            Some(0x2C) => {
                let Some(local) = ctx.u8(pos + 9) else { break };
                let data_at = pos + 10 + colour_table_bytes(local);
                match ctx.u8(data_at) {
                    Some(2..=12) => {}
                    _ => break,
                }
                match skip_sub_blocks(ctx, data_at + 1) {
                    Some(next) => {
                        pos = next;
                        images += 1;
                    }
                    None => break,
                }
            }
            _ => break,
        }
        good_end = pos as u64;
    }
    if images == 0 {
        return Verdict::Invalid;
    }
    ctx.truncated_to(good_end)
}
