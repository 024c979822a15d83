//! A small baseline JPEG encoder (ITU T.81, sequential DCT, Huffman).
//!
//! Instead of transforming pixels, it writes quantized DCT coefficients drawn
//! from the seed (a smooth DC pattern plus a few low-frequency AC terms), so
//! the output is a valid, decodable JFIF picture with no floating point and
//! no platform dependence. Huffman tables are our own: every DC category has
//! a 4-bit code and every AC symbol an 8-bit code (canonical order of T.81
//! Annex C), which keeps the encoder short.

use crate::rng::Rng;

/// Quantization table (all entries, zigzag order).
const QUANT: [u8; 64] = {
    let mut table = [0u8; 64];
    let mut i = 0;
    while i < 64 {
        table[i] = 4 + (i as u8) / 2;
        i += 1;
    }
    table
};

/// Number of colour components (Y, Cb, Cr), each sampled 1x1.
const COMPONENTS: u8 = 3;

/// The AC symbols in table order: EOB, ZRL, then every (run, size) pair.
fn ac_symbols() -> Vec<u8> {
    let mut symbols = vec![0x00, 0xF0];
    for run in 0u8..16 {
        for size in 1u8..=10 {
            symbols.push((run << 4) | size);
        }
    }
    symbols
}

/// Writes entropy-coded bits MSB first with 0xFF byte stuffing.
struct BitWriter {
    out: Vec<u8>,
    acc: u32,
    nbits: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, len: u32) {
        for i in (0..len).rev() {
            self.acc = (self.acc << 1) | ((value >> i) & 1);
            self.nbits += 1;
            if self.nbits == 8 {
                let byte = self.acc as u8;
                self.out.push(byte);
                if byte == 0xFF {
                    self.out.push(0x00);
                }
                self.acc = 0;
                self.nbits = 0;
            }
        }
    }

    fn finish(mut self) -> Vec<u8> {
        while self.nbits != 0 {
            self.put(1, 1);
        }
        self.out
    }
}

/// Size category of a coefficient and its additional bits (T.81 F.1.2.1).
fn category(value: i32) -> (u32, u32) {
    let magnitude = value.unsigned_abs();
    let size = 32 - magnitude.leading_zeros();
    let bits = if value < 0 {
        (value - 1) as u32 & ((1u32 << size) - 1)
    } else {
        value as u32
    };
    (size, bits)
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) {
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
}

/// A baseline JPEG of about `target_len` bytes (at least a few hundred).
pub fn encode(rng: &mut Rng, target_len: usize, comment: &str) -> Vec<u8> {
    // About 45 bytes of entropy data per MCU with the coefficient mix below.
    let mcus = (target_len / 45).max(4);
    let width_blocks = ((mcus as f64 * 4.0 / 3.0).sqrt() as usize).max(2);
    let height_blocks = mcus.div_ceil(width_blocks).max(2);
    let (width, height) = (width_blocks * 8, height_blocks * 8);

    let mut out = vec![0xFF, 0xD8];
    segment(
        &mut out,
        0xE0,
        &[b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0],
    );
    segment(&mut out, 0xFE, comment.as_bytes());
    let mut dqt = vec![0x00];
    dqt.extend_from_slice(&QUANT);
    segment(&mut out, 0xDB, &dqt);
    let mut sof = vec![8];
    sof.extend_from_slice(&(height as u16).to_be_bytes());
    sof.extend_from_slice(&(width as u16).to_be_bytes());
    sof.push(COMPONENTS);
    for id in 1..=COMPONENTS {
        sof.extend_from_slice(&[id, 0x11, 0x00]);
    }
    segment(&mut out, 0xC0, &sof);
    let symbols = ac_symbols();
    let mut dht = vec![0x00];
    let mut dc_counts = [0u8; 16];
    dc_counts[3] = 12;
    dht.extend_from_slice(&dc_counts);
    dht.extend(0u8..12);
    dht.push(0x10);
    let mut ac_counts = [0u8; 16];
    ac_counts[7] = symbols.len() as u8;
    dht.extend_from_slice(&ac_counts);
    dht.extend_from_slice(&symbols);
    segment(&mut out, 0xC4, &dht);
    let mut sos = vec![COMPONENTS];
    for id in 1..=COMPONENTS {
        sos.extend_from_slice(&[id, 0x00]);
    }
    sos.extend_from_slice(&[0, 63, 0]);
    segment(&mut out, 0xDA, &sos);

    let ac_code =
        |symbol: u8| -> u32 { symbols.iter().position(|&s| s == symbol).unwrap_or(0) as u32 };
    let mut bits = BitWriter {
        out: Vec::with_capacity(target_len),
        acc: 0,
        nbits: 0,
    };
    let phase = rng.below(64) as i32;
    let mut previous_dc = [0i32; COMPONENTS as usize];
    for by in 0..height_blocks as i32 {
        for bx in 0..width_blocks as i32 {
            for (component, prev) in previous_dc.iter_mut().enumerate() {
                let dc = if component == 0 {
                    ((bx * 3 + by * 2 + phase) % 160) - 80
                } else {
                    ((bx + by * 3 + phase * (component as i32)) % 40) - 20
                };
                let (size, extra) = category(dc - *prev);
                *prev = dc;
                bits.put(size, 4);
                bits.put(extra, size);
                let terms = rng.below(if component == 0 { 14 } else { 5 }) as usize;
                let mut run = 0u32;
                let mut last = 0usize;
                for k in 1..=terms {
                    if rng.below(3) == 0 {
                        run += 1;
                        continue;
                    }
                    let value = rng.range(1, 24) as i32 * if rng.below(2) == 0 { 1 } else { -1 };
                    while run > 15 {
                        bits.put(ac_code(0xF0), 8);
                        run -= 16;
                    }
                    let (size, extra) = category(value);
                    bits.put(ac_code(((run as u8) << 4) | size as u8), 8);
                    bits.put(extra, size);
                    run = 0;
                    last = k;
                }
                if last < 63 {
                    bits.put(ac_code(0x00), 8);
                }
            }
        }
    }
    out.extend_from_slice(&bits.finish());
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_markers_and_no_early_eoi() {
        let jpeg = encode(&mut Rng::new(3), 5000, "test");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        let eoi = jpeg.windows(2).position(|w| w == [0xFF, 0xD9]);
        assert_eq!(eoi, Some(jpeg.len() - 2));
        assert!(jpeg.len() > 2000, "{}", jpeg.len());
    }

    #[test]
    fn categories() {
        assert_eq!(category(0), (0, 0));
        assert_eq!(category(1), (1, 1));
        assert_eq!(category(-1), (1, 0));
        assert_eq!(category(-3), (2, 0));
        assert_eq!(category(5), (3, 5));
    }
}
