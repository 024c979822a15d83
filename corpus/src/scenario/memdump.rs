//! The `memdump` scenario: an imitation of a physical memory dump made of
//! 4 KiB pages — zero pages, random pages and runs of "heap" pages holding
//! NUL-delimited strings — with features (and checksum-failing decoys) in
//! ASCII and UTF-16LE, some crossing a page boundary, some only inside gzip
//! streams.

use super::{Contents, ScenarioOptions};
use crate::error::{Error, Result};
use crate::features::{self, KINDS, Value};
use crate::key::FeatureKey;
use crate::rng::Rng;
use crate::sink::ImageSink;
use crate::words;
use flate2::{Compression, write::GzEncoder};
use std::io::Write;

const PAGE_BYTES: u64 = 4096;
/// Default number of features per kind.
const DEFAULT_PER_KIND: usize = 20;
/// Share of checksum kinds (`ccn`, `iban`, `btc`) written as decoys.
const DECOY_SHARE: f64 = 0.3;
/// Share of features written in UTF-16LE.
const UTF16_SHARE: f64 = 0.25;
/// Number of gzip streams and features in each.
const GZIP_STREAMS: usize = 3;
const FEATURES_PER_GZIP: usize = 4;
/// Pages per heap run.
const HEAP_RUN_PAGES: u64 = 3;

struct Placed {
    value: Value,
    utf16: bool,
}

fn encode(text: &str, utf16: bool) -> Vec<u8> {
    if utf16 {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    } else {
        text.as_bytes().to_vec()
    }
}

/// Fills one heap run: filler strings with the features among them, each
/// string NUL-terminated (two NULs after UTF-16). The first feature is put
/// across the first page boundary. Returns the buffer and the (offset in
/// run, feature) pairs.
fn heap_run(
    rng: &mut Rng,
    run_bytes: usize,
    placed: Vec<Placed>,
) -> (Vec<u8>, Vec<(usize, Placed)>) {
    let mut buf = Vec::with_capacity(run_bytes);
    let mut hits = Vec::new();
    let mut queue = placed.into_iter();
    let mut straddle = true;
    loop {
        let next_feature = if rng.below(3) == 0 || straddle {
            queue.next()
        } else {
            None
        };
        if let Some(feature) = next_feature {
            let bytes = encode(&feature.value.text, feature.utf16);
            if straddle && bytes.len() > 2 {
                // Pad with NULs so the value starts a few bytes before the page end.
                let start = (PAGE_BYTES as usize - bytes.len() / 2) & !1;
                if buf.len() < start {
                    buf.resize(start, 0);
                }
                straddle = false;
            }
            if feature.utf16 && buf.len() % 2 == 1 {
                buf.push(0);
            }
            if buf.len() + bytes.len() + 2 > run_bytes {
                break;
            }
            hits.push((buf.len(), feature));
            buf.extend_from_slice(&bytes);
            buf.extend_from_slice(&[0, 0]);
            continue;
        }
        let filler = match rng.below(4) {
            0 => format!("session={:016x}", rng.next_u64()),
            1 => words::sentence(rng, 4),
            2 => format!(
                "C:\\Users\\{}\\AppData\\Local\\Temp\\{}.tmp",
                words::word(rng),
                rng.below(9999)
            ),
            _ => words::word(rng).to_string(),
        };
        if buf.len() + filler.len() + 1 > run_bytes {
            if queue.len() == 0 {
                break;
            }
            // Features left over: make room for them by stopping filler here.
            let rest: Vec<Placed> = queue.by_ref().collect();
            for feature in rest {
                let bytes = encode(&feature.value.text, feature.utf16);
                if feature.utf16 && buf.len() % 2 == 1 {
                    buf.push(0);
                }
                if buf.len() + bytes.len() + 2 > run_bytes {
                    break;
                }
                hits.push((buf.len(), feature));
                buf.extend_from_slice(&bytes);
                buf.extend_from_slice(&[0, 0]);
            }
            break;
        }
        buf.extend_from_slice(filler.as_bytes());
        buf.push(0);
    }
    buf.resize(run_bytes, 0);
    (buf, hits)
}

fn feature_key(
    value: &Value,
    image_offset: u64,
    utf16: bool,
    len_bytes: u64,
    forensic_path: Option<String>,
) -> FeatureKey {
    let crosses_page = forensic_path.is_none()
        && image_offset / PAGE_BYTES != (image_offset + len_bytes - 1) / PAGE_BYTES;
    FeatureKey {
        kind: value.kind.to_string(),
        value: value.text.clone(),
        image_offset,
        encoding: if utf16 { "utf16le" } else { "ascii" }.into(),
        len_bytes,
        valid: value.valid,
        forensic_path,
        crosses_page,
    }
}

