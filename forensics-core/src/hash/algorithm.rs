//! The four digest algorithms, sets of them, and the digests of one pass.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// A digest algorithm the engine computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// MD5 (RFC 1321), 16-byte digest. Still demanded by courts and NSRL.
    Md5,
    /// SHA-1 (FIPS 180-4), 20-byte digest.
    Sha1,
    /// SHA-256 (FIPS 180-4), 32-byte digest.
    Sha256,
    /// BLAKE3, 32-byte default-length digest.
    Blake3,
}

impl Algorithm {
    /// Every algorithm, in output order.
    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Sha1, Self::Sha256, Self::Blake3];

    /// Lowercase name as used in JSON fields and `--algo`: `md5`, `sha1`, `sha256`, `blake3`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Blake3 => "blake3",
        }
    }

    /// Digest length in bytes.
    pub fn digest_len_bytes(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha256 | Self::Blake3 => 32,
        }
    }

    /// Stable one-byte code, used in the `.fhs` hash-set file format.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Md5 => 1,
            Self::Sha1 => 2,
            Self::Sha256 => 3,
            Self::Blake3 => 4,
        }
    }

    /// The algorithm with [`Self::code`] `code`.
    pub(crate) fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    fn bit(self) -> u8 {
        1 << (self.code() - 1)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The text of an algorithm name that is not one of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown digest algorithm {0:?} (expected md5, sha1, sha256 or blake3)")]
pub struct UnknownAlgorithm(pub String);

impl FromStr for Algorithm {
    type Err = UnknownAlgorithm;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().replace('-', "").as_str() {
            "md5" => Ok(Self::Md5),
            "sha1" => Ok(Self::Sha1),
            "sha256" => Ok(Self::Sha256),
            "blake3" | "b3" => Ok(Self::Blake3),
            _ => Err(UnknownAlgorithm(text.to_string())),
        }
    }
}

/// A subset of the four algorithms, iterated in [`Algorithm::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlgorithmSet(u8);

impl AlgorithmSet {
    /// No algorithm.
    pub const EMPTY: Self = Self(0);
    /// All four algorithms.
    pub const ALL: Self = Self(0b1111);

    /// The set holding `algorithms`.
    pub fn of(algorithms: &[Algorithm]) -> Self {
        algorithms.iter().fold(Self::EMPTY, |set, &a| set.with(a))
    }

    /// This set plus `algorithm`.
    #[must_use]
    pub fn with(self, algorithm: Algorithm) -> Self {
        Self(self.0 | algorithm.bit())
    }

    /// Whether `algorithm` is in the set.
    pub fn contains(self, algorithm: Algorithm) -> bool {
        self.0 & algorithm.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Number of algorithms in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The algorithms, in [`Algorithm::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL
            .into_iter()
            .filter(move |&a| self.contains(a))
    }

    /// Parses a comma-separated list such as `md5,sha256`.
    pub fn parse_list(text: &str) -> Result<Self, UnknownAlgorithm> {
        text.split(',')
            .filter(|part| !part.trim().is_empty())
            .try_fold(Self::EMPTY, |set, part| Ok(set.with(part.parse()?)))
    }
}

impl fmt::Display for AlgorithmSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Algorithm::name).collect();
        f.write_str(&names.join(","))
    }
}

/// The digests of one pass; a field is `None` when its algorithm was not selected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Digests {
    /// MD5 digest.
    pub md5: Option<[u8; 16]>,
    /// SHA-1 digest.
    pub sha1: Option<[u8; 20]>,
    /// SHA-256 digest.
    pub sha256: Option<[u8; 32]>,
    /// BLAKE3 digest (32 bytes).
    pub blake3: Option<[u8; 32]>,
}

impl Digests {
    /// The digest bytes of `algorithm`, if computed.
    pub fn get(&self, algorithm: Algorithm) -> Option<&[u8]> {
        match algorithm {
            Algorithm::Md5 => self.md5.as_ref().map(<[u8; 16]>::as_slice),
            Algorithm::Sha1 => self.sha1.as_ref().map(<[u8; 20]>::as_slice),
            Algorithm::Sha256 => self.sha256.as_ref().map(<[u8; 32]>::as_slice),
            Algorithm::Blake3 => self.blake3.as_ref().map(<[u8; 32]>::as_slice),
        }
    }

    /// The digest of `algorithm` as lowercase hex, if computed.
    pub fn hex(&self, algorithm: Algorithm) -> Option<String> {
        self.get(algorithm).map(to_hex)
    }

    /// MD5 as lowercase hex.
    pub fn md5_hex(&self) -> Option<String> {
        self.hex(Algorithm::Md5)
    }

    /// SHA-1 as lowercase hex.
    pub fn sha1_hex(&self) -> Option<String> {
        self.hex(Algorithm::Sha1)
    }

    /// SHA-256 as lowercase hex.
    pub fn sha256_hex(&self) -> Option<String> {
        self.hex(Algorithm::Sha256)
    }

    /// BLAKE3 as lowercase hex.
    pub fn blake3_hex(&self) -> Option<String> {
        self.hex(Algorithm::Blake3)
    }

    /// The algorithms whose digest is present.
    pub fn algorithms(&self) -> AlgorithmSet {
        Algorithm::ALL
            .into_iter()
            .filter(|&a| self.get(a).is_some())
            .fold(AlgorithmSet::EMPTY, AlgorithmSet::with)
    }

    /// Sets the digest of `algorithm` from `bytes`; ignored if the length is wrong.
    pub(crate) fn set(&mut self, algorithm: Algorithm, bytes: &[u8]) {
        match algorithm {
            Algorithm::Md5 => self.md5 = bytes.try_into().ok(),
            Algorithm::Sha1 => self.sha1 = bytes.try_into().ok(),
            Algorithm::Sha256 => self.sha256 = bytes.try_into().ok(),
            Algorithm::Blake3 => self.blake3 = bytes.try_into().ok(),
        }
    }

    /// Takes every digest present in `other` (the lanes' partial results).
    pub(crate) fn merge(&mut self, other: &Digests) {
        self.md5 = self.md5.or(other.md5);
        self.sha1 = self.sha1.or(other.sha1);
        self.sha256 = self.sha256.or(other.sha256);
        self.blake3 = self.blake3.or(other.blake3);
    }
}

/// Lowercase hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    text
}

/// Bytes of a hex string (either case); `None` unless it is an even number of hex digits.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_lists_parse_in_any_order_and_case() {
        let set = AlgorithmSet::parse_list("SHA256, md5").unwrap();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Algorithm::Md5, Algorithm::Sha256]
        );
        assert_eq!(set.to_string(), "md5,sha256");
        assert!(AlgorithmSet::parse_list("md5,crc32").is_err());
        assert_eq!(AlgorithmSet::parse_list("sha-1").unwrap().len(), 1);
    }

    #[test]
    fn hex_round_trips_and_rejects_odd_or_foreign_digits() {
        assert_eq!(to_hex(&[0x00, 0xab, 0xff]), "00abff");
        assert_eq!(from_hex("00ABff"), Some(vec![0x00, 0xab, 0xff]));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex("zz"), None);
    }
}
