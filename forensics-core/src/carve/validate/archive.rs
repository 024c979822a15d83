//! Archives: gzip (header, deflate stream inflated to its end, CRC-32 and
//! size trailer), 7z (start header CRC, next header offset and size, its CRC)
//! and RAR 4/5 (block walk with header CRCs to the end-of-archive block).

use flate2::{Decompress, FlushDecompress, Status};

use super::{Ctx, Verdict};

/// Most bytes a gzip member may inflate to before we stop (deflate bombs).
pub const MAX_GZIP_OUTPUT_BYTES: u64 = 1 << 30;
/// Largest number of RAR blocks walked.
const MAX_RAR_BLOCKS: usize = 1 << 20;

/// gzip: one member, inflated to the end of its deflate stream.
pub fn validate_gzip(ctx: &Ctx<'_>) -> Verdict {
    let (Some(id), Some(flags)) = (ctx.bytes(0, 3), ctx.u8(3)) else {
        return Verdict::Invalid;
    };
    if id != [0x1F, 0x8B, 0x08] || flags & 0xE0 != 0 || !matches!(ctx.u8(9), Some(0..=13 | 255)) {
        return Verdict::Invalid;
    }
    let mut pos = 10usize;
    if flags & 0x04 != 0 {
        let Some(extra) = ctx.le16(pos) else {
            return Verdict::Invalid;
        };
        pos += 2 + usize::from(extra);
    }
    for bit in [0x08u8, 0x10] {
        if flags & bit != 0 {
            let Some(rest) = ctx.data.get(pos..) else {
                return Verdict::Invalid;
            };
            let Some(nul) = memchr::memchr(0, &rest[..rest.len().min(1 << 16)]) else {
                return Verdict::Invalid;
            };
            pos += nul + 1;
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    let Some(stream) = ctx.data.get(pos..) else {
        return Verdict::Invalid;
    };
    let mut inflater = Decompress::new(false);
    let mut out = vec![0u8; 64 * 1024];
    let mut crc = crc32fast::Hasher::new();
    loop {
        let before_out = inflater.total_out();
        let consumed = inflater.total_in() as usize;
        let Some(input) = stream.get(consumed..) else {
            return Verdict::Invalid;
        };
        let status = inflater.decompress(input, &mut out, FlushDecompress::None);
        let produced = (inflater.total_out() - before_out) as usize;
        crc.update(out.get(..produced).unwrap_or(&[]));
        if inflater.total_out() > MAX_GZIP_OUTPUT_BYTES {
            return Verdict::Invalid;
        }
        match status {
            Ok(Status::StreamEnd) => break,
            Ok(_) if produced == 0 && inflater.total_in() as usize == consumed => {
                // No progress: the input ran out inside the stream.
                return if inflater.total_out() > 0 && !ctx.capped {
                    ctx.truncated_to(ctx.len() as u64)
                } else {
                    Verdict::Invalid
                };
            }
            Ok(_) => {}
            Err(_) => return Verdict::Invalid,
        }
    }
    let trailer = pos + inflater.total_in() as usize;
    let (Some(stored_crc), Some(stored_size)) = (ctx.le32(trailer), ctx.le32(trailer + 4)) else {
        return ctx.truncated_to(trailer as u64);
    };
    if stored_crc != crc.finalize() || stored_size != inflater.total_out() as u32 {
        return Verdict::Invalid;
    }
    Verdict::Complete {
        len_bytes: trailer as u64 + 8,
    }
}

/// 7z: signature header with its CRC; the end is after the next header.
pub fn validate_7z(ctx: &Ctx<'_>) -> Verdict {
    let (Some(start_header), Some(stored_crc)) = (ctx.bytes(12, 20), ctx.le32(8)) else {
        return Verdict::Invalid;
    };
    if ctx.bytes(0, 6) != Some(b"7z\xBC\xAF\x27\x1C") || crc32fast::hash(start_header) != stored_crc
    {
        return Verdict::Invalid;
    }
    let (Some(offset), Some(size), Some(next_crc)) = (ctx.le64(12), ctx.le64(20), ctx.le32(28))
    else {
        return Verdict::Invalid;
    };
    let Some(end) = offset.checked_add(size).and_then(|e| e.checked_add(32)) else {
        return Verdict::Invalid;
    };
    if size == 0 {
        return Verdict::Invalid;
    }
    if let Some(next) = usize::try_from(offset + 32)
        .ok()
        .and_then(|at| ctx.bytes(at, size as usize))
        && crc32fast::hash(next) != next_crc
    {
        return Verdict::Invalid;
    }
    ctx.ends_at(end)
}

/// RAR 4 or 5: block walk with header CRCs to the end-of-archive block.
pub fn validate_rar(ctx: &Ctx<'_>) -> Verdict {
    match ctx.bytes(0, 8) {
        Some(b"Rar!\x1a\x07\x01\x00") => rar5(ctx),
        Some(sig) if &sig[..7] == b"Rar!\x1a\x07\x00" => rar4(ctx),
        _ => Verdict::Invalid,
    }
}

fn rar4(ctx: &Ctx<'_>) -> Verdict {
    let mut pos = 7usize;
    for block in 0..MAX_RAR_BLOCKS {
        let (Some(crc), Some(kind), Some(flags), Some(size)) = (
            ctx.le16(pos),
            ctx.u8(pos + 2),
            ctx.le16(pos + 3),
            ctx.le16(pos + 5),
        ) else {
            return if block == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos as u64)
            };
        };
        let size = usize::from(size);
        let Some(header) = ctx.bytes(pos + 2, size.saturating_sub(2)) else {
            return if block == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos as u64)
            };
        };
        if size < 7
            || !(0x72..=0x7B).contains(&kind)
            || (crc32fast::hash(header) & 0xFFFF) as u16 != crc
        {
            return if block == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos as u64)
            };
        }
        let add = if flags & 0x8000 != 0 || kind == 0x74 {
            ctx.le32(pos + 7).map_or(0, u64::from)
        } else {
            0
        };
        let next = pos as u64 + size as u64 + add;
        if kind == 0x7B {
            return ctx.ends_at(next);
        }
        if next > ctx.len() as u64 {
            return ctx.ends_at(next);
        }
        pos = next as usize;
    }
    Verdict::Invalid
}

