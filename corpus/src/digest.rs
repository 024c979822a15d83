//! Digests of generated content.

use crate::key::Digests;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// SHA-256 of `data` as lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// MD5, SHA-1 and SHA-256 of `data`.
pub fn digests(data: &[u8]) -> Digests {
    let mut hasher = MultiHasher::default();
    hasher.update(data);
    hasher.finish()
}

/// MD5, SHA-1 and SHA-256 computed in one pass over streamed bytes.
#[derive(Default, Clone)]
pub struct MultiHasher {
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
}

impl MultiHasher {
    /// Feeds more bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.md5.update(data);
        self.sha1.update(data);
        self.sha256.update(data);
    }

    /// The three digests.
    pub fn finish(self) -> Digests {
        Digests {
            md5: hex(&self.md5.finalize()),
            sha1: hex(&self.sha1.finalize()),
            sha256: hex(&self.sha256.finalize()),
        }
    }
}
