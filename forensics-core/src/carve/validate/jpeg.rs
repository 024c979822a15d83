//! JPEG: marker walk from SOI to EOI, with each baseline scan's
//! entropy-coded data decoded ([`super::jpeg_scan`]); progressive and other
//! scans are skipped to the next marker.

use super::jpeg_scan::{self, HuffTable, Joined, ScanComponent, ScanOutcome, ScanPlan, Snapshot};
use super::{Ctx, Verdict};

/// Largest number of segments walked in one file.
const MAX_SEGMENTS: usize = 4096;

/// A frame component (SOF).
#[derive(Debug, Clone, Copy)]
struct FrameComponent {
    id: u8,
    h: u8,
    v: u8,
}

#[derive(Debug, Clone, Default)]
struct Frame {
    width: u32,
    height: u32,
    precision: u8,
    components: Vec<FrameComponent>,
    /// Baseline/extended Huffman: the scans can be decoded.
    decodable: bool,
}

/// A scan whose entropy data stopped being valid: what gap carving needs.
#[derive(Debug, Clone)]
pub struct BrokenScan {
    /// How to decode the scan.
    pub plan: ScanPlan,
    /// Offset (in the view) of the first entropy-coded byte.
    pub data_start: usize,
    /// MCU starts seen before the failure.
    pub snapshots: Vec<Snapshot>,
    /// Where the failure was noticed.
    pub error_at: usize,
}

/// The result of walking a JPEG.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The verdict.
    pub verdict: Verdict,
    /// The failing scan, when the verdict is truncated because of its data.
    pub broken: Option<Box<BrokenScan>>,
}

/// Table validator: the verdict of [`analyse`] without gap-carving data.
pub fn validate(ctx: &Ctx<'_>) -> Verdict {
    analyse(ctx, false).verdict
}

fn verdict_only(verdict: Verdict) -> Analysis {
    Analysis {
        verdict,
        broken: None,
    }
}

/// Walks the markers of the JPEG at the start of the view; with
/// `keep_snapshots`, a failing scan comes back with its MCU starts.
pub fn analyse(ctx: &Ctx<'_>, keep_snapshots: bool) -> Analysis {
    if ctx.bytes(0, 3) != Some(&[0xFF, 0xD8, 0xFF][..]) {
        return verdict_only(Verdict::Invalid);
    }
    let mut frame = Frame::default();
    let mut dc_tables: [Option<HuffTable>; 4] = Default::default();
    let mut ac_tables: [Option<HuffTable>; 4] = Default::default();
    let mut restart_interval = 0u32;
    let mut pos = 2usize;
    let mut reached_scan = false;
    for segment in 0..MAX_SEGMENTS {
        let Some(first) = ctx.u8(pos) else {
            return verdict_only(cut(ctx, reached_scan, pos));
        };
        if first != 0xFF {
            return verdict_only(cut(ctx, reached_scan, pos));
        }
        while ctx.u8(pos + 1) == Some(0xFF) {
            pos += 1;
        }
        let Some(marker) = ctx.u8(pos + 1) else {
            return verdict_only(cut(ctx, reached_scan, pos));
        };
        if segment == 0 && !matches!(marker, 0xE0..=0xEF | 0xDB | 0xC4 | 0xC0..=0xC2 | 0xFE | 0xDD)
        {
            return verdict_only(Verdict::Invalid);
        }
        match marker {
            0xD9 => {
                return verdict_only(Verdict::Complete {
                    len_bytes: pos as u64 + 2,
                });
            }
            0xD0..=0xD7 | 0x01 => {
                pos += 2;
                continue;
            }
            0xD8 | 0x00 => return verdict_only(cut(ctx, reached_scan, pos)),
            _ => {}
        }
        let Some(seg_len) = ctx.be16(pos + 2).map(usize::from) else {
            return verdict_only(cut(ctx, reached_scan, pos));
        };
        if seg_len < 2 {
            return verdict_only(cut(ctx, reached_scan, pos));
        }
        let body_at = pos + 4;
        let next = pos + 2 + seg_len;
        let Some(body) = ctx.bytes(body_at, seg_len - 2) else {
            return verdict_only(cut(ctx, reached_scan, pos));
        };
        let ok = match marker {
            0xC0 | 0xC1 | 0xC2 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                parse_frame(body, matches!(marker, 0xC0 | 0xC1)).map(|f| frame = f)
            }
            0xC4 => parse_dht(body, &mut dc_tables, &mut ac_tables),
            0xDD => body
                .get(0..2)
                .map(|b| restart_interval = u32::from(u16::from_be_bytes([b[0], b[1]]))),
            0xDB | 0xE0..=0xEF | 0xFE | 0xCC | 0xDC | 0xDE | 0xDF => Some(()),
            0xDA => {
                reached_scan = true;
                let Some(plan) = scan_plan(body, &frame, &dc_tables, &ac_tables, restart_interval)
                else {
                    return verdict_only(cut(ctx, reached_scan, pos));
                };
                match scan(ctx, plan, next, keep_snapshots) {
                    Ok(end) => {
                        pos = end;
                        continue;
                    }
                    Err(analysis) => return analysis,
                }
            }
            _ => None,
        };
        if ok.is_none() {
            return verdict_only(cut(ctx, reached_scan, pos));
        }
        pos = next;
    }
    verdict_only(Verdict::Invalid)
}

