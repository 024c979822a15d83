//! Decoding compressed and encoded data found in the stream, under limits:
//! gzip members, zlib streams, deflated ZIP entries and base64 blocks.

use super::RecursionLimits;
use super::patterns::Container;
use base64::Engine as _;
use flate2::read::{DeflateDecoder, GzDecoder, ZlibDecoder};
use std::io::{self, Read};

/// Bytes decoded per read call.
const CHUNK_BYTES: usize = 64 << 10;
/// Decoded bytes allowed beyond `max_ratio * input` before the ratio applies.
const RATIO_SLACK_BYTES: u64 = 1 << 20;
/// Shortest base64 block decoded, in alphabet characters.
pub const MIN_BASE64_CHARS: usize = 64;
/// Bytes of a ZIP local file header before the name.
const ZIP_HEADER_BYTES: usize = 30;

/// Output of decoding one stream.
#[derive(Debug, Default)]
pub struct Decoded {
    /// The decoded bytes (possibly cut at a limit or at corrupt data).
    pub bytes: Vec<u8>,
    /// Whether decoding stopped because the input ran out before the stream
    /// ended (a longer input may decode further).
    pub input_exhausted: bool,
}

/// A reader that counts what it hands out and notes reaching its end.
struct Counting<R> {
    inner: R,
    consumed: u64,
    at_end: bool,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_end = true;
        }
        self.consumed += n as u64;
        Ok(n)
    }
}

/// Reads `decoder` until its end, an error or `max_output` bytes; what was
/// decoded before a stop is kept.
fn drain(mut decoder: impl Read, max_output: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; CHUNK_BYTES];
    while out.len() < max_output {
        let want = CHUNK_BYTES.min(max_output - out.len());
        match decoder.read(&mut chunk[..want]) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&chunk[..n]),
        }
    }
    out
}

/// Whether `bytes` start with a header worth decoding: cheap checks that
/// turn away most look-alikes before a decoder is set up (gzip flags, extra
/// flags and OS byte; the first deflate block type of a zlib stream, and a
/// stored block's length check).
pub fn plausible_header(container: Container, bytes: &[u8]) -> bool {
    match container {
        Container::Gzip => match bytes.get(..10) {
            Some(h) => h[3] & 0xe0 == 0 && matches!(h[8], 0 | 2 | 4) && (h[9] <= 13 || h[9] == 255),
            None => false,
        },
        Container::Zlib => match bytes.get(2) {
            Some(&first) => match (first >> 1) & 3 {
                3 => false,
                0 => match bytes.get(3..7) {
                    Some(l) => {
                        u16::from_le_bytes([l[0], l[1]]) == !u16::from_le_bytes([l[2], l[3]])
                    }
                    None => false,
                },
                _ => true,
            },
            None => false,
        },
        Container::Zip => bytes.get(8..10).is_some_and(|m| m == [8, 0]),
        Container::Base64 => true,
    }
}

/// Decodes the stream of `container` at the start of `input`.
pub fn decode(
    container: Container,
    input: impl Read,
    limits: &RecursionLimits,
    max_output: usize,
) -> Decoded {
    let mut counting = Counting {
        inner: input.take(limits.max_input_bytes as u64),
        consumed: 0,
        at_end: false,
    };
    let bytes = match container {
        Container::Gzip => inflate(GzDecoder::new(&mut counting), max_output),
        Container::Zlib => inflate(ZlibDecoder::new(&mut counting), max_output),
        Container::Zip => decode_zip_entry(&mut counting, max_output),
        Container::Base64 => decode_base64(&mut counting, max_output),
    };
    let bytes = limit_ratio(bytes, counting.consumed, limits);
    Decoded {
        bytes,
        input_exhausted: counting.at_end,
    }
}

