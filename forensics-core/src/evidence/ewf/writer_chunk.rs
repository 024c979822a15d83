//! Compressing one chunk for the E01 writer.
//!
//! `Fast` is zlib-rs level 2: its level 1 is the "quick" strategy with
//! static Huffman codes only, which compresses text and logs noticeably
//! worse than zlib's level 1; level 2 is the strategy zlib uses for level 1.
//! With `Fast`, a chunk whose bytes are spread almost evenly over all 256
//! values (order-0 entropy of at least [`INCOMPRESSIBLE_BITS_PER_BYTE`]:
//! encrypted, compressed or random data) is stored plain without trying:
//! deflate's Huffman coding cannot take such a chunk below its entropy, so
//! trying could save at most 0.4 % of it (only through repeated strings,
//! rare in such data), at the price of most of the compression time.
//! `Best` always tries.

use std::io::Write;

use super::sections::adler32;
use super::writer::StoredChunk;
use super::writer_options::EwfCompression;

/// zlib-rs level used for [`EwfCompression::Fast`].
const FAST_LEVEL: u32 = 2;
/// Order-0 entropy (bits per byte) from which `Fast` stores a chunk plain.
pub(super) const INCOMPRESSIBLE_BITS_PER_BYTE: f64 = 7.97;

/// Compresses one chunk, or stores it plain with its Adler-32 when
/// compression is off, pointless, or does not shrink it.
pub(super) fn store_chunk(chunk: &[u8], compression: EwfCompression) -> StoredChunk {
    let level = match compression {
        EwfCompression::None => None,
        EwfCompression::Fast if entropy_bits_per_byte(chunk) >= INCOMPRESSIBLE_BITS_PER_BYTE => {
            None
        }
        EwfCompression::Fast => Some(flate2::Compression::new(FAST_LEVEL)),
        EwfCompression::Best => Some(flate2::Compression::best()),
    };
    if let Some(level) = level {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::with_capacity(chunk.len()), level);
        // Writing to a Vec cannot fail.
        if encoder.write_all(chunk).is_ok()
            && let Ok(compressed) = encoder.finish()
            && compressed.len() < chunk.len()
        {
            return StoredChunk {
                bytes: compressed,
                compressed: true,
            };
        }
    }
    let mut bytes = Vec::with_capacity(chunk.len() + 4);
    bytes.extend_from_slice(chunk);
    bytes.extend(adler32(chunk).to_le_bytes());
    StoredChunk {
        bytes,
        compressed: false,
    }
}

/// Order-0 (byte-frequency) entropy of `bytes` in bits per byte (0 for an
/// empty slice).
pub(super) fn entropy_bits_per_byte(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    // Four interleaved tables: consecutive equal bytes do not wait on each
    // other's counter update.
    let mut counts = [[0u32; 256]; 4];
    let mut quads = bytes.chunks_exact(4);
    for quad in &mut quads {
        counts[0][usize::from(quad[0])] += 1;
        counts[1][usize::from(quad[1])] += 1;
        counts[2][usize::from(quad[2])] += 1;
        counts[3][usize::from(quad[3])] += 1;
    }
    for &byte in quads.remainder() {
        counts[0][usize::from(byte)] += 1;
    }
    let total = bytes.len() as f64;
    (0..256)
        .map(|value| {
            counts
                .iter()
                .map(|table| f64::from(table[value]))
                .sum::<f64>()
        })
        .filter(|&count| count > 0.0)
        .map(|count| {
            let p = count / total;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_is_zero_for_one_value_and_eight_for_all_values_evenly() {
        assert_eq!(entropy_bits_per_byte(&[7u8; 4096]), 0.0);
        let even: Vec<u8> = (0..=255u8).cycle().take(1 << 15).collect();
        assert!((entropy_bits_per_byte(&even) - 8.0).abs() < 1e-9);
        assert!((entropy_bits_per_byte(b"abab") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn fast_stores_high_entropy_chunks_plain_and_compresses_the_rest() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let noise: Vec<u8> = (0..32768)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let plain = store_chunk(&noise, EwfCompression::Fast);
        assert!(!plain.compressed);
        assert_eq!(plain.bytes.len(), 32768 + 4);
        // Half noise, half zeros: low entropy, compressed.
        let mut mixed = noise.clone();
        mixed[16384..].fill(0);
        assert!(store_chunk(&mixed, EwfCompression::Fast).compressed);
        assert!(store_chunk(&[b'x'; 32768], EwfCompression::Fast).compressed);
    }
}
