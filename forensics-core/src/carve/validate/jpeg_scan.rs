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

/// A Huffman table (T.81 Annex C) ready for decoding.
#[derive(Debug, Clone)]
pub struct HuffTable {
    /// Largest code of each length 1..=16, or -1.
    max_code: [i32; 17],
    /// Index into `values` of the first code of each length, minus that code.
    offset: [i32; 17],
    values: Vec<u8>,
    /// Codes of up to 8 bits: (length, symbol); length 0 = longer code.
    fast: Vec<(u8, u8)>,
}

impl HuffTable {
    /// Builds a table from the 16 code counts and the symbols of a DHT
    /// segment; `None` when the counts over-fill the code space.
    pub fn new(counts: &[u8; 16], values: &[u8]) -> Option<HuffTable> {
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if total > 256 || total != values.len() {
            return None;
        }
        let mut max_code = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut fast = vec![(0u8, 0u8); 256];
        let mut code: i32 = 0;
        let mut index: i32 = 0;
        for len in 1..=16usize {
            let count = i32::from(counts[len - 1]);
            if count > 0 {
                offset[len] = index - code;
                for k in 0..count {
                    let this = code + k;
                    if len <= 8 {
                        let symbol = *values.get((index + k) as usize)?;
                        let shift = 8 - len;
                        for low in 0..(1i32 << shift) {
                            let slot = ((this << shift) | low) as usize;
                            *fast.get_mut(slot)? = (len as u8, symbol);
                        }
                    }
                }
                code += count;
                index += count;
                max_code[len] = code - 1;
                if code > (1 << len) {
                    return None;
                }
            }
            code <<= 1;
        }
        Some(HuffTable {
            max_code,
            offset,
            values: values.to_vec(),
            fast,
        })
    }
}

/// Two byte slices read as one stream (header fragment + continuation).
#[derive(Debug, Clone, Copy)]
pub struct Joined<'a> {
    /// First part.
    pub head: &'a [u8],
    /// Bytes that follow `head`.
    pub tail: &'a [u8],
}

impl Joined<'_> {
    fn get(&self, index: usize) -> Option<u8> {
        match self.head.get(index) {
            Some(&b) => Some(b),
            None => self.tail.get(index - self.head.len()).copied(),
        }
    }

    /// `len` bytes from `index` when they lie in one of the two parts.
    fn run(&self, index: usize, len: usize) -> Option<&[u8]> {
        match index.checked_sub(self.head.len()) {
            None => self.head.get(index..index.checked_add(len)?),
            Some(in_tail) => self.tail.get(in_tail..in_tail.checked_add(len)?),
        }
    }

    /// Total length.
    pub fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Whether both parts are empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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

/// Bit reader with byte un-stuffing that stops at markers.
struct Reader<'a> {
    data: Joined<'a>,
    pos: usize,
    acc: u64,
    nbits: u32,
    recent: [usize; 8],
    loaded: usize,
    stopped: Option<ScanError>,
}

impl<'a> Reader<'a> {
    fn at(data: Joined<'a>, byte_pos: usize, bit_offset: u8) -> Self {
        let mut reader = Reader {
            data,
            pos: byte_pos,
            acc: 0,
            nbits: 0,
            recent: [0; 8],
            loaded: 0,
            stopped: None,
        };
        if bit_offset > 0 {
            reader.fill(8);
            reader.consume(u32::from(bit_offset).min(reader.nbits));
        }
        reader
    }

