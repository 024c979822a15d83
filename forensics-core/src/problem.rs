//! Problems: what could not be read or parsed, with where it happened.
//!
//! Work goes on after a problem; nothing is dropped in silence. A problem is
//! reported to the caller (and later stored in the case database).

use serde::Serialize;

/// Something in the evidence that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    /// Offset of the faulty structure from the start of the media, when known.
    pub image_offset: Option<u64>,
    /// Length in bytes of the affected region, when known.
    pub len_bytes: Option<u64>,
    /// What went wrong, as a sentence.
    pub message: String,
}

impl Problem {
    /// A problem at a known media offset covering `len_bytes`.
    pub fn at(image_offset: u64, len_bytes: u64, message: impl Into<String>) -> Self {
        Self {
            image_offset: Some(image_offset),
            len_bytes: Some(len_bytes),
            message: message.into(),
        }
    }

    /// A problem without a position (a missing section, say).
    pub fn general(message: impl Into<String>) -> Self {
        Self {
            image_offset: None,
            len_bytes: None,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.image_offset {
            Some(offset) => write!(f, "at offset {offset}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
