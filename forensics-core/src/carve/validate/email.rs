//! E-mail: RFC 5322 messages (eml) and mbox files. A header block of
//! `Name: value` lines naming at least two of From/To/Subject/Date/
//! Message-ID, a blank line, then text up to the first byte that no mail
//! holds (NUL or a control character).

use super::{Ctx, Verdict};

/// Longest header block read.
const MAX_HEADER_BYTES: usize = 256 * 1024;
const KEY_HEADERS: &[&[u8]] = &[b"from:", b"to:", b"subject:", b"date:", b"message-id:"];

/// Offset after the header block starting at `from` (after its blank line),
/// if it is one with enough key headers.
fn header_block(ctx: &Ctx<'_>, from: usize) -> Option<usize> {
    let limit = ctx.len().min(from + MAX_HEADER_BYTES);
    let mut pos = from;
    let mut keys = 0usize;
    let mut lines = 0usize;
    while pos < limit {
        let line_end = memchr::memchr(b'\n', ctx.data.get(pos..limit)?)? + pos;
        let line = ctx.data.get(pos..line_end)?;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        pos = line_end + 1;
        if line.is_empty() {
            return (keys >= 2 && lines >= 2).then_some(pos);
        }
        lines += 1;
        if line[0] == b' ' || line[0] == b'\t' {
            if lines == 1 {
                return None;
            }
            continue;
        }
        let colon = memchr::memchr(b':', line)?;
        let name = &line[..colon];
        if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let lower = line.get(..colon + 1)?.to_ascii_lowercase();
        if KEY_HEADERS.iter().any(|k| lower == *k) {
            keys += 1;
        }
    }
    None
}

/// First byte at or after `from` that is not mail text.
fn text_end(ctx: &Ctx<'_>, from: usize) -> usize {
    ctx.data
        .get(from..)
        .and_then(|rest| {
            rest.iter()
                .position(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        })
        .map_or_else(
            || {
                ctx.mark_ran_off();
                ctx.len()
            },
            |p| from + p,
        )
}

/// A single message (eml).
pub fn validate_eml(ctx: &Ctx<'_>) -> Verdict {
    match header_block(ctx, 0) {
        Some(body) => Verdict::Complete {
            len_bytes: text_end(ctx, body) as u64,
        },
        None => Verdict::Invalid,
    }
}

/// An mbox: `From sender date` lines, each followed by a message.
pub fn validate_mbox(ctx: &Ctx<'_>) -> Verdict {
    let Some(first_line) = ctx.data.get(..ctx.len().min(512)) else {
        return Verdict::Invalid;
    };
    let Some(eol) = memchr::memchr(b'\n', first_line) else {
        return Verdict::Invalid;
    };
    let line = &first_line[..eol];
    let days = [
        &b" Mon "[..],
        b" Tue ",
        b" Wed ",
        b" Thu ",
        b" Fri ",
        b" Sat ",
        b" Sun ",
    ];
    if !line.starts_with(b"From ") || !days.iter().any(|d| memchr::memmem::find(line, d).is_some())
    {
        return Verdict::Invalid;
    }
    if header_block(ctx, eol + 1).is_none() {
        return Verdict::Invalid;
    }
    Verdict::Complete {
        len_bytes: text_end(ctx, eol + 1) as u64,
    }
}
