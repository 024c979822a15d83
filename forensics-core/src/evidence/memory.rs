//! An in-memory source, for tests, fuzzing and re-scanning derived data.

use super::{Error, EvidenceSource};

/// Evidence held in a byte vector.
#[derive(Debug, Clone, Default)]
pub struct MemorySource {
    bytes: Vec<u8>,
}

impl MemorySource {
    /// Wraps `bytes` as evidence.
    pub fn new(bytes: Vec<u8>) -> Self {
        Self { bytes }
    }
}

impl EvidenceSource for MemorySource {
    fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    fn read_at(&self, image_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        Ok(copy_from_slice_at(&self.bytes, image_offset, buf))
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        Some(&self.bytes)
    }
}

/// Copies from `bytes[offset..]` into `buf`, as much as fits; 0 past the end.
pub(crate) fn copy_from_slice_at(bytes: &[u8], offset: u64, buf: &mut [u8]) -> usize {
    let Ok(start) = usize::try_from(offset) else {
        return 0;
    };
    let Some(rest) = bytes.get(start..) else {
        return 0;
    };
    let len = rest.len().min(buf.len());
    buf[..len].copy_from_slice(&rest[..len]);
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_short_at_the_end_and_empty_past_it() {
        let source = MemorySource::new(b"abcdef".to_vec());
        let mut buf = [0u8; 4];
        assert_eq!(source.read_at(4, &mut buf).unwrap(), 2);
        assert_eq!(&buf[..2], b"ef");
        assert_eq!(source.read_at(6, &mut buf).unwrap(), 0);
        assert_eq!(source.read_at(u64::MAX, &mut buf).unwrap(), 0);
    }
}
