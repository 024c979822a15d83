//! ZIP: the end-of-central-directory record (ZIP64 aware) whose central
//! directory sits just before it and whose entries point to local headers;
//! without one, the local headers are walked to find what is present.
//! OOXML (docx/xlsx/pptx), ODF and JAR are recognised by their member names.

use super::{Ctx, Verdict};

/// Largest number of EOCD records considered for one candidate.
const MAX_EOCD: usize = 64;
/// Largest number of central-directory entries checked.
const MAX_ENTRIES: usize = 1 << 16;
const LOCAL: &[u8] = b"PK\x03\x04";
const CENTRAL: &[u8] = b"PK\x01\x02";

/// (central directory offset, its size, entry count) from the EOCD at `at`.
fn directory(ctx: &Ctx<'_>, at: usize) -> Option<(u64, u64, u64)> {
    let entries = u64::from(ctx.le16(at + 10)?);
    let size = u64::from(ctx.le32(at + 12)?);
    let offset = u64::from(ctx.le32(at + 16)?);
    if offset != 0xFFFF_FFFF && size != 0xFFFF_FFFF && entries != 0xFFFF {
        return Some((offset, size, entries));
    }
    // ZIP64: locator just before the EOCD, pointing to the ZIP64 record.
    let locator = at.checked_sub(20)?;
    if ctx.bytes(locator, 4)? != b"PK\x06\x07" {
        return None;
    }
    let record = usize::try_from(ctx.le64(locator + 8)?).ok()?;
    if ctx.bytes(record, 4)? != b"PK\x06\x06" {
        return None;
    }
    Some((
        ctx.le64(record + 48)?,
        ctx.le64(record + 40)?,
        ctx.le64(record + 32)?,
    ))
}

/// Whether the central directory at `offset` holds `entries` well-formed
/// entries pointing at local headers before it.
fn directory_ok(ctx: &Ctx<'_>, offset: u64, entries: u64) -> bool {
    let Ok(mut pos) = usize::try_from(offset) else {
        return false;
    };
    for _ in 0..entries.min(MAX_ENTRIES as u64) {
        if ctx.bytes(pos, 4) != Some(CENTRAL) {
            return false;
        }
        let (Some(name), Some(extra), Some(comment), Some(local)) = (
            ctx.le16(pos + 28),
            ctx.le16(pos + 30),
            ctx.le16(pos + 32),
            ctx.le32(pos + 42),
        ) else {
            return false;
        };
        if local != 0xFFFF_FFFF
            && (u64::from(local) >= offset || ctx.bytes(local as usize, 4) != Some(LOCAL))
        {
            return false;
        }
        pos += 46 + usize::from(name) + usize::from(extra) + usize::from(comment);
    }
    entries > 0
}

/// Finds the end of the ZIP archive at the start of the view.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    if ctx.bytes(0, 4) != Some(LOCAL) {
        return Verdict::Invalid;
    }
    for &at in ctx.footers.iter().take(MAX_EOCD) {
        let Some((offset, size, entries)) = directory(ctx, at) else {
            continue;
        };
        let zip64_tail = if ctx.le32(at + 16) == Some(0xFFFF_FFFF) {
            76
        } else {
            0
        };
        if offset
            .checked_add(size)
            .and_then(|e| e.checked_add(zip64_tail))
            != Some(at as u64)
        {
            continue;
        }
        if !directory_ok(ctx, offset, entries) {
            continue;
        }
        let Some(comment) = ctx.le16(at + 20) else {
            continue;
        };
        return ctx.ends_at(at as u64 + 22 + u64::from(comment));
    }
    walk_local_headers(ctx)
}

/// Without a central directory: the end of the last whole local entry.
fn walk_local_headers(ctx: &Ctx<'_>) -> Verdict {
    let mut pos = 0usize;
    let mut present = 0u64;
    for _ in 0..MAX_ENTRIES {
        if ctx.bytes(pos, 4) != Some(LOCAL) {
            break;
        }
        let (Some(flags), Some(packed), Some(name), Some(extra)) = (
            ctx.le16(pos + 6),
            ctx.le32(pos + 18),
            ctx.le16(pos + 26),
            ctx.le16(pos + 28),
        ) else {
            break;
        };
        if flags & 0x0008 != 0 || packed == 0xFFFF_FFFF {
            break;
        }
        let next = pos as u64 + 30 + u64::from(name) + u64::from(extra) + u64::from(packed);
        if next > ctx.len() as u64 {
            break;
        }
        pos = next as usize;
        present = next;
    }
    if present == 0 {
        return Verdict::Invalid;
    }
    ctx.truncated_to(present)
}

/// Names of the members listed in the central directory of a whole archive.
fn member_names(file: &[u8]) -> Vec<&[u8]> {
    let ctx = Ctx::new(file);
    let Some(at) = file
        .len()
        .checked_sub(22)
        .and_then(|_| memchr::memmem::rfind(file, b"PK\x05\x06"))
    else {
        return Vec::new();
    };
    let Some((offset, _, entries)) = directory(&ctx, at) else {
        return Vec::new();
    };
    let Ok(mut pos) = usize::try_from(offset) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for _ in 0..entries.min(MAX_ENTRIES as u64) {
        let (Some(n), Some(e), Some(c)) =
            (ctx.le16(pos + 28), ctx.le16(pos + 30), ctx.le16(pos + 32))
        else {
            break;
        };
        let Some(name) = ctx.bytes(pos + 46, usize::from(n)) else {
            break;
        };
        names.push(name);
        pos += 46 + usize::from(n) + usize::from(e) + usize::from(c);
    }
    names
}

/// The file extension of a complete archive: docx, xlsx, pptx, odt, ods,
/// odp, jar, or zip.
pub fn subtype(file: &[u8]) -> &'static str {
    let names = member_names(file);
    let has = |prefix: &[u8]| names.iter().any(|n| n.starts_with(prefix));
    if has(b"[Content_Types].xml") {
        if has(b"word/") {
            return "docx";
        }
        if has(b"xl/") {
            return "xlsx";
        }
        if has(b"ppt/") {
            return "pptx";
        }
    }
    if names.first() == Some(&&b"mimetype"[..]) {
        let head = file.get(30..30 + 8 + 64).unwrap_or(&[]);
        for (needle, ext) in [
            (&b"opendocument.text"[..], "odt"),
            (b"opendocument.spreadsheet", "ods"),
            (b"opendocument.presentation", "odp"),
        ] {
            if memchr::memmem::find(head, needle).is_some() {
                return ext;
            }
        }
    }
    if has(b"META-INF/MANIFEST.MF") {
        return "jar";
    }
    "zip"
}
