//! A window: a sub-range of a source that is itself a source (a partition).

use std::sync::Arc;

use super::{Error, EvidenceSource};
use crate::Problem;

/// Bytes `[start, start + len)` of a parent source, addressed from 0.
#[derive(Clone)]
pub struct Window {
    parent: Arc<dyn EvidenceSource>,
    start: u64,
    len: u64,
}

impl Window {
    /// A window of `len_bytes` at `image_offset` of `parent`; fails if it does
    /// not lie inside the parent.
    pub fn new(
        parent: Arc<dyn EvidenceSource>,
        image_offset: u64,
        len_bytes: u64,
    ) -> Result<Self, Error> {
        let end = image_offset.checked_add(len_bytes);
        if end.is_none_or(|end| end > parent.len()) {
            return Err(Error::OutOfRange {
                image_offset,
                len_bytes,
                media_size: parent.len(),
            });
        }
        Ok(Self {
            parent,
            start: image_offset,
            len: len_bytes,
        })
    }

    /// Offset of the window's first byte in the parent.
    pub fn start(&self) -> u64 {
        self.start
    }
}

impl std::fmt::Debug for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Window")
            .field("start", &self.start)
            .field("len", &self.len)
            .finish()
    }
}

impl EvidenceSource for Window {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, window_offset: u64, buf: &mut [u8]) -> Result<usize, Error> {
        if window_offset >= self.len {
            return Ok(0);
        }
        let available = self.len - window_offset;
        let want = buf
            .len()
            .min(usize::try_from(available).unwrap_or(usize::MAX));
        self.parent
            .read_at(self.start + window_offset, &mut buf[..want])
    }

    fn as_bytes(&self) -> Option<&[u8]> {
        let bytes = self.parent.as_bytes()?;
        let start = usize::try_from(self.start).ok()?;
        let end = usize::try_from(self.start + self.len).ok()?;
        bytes.get(start..end)
    }

    fn damaged_ranges(&self) -> Vec<Problem> {
        let end = self.start + self.len;
        self.parent
            .damaged_ranges()
            .into_iter()
            .filter(|p| p.image_offset.is_some_and(|o| o >= self.start && o < end))
            .map(|mut p| {
                p.image_offset = p.image_offset.map(|o| o - self.start);
                p
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::MemorySource;

    #[test]
    fn window_reads_stop_at_its_end_not_the_parents() {
        let parent = Arc::new(MemorySource::new((0u8..100).collect()));
        let window = Window::new(parent, 10, 20).unwrap();
        let mut buf = [0u8; 50];
        assert_eq!(window.read_at(15, &mut buf).unwrap(), 5);
        assert_eq!(&buf[..5], &[25, 26, 27, 28, 29]);
        assert_eq!(window.as_bytes().unwrap().len(), 20);
    }

    #[test]
    fn window_past_the_parent_is_refused() {
        let parent = Arc::new(MemorySource::new(vec![0; 10]));
        assert!(Window::new(parent.clone(), 5, 6).is_err());
        assert!(Window::new(parent, u64::MAX, 2).is_err());
    }
}
