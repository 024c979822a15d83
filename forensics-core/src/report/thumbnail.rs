//! Small PNG thumbnails of pictures (JPEG, PNG, GIF) for the HTML report,
//! decoded with caps on dimensions and memory: a hostile picture gives no
//! thumbnail, never a panic or an unbounded allocation. The same input
//! always gives the same bytes.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// A thumbnail fits in a square of this many pixels.
pub const THUMBNAIL_MAX_PIXELS: u32 = 160;
/// Pictures larger than this (bytes of the file) are not decoded.
pub const MAX_PICTURE_BYTES: usize = 32 << 20;
/// Largest width or height decoded.
const MAX_DIMENSION_PIXELS: u32 = 12_000;
/// Most memory the decoder may allocate.
const MAX_DECODE_ALLOC_BYTES: u64 = 256 << 20;

/// Which picture format `bytes` starts with, if one the report thumbnails.
pub(crate) fn picture_format(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(ImageFormat::Gif)
    } else {
        None
    }
}

/// A PNG thumbnail of the picture in `bytes`, or `None` when it is not a
/// JPEG, PNG or GIF, is too large, or does not decode.
pub fn thumbnail_png(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() > MAX_PICTURE_BYTES {
        return None;
    }
    let format = picture_format(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION_PIXELS);
    limits.max_image_height = Some(MAX_DIMENSION_PIXELS);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    let picture = reader.decode().ok()?;
    let small = picture
        .thumbnail(THUMBNAIL_MAX_PIXELS, THUMBNAIL_MAX_PIXELS)
        .to_rgb8();
    let mut png = Cursor::new(Vec::new());
    small.write_to(&mut png, ImageFormat::Png).ok()?;
    Some(png.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
        });
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn thumbnails_fit_the_square_and_are_deterministic() {
        let picture = sample_png(640, 320);
        let first = thumbnail_png(&picture).unwrap();
        assert_eq!(first, thumbnail_png(&picture).unwrap());
        let decoded = image::load_from_memory(&first).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (160, 80));
    }

    #[test]
    fn hostile_or_foreign_bytes_give_no_thumbnail() {
        assert!(thumbnail_png(b"not a picture").is_none());
        let mut truncated = sample_png(64, 64);
        truncated.truncate(60);
        assert!(thumbnail_png(&truncated).is_none());
        // A PNG header claiming 100000 x 100000 pixels.
        let mut huge = sample_png(1, 1);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(thumbnail_png(&huge).is_none());
    }
}
