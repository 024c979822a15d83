//! A validating decoder for the entropy-coded data of baseline JPEG scans
//! (ITU T.81 Annex F, Huffman, sequential DCT).
//!
//! It decodes every block's Huffman symbols and checks them (DC category,
//! coefficient index ≤ 63, restart markers in sequence) without doing any
//! inverse DCT: a decode that runs through all MCUs of the scan is strong
//! evidence the bytes are the picture's. The reader works on two joined
//! slices so that a bifragment candidate (header fragment + continuation)
//! is decoded without copying.

/// Largest number of MCUs whose start is remembered for gap carving.
pub const MAX_SNAPSHOTS: usize = 1 << 20;

use super::jpeg_bits::Reader;
pub use super::jpeg_bits::{HuffTable, Joined};

/// Why the entropy-coded data stopped being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanError {
    /// The data ended inside the scan.
    OutOfData,
    /// A marker appeared inside an MCU, or the wrong restart marker.
    Marker,
    /// A bit pattern that is no code of the table.
    BadCode,
    /// A category or coefficient index out of range.
    BadCoefficient,
}

/// Where a decode may resume: an MCU start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    /// Byte holding the MCU's first bit.
    pub byte_pos: usize,
    /// Bits of that byte already used by the previous MCU.
    pub bit_offset: u8,
    /// Index of the MCU.
    pub mcu: u32,
    /// DC predictors of the scan's components.
    pub dc_pred: [i32; 4],
}

/// One component taking part in a scan.
#[derive(Debug, Clone, Copy)]
pub struct ScanComponent {
    /// Blocks across and down in one MCU (1×1 for a non-interleaved scan).
    pub h: u8,
    /// Vertical blocks in one MCU.
    pub v: u8,
    /// DC table index (0..=3).
    pub dc_table: usize,
    /// AC table index (0..=3).
    pub ac_table: usize,
}

/// Everything needed to decode one scan.
#[derive(Debug, Clone)]
pub struct ScanPlan {
    /// Components in scan order (1..=4).
    pub components: Vec<ScanComponent>,
    /// Number of MCUs in the scan.
    pub total_mcus: u32,
    /// Restart interval in MCUs (0 = none).
    pub restart_interval: u32,
    /// DC tables by index.
    pub dc_tables: [Option<HuffTable>; 4],
    /// AC tables by index.
    pub ac_tables: [Option<HuffTable>; 4],
    /// Largest DC category (11 for 8-bit samples, 15 for 12-bit).
    pub max_dc_category: u8,
    /// Largest AC size (10 for 8-bit samples, 14 for 12-bit).
    pub max_ac_size: u8,
}

/// How a scan decode ended.
#[derive(Debug, Clone)]
pub enum ScanOutcome {
    /// All MCUs decoded; the scan's data ends before `end` (next marker).
    Done {
        /// Offset of the byte after the scan's last data byte.
        end: usize,
    },
    /// Decoding failed.
    Failed {
        /// Why.
        error: ScanError,
        /// Byte where the failure was noticed.
        at: usize,
        /// Start of the MCU being decoded when it failed.
        last_mcu: Snapshot,
    },
}

/// Decodes the scan from `start` (an MCU boundary) over `data`; records MCU
/// starts in `snapshots` when given (at most [`MAX_SNAPSHOTS`]).
pub fn decode(
    plan: &ScanPlan,
    data: Joined<'_>,
    start: Snapshot,
    mut snapshots: Option<&mut Vec<Snapshot>>,
) -> ScanOutcome {
    let mut reader = Reader::at(data, start.byte_pos, start.bit_offset);
    let mut dc_pred = start.dc_pred;
    let mut mcu = start.mcu;
    let mut current = start;
    while mcu < plan.total_mcus {
        if plan.restart_interval > 0
            && mcu > 0
            && mcu.is_multiple_of(plan.restart_interval)
            && mcu != start.mcu
        {
            let at = reader.aligned_end();
            let expected = 0xD0 + ((mcu / plan.restart_interval - 1) % 8) as u8;
            if data.get(at) != Some(0xFF) || data.get(at + 1) != Some(expected) {
                let error = if data.get(at).is_none() {
                    ScanError::OutOfData
                } else {
                    ScanError::Marker
                };
                return ScanOutcome::Failed {
                    error,
                    at,
                    last_mcu: current,
                };
            }
            reader = Reader::at(data, at + 2, 0);
            dc_pred = [0; 4];
        }
        let (byte_pos, bit_offset) = reader.position();
        current = Snapshot {
            byte_pos,
            bit_offset,
            mcu,
            dc_pred,
        };
        if let Some(list) = snapshots.as_deref_mut()
            && list.len() < MAX_SNAPSHOTS
        {
            list.push(current);
        }
        if let Err(error) = decode_mcu(plan, &mut reader, &mut dc_pred) {
            return ScanOutcome::Failed {
                error,
                at: reader.next_byte(),
                last_mcu: current,
            };
        }
        mcu += 1;
    }
    ScanOutcome::Done {
        end: reader.aligned_end(),
    }
}

fn decode_mcu(
    plan: &ScanPlan,
    reader: &mut Reader<'_>,
    dc_pred: &mut [i32; 4],
) -> Result<(), ScanError> {
    for (index, component) in plan.components.iter().enumerate() {
        let dc = plan.dc_tables[component.dc_table]
            .as_ref()
            .ok_or(ScanError::BadCode)?;
        let ac = plan.ac_tables[component.ac_table]
            .as_ref()
            .ok_or(ScanError::BadCode)?;
        for _ in 0..usize::from(component.h) * usize::from(component.v) {
            decode_block(plan, reader, dc, ac, &mut dc_pred[index.min(3)])?;
        }
    }
    Ok(())
}

fn extend(value: u32, size: u8) -> i32 {
    if size == 0 {
        return 0;
    }
    let value = value as i32;
    if value < (1 << (size - 1)) {
        value - (1 << size) + 1
    } else {
        value
    }
}

fn decode_block(
    plan: &ScanPlan,
    reader: &mut Reader<'_>,
    dc: &HuffTable,
    ac: &HuffTable,
    pred: &mut i32,
) -> Result<(), ScanError> {
    let category = reader.decode(dc)?;
    if category > plan.max_dc_category {
        return Err(ScanError::BadCoefficient);
    }
    let diff = extend(reader.bits(u32::from(category))?, category);
    *pred = pred.wrapping_add(diff);
    let mut k = 1u32;
    while k < 64 {
        let symbol = reader.decode(ac)?;
        let run = u32::from(symbol >> 4);
        let size = symbol & 0x0F;
        if size == 0 {
            if run == 15 {
                k += 16;
                if k > 63 {
                    return Err(ScanError::BadCoefficient);
                }
                continue;
            }
            if run != 0 {
                return Err(ScanError::BadCoefficient);
            }
            break;
        }
        if size > plan.max_ac_size {
            return Err(ScanError::BadCoefficient);
        }
        k += run;
        if k > 63 {
            return Err(ScanError::BadCoefficient);
        }
        reader.bits(u32::from(size))?;
        k += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extend_follows_t81() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
    }
}