    fn load_byte(&mut self) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        let Some(byte) = self.data.get(self.pos) else {
            self.stopped = Some(ScanError::OutOfData);
            return false;
        };
        let at = self.pos;
        if byte == 0xFF {
            match self.data.get(self.pos + 1) {
                Some(0x00) => self.pos += 2,
                Some(_) => {
                    self.stopped = Some(ScanError::Marker);
                    return false;
                }
                None => {
                    self.stopped = Some(ScanError::OutOfData);
                    return false;
                }
            }
        } else {
            self.pos += 1;
        }
        self.acc = (self.acc << 8) | u64::from(byte);
        self.nbits += 8;
        self.recent[self.loaded % 8] = at;
        self.loaded += 1;
        true
    }

    fn fill(&mut self, want: u32) {
        if self.nbits >= want {
            return;
        }
        // Fast path: as many whole bytes as fit, when none is 0xFF (no
        // stuffing, no marker) and they lie in one part.
        let room = ((64 - self.nbits) / 8) as usize;
        if self.stopped.is_none()
            && room >= 2
            && let Some(bytes) = self.data.run(self.pos, room)
            && !bytes.contains(&0xFF)
        {
            for &byte in bytes {
                self.acc = (self.acc << 8) | u64::from(byte);
                self.recent[self.loaded % 8] = self.pos;
                self.loaded += 1;
                self.pos += 1;
            }
            self.nbits += 8 * room as u32;
        }
        while self.nbits < want && self.load_byte() {}
    }

    fn consume(&mut self, n: u32) {
        self.nbits -= n;
        // All 64 bits may be loaded: keep them when nothing was consumed.
        self.acc &= 1u64.checked_shl(self.nbits).map_or(u64::MAX, |bit| bit - 1);
    }

    fn bits(&mut self, n: u32) -> Result<u32, ScanError> {
        if n == 0 {
            return Ok(0);
        }
        self.fill(n);
        if self.nbits < n {
            return Err(self.stopped.unwrap_or(ScanError::OutOfData));
        }
        let value = (self.acc >> (self.nbits - n)) as u32 & ((1u32 << n) - 1);
        self.consume(n);
        Ok(value)
    }

    fn decode(&mut self, table: &HuffTable) -> Result<u8, ScanError> {
        self.fill(16);
        let available = self.nbits;
        let peek = if available >= 16 {
            (self.acc >> (available - 16)) as u32 & 0xFFFF
        } else {
            ((self.acc << (16 - available)) as u32) & 0xFFFF
        };
        let (fast_len, fast_symbol) = table.fast[(peek >> 8) as usize];
        if fast_len > 0 {
            if u32::from(fast_len) > available {
                return Err(self.stopped.unwrap_or(ScanError::OutOfData));
            }
            self.consume(u32::from(fast_len));
            return Ok(fast_symbol);
        }
        for len in 9..=16u32 {
            let code = (peek >> (16 - len)) as i32;
            if code <= table.max_code[len as usize] {
                if len > available {
                    return Err(self.stopped.unwrap_or(ScanError::OutOfData));
                }
                self.consume(len);
                let index = (code + table.offset[len as usize]) as usize;
                return table.values.get(index).copied().ok_or(ScanError::BadCode);
            }
        }
        if available < 16 {
            return Err(self.stopped.unwrap_or(ScanError::OutOfData));
        }
        Err(ScanError::BadCode)
    }

    /// Byte and bit of the first unconsumed bit.
    fn position(&self) -> (usize, u8) {
        if self.nbits == 0 {
            return (self.pos, 0);
        }
        let back = self.nbits.div_ceil(8) as usize;
        let index = (self.loaded + 8 - back) % 8;
        let bit_offset = ((8 - self.nbits % 8) % 8) as u8;
        (self.recent[index], bit_offset)
    }

    /// First byte after the current one once the rest of its bits are padding.
    fn aligned_end(&self) -> usize {
        let (byte, bit) = self.position();
        if bit == 0 {
            return byte;
        }
        if self.data.get(byte) == Some(0xFF) && self.data.get(byte + 1) == Some(0x00) {
            byte + 2
        } else {
            byte + 1
        }
    }
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
                at: reader.pos,
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
    fn table_rejects_overfull_code_space() {
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(HuffTable::new(&counts, &[1, 2, 3]).is_none());
        counts[0] = 2;
        assert!(HuffTable::new(&counts, &[1, 2]).is_some());
    }

    #[test]
    fn extend_follows_t81() {
        assert_eq!(extend(0, 1), -1);
        assert_eq!(extend(1, 1), 1);
        assert_eq!(extend(0b01, 2), -2);
        assert_eq!(extend(0b10, 2), 2);
    }
}
