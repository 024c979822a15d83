//! Reading attribute values: resident bytes, cluster runs with sparse runs
//! as zeros, and LZNT1-compressed values decompressed per compression unit.

use std::io::Write;

use super::record::{Attr, Body, Run};
use crate::evidence::{EvidenceSource, read_exact_at};
use crate::fs::{ByteRun, Error};

/// Clusters per compression unit: NTFS writes compressed attributes with a
/// unit exponent of 4 (Windows and ntfs-3g both).
pub(super) const COMPRESSION_UNIT_CLUSTERS: u64 = 16;
/// Bytes read from the volume per step when copying plain runs.
const COPY_CHUNK_BYTES: u64 = 1 << 20;
/// Largest compression unit accepted (16 clusters of 64 KiB).
const MAX_UNIT_BYTES: u64 = 16 * 64 * 1024;

/// Geometry needed to turn clusters into volume offsets.
#[derive(Debug, Clone, Copy)]
pub(super) struct Geometry {
    pub(super) cluster_bytes: u64,
}

/// Writes the value of `attr` to `out`; returns the bytes written.
pub(super) fn write_value(
    volume: &dyn EvidenceSource,
    geometry: Geometry,
    attr: &Attr,
    out: &mut dyn Write,
) -> Result<u64, Error> {
    match &attr.body {
        Body::Resident { data, .. } => {
            let len = usize::try_from(attr.size)
                .unwrap_or(usize::MAX)
                .min(data.len());
            out.write_all(&data[..len]).map_err(Error::Output)?;
            Ok(len as u64)
        }
        Body::NonResident { runs } if attr.compressed => {
            write_compressed(volume, geometry, runs, attr.size, out)
        }
        Body::NonResident { runs } => {
            write_plain(volume, geometry, runs, attr.initialized, out)?;
            write_zeros(out, attr.size - attr.initialized)?;
            Ok(attr.size)
        }
    }
}

fn corrupt(volume_offset: u64, what: impl Into<String>) -> Error {
    Error::Corrupt {
        volume_offset,
        what: what.into(),
    }
}

fn write_zeros(out: &mut dyn Write, mut len: u64) -> Result<(), Error> {
    let zeros = [0u8; 64 * 1024];
    while len > 0 {
        let step = len.min(zeros.len() as u64) as usize;
        out.write_all(&zeros[..step]).map_err(Error::Output)?;
        len -= step as u64;
    }
    Ok(())
}

/// Copies `len` bytes from `volume_offset` to `out` in bounded chunks.
fn copy_range(
    volume: &dyn EvidenceSource,
    volume_offset: u64,
    len: u64,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut buffer = vec![0u8; len.min(COPY_CHUNK_BYTES) as usize];
    let mut done = 0u64;
    while done < len {
        let step = (len - done).min(COPY_CHUNK_BYTES) as usize;
        let at = volume_offset
            .checked_add(done)
            .ok_or_else(|| corrupt(volume_offset, "data run beyond 2^64"))?;
        read_exact_at(volume, at, &mut buffer[..step])?;
        out.write_all(&buffer[..step]).map_err(Error::Output)?;
        done += step as u64;
    }
    Ok(())
}

fn write_plain(
    volume: &dyn EvidenceSource,
    geometry: Geometry,
    runs: &[Run],
    size: u64,
    out: &mut dyn Write,
) -> Result<u64, Error> {
    let mut written = 0u64;
    for run in runs {
        if written >= size {
            break;
        }
        let run_bytes = run.clusters.saturating_mul(geometry.cluster_bytes);
        let len = run_bytes.min(size - written);
        match run.lcn {
            None => write_zeros(out, len)?,
            Some(lcn) => {
                let offset = lcn
                    .checked_mul(geometry.cluster_bytes)
                    .ok_or_else(|| corrupt(0, format!("cluster {lcn} beyond 2^64")))?;
                copy_range(volume, offset, len, out)?;
            }
        }
        written += len;
    }
    if written < size {
        return Err(corrupt(
            0,
            format!("data runs cover {written} of {size} bytes"),
        ));
    }
    Ok(written)
}

/// The pieces (cluster runs) of VCN range `[first_vcn, first_vcn + count)`.
fn pieces(runs: &[Run], first_vcn: u64, count: u64) -> Vec<Run> {
    let end_vcn = first_vcn.saturating_add(count);
    let mut found = Vec::new();
    let mut vcn = 0u64;
    for run in runs {
        let run_end = vcn.saturating_add(run.clusters);
        let start = vcn.max(first_vcn);
        let stop = run_end.min(end_vcn);
        if start < stop {
            found.push(Run {
                lcn: run.lcn.map(|lcn| lcn.saturating_add(start - vcn)),
                clusters: stop - start,
            });
        }
        if run_end >= end_vcn {
            break;
        }
        vcn = run_end;
    }
    found
}