pub fn build(options: &ScenarioOptions, rng: &mut Rng, sink: &mut ImageSink) -> Result<Contents> {
    let pages = sink.len_bytes() / PAGE_BYTES;
    let per_kind = options.file_count.unwrap_or(DEFAULT_PER_KIND).max(1);
    let mut values = Vec::new();
    for &kind in KINDS {
        for _ in 0..per_kind {
            let decoy = matches!(kind, "ccn" | "iban" | "btc") && rng.chance(DECOY_SHARE);
            values.push(features::make(rng, kind, decoy));
        }
    }
    // Shuffle (Fisher-Yates) so kinds mix across runs.
    for i in (1..values.len()).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        values.swap(i, j);
    }
    let gzip_values: Vec<Value> = values.split_off(
        values
            .len()
            .saturating_sub(GZIP_STREAMS * FEATURES_PER_GZIP),
    );
    let runs = (values.len() / 12).max(2) as u64;
    let slots = runs + GZIP_STREAMS as u64;
    let slot_pages = pages / slots;
    if slot_pages < HEAP_RUN_PAGES + 2 {
        return Err(Error::InvalidOption(format!(
            "memdump: {} bytes is too small for {per_kind} features per kind",
            sink.len_bytes()
        )));
    }
    let mut page_rng = rng.fork(7);
    let mut features_out = Vec::new();
    let mut value_iter = values.into_iter();
    let per_run = value_iter.len().div_ceil(runs as usize);
    let mut gzip_iter = gzip_values
        .chunks(FEATURES_PER_GZIP)
        .map(<[Value]>::to_vec)
        .collect::<Vec<_>>()
        .into_iter();
    let mut page_buf = vec![0u8; PAGE_BYTES as usize];
    for slot in 0..slots {
        let slot_start = slot * slot_pages;
        let special_at = slot_start + rng.range(1, slot_pages - HEAP_RUN_PAGES - 1);
        let mut page = slot_start;
        let slot_end = if slot + 1 == slots {
            pages
        } else {
            slot_start + slot_pages
        };
        while page < slot_end {
            if page == special_at {
                let at = page * PAGE_BYTES;
                let used_pages = if slot < runs {
                    let placed: Vec<Placed> = value_iter
                        .by_ref()
                        .take(per_run)
                        .map(|value| Placed {
                            value,
                            utf16: rng.chance(UTF16_SHARE),
                        })
                        .collect();
                    let (buf, hits) = heap_run(rng, (HEAP_RUN_PAGES * PAGE_BYTES) as usize, placed);
                    sink.write_at(at, &buf)?;
                    for (offset, p) in hits {
                        let len = encode(&p.value.text, p.utf16).len() as u64;
                        features_out.push(feature_key(
                            &p.value,
                            at + offset as u64,
                            p.utf16,
                            len,
                            None,
                        ));
                    }
                    HEAP_RUN_PAGES
                } else {
                    let group = gzip_iter.next().unwrap_or_default();
                    let mut text = words::text(rng, 600).into_bytes();
                    let mut inner = Vec::new();
                    for value in group {
                        text.extend_from_slice(b"\ncontact: ");
                        inner.push((text.len(), value.clone()));
                        text.extend_from_slice(value.text.as_bytes());
                        text.extend_from_slice(b"\n");
                        text.extend_from_slice(words::text(rng, 200).as_bytes());
                    }
                    let mut gz = GzEncoder::new(Vec::new(), Compression::new(6));
                    gz.write_all(&text).map_err(|e| Error::io(sink.path(), e))?;
                    let stream = gz.finish().map_err(|e| Error::io(sink.path(), e))?;
                    sink.write_at(at, &stream)?;
                    for (offset, value) in inner {
                        let path = format!("{at}-GZIP-{offset}");
                        features_out.push(feature_key(
                            &value,
                            at,
                            false,
                            value.text.len() as u64,
                            Some(path),
                        ));
                    }
                    (stream.len() as u64).div_ceil(PAGE_BYTES)
                };
                page += used_pages;
                continue;
            }
            if page_rng.chance(options.noise) {
                page_rng.fill(&mut page_buf);
                sink.write_at(page * PAGE_BYTES, &page_buf)?;
            }
            page += 1;
        }
    }
    Ok(Contents {
        features: features_out,
        notes: vec![
            "image_offset is the first byte of the value; for utf16le the first byte of the first code unit.".into(),
            "features with a forensic_path exist only inside a gzip stream: image_offset is the stream start, the path is OFFSET-GZIP-INNER (offset in the decompressed bytes).".into(),
            "valid=false marks decoys: Luhn-failing card numbers, mod-97-failing IBANs, base58check-failing bitcoin addresses; a scanner should not report them as valid.".into(),
            "card numbers and IBANs keep their separators (spaces or dashes) in value.".into(),
        ],
        ..Contents::default()
    })
}
