//! The `carve-blob` scenario: no file system, filler of several kinds, and
//! files of our own making at known offsets — aligned to 4 KiB, unaligned,
//! in two or three fragments, truncated, and nested in a ZIP and a PDF.

use super::{Contents, ScenarioOptions};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::formats::{self, pdf, zip};
use crate::key::{CarvedKey, Fragment};
use crate::rng::Rng;
use crate::sink::{Filler, ImageSink};

/// Alignment of "aligned" items (a page / typical cluster).
const ALIGN_BYTES: u64 = 4096;
/// Types that are placed as top-level items.
const CARVE_TYPES: &[&str] = &["jpg", "png", "gif", "pdf", "zip", "sqlite"];
/// Default number of top-level items.
const DEFAULT_ITEMS: usize = 14;
/// Size bounds for one item.
const MIN_ITEM_BYTES: u64 = 2048;
const MAX_ITEM_BYTES: u64 = 256 * 1024;

/// How one top-level item is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Aligned,
    Unaligned,
    Fragmented(usize),
    Truncated,
    ZipWithJpeg,
    PdfWithJpeg,
}

fn shapes(rng: &mut Rng, count: usize, fragmentation_rate: f64) -> Vec<(Shape, &'static str)> {
    let mut out = vec![
        (Shape::Aligned, "jpg"),
        (Shape::Aligned, "png"),
        (Shape::Unaligned, "gif"),
        (Shape::Unaligned, "pdf"),
        (Shape::ZipWithJpeg, "zip"),
        (Shape::Aligned, "sqlite"),
        (Shape::Fragmented(2), "jpg"),
        (Shape::Truncated, "jpg"),
        (Shape::PdfWithJpeg, "pdf"),
    ];
    while out.len() < count {
        let file_type = *rng.pick(CARVE_TYPES);
        let shape = if rng.chance(fragmentation_rate) {
            Shape::Fragmented(rng.range(2, 3) as usize)
        } else if rng.below(2) == 0 {
            Shape::Aligned
        } else {
            Shape::Unaligned
        };
        out.push((shape, file_type));
    }
    out.truncate(count.max(1));
    out
}

fn pick_filler(rng: &mut Rng, noise: f64) -> Filler {
    if rng.chance(noise) {
        return Filler::Random;
    }
    match rng.below(3) {
        0 => Filler::Zeros,
        1 => Filler::Ones,
        _ => Filler::Text,
    }
}

fn too_small(size: u64) -> Error {
    Error::InvalidOption(format!(
        "carve-blob: {size} bytes is too small for the requested items; use a larger --size or fewer --files"
    ))
}

struct Layout<'a> {
    sink: &'a mut ImageSink,
    rng: Rng,
    cursor: u64,
    noise: f64,
    gap_bytes: u64,
}

impl Layout<'_> {
    /// Writes filler from the cursor to `end`.
    fn filler_to(&mut self, end: u64) -> Result<()> {
        if end > self.sink.len_bytes() {
            return Err(too_small(self.sink.len_bytes()));
        }
        if end > self.cursor {
            let filler = pick_filler(&mut self.rng, self.noise);
            self.sink
                .fill(self.cursor, end - self.cursor, filler, &mut self.rng)?;
            self.cursor = end;
        }
        Ok(())
    }

    /// Writes a gap of filler and moves to the next start (aligned or not).
    fn gap(&mut self, aligned: bool) -> Result<u64> {
        let gap = self.rng.range(self.gap_bytes / 2, self.gap_bytes);
        let mut start = self.cursor + gap;
        start = if aligned {
            start.div_ceil(ALIGN_BYTES) * ALIGN_BYTES
        } else {
            start.div_ceil(ALIGN_BYTES) * ALIGN_BYTES + self.rng.range(1, ALIGN_BYTES - 1)
        };
        self.filler_to(start)?;
        Ok(start)
    }

    fn put(&mut self, data: &[u8]) -> Result<u64> {
        let at = self.cursor;
        if at + data.len() as u64 > self.sink.len_bytes() {
            return Err(too_small(self.sink.len_bytes()));
        }
        self.sink.write_at(at, data)?;
        self.cursor += data.len() as u64;
        Ok(at)
    }
}

fn item(
    id: usize,
    file_type: &str,
    data: &[u8],
    fragments: Vec<Fragment>,
    status: &str,
    placement: &str,
) -> CarvedKey {
    let present: u64 = fragments.iter().map(|f| f.length).sum();
    let present_sha256 = if present == data.len() as u64 {
        sha256_hex(data)
    } else {
        sha256_hex(&data[..present as usize])
    };
    CarvedKey {
        id: format!("C{id:02}"),
        file_type: file_type.into(),
        image_offset: fragments.first().map_or(0, |f| f.image_offset),
        length: data.len() as u64,
        sha256: sha256_hex(data),
        fragments,
        status: status.into(),
        present_length: present,
        present_sha256,
        placement: placement.into(),
        nested_in: None,
    }
}