fn write_compressed(
    volume: &dyn EvidenceSource,
    geometry: Geometry,
    runs: &[Run],
    size: u64,
    out: &mut dyn Write,
) -> Result<u64, Error> {
    let unit_bytes = COMPRESSION_UNIT_CLUSTERS * geometry.cluster_bytes;
    if unit_bytes > MAX_UNIT_BYTES {
        return Err(corrupt(
            0,
            format!("compression unit of {unit_bytes} bytes"),
        ));
    }
    let mut written = 0u64;
    let mut unit_index = 0u64;
    let mut decompressed = Vec::with_capacity(unit_bytes as usize);
    while written < size {
        let first_vcn = unit_index * COMPRESSION_UNIT_CLUSTERS;
        let unit = pieces(runs, first_vcn, COMPRESSION_UNIT_CLUSTERS);
        let allocated: u64 = unit
            .iter()
            .filter(|p| p.lcn.is_some())
            .map(|p| p.clusters)
            .sum();
        let len = unit_bytes.min(size - written);
        if allocated == 0 {
            write_zeros(out, len)?;
        } else if allocated == COMPRESSION_UNIT_CLUSTERS {
            let mut raw = Vec::with_capacity(unit_bytes as usize);
            read_pieces(volume, geometry, &unit, &mut raw)?;
            out.write_all(&raw[..len as usize]).map_err(Error::Output)?;
        } else {
            let mut raw = Vec::with_capacity(unit_bytes as usize);
            read_pieces(volume, geometry, &unit, &mut raw)?;
            decompress_unit(&raw, unit_bytes as usize, &mut decompressed).map_err(|what| {
                corrupt(
                    first_vcn.saturating_mul(geometry.cluster_bytes),
                    format!("LZNT1 compression unit {unit_index}: {what}"),
                )
            })?;
            out.write_all(&decompressed[..len as usize])
                .map_err(Error::Output)?;
        }
        written += len;
        unit_index += 1;
    }
    Ok(written)
}

/// Uncompressed bytes of one LZNT1 chunk: every chunk but the last stands
/// for exactly this many bytes (shorter output is zero-filled).
const CHUNK_BYTES: usize = 4096;

/// Decompresses one compression unit into `out` (exactly `unit_bytes`
/// long), one LZNT1 chunk at a time so that a hostile chunk cannot inflate
/// beyond its own bounded output.
fn decompress_unit(raw: &[u8], unit_bytes: usize, out: &mut Vec<u8>) -> Result<(), String> {
    out.clear();
    let mut at = 0usize;
    let mut chunk_out = Vec::with_capacity(CHUNK_BYTES);
    while out.len() < unit_bytes {
        let Some(header) = raw.get(at..at + 2) else {
            break;
        };
        let header = u16::from_le_bytes([header[0], header[1]]);
        if header == 0 {
            break;
        }
        let chunk_len = usize::from(header & 0x0FFF) + 3;
        let chunk = raw
            .get(at..at + chunk_len)
            .ok_or_else(|| format!("chunk at {at} runs past the unit"))?;
        chunk_out.clear();
        lznt1::decompress(chunk, &mut chunk_out).map_err(|e| format!("chunk at {at}: {e:?}"))?;
        chunk_out.resize(CHUNK_BYTES, 0);
        out.extend_from_slice(&chunk_out);
        at += chunk_len;
    }
    out.resize(unit_bytes, 0);
    Ok(())
}

/// Reads the allocated clusters of `unit` one after the other into `raw`.
fn read_pieces(
    volume: &dyn EvidenceSource,
    geometry: Geometry,
    unit: &[Run],
    raw: &mut Vec<u8>,
) -> Result<(), Error> {
    for piece in unit {
        let Some(lcn) = piece.lcn else { continue };
        let offset = lcn
            .checked_mul(geometry.cluster_bytes)
            .ok_or_else(|| corrupt(0, format!("cluster {lcn} beyond 2^64")))?;
        let start = raw.len();
        let len = (piece.clusters * geometry.cluster_bytes) as usize;
        raw.resize(start + len, 0);
        read_exact_at(volume, offset, &mut raw[start..])?;
    }
    Ok(())
}

/// Where the value of a plain (uncompressed) attribute lies on the volume,
/// in content order, capped at its size. Compressed values get no runs:
/// their clusters do not map byte for byte onto the content.
pub(super) fn byte_runs(attr: &Attr, geometry: Geometry) -> Vec<ByteRun> {
    match &attr.body {
        Body::Resident { volume_offset, .. } => vec![ByteRun {
            file_offset: 0,
            volume_offset: *volume_offset,
            len_bytes: attr.size,
        }],
        Body::NonResident { .. } if attr.compressed => Vec::new(),
        Body::NonResident { runs } => {
            let mut found = Vec::new();
            let mut file_offset = 0u64;
            for run in runs {
                if file_offset >= attr.size {
                    break;
                }
                let len = run
                    .clusters
                    .saturating_mul(geometry.cluster_bytes)
                    .min(attr.size - file_offset);
                found.push(ByteRun {
                    file_offset,
                    volume_offset: run.lcn.and_then(|l| l.checked_mul(geometry.cluster_bytes)),
                    len_bytes: len,
                });
                file_offset += len;
            }
            found
        }
    }
}
