//! BMP (file header + DIB header, size from the header) and TIFF (IFD chain;
//! the end is the furthest byte any IFD entry or strip/tile points to).

use super::{Ctx, Verdict};

/// Largest number of IFDs followed in a TIFF.
const MAX_IFDS: usize = 64;
/// Largest number of entries read in one IFD.
const MAX_IFD_ENTRIES: usize = 4096;
/// Largest number of strip/tile offsets read for one IFD.
const MAX_STRIPS: usize = 1 << 16;

/// BMP: "BM", file size, reserved zeros, pixel-data offset, a known DIB
/// header, sane dimensions and bit depth.
pub fn validate_bmp(ctx: &Ctx<'_>) -> Verdict {
    let (Some(size), Some(reserved), Some(pixels_at), Some(dib)) =
        (ctx.le32(2), ctx.le32(6), ctx.le32(10), ctx.le32(14))
    else {
        return Verdict::Invalid;
    };
    if ctx.bytes(0, 2) != Some(b"BM")
        || reserved != 0
        || !matches!(dib, 12 | 40 | 52 | 56 | 64 | 108 | 124)
    {
        return Verdict::Invalid;
    }
    let (width, height, planes, bpp) = if dib == 12 {
        (
            ctx.le16(18).map(i64::from),
            ctx.le16(20).map(i64::from),
            ctx.le16(22),
            ctx.le16(24),
        )
    } else {
        (
            ctx.le32(18).map(|w| i64::from(w as i32)),
            ctx.le32(22).map(|h| i64::from(h as i32)),
            ctx.le16(26),
            ctx.le16(28),
        )
    };
    let (Some(width), Some(height), Some(planes), Some(bpp)) = (width, height, planes, bpp) else {
        return Verdict::Invalid;
    };
    if width <= 0 || height == 0 || planes != 1 || !matches!(bpp, 1 | 4 | 8 | 16 | 24 | 32) {
        return Verdict::Invalid;
    }
    if pixels_at < 14 + dib || pixels_at >= size {
        return Verdict::Invalid;
    }
    // Uncompressed rows padded to 4 bytes must fit in the stated size.
    let compression = if dib == 12 { Some(0) } else { ctx.le32(30) };
    if compression == Some(0) {
        let row = (width as u64 * u64::from(bpp)).div_ceil(32) * 4;
        let needed = row.saturating_mul(height.unsigned_abs());
        if u64::from(size) < u64::from(pixels_at) + needed {
            return Verdict::Invalid;
        }
    }
    ctx.ends_at(u64::from(size))
}

struct Tiff<'c, 'a> {
    ctx: &'c Ctx<'a>,
    little: bool,
}

impl Tiff<'_, '_> {
    fn u16(&self, at: usize) -> Option<u16> {
        if self.little {
            self.ctx.le16(at)
        } else {
            self.ctx.be16(at)
        }
    }
    fn u32(&self, at: usize) -> Option<u32> {
        if self.little {
            self.ctx.le32(at)
        } else {
            self.ctx.be32(at)
        }
    }
    fn value(&self, at: usize, kind: u16, index: usize) -> Option<u64> {
        match kind {
            3 => self.u16(at + 2 * index).map(u64::from),
            4 => self.u32(at + 4 * index).map(u64::from),
            _ => None,
        }
    }
}

fn type_size(kind: u16) -> Option<u64> {
    match kind {
        1 | 2 | 6 | 7 => Some(1),
        3 | 8 => Some(2),
        4 | 9 | 11 | 13 => Some(4),
        5 | 10 | 12 => Some(8),
        _ => None,
    }
}

/// TIFF: follows the IFD chain; the file ends at the furthest byte referenced.
pub fn validate_tiff(ctx: &Ctx<'_>) -> Verdict {
    let little = match ctx.bytes(0, 4) {
        Some(b"II*\0") => true,
        Some(b"MM\0*") => false,
        _ => return Verdict::Invalid,
    };
    let tiff = Tiff { ctx, little };
    let mut end = 8u64;
    let mut ifd = tiff.u32(4).map_or(0, u64::from);
    let mut ifds = 0usize;
    while ifd != 0 {
        if ifds == MAX_IFDS || ifd < 8 {
            return Verdict::Invalid;
        }
        ifds += 1;
        let at = ifd as usize;
        let Some(count) = tiff.u16(at).map(usize::from) else {
            return if ifds == 1 {
                Verdict::Invalid
            } else {
                ctx.ends_at(ifd + 2)
            };
        };
        if count == 0 || count > MAX_IFD_ENTRIES {
            return Verdict::Invalid;
        }
        let ifd_end = ifd + 2 + 12 * count as u64 + 4;
        end = end.max(ifd_end);
        let mut strips: [Option<(usize, u16, usize)>; 4] = [None; 4];
        for i in 0..count {
            let entry = at + 2 + 12 * i;
            let (Some(tag), Some(kind), Some(n)) =
                (tiff.u16(entry), tiff.u16(entry + 2), tiff.u32(entry + 4))
            else {
                return ctx.ends_at(ifd_end);
            };
            let Some(size) = type_size(kind) else {
                continue;
            };
            let bytes = size.saturating_mul(u64::from(n));
            let value_at = if bytes > 4 {
                let Some(offset) = tiff.u32(entry + 8) else {
                    continue;
                };
                end = end.max(u64::from(offset).saturating_add(bytes));
                offset as usize
            } else {
                entry + 8
            };
            let slot = match tag {
                273 => 0, // StripOffsets
                279 => 1, // StripByteCounts
                324 => 2, // TileOffsets
                325 => 3, // TileByteCounts
                _ => continue,
            };
            strips[slot] = Some((value_at, kind, (n as usize).min(MAX_STRIPS)));
        }
        for (offsets, counts) in [(strips[0], strips[1]), (strips[2], strips[3])] {
            if let (Some((o_at, o_kind, n)), Some((c_at, c_kind, m))) = (offsets, counts) {
                for i in 0..n.min(m) {
                    if let (Some(o), Some(c)) =
                        (tiff.value(o_at, o_kind, i), tiff.value(c_at, c_kind, i))
                    {
                        end = end.max(o.saturating_add(c));
                    }
                }
            }
        }
        ifd = tiff.u32(at + 2 + 12 * count).map_or(0, u64::from);
    }
    if ifds == 0 {
        return Verdict::Invalid;
    }
    ctx.ends_at(end)
}
