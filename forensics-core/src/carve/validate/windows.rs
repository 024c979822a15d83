//! Windows artefacts: EVTX event logs (file header CRC, 64 KiB chunks) and
//! registry hives (`regf` header checksum, `hbin` blocks).

use super::{Ctx, Verdict};

const EVTX_HEADER_BYTES: u64 = 4096;
const EVTX_CHUNK_BYTES: u64 = 65536;
const REGF_HEADER_BYTES: u64 = 4096;
/// Largest number of hive bins walked.
const MAX_HBINS: usize = 1 << 20;

/// EVTX: header block, then `ElfChnk` chunks of 64 KiB.
pub fn validate_evtx(ctx: &Ctx<'_>) -> Verdict {
    let (Some(header), Some(stored_crc)) = (ctx.bytes(0, 120), ctx.le32(124)) else {
        return Verdict::Invalid;
    };
    if &header[..8] != b"ElfFile\0" || crc32fast::hash(header) != stored_crc {
        return Verdict::Invalid;
    }
    let (Some(header_size), Some(major), Some(block), Some(chunks)) =
        (ctx.le32(32), ctx.le16(38), ctx.le16(40), ctx.le16(42))
    else {
        return Verdict::Invalid;
    };
    if header_size != 128 || major != 3 || u64::from(block) != EVTX_HEADER_BYTES {
        return Verdict::Invalid;
    }
    let mut present = 0u64;
    loop {
        let at = EVTX_HEADER_BYTES + present * EVTX_CHUNK_BYTES;
        match usize::try_from(at).ok().and_then(|a| ctx.bytes(a, 8)) {
            Some(b"ElfChnk\0") => present += 1,
            _ => break,
        }
    }
    let whole = present.max(u64::from(chunks));
    ctx.ends_at(EVTX_HEADER_BYTES + whole * EVTX_CHUNK_BYTES)
}

/// Registry hive: `regf` base block with its XOR checksum, then hive bins.
pub fn validate_regf(ctx: &Ctx<'_>) -> Verdict {
    let Some(base) = ctx.bytes(0, 512) else {
        return Verdict::Invalid;
    };
    if &base[..4] != b"regf" {
        return Verdict::Invalid;
    }
    let checksum = (0..127).fold(0u32, |acc, i| acc ^ ctx.le32(4 * i).unwrap_or(0));
    let (Some(stored), Some(major), Some(bins)) = (ctx.le32(508), ctx.le32(20), ctx.le32(40))
    else {
        return Verdict::Invalid;
    };
    if stored != checksum || major != 1 || bins == 0 || u64::from(bins) % 4096 != 0 {
        return Verdict::Invalid;
    }
    let end = REGF_HEADER_BYTES + u64::from(bins);
    // Walk the bins present: each names its own offset and size.
    let mut offset = 0u64;
    for _ in 0..MAX_HBINS {
        if offset >= u64::from(bins) {
            break;
        }
        let at = (REGF_HEADER_BYTES + offset) as usize;
        match (ctx.bytes(at, 4), ctx.le32(at + 4), ctx.le32(at + 8)) {
            (Some(b"hbin"), Some(o), Some(size))
                if u64::from(o) == offset && size >= 4096 && size % 4096 == 0 =>
            {
                offset += u64::from(size);
            }
            _ if offset == 0 => return Verdict::Invalid,
            _ => return ctx.truncated_to(REGF_HEADER_BYTES + offset),
        }
    }
    ctx.ends_at(end)
}
