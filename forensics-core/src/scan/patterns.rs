//! The pattern table: one regular expression per kind of candidate, compiled
//! together into one multi-pattern automaton, so a page is searched once for
//! all kinds. Every candidate is checked afterwards by its kind's validator;
//! the patterns only need to find candidates.
//!
//! The automaton uses leftmost-first semantics: among candidates starting at
//! the same byte, the one earlier in [`TABLE`] wins. The order is chosen so
//! that the more specific kind wins (a URL over the domain in it, an e-mail
//! over the domain after its `@`, a MAC address over the IPv6 reading of it).
//!
//! Repetitions are bounded wherever a pattern ranks above another that can
//! match inside it: an unbounded higher-ranked pattern would make every
//! search scan to the end of a long run (say, of digits) before settling for
//! the lower-ranked match, which is quadratic.

use super::feature::Kind;
use regex_automata::meta::{BuildError, Regex};
use regex_automata::util::syntax;

/// What a pattern finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidate {
    /// A feature of this kind, to validate.
    Feature(Kind),
    /// A container to decode and scan again.
    Container(Container),
    /// An EXIF block (`Exif\0\0` and a TIFF header), to parse for GPS.
    Exif,
}

/// Compressed or encoded data found in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Container {
    /// gzip member (RFC 1952).
    Gzip,
    /// zlib stream (RFC 1950).
    Zlib,
    /// ZIP local file header with a deflated entry.
    Zip,
    /// A block of base64 text.
    Base64,
}

impl Container {
    /// The word used in forensic paths (`GZIP`, `ZLIB`, `ZIP`, `BASE64`).
    pub fn path_word(self) -> &'static str {
        match self {
            Container::Gzip => "GZIP",
            Container::Zlib => "ZLIB",
            Container::Zip => "ZIP",
            Container::Base64 => "BASE64",
        }
    }
}

/// The table, in priority order (see the module documentation).
pub const TABLE: &[(Candidate, &str)] = &[
    (
        Candidate::Feature(Kind::Url),
        r"(?i:https?|ftps?|file|wss?)://[A-Za-z0-9\-._~:/?#@!$&*+,=%()]+",
    ),
    (
        Candidate::Feature(Kind::Email),
        r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}",
    ),
    (
        Candidate::Feature(Kind::Btc),
        r"(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{6,87}",
    ),
    (Candidate::Feature(Kind::Eth), r"0x[0-9a-fA-F]{40}"),
    (
        Candidate::Feature(Kind::Iban),
        r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?",
    ),
    (
        Candidate::Feature(Kind::Mac),
        r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}",
    ),
    (
        Candidate::Feature(Kind::Ipv6),
        r"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}",
    ),
    (
        Candidate::Feature(Kind::Ipv4),
        r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}",
    ),
    (Candidate::Feature(Kind::Phone), r"\+[1-9][0-9]{6,14}"),
    (
        Candidate::Feature(Kind::Btc),
        r"[13][1-9A-HJ-NP-Za-km-z]{25,34}",
    ),
    (
        Candidate::Feature(Kind::Ccn),
        r"[0-9]{13,19}|[0-9]{4}(?:[ \-][0-9]{4}){2}[ \-][0-9]{1,7}|[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{4,5}",
    ),
    (
        Candidate::Feature(Kind::Domain),
        r"[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}",
    ),
    (Candidate::Container(Container::Gzip), r"\x1f\x8b\x08"),
    (
        Candidate::Container(Container::Zlib),
        r"\x78[\x01\x5e\x9c\xda]",
    ),
    (Candidate::Container(Container::Zip), r"PK\x03\x04"),
    (Candidate::Exif, r"Exif\x00\x00(?:II\x2a\x00|MM\x00\x2a)"),
    (
        Candidate::Container(Container::Base64),
        r"[A-Za-z0-9+/]{64,}(?:\r?\n[A-Za-z0-9+/]{4,})*={0,2}",
    ),
];

/// Size of the lazy DFA's cache per search; large enough that the combined
/// automaton does not thrash on mixed text.
const DFA_CACHE_BYTES: usize = 32 << 20;

/// Compiles the patterns of [`TABLE`] that `want` keeps into one automaton;
/// pattern `i` of the result finds the `i`-th returned candidate.
pub fn build_for(
    want: impl Fn(Candidate) -> bool,
) -> Result<(Regex, Vec<Candidate>), Box<BuildError>> {
    let chosen: Vec<(Candidate, &str)> = TABLE.iter().copied().filter(|(c, _)| want(*c)).collect();
    let patterns: Vec<&str> = chosen.iter().map(|(_, p)| *p).collect();
    let regex = Regex::builder()
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .configure(
            Regex::config()
                .utf8_empty(false)
                .hybrid_cache_capacity(DFA_CACHE_BYTES),
        )
        .build_many(&patterns)
        .map_err(Box::new)?;
    Ok((regex, chosen.into_iter().map(|(c, _)| c).collect()))
}
