//! PNG writer: signature, IHDR, tEXt, IDAT (zlib), IEND, each chunk with its
//! CRC-32 (PNG specification, section 5).

use crate::rng::Rng;
use flate2::{Compression, write::ZlibEncoder};
use std::io::Write;

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// An RGB PNG of about `target_len` bytes: a gradient with noise (noise makes
/// the picture incompressible, so its size follows the pixel count).
pub fn encode(rng: &mut Rng, target_len: usize, title: &str) -> Vec<u8> {
    let pixels = (target_len / 3).max(64);
    let width = ((pixels as f64).sqrt() as u32).max(8);
    let height = (pixels as u32 / width).max(8);
    let mut raw = Vec::with_capacity((width as usize * 3 + 1) * height as usize);
    for y in 0..height {
        raw.push(0); // filter type None
        for x in 0..width {
            let noise = rng.next_u64();
            raw.push((x as u8).wrapping_add(noise as u8 & 0x3F));
            raw.push((y as u8).wrapping_add((noise >> 8) as u8 & 0x3F));
            raw.push(((x + y) as u8).wrapping_add((noise >> 16) as u8 & 0x3F));
        }
    }
    let mut zlib = ZlibEncoder::new(Vec::new(), Compression::fast());
    let _ = zlib.write_all(&raw);
    let idat = zlib.finish().unwrap_or_default();

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut text = b"Title\0".to_vec();
    text.extend_from_slice(title.as_bytes());
    chunk(&mut out, b"tEXt", &text);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    out
}
