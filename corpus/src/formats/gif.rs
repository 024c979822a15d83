//! GIF89a writer with a 256-colour table and LZW data that uses literal codes
//! only (a clear code every 250 pixels keeps the code width at 9 bits), which
//! every decoder accepts (GIF89a specification, appendix F).

use crate::rng::Rng;

const MIN_CODE_SIZE: u8 = 8;
const CLEAR: u32 = 256;
const END: u32 = 257;
const LITERALS_PER_CLEAR: usize = 250;

struct LsbBits {
    out: Vec<u8>,
    acc: u64,
    nbits: u32,
}

impl LsbBits {
    fn put(&mut self, code: u32, width: u32) {
        self.acc |= u64::from(code) << self.nbits;
        self.nbits += width;
        while self.nbits >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.nbits -= 8;
        }
    }
}

/// A GIF of about `target_len` bytes.
pub fn encode(rng: &mut Rng, target_len: usize) -> Vec<u8> {
    // 9 bits per pixel plus framing.
    let pixels = (target_len * 8 / 9).max(64);
    let width = ((pixels as f64).sqrt() as u16).max(8);
    let height = (pixels / usize::from(width)).clamp(8, 65535) as u16;
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&[0xF7, 0, 0]);
    for i in 0..256u32 {
        out.extend_from_slice(&[i as u8, (i * 7) as u8, (255 - i) as u8]);
    }
    out.push(0x2C);
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.push(0);
    out.push(MIN_CODE_SIZE);
    let mut bits = LsbBits {
        out: Vec::new(),
        acc: 0,
        nbits: 0,
    };
    let total = usize::from(width) * usize::from(height);
    let base = rng.below(256) as u32;
    for i in 0..total {
        if i % LITERALS_PER_CLEAR == 0 {
            bits.put(CLEAR, 9);
        }
        let x = (i % usize::from(width)) as u32;
        let y = (i / usize::from(width)) as u32;
        let pixel = (base + x / 4 + y / 4 + (rng.below(4) as u32)) & 0xFF;
        bits.put(pixel, 9);
    }
    bits.put(END, 9);
    if bits.nbits > 0 {
        bits.out.push(bits.acc as u8);
    }
    for block in bits.out.chunks(255) {
        out.push(block.len() as u8);
        out.extend_from_slice(block);
    }
    out.push(0);
    out.push(0x3B);
    out
}