/// A RAR5 variable-length integer at `at`: (value, bytes used).
fn vint(ctx: &Ctx<'_>, at: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for i in 0..10 {
        let byte = ctx.u8(at + i)?;
        value |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn rar5(ctx: &Ctx<'_>) -> Verdict {
    let mut pos = 8usize;
    for block in 0..MAX_RAR_BLOCKS {
        let stop = |pos: usize| {
            if block == 0 {
                Verdict::Invalid
            } else {
                ctx.truncated_to(pos as u64)
            }
        };
        let Some(crc) = ctx.le32(pos) else {
            return stop(pos);
        };
        let Some((header_size, used)) = vint(ctx, pos + 4) else {
            return stop(pos);
        };
        if header_size == 0 || header_size > 2 * 1024 * 1024 {
            return stop(pos);
        }
        let header_at = pos + 4 + used;
        let Some(header) = ctx.bytes(pos + 4, used + header_size as usize) else {
            return stop(pos);
        };
        if crc32fast::hash(header) != crc {
            return stop(pos);
        }
        let Some((kind, k)) = vint(ctx, header_at) else {
            return stop(pos);
        };
        let Some((flags, f)) = vint(ctx, header_at + k) else {
            return stop(pos);
        };
        let mut field = header_at + k + f;
        if flags & 1 != 0 {
            let Some((_, n)) = vint(ctx, field) else {
                return stop(pos);
            };
            field += n;
        }
        let data = if flags & 2 != 0 {
            let Some((data, _)) = vint(ctx, field) else {
                return stop(pos);
            };
            data
        } else {
            0
        };
        let Some(next) = (header_at as u64 + header_size).checked_add(data) else {
            return stop(pos);
        };
        if kind == 5 {
            return ctx.ends_at(next);
        }
        if !(1..=5).contains(&kind) {
            return stop(pos);
        }
        if next > ctx.len() as u64 {
            return ctx.ends_at(next);
        }
        pos = next as usize;
    }
    Verdict::Invalid
}
