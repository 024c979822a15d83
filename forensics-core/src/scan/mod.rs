//! Feature extraction over raw bytes, in the manner of bulk_extractor: e-mail
//! addresses, URLs, domains, IP and MAC addresses, payment-card numbers,
//! IBANs, phone numbers, bitcoin and ethereum addresses and EXIF GPS
//! positions, in ASCII/UTF-8 and UTF-16LE, with recursion into gzip, zlib, ZIP
//! and base64 data found in the stream.
//!
//! # How a scan runs
//! - The media is cut into pages ([`ScanOptions::page_bytes`]); each page is
//!   read with a margin after it (and a look-behind before it) and a hit is
//!   reported only when its first byte lies in the page proper, so a hit that
//!   crosses a page boundary is reported exactly once.
//! - Each page is searched once by one combined automaton holding every
//!   kind's pattern ([`patterns`]); every candidate then goes through the
//!   kind's validator ([`validate`]): Luhn and IIN ranges for card numbers,
//!   ISO 13616 mod-97 for IBANs, base58check and bech32/bech32m for bitcoin,
//!   EIP-55 for mixed-case ethereum addresses, and so on.
//! - UTF-16LE text is found as runs of `xx 00` pairs, transcoded to ASCII with
//!   a map back to the page, and searched by the same automaton ([`utf16`]).
//! - Compressed and encoded data found in the stream is decoded under limits
//!   ([`RecursionLimits`]) and scanned again ([`recurse`]); hits inside carry a
//!   bulk_extractor forensic path such as `4329472-GZIP-35`.
//! - Pages run in parallel (rayon); results are sorted, so the output is the
//!   same at any thread count.

pub mod context;
pub mod engine;
pub mod exif;
pub mod feature;
pub mod histogram;
pub mod keywords;
pub mod page;
pub mod patterns;
pub mod recurse;
pub mod utf16;
pub mod validate;

pub use feature::{Encoding, Feature, Kind, sort_features};
pub use histogram::{HistogramEntry, histogram};
pub use keywords::{KeywordError, Keywords};
pub use page::{ScanError, ScanReport, scan_bytes, scan_source, scan_source_range};

/// Limits on decoding compressed and encoded data found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecursionLimits {
    /// Containers inside containers deeper than this are not opened (0 turns
    /// recursion off).
    pub max_depth: u32,
    /// Most bytes one stream may decode to; the rest is left undecoded.
    pub max_output_bytes: usize,
    /// Most compressed or encoded bytes read for one stream.
    pub max_input_bytes: usize,
    /// Most decoded bytes per compressed byte (bomb guard).
    pub max_ratio: u64,
    /// Most decoded bytes in total for one page, all depths together.
    pub budget_bytes_per_page: usize,
}

impl Default for RecursionLimits {
    fn default() -> Self {
        Self {
            max_depth: 5,
            max_output_bytes: 64 << 20,
            max_input_bytes: 64 << 20,
            max_ratio: 1032,
            budget_bytes_per_page: 256 << 20,
        }
    }
}

/// What to scan for and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Kinds to report (keywords are reported whenever [`Self::keywords`] is set).
    pub kinds: Vec<Kind>,
    /// Search UTF-16LE text as well as ASCII/UTF-8.
    pub utf16: bool,
    /// Bytes of one page.
    pub page_bytes: usize,
    /// Bytes read after a page so that hits starting in it are seen whole.
    pub margin_bytes: usize,
    /// Bytes of context kept on each side of a hit.
    pub context_bytes: usize,
    /// Decoding of compressed and encoded data.
    pub recursion: RecursionLimits,
    /// Keywords to search for, if any.
    pub keywords: Option<Keywords>,
    /// Worker threads (0 = rayon's default, one per core).
    pub threads: usize,
}

/// Default page size: 16 MiB.
pub const DEFAULT_PAGE_BYTES: usize = 16 << 20;
/// Default margin after a page: 64 KiB.
pub const DEFAULT_MARGIN_BYTES: usize = 64 << 10;
/// Longest hit the scanner reports, in bytes of its encoding; longer
/// candidates are cut or dropped. Keeps context and value allocation bounded.
pub const MAX_HIT_BYTES: usize = 4096;

impl Default for ScanOptions {
    fn default() -> Self {
        Self {
            kinds: Kind::ALL.to_vec(),
            utf16: true,
            page_bytes: DEFAULT_PAGE_BYTES,
            margin_bytes: DEFAULT_MARGIN_BYTES,
            context_bytes: 16,
            recursion: RecursionLimits::default(),
            keywords: None,
            threads: 0,
        }
    }
}