fn limit_ratio(mut bytes: Vec<u8>, consumed: u64, limits: &RecursionLimits) -> Vec<u8> {
    let allowed = limits
        .max_ratio
        .saturating_mul(consumed)
        .saturating_add(RATIO_SLACK_BYTES);
    if bytes.len() as u64 > allowed {
        bytes.truncate(usize::try_from(allowed).unwrap_or(usize::MAX));
    }
    bytes
}

fn inflate(decoder: impl Read, max_output: usize) -> Vec<u8> {
    drain(decoder, max_output)
}

/// A deflated entry behind a ZIP local file header (stored entries are not
/// decoded: their bytes are already in the stream being scanned).
fn decode_zip_entry(input: &mut impl Read, max_output: usize) -> Vec<u8> {
    let mut header = [0u8; ZIP_HEADER_BYTES];
    if input.read_exact(&mut header).is_err() {
        return Vec::new();
    }
    let method = u16::from_le_bytes([header[8], header[9]]);
    let name_len = u64::from(u16::from_le_bytes([header[26], header[27]]));
    let extra_len = u64::from(u16::from_le_bytes([header[28], header[29]]));
    if method != 8 {
        return Vec::new();
    }
    let skip = name_len + extra_len;
    if io::copy(&mut input.by_ref().take(skip), &mut io::sink()).ok() != Some(skip) {
        return Vec::new();
    }
    inflate(DeflateDecoder::new(input), max_output)
}

/// A base64 block: alphabet characters (line breaks skipped) up to the first
/// other byte or `=`; decoded in whole quanta.
fn decode_base64(input: &mut impl Read, max_output: usize) -> Vec<u8> {
    let max_chars = max_output.saturating_mul(4) / 3;
    let mut text = Vec::new();
    let mut buf = [0u8; 4096];
    'outer: while text.len() < max_chars {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        for &b in &buf[..n] {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => text.push(b),
                b'\r' | b'\n' => {}
                _ => break 'outer,
            }
            if text.len() >= max_chars {
                break 'outer;
            }
        }
    }
    if text.len() < MIN_BASE64_CHARS || !looks_like_base64(&text) {
        return Vec::new();
    }
    text.truncate(text.len() / 4 * 4);
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&text)
        .or_else(|_| {
            // The last quantum may have stray bits; decode without it.
            text.truncate(text.len().saturating_sub(4));
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(&text)
        })
        .unwrap_or_default()
}

/// Whether a run of alphabet characters is plausibly base64 rather than a
/// run of digits, hex or words in one letter case: it mixes upper and lower
/// case.
pub fn looks_like_base64(text: &[u8]) -> bool {
    text.iter().any(u8::is_ascii_uppercase) && text.iter().any(u8::is_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn gzip_decodes_and_stops_at_the_output_limit() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(&vec![b'a'; 1 << 20]).unwrap_or_default();
        let stream = gz.finish().unwrap_or_default();
        let limits = RecursionLimits::default();
        let whole = decode(Container::Gzip, &stream[..], &limits, 4 << 20);
        assert_eq!(whole.bytes.len(), 1 << 20);
        assert!(!whole.input_exhausted || whole.bytes.len() == 1 << 20);
        let cut = decode(Container::Gzip, &stream[..], &limits, 1000);
        assert_eq!(cut.bytes.len(), 1000);
        let truncated = decode(
            Container::Gzip,
            &stream[..stream.len() / 2],
            &limits,
            4 << 20,
        );
        assert!(truncated.input_exhausted);
    }

    #[test]
    fn base64_needs_mixed_alphabet() {
        let text = base64::engine::general_purpose::STANDARD.encode(vec![0x5au8; 120]);
        let limits = RecursionLimits::default();
        let out = decode(Container::Base64, text.as_bytes(), &limits, 1 << 20);
        assert_eq!(out.bytes, vec![0x5au8; 120]);
        let digits = [b'7'; 200];
        assert!(
            decode(Container::Base64, &digits[..], &limits, 1 << 20)
                .bytes
                .is_empty()
        );
    }
}
