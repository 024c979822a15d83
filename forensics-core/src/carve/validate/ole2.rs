//! OLE2 compound files (doc, xls, ppt, msg): header checks, then the FAT
//! sectors (from the header DIFAT and DIFAT sectors) give the highest sector
//! in use, and so the file length.

use super::{Ctx, Verdict};

/// The eight-byte compound-file signature.
pub const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Largest number of FAT sectors read.
const MAX_FAT_SECTORS: usize = 1 << 16;
/// Sector ids at or above this are special values (free, end of chain, ...).
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const FREE_SECTOR: u32 = 0xFFFF_FFFF;

fn sector_at(sector: u32, sector_size: u64) -> Option<usize> {
    usize::try_from((u64::from(sector) + 1).checked_mul(sector_size)?).ok()
}

/// The list of FAT sector ids: 109 in the header, the rest in DIFAT sectors.
fn fat_sectors(ctx: &Ctx<'_>, sector_size: u64, fat_count: usize) -> Option<Vec<u32>> {
    let mut list = Vec::with_capacity(fat_count.min(MAX_FAT_SECTORS));
    for i in 0..109usize.min(fat_count) {
        list.push(ctx.le32(76 + 4 * i)?);
    }
    let mut difat = ctx.le32(68)?;
    let per_sector = (sector_size / 4 - 1) as usize;
    let mut hops = 0usize;
    while list.len() < fat_count && difat < MAX_REGULAR_SECTOR {
        hops += 1;
        if hops > MAX_FAT_SECTORS {
            return None;
        }
        let at = sector_at(difat, sector_size)?;
        for i in 0..per_sector {
            if list.len() == fat_count {
                break;
            }
            list.push(ctx.le32(at + 4 * i)?);
        }
        difat = ctx.le32(at + 4 * per_sector)?;
    }
    Some(list)
}

/// Finds the length of the compound file at the start of the view.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(0, 8) != Some(SIGNATURE) {
        return Verdict::Invalid;
    }
    let (Some(major), Some(order), Some(shift), Some(mini_shift), Some(fat_count)) = (
        ctx.le16(26),
        ctx.le16(28),
        ctx.le16(30),
        ctx.le16(32),
        ctx.le32(44),
    ) else {
        return Verdict::Invalid;
    };
    let valid_shift = matches!((major, shift), (3, 9) | (4, 12));
    if !valid_shift || order != 0xFFFE || mini_shift != 6 || fat_count == 0 {
        return Verdict::Invalid;
    }
    let fat_count = fat_count as usize;
    if fat_count > MAX_FAT_SECTORS {
        return Verdict::Invalid;
    }
    let sector_size = 1u64 << shift;
    let Some(fats) = fat_sectors(ctx, sector_size, fat_count) else {
        return ctx.truncated_to(sector_size.min(ctx.len() as u64));
    };
    let per_sector = (sector_size / 4) as usize;
    let mut highest: Option<u64> = None;
    for (n, &fat) in fats.iter().enumerate() {
        let Some(at) = sector_at(fat, sector_size).filter(|_| fat < MAX_REGULAR_SECTOR) else {
            return Verdict::Invalid;
        };
        if ctx.bytes(at, sector_size as usize).is_none() {
            return ctx.truncated_to(ctx.len() as u64);
        }
        for i in 0..per_sector {
            if ctx.le32(at + 4 * i).is_some_and(|e| e != FREE_SECTOR) {
                highest = Some((n * per_sector + i) as u64);
            }
        }
    }
    let Some(highest) = highest else {
        return Verdict::Invalid;
    };
    ctx.ends_at((highest + 2) * sector_size)
}

/// The extension for a complete compound file: doc, xls, ppt, msg or ole,
/// from the names in its first directory sector.
pub fn subtype(file: &[u8]) -> &'static str {
    let ctx = Ctx::new(file);
    let (Some(shift), Some(dir)) = (ctx.le16(30), ctx.le32(48)) else {
        return "ole";
    };
    let sector_size = 1u64 << shift.min(12);
    let Some(at) = sector_at(dir, sector_size) else {
        return "ole";
    };
    let mut names = Vec::new();
    for entry in 0..(sector_size / 128) as usize {
        let base = at + entry * 128;
        let Some(len) = ctx.le16(base + 64).map(usize::from) else {
            break;
        };
        let Some(raw) = ctx.bytes(base, len.min(64)) else {
            break;
        };
        let name: String = raw
            .chunks_exact(2)
            .map(|c| char::from(c[0]))
            .filter(|c| *c != '\0')
            .collect();
        names.push(name);
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("WordDocument") {
        "doc"
    } else if has("Workbook") || has("Book") {
        "xls"
    } else if has("PowerPoint Document") {
        "ppt"
    } else if names.iter().any(|n| n.starts_with("__substg1.0_")) {
        "msg"
    } else {
        "ole"
    }
}
