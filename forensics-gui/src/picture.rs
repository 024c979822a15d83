//! Picture decoding for the preview and the gallery, with size caps: runs on
//! the content worker, never on the UI thread.

use std::io::Cursor;

use eframe::egui::ColorImage;
use image::{DynamicImage, ImageReader, Limits, imageops::FilterType};

/// Longest side of a preview picture, in pixels.
pub(crate) const PREVIEW_MAX_SIDE: u32 = 1600;
/// Longest side of a gallery thumbnail, in pixels.
pub(crate) const THUMB_SIDE: u32 = 128;
/// The longest side a blurred thumbnail is shrunk to before being enlarged.
const BLUR_SIDE: u32 = 6;
/// Largest picture dimension accepted for decoding.
const MAX_DIMENSION: u32 = 20_000;
/// Most memory the decoder may allocate.
const MAX_DECODE_ALLOC_BYTES: u64 = 512 << 20;

/// Decodes a JPEG, PNG or GIF, refusing anything above the caps.
fn decode(bytes: &[u8]) -> Result<DynamicImage, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    if reader.format().is_none() {
        return Err("not a JPEG, PNG or GIF picture".into());
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_DECODE_ALLOC_BYTES);
    reader.limits(limits);
    // A decoder bug must not take the worker down with it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| "the picture decoder failed".to_string())?
        .map_err(|e| e.to_string())
}

fn to_color_image(picture: &DynamicImage) -> ColorImage {
    let rgba = picture.to_rgba8();
    let size = [rgba.width() as usize, rgba.height() as usize];
    ColorImage::from_rgba_unmultiplied(size, rgba.as_raw())
}

/// The picture in `bytes`, shrunk to at most [`PREVIEW_MAX_SIDE`], sharp
/// and blurred.
pub(crate) fn decode_picture(bytes: &[u8]) -> Result<[ColorImage; 2], String> {
    let picture = decode(bytes)?;
    let fitted = if picture.width().max(picture.height()) > PREVIEW_MAX_SIDE {
        picture.resize(PREVIEW_MAX_SIDE, PREVIEW_MAX_SIDE, FilterType::Triangle)
    } else {
        picture
    };
    Ok([to_color_image(&fitted), to_color_image(&blur(&fitted))])
}

/// Shrinks `picture` to a few pixels and enlarges it again: nothing of the
/// content stays recognisable.
fn blur(picture: &DynamicImage) -> DynamicImage {
    let tiny = picture.thumbnail(BLUR_SIDE, BLUR_SIDE);
    tiny.resize_exact(picture.width(), picture.height(), FilterType::Triangle)
}

/// A sharp thumbnail and a blurred one (shrunk to a few pixels, then
/// enlarged again), both at most [`THUMB_SIDE`].
pub(crate) fn thumbnails(bytes: &[u8]) -> Result<[ColorImage; 2], String> {
    let picture = decode(bytes)?;
    let sharp = picture.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok([to_color_image(&sharp), to_color_image(&blur(&sharp))])
}

/// Whether a file name looks like a picture the app can show.
pub(crate) fn is_picture_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 3) as u8, ((x + y) % 2 * 255) as u8])
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(picture)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn thumbnails_are_capped_and_blurred_differs() {
        let [sharp, blurred] = thumbnails(&png(300, 200)).unwrap();
        assert_eq!(sharp.size, [128, 85]);
        assert_eq!(blurred.size, sharp.size);
        assert_ne!(sharp.pixels, blurred.pixels);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_picture(b"not a picture at all").is_err());
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert!(decode_picture(&truncated).is_err());
        assert!(is_picture_name("A.JPG") && !is_picture_name("a.txt"));
    }
}
