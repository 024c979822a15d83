//! Executables: PE (DOS stub, `PE\0\0`, COFF header, section table and
//! certificate table give the end) and ELF (program and section headers).

use super::{Ctx, Verdict};

/// Largest DOS-header pointer to the PE header accepted.
const MAX_PE_HEADER_OFFSET: u32 = 0x1000;
/// Largest number of program or section headers read.
const MAX_ELF_HEADERS: usize = 4096;

/// PE: the end is the furthest section data or the certificate table.
pub fn validate_pe(ctx: &Ctx<'_>) -> Verdict {
    let Some(pe_at) = ctx.le32(0x3C) else {
        return Verdict::Invalid;
    };
    if ctx.bytes(0, 2) != Some(b"MZ") || !(0x40..=MAX_PE_HEADER_OFFSET).contains(&pe_at) {
        return Verdict::Invalid;
    }
    let pe = pe_at as usize;
    if ctx.bytes(pe, 4) != Some(b"PE\0\0") {
        return Verdict::Invalid;
    }
    let (Some(machine), Some(sections), Some(optional_size)) =
        (ctx.le16(pe + 4), ctx.le16(pe + 6), ctx.le16(pe + 20))
    else {
        return Verdict::Invalid;
    };
    if machine == 0 || !(1..=96).contains(&sections) {
        return Verdict::Invalid;
    }
    let optional = pe + 24;
    let (certificate_dir, headers_size) = match ctx.le16(optional) {
        Some(0x10B) => (optional + 128, ctx.le32(optional + 60)),
        Some(0x20B) => (optional + 144, ctx.le32(optional + 60)),
        _ => return Verdict::Invalid,
    };
    let Some(headers_size) = headers_size else {
        return Verdict::Invalid;
    };
    let table = optional + usize::from(optional_size);
    let mut end = u64::from(headers_size).max(table as u64 + 40 * u64::from(sections));
    for i in 0..usize::from(sections) {
        let entry = table + 40 * i;
        let (Some(raw_size), Some(raw_at)) = (ctx.le32(entry + 16), ctx.le32(entry + 20)) else {
            return ctx.ends_at(end.max(entry as u64 + 40));
        };
        if raw_size > 0 {
            end = end.max(u64::from(raw_at) + u64::from(raw_size));
        }
    }
    if usize::from(optional_size) >= certificate_dir - optional + 8
        && let (Some(cert_at), Some(cert_size)) =
            (ctx.le32(certificate_dir), ctx.le32(certificate_dir + 4))
        && cert_size > 0
    {
        end = end.max(u64::from(cert_at) + u64::from(cert_size));
    }
    ctx.ends_at(end)
}

/// ELF: the end is the furthest header table, segment or section.
pub fn validate_elf(ctx: &Ctx<'_>) -> Verdict {
    let (Some(class), Some(data), Some(version)) = (ctx.u8(4), ctx.u8(5), ctx.u8(6)) else {
        return Verdict::Invalid;
    };
    if ctx.bytes(0, 4) != Some(b"\x7FELF")
        || !matches!(class, 1 | 2)
        || !matches!(data, 1 | 2)
        || version != 1
    {
        return Verdict::Invalid;
    }
    let little = data == 1;
    let u16_at = |at: usize| if little { ctx.le16(at) } else { ctx.be16(at) };
    let u32_at = |at: usize| if little { ctx.le32(at) } else { ctx.be32(at) };
    let u64_at = |at: usize| if little { ctx.le64(at) } else { ctx.be64(at) };
    let wide = class == 2;
    let word = |at: usize| {
        if wide {
            u64_at(at)
        } else {
            u32_at(at).map(u64::from)
        }
    };
    let (ph_at, sh_at, ph_size_at) = if wide { (32, 40, 54) } else { (28, 32, 42) };
    let (Some(kind), Some(ph_off), Some(sh_off)) = (u16_at(16), word(ph_at), word(sh_at)) else {
        return Verdict::Invalid;
    };
    let (Some(ph_size), Some(ph_num), Some(sh_size), Some(sh_num)) = (
        u16_at(ph_size_at),
        u16_at(ph_size_at + 2),
        u16_at(ph_size_at + 4),
        u16_at(ph_size_at + 6),
    ) else {
        return Verdict::Invalid;
    };
    let (want_ph, want_sh) = if wide { (56, 64) } else { (32, 40) };
    if !(1..=4).contains(&kind)
        || (ph_num > 0 && ph_size != want_ph)
        || (sh_num > 0 && sh_size != want_sh)
        || (ph_num == 0 && sh_num == 0)
    {
        return Verdict::Invalid;
    }
    let mut end = if wide { 64u64 } else { 52 };
    end = end.max(ph_off.saturating_add(u64::from(ph_num) * u64::from(ph_size)));
    end = end.max(sh_off.saturating_add(u64::from(sh_num) * u64::from(sh_size)));
    for i in 0..usize::from(ph_num).min(MAX_ELF_HEADERS) {
        let Some(entry) = usize::try_from(ph_off)
            .ok()
            .and_then(|o| o.checked_add(i * usize::from(ph_size)))
        else {
            break;
        };
        let (offset, filesz) = if wide {
            (u64_at(entry + 8), u64_at(entry + 32))
        } else {
            (
                u32_at(entry + 4).map(u64::from),
                u32_at(entry + 16).map(u64::from),
            )
        };
        if let (Some(offset), Some(filesz)) = (offset, filesz) {
            end = end.max(offset.saturating_add(filesz));
        }
    }
    for i in 0..usize::from(sh_num).min(MAX_ELF_HEADERS) {
        let Some(entry) = usize::try_from(sh_off)
            .ok()
            .and_then(|o| o.checked_add(i * usize::from(sh_size)))
        else {
            break;
        };
        let kind = u32_at(entry + 4);
        let (offset, size) = if wide {
            (u64_at(entry + 24), u64_at(entry + 32))
        } else {
            (
                u32_at(entry + 16).map(u64::from),
                u32_at(entry + 20).map(u64::from),
            )
        };
        if let (Some(kind), Some(offset), Some(size)) = (kind, offset, size)
            && kind != 8
        {
            end = end.max(offset.saturating_add(size));
        }
    }
    ctx.ends_at(end)
}
