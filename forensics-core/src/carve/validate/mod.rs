//! Structural validators, one file per type family.
//!
//! A validator sees a bounded view of the media starting at a candidate
//! header (at most the type's maximum size, less at the end of the media) and
//! decides where the file ends: [`Verdict::Complete`], [`Verdict::Truncated`]
//! (a valid start whose structure stops early or runs past the view), or
//! [`Verdict::Invalid`]. Validators never index with file-derived values: all
//! reads go through [`Ctx`]'s checked helpers.

pub mod archive;
pub mod document;
pub mod email;
pub mod exec;
pub mod gif;
pub mod image;
pub mod jpeg;
mod jpeg_bits;
pub mod jpeg_scan;
pub mod media;
pub mod ole2;
pub mod png;
pub mod sqlite;
pub mod windows;
pub mod zip;

use std::cell::Cell;

/// What a validator decided about one candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The structure is whole: the file is the first `len_bytes` of the view.
    Complete {
        /// Length of the file in bytes.
        len_bytes: u64,
    },
    /// The start is valid but the structure stops (or the view ends) after
    /// `present_len` bytes.
    Truncated {
        /// Bytes that belong to the file.
        present_len: u64,
    },
    /// Not a file of this type.
    Invalid,
}

/// The view a validator works on.
#[derive(Debug, Clone)]
pub struct Ctx<'a> {
    /// Media bytes from the candidate header on, at most the type's maximum size.
    pub data: &'a [u8],
    /// Whether the view stops before the end of the media (at the type's
    /// maximum size), so running off its end means "too large", not "truncated".
    pub capped: bool,
    /// Sorted offsets, relative to the view, of this type's footer pattern.
    pub footers: &'a [usize],
    /// Set when the validator wanted bytes past the end of the view.
    ran_off: Cell<bool>,
}

impl<'a> Ctx<'a> {
    /// A view over `data` with no footer list.
    pub fn new(data: &'a [u8]) -> Self {
        Ctx::with(data, false, &[])
    }

    /// A view with its cap flag and footer offsets.
    pub fn with(data: &'a [u8], capped: bool, footers: &'a [usize]) -> Self {
        Ctx {
            data,
            capped,
            footers,
            ran_off: Cell::new(false),
        }
    }

    /// Whether the validator wanted bytes past the end of the view.
    pub fn ran_off(&self) -> bool {
        self.ran_off.get()
    }

    /// Records that bytes past the end of the view were wanted.
    pub fn mark_ran_off(&self) {
        self.ran_off.set(true);
    }

    /// Length of the view.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Whether the view is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// `len` bytes at `at`, if inside the view.
    pub fn bytes(&self, at: usize, len: usize) -> Option<&'a [u8]> {
        let found = at.checked_add(len).and_then(|end| self.data.get(at..end));
        if found.is_none() {
            self.mark_ran_off();
        }
        found
    }

    /// One byte at `at`.
    pub fn u8(&self, at: usize) -> Option<u8> {
        let found = self.data.get(at).copied();
        if found.is_none() {
            self.mark_ran_off();
        }
        found
    }

    /// Little-endian u16 at `at`.
    pub fn le16(&self, at: usize) -> Option<u16> {
        Some(u16::from_le_bytes(self.bytes(at, 2)?.try_into().ok()?))
    }

    /// Little-endian u32 at `at`.
    pub fn le32(&self, at: usize) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(at, 4)?.try_into().ok()?))
    }

    /// Little-endian u64 at `at`.
    pub fn le64(&self, at: usize) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(at, 8)?.try_into().ok()?))
    }

    /// Big-endian u16 at `at`.
    pub fn be16(&self, at: usize) -> Option<u16> {
        Some(u16::from_be_bytes(self.bytes(at, 2)?.try_into().ok()?))
    }

    /// Big-endian u32 at `at`.
    pub fn be32(&self, at: usize) -> Option<u32> {
        Some(u32::from_be_bytes(self.bytes(at, 4)?.try_into().ok()?))
    }

    /// Big-endian u64 at `at`.
    pub fn be64(&self, at: usize) -> Option<u64> {
        Some(u64::from_be_bytes(self.bytes(at, 8)?.try_into().ok()?))
    }

    /// The verdict for a structure that needs `end` bytes: complete when they
    /// are in the view, truncated to the view when the media ends first,
    /// invalid when the view was capped (the file would exceed the maximum).
    pub fn ends_at(&self, end: u64) -> Verdict {
        if end <= self.data.len() as u64 {
            Verdict::Complete { len_bytes: end }
        } else if self.capped {
            self.mark_ran_off();
            Verdict::Invalid
        } else {
            self.mark_ran_off();
            self.truncated_to(self.data.len() as u64)
        }
    }

    /// `Truncated` with `present_len`, or `Invalid` when nothing is present.
    pub fn truncated_to(&self, present_len: u64) -> Verdict {
        if present_len == 0 {
            Verdict::Invalid
        } else {
            Verdict::Truncated { present_len }
        }
    }
}

/// Whether every byte is a printable ASCII character (for four-character codes).
pub fn is_fourcc(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| (0x20..0x7F).contains(b))
}
