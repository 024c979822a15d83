//! Bounded views of the media: zero-copy slices of a memory-mapped image, or
//! bytes read into a buffer for other sources.

use std::borrow::Cow;

use crate::evidence::EvidenceSource;

/// The media being carved.
pub struct Media<'a> {
    source: &'a dyn EvidenceSource,
    mapped: Option<&'a [u8]>,
}

impl<'a> Media<'a> {
    /// Wraps a source, using its zero-copy view when it has one.
    pub fn new(source: &'a dyn EvidenceSource) -> Self {
        Media {
            source,
            mapped: source.as_bytes(),
        }
    }

    /// Media size in bytes.
    pub fn len(&self) -> u64 {
        self.source.len()
    }

    /// Whether the media is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether views are zero-copy.
    pub fn is_mapped(&self) -> bool {
        self.mapped.is_some()
    }

    /// Up to `len_bytes` from `image_offset` (shorter at the end of the
    /// media); `None` when the offset is past the end or a read fails.
    pub fn region(&self, image_offset: u64, len_bytes: u64) -> Option<Cow<'a, [u8]>> {
        let end = image_offset.checked_add(len_bytes)?.min(self.len());
        if image_offset >= end {
            return if image_offset <= self.len() {
                Some(Cow::Borrowed(&[]))
            } else {
                None
            };
        }
        if let Some(all) = self.mapped {
            return all
                .get(image_offset as usize..end as usize)
                .map(Cow::Borrowed);
        }
        let mut buf = vec![0u8; usize::try_from(end - image_offset).ok()?];
        crate::evidence::read_exact_at(self.source, image_offset, &mut buf).ok()?;
        Some(Cow::Owned(buf))
    }
}