/// A truncation at `pos`: only a file that reached its first scan counts.
fn cut(ctx: &Ctx<'_>, reached_scan: bool, pos: usize) -> Verdict {
    if reached_scan {
        ctx.truncated_to(pos as u64)
    } else {
        Verdict::Invalid
    }
}

/// Decodes (or, for non-baseline frames, skips) one scan's data; returns the
/// offset of the marker after it.
fn scan(
    ctx: &Ctx<'_>,
    plan: Option<ScanPlan>,
    data_start: usize,
    keep: bool,
) -> Result<usize, Analysis> {
    let Some(plan) = plan else {
        return skip_entropy(ctx, data_start);
    };
    let mut snapshots = Vec::new();
    let start = Snapshot {
        byte_pos: data_start,
        bit_offset: 0,
        mcu: 0,
        dc_pred: [0; 4],
    };
    let data = Joined {
        head: ctx.data,
        tail: &[],
    };
    match jpeg_scan::decode(&plan, data, start, keep.then_some(&mut snapshots)) {
        ScanOutcome::Done { end } => {
            // All MCUs decoded: a marker must follow. Filler that happens to
            // decode (zeros under some tables) ends here instead.
            match (ctx.u8(end), ctx.u8(end + 1)) {
                (Some(0xFF), Some(m)) if m != 0x00 => Ok(end),
                (Some(0xFF), None) | (None, _) => Err(verdict_only(ctx.truncated_to(end as u64))),
                _ => Err(Analysis {
                    verdict: ctx.truncated_to(end as u64),
                    broken: Some(Box::new(BrokenScan {
                        plan,
                        data_start,
                        snapshots,
                        error_at: end,
                    })),
                }),
            }
        }
        ScanOutcome::Failed {
            at,
            last_mcu,
            error,
        } => {
            if error == jpeg_scan::ScanError::OutOfData {
                ctx.mark_ran_off();
            }
            let present = last_mcu.byte_pos.max(data_start) as u64;
            Err(Analysis {
                verdict: ctx.truncated_to(present),
                broken: Some(Box::new(BrokenScan {
                    plan,
                    data_start,
                    snapshots,
                    error_at: at,
                })),
            })
        }
    }
}

/// Skips entropy-coded data to the next marker that is not a restart.
fn skip_entropy(ctx: &Ctx<'_>, from: usize) -> Result<usize, Analysis> {
    let mut pos = from;
    loop {
        let Some(rest) = ctx.data.get(pos..) else {
            return Err(verdict_only(ctx.truncated_to(ctx.len() as u64)));
        };
        let Some(found) = memchr::memchr(0xFF, rest) else {
            ctx.mark_ran_off();
            return Err(verdict_only(ctx.truncated_to(ctx.len() as u64)));
        };
        let at = pos + found;
        match ctx.u8(at + 1) {
            None => return Err(verdict_only(ctx.truncated_to(at as u64))),
            Some(0x00 | 0xD0..=0xD7 | 0xFF) => pos = at + 1,
            Some(_) => return Ok(at),
        }
    }
}

fn parse_frame(body: &[u8], decodable: bool) -> Option<Frame> {
    let precision = *body.first()?;
    let height = u32::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
    let width = u32::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
    let count = usize::from(*body.get(5)?);
    if width == 0 || !(1..=4).contains(&count) || !matches!(precision, 8 | 12) {
        return None;
    }
    let mut components = Vec::with_capacity(count);
    for i in 0..count {
        let spec = body.get(6 + 3 * i..9 + 3 * i)?;
        let (h, v) = (spec[1] >> 4, spec[1] & 0x0F);
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
            return None;
        }
        components.push(FrameComponent { id: spec[0], h, v });
    }
    // Height 0 (defined later by DNL) cannot be decoded here.
    Some(Frame {
        width,
        height,
        precision,
        components,
        decodable: decodable && height > 0,
    })
}

