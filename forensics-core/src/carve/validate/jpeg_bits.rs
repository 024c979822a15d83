//! Bit-level reading of JPEG entropy-coded data (ITU T.81 Annex C and F.2.2):
//! Huffman tables with an 8-bit fast path, and a bit reader that undoes byte
//! stuffing, stops at markers and works on two joined slices (a bifragment
//! candidate is decoded without copying).

use super::jpeg_scan::ScanError;

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
    pub(super) fn get(&self, index: usize) -> Option<u8> {
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

/// Bit reader with byte un-stuffing that stops at markers.
pub(super) struct Reader<'a> {
    data: Joined<'a>,
    pos: usize,
    acc: u64,
    nbits: u32,
    recent: [usize; 8],
    loaded: usize,
    stopped: Option<ScanError>,
}

impl<'a> Reader<'a> {
    pub(super) fn at(data: Joined<'a>, byte_pos: usize, bit_offset: u8) -> Self {
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

    pub(super) fn bits(&mut self, n: u32) -> Result<u32, ScanError> {
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

    pub(super) fn decode(&mut self, table: &HuffTable) -> Result<u8, ScanError> {
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

    /// The next byte to load (where a failure was noticed).
    pub(super) fn next_byte(&self) -> usize {
        self.pos
    }

    /// Byte and bit of the first unconsumed bit.
    pub(super) fn position(&self) -> (usize, u8) {
        if self.nbits == 0 {
            return (self.pos, 0);
        }
        let back = self.nbits.div_ceil(8) as usize;
        let index = (self.loaded + 8 - back) % 8;
        let bit_offset = ((8 - self.nbits % 8) % 8) as u8;
        (self.recent[index], bit_offset)
    }

    /// First byte after the current one once the rest of its bits are padding.
    pub(super) fn aligned_end(&self) -> usize {
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
}
