//! Context around a hit: printable ASCII kept, everything else escaped.

use std::fmt::Write;

/// `bytes` as text: printable ASCII (except `\`) as is, other bytes `\xNN`.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (0x20..0x7f).contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// The escaped bytes of `text` from `context_bytes` before `start` to
/// `context_bytes` after `end` (clipped to the buffer).
pub fn around(text: &[u8], start: usize, end: usize, context_bytes: usize) -> String {
    let from = start.saturating_sub(context_bytes);
    let to = end.saturating_add(context_bytes).min(text.len());
    escape(text.get(from..to).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_binary() {
        assert_eq!(escape(b"a\x00b\\"), "a\\x00b\\x5c");
        assert_eq!(around(b"0123456789", 4, 6, 2), "234567");
    }
}