pub fn build(options: &ScenarioOptions, rng: &mut Rng, sink: &mut ImageSink) -> Result<Contents> {
    let size = sink.len_bytes();
    let count = options.file_count.unwrap_or(DEFAULT_ITEMS);
    let plan = shapes(rng, count, options.fragmentation_rate);
    // Items take about a third of the image, gaps the rest.
    let item_bytes = (size / (plan.len() as u64 * 3)).clamp(MIN_ITEM_BYTES, MAX_ITEM_BYTES);
    let gap_bytes = (size / (plan.len() as u64 * 2 + 2)).max(ALIGN_BYTES);
    let mut layout = Layout {
        sink,
        rng: rng.fork(1),
        cursor: 0,
        noise: options.noise,
        gap_bytes,
    };
    let mut carved = Vec::new();
    let mut next_id = 1;
    for (shape, file_type) in plan {
        let target = rng.range(item_bytes / 2, item_bytes) as usize;
        let id = next_id;
        next_id += 1;
        match shape {
            Shape::Aligned | Shape::Unaligned => {
                let data = formats::make_file(rng, file_type, target);
                layout.gap(shape == Shape::Aligned)?;
                let at = layout.put(&data)?;
                let placement = if shape == Shape::Aligned {
                    "aligned"
                } else {
                    "unaligned"
                };
                carved.push(item(
                    id,
                    file_type,
                    &data,
                    vec![Fragment {
                        image_offset: at,
                        length: data.len() as u64,
                    }],
                    "complete",
                    placement,
                ));
            }
            Shape::Fragmented(pieces) => {
                let data = formats::make_file(rng, file_type, target.max(4 * ALIGN_BYTES as usize));
                let mut fragments = Vec::new();
                let mut done = 0usize;
                for piece in 0..pieces {
                    let remaining = data.len() - done;
                    // Whole 4 KiB blocks where possible, leaving at least one
                    // byte for each later piece.
                    let later_pieces = pieces - piece - 1;
                    let len = if later_pieces == 0 {
                        remaining
                    } else {
                        let blocks =
                            (remaining as u64 / ALIGN_BYTES / (pieces - piece) as u64).max(1);
                        ((blocks * ALIGN_BYTES) as usize).clamp(1, remaining - later_pieces)
                    };
                    layout.gap(true)?;
                    let at = layout.put(&data[done..done + len])?;
                    fragments.push(Fragment {
                        image_offset: at,
                        length: len as u64,
                    });
                    done += len;
                }
                carved.push(item(
                    id,
                    file_type,
                    &data,
                    fragments,
                    "fragmented",
                    "aligned",
                ));
            }
            Shape::Truncated => {
                let data = formats::make_file(rng, file_type, target.max(8192));
                let keep = data.len() * 3 / 5;
                layout.gap(true)?;
                let at = layout.put(&data[..keep])?;
                carved.push(item(
                    id,
                    file_type,
                    &data,
                    vec![Fragment {
                        image_offset: at,
                        length: keep as u64,
                    }],
                    "truncated",
                    "aligned",
                ));
            }
            Shape::ZipWithJpeg | Shape::PdfWithJpeg => {
                let jpeg = formats::make_file(rng, "jpg", (target / 2).max(2048));
                let (data, inner) = if shape == Shape::ZipWithJpeg {
                    let text = crate::words::text(rng, target / 2);
                    let (bytes, offsets) = zip::encode(
                        &[
                            zip::ZipMember {
                                name: "report.txt",
                                data: text.as_bytes(),
                                deflate: true,
                            },
                            zip::ZipMember {
                                name: "photo.jpg",
                                data: &jpeg,
                                deflate: false,
                            },
                        ],
                        0x5A00,
                        0x5A43,
                    );
                    let inner = offsets.get(1).copied();
                    (bytes, inner)
                } else {
                    pdf::encode(rng, 20, Some(&jpeg))
                };
                let inner = inner
                    .ok_or_else(|| Error::InvalidOption("nested JPEG offset missing".into()))?;
                layout.gap(true)?;
                let at = layout.put(&data)?;
                carved.push(item(
                    id,
                    file_type,
                    &data,
                    vec![Fragment {
                        image_offset: at,
                        length: data.len() as u64,
                    }],
                    "complete",
                    "aligned",
                ));
                let nested_at = at + inner as u64;
                let mut nested = item(
                    next_id,
                    "jpg",
                    &jpeg,
                    vec![Fragment {
                        image_offset: nested_at,
                        length: jpeg.len() as u64,
                    }],
                    "complete",
                    "nested",
                );
                nested.nested_in = Some(format!("C{id:02}"));
                next_id += 1;
                carved.push(nested);
            }
        }
    }
    layout.filler_to(size)?;
    Ok(Contents {
        carved,
        notes: vec![
            "image_offset/length/sha256 describe the whole file as generated; fragments say where its bytes are.".into(),
            "truncated items: only present_length bytes are in the image (present_sha256); the rest was never written.".into(),
            "nested items lie inside another item (nested_in): a stored ZIP member or a PDF DCTDecode image stream.".into(),
            "filler between items: zeros, 0xFF, random bytes or log text.".into(),
        ],
        ..Contents::default()
    })
}
