//! PDF: header, then `%%EOF` markers whose `startxref` points at a cross
//! reference (table or stream); incremental updates and linearized files
//! continue past an `%%EOF` that is followed by more objects.

use super::{Ctx, Verdict};

/// Largest number of `%%EOF` markers considered for one file.
const MAX_EOF_MARKERS: usize = 256;
/// How far before `%%EOF` the `startxref` keyword may be.
const STARTXREF_WINDOW: usize = 64;

fn skip_eol(ctx: &Ctx<'_>, mut pos: usize) -> usize {
    if ctx.u8(pos) == Some(b'\r') {
        pos += 1;
    }
    if ctx.u8(pos) == Some(b'\n') {
        pos += 1;
    }
    pos
}

fn parse_decimal(bytes: &[u8]) -> Option<(u64, usize)> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 15 {
        return None;
    }
    let text = std::str::from_utf8(bytes.get(..digits)?).ok()?;
    Some((text.parse().ok()?, digits))
}

/// Whether the `startxref` before the `%%EOF` at `eof_at` points to a cross
/// reference table (`xref`) or stream (`N G obj`) inside the file.
fn startxref_ok(ctx: &Ctx<'_>, eof_at: usize) -> bool {
    let from = eof_at.saturating_sub(STARTXREF_WINDOW);
    let Some(window) = ctx.data.get(from..eof_at) else {
        return false;
    };
    let Some(found) = memchr::memmem::rfind(window, b"startxref") else {
        return false;
    };
    let Some(after) = window.get(found + 9..) else {
        return false;
    };
    let start = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
    let Some((target, _)) = after.get(start..).and_then(parse_decimal) else {
        return false;
    };
    let Ok(target) = usize::try_from(target) else {
        return false;
    };
    if target >= eof_at {
        return false;
    }
    ctx.bytes(target, 4) == Some(b"xref") || looks_like_object(ctx, target)
}

/// Whether an indirect object (`12 0 obj`) starts at `at`.
fn looks_like_object(ctx: &Ctx<'_>, at: usize) -> bool {
    let Some(bytes) = ctx.data.get(at..ctx.len().min(at + 32)) else {
        return false;
    };
    let Some((_, n1)) = parse_decimal(bytes) else {
        return false;
    };
    let rest = &bytes[n1..];
    let space = rest.iter().take_while(|b| **b == b' ').count();
    let Some((_, n2)) = rest.get(space..).and_then(parse_decimal) else {
        return false;
    };
    let rest = &rest[space + n2..];
    let space = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    rest.get(space..space + 3) == Some(b"obj")
}

/// Whether more of the same PDF follows an `%%EOF` ending at `end`.
fn continues(ctx: &Ctx<'_>, end: usize) -> bool {
    let Some(rest) = ctx.data.get(end..ctx.len().min(end + 32)) else {
        return false;
    };
    let space = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    rest.get(space..space + 4) == Some(b"xref") || looks_like_object(ctx, end + space)
}

/// Finds the end of the PDF at the start of the view.
pub fn validate_pdf(ctx: &Ctx<'_>) -> Verdict {
    let Some(header) = ctx.bytes(0, 8) else {
        return Verdict::Invalid;
    };
    if &header[..5] != b"%PDF-"
        || !header[5].is_ascii_digit()
        || header[6] != b'.'
        || !header[7].is_ascii_digit()
    {
        return Verdict::Invalid;
    }
    // Another PDF header before our end means this one was cut short.
    let next_header =
        memchr::memmem::find(ctx.data.get(5..).unwrap_or(&[]), b"%PDF-").map(|p| p + 5);
    let mut last_good = None;
    for &eof_at in ctx.footers.iter().take(MAX_EOF_MARKERS) {
        if next_header.is_some_and(|h| eof_at > h) {
            break;
        }
        if ctx.bytes(eof_at, 5) != Some(b"%%EOF") {
            continue;
        }
        let end = skip_eol(ctx, eof_at + 5);
        if !startxref_ok(ctx, eof_at) {
            continue;
        }
        last_good = Some(end);
        if !continues(ctx, end) {
            break;
        }
    }
    if last_good.is_none() || ctx.footers.is_empty() {
        ctx.mark_ran_off();
    }
    // Without a valid trailer the end is unknown: not carved.
    last_good.map_or(Verdict::Invalid, |end| Verdict::Complete {
        len_bytes: end as u64,
    })
}