fn parse_dht(
    body: &[u8],
    dc: &mut [Option<HuffTable>; 4],
    ac: &mut [Option<HuffTable>; 4],
) -> Option<()> {
    let mut pos = 0usize;
    while pos < body.len() {
        let class_id = *body.get(pos)?;
        let counts: [u8; 16] = body.get(pos + 1..pos + 17)?.try_into().ok()?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let values = body.get(pos + 17..pos + 17 + total)?;
        let table = HuffTable::new(&counts, values)?;
        let index = usize::from(class_id & 0x0F);
        match class_id >> 4 {
            0 => *dc.get_mut(index)? = Some(table),
            1 => *ac.get_mut(index)? = Some(table),
            _ => return None,
        }
        pos += 17 + total;
    }
    Some(())
}

/// The decoding plan of a scan, `Some(None)` when the scan cannot be decoded
/// here (progressive, arithmetic, lossless), `None` when the SOS is invalid.
fn scan_plan(
    body: &[u8],
    frame: &Frame,
    dc_tables: &[Option<HuffTable>; 4],
    ac_tables: &[Option<HuffTable>; 4],
    restart_interval: u32,
) -> Option<Option<ScanPlan>> {
    let count = usize::from(*body.first()?);
    if !(1..=4).contains(&count) || body.len() < 1 + 2 * count + 3 || frame.components.is_empty() {
        return None;
    }
    if !frame.decodable {
        return Some(None);
    }
    let h_max = u32::from(frame.components.iter().map(|c| c.h).max()?);
    let v_max = u32::from(frame.components.iter().map(|c| c.v).max()?);
    let mut components = Vec::with_capacity(count);
    let mut total_mcus = 0u32;
    for i in 0..count {
        let (id, tables) = (*body.get(1 + 2 * i)?, *body.get(2 + 2 * i)?);
        let fc = frame.components.iter().find(|c| c.id == id)?;
        let (dc_table, ac_table) = (usize::from(tables >> 4), usize::from(tables & 0x0F));
        if dc_table > 3
            || ac_table > 3
            || dc_tables[dc_table].is_none()
            || ac_tables[ac_table].is_none()
        {
            return None;
        }
        if count == 1 {
            let comp_w = (frame.width * u32::from(fc.h)).div_ceil(h_max);
            let comp_h = (frame.height * u32::from(fc.v)).div_ceil(v_max);
            total_mcus = comp_w.div_ceil(8).checked_mul(comp_h.div_ceil(8))?;
            components.push(ScanComponent {
                h: 1,
                v: 1,
                dc_table,
                ac_table,
            });
        } else {
            components.push(ScanComponent {
                h: fc.h,
                v: fc.v,
                dc_table,
                ac_table,
            });
        }
    }
    if count > 1 {
        let across = frame.width.div_ceil(8 * h_max);
        let down = frame.height.div_ceil(8 * v_max);
        total_mcus = across.checked_mul(down)?;
        let blocks: u32 = components
            .iter()
            .map(|c| u32::from(c.h) * u32::from(c.v))
            .sum();
        if blocks > 10 {
            return None;
        }
    }
    let eight_bit = frame.precision == 8;
    Some(Some(ScanPlan {
        components,
        total_mcus,
        restart_interval,
        dc_tables: dc_tables.clone(),
        ac_tables: ac_tables.clone(),
        max_dc_category: if eight_bit { 11 } else { 15 },
        max_ac_size: if eight_bit { 10 } else { 14 },
    }))
}

/// Finishes the marker walk after a scan that ended at `scan_end` (used by gap
/// carving once the scan decodes through a continuation): returns the total
/// length when EOI follows directly.
pub fn eoi_after(data: Joined<'_>, scan_end: usize) -> Option<usize> {
    let mut pos = scan_end;
    // Fill bytes (0xFF) may precede a marker.
    let first = data_byte(data, pos)?;
    if first != 0xFF {
        return None;
    }
    while data_byte(data, pos + 1) == Some(0xFF) {
        pos += 1;
    }
    (data_byte(data, pos + 1)? == 0xD9).then_some(pos + 2)
}

fn data_byte(data: Joined<'_>, index: usize) -> Option<u8> {
    match data.head.get(index) {
        Some(&b) => Some(b),
        None => data.tail.get(index.checked_sub(data.head.len())?).copied(),
    }
}
