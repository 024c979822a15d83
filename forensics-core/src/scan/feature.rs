//! The feature record and its kinds.

use serde::Serialize;
use std::cmp::Ordering;

/// What a feature is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// E-mail address.
    Email,
    /// URL with a scheme (`http`, `https`, `ftp`, `file`, ...).
    Url,
    /// Domain name with a known kind of top-level domain.
    Domain,
    /// IPv4 address in dotted-quad notation.
    Ipv4,
    /// IPv6 address.
    Ipv6,
    /// Ethernet MAC address (`aa:bb:cc:dd:ee:ff` or with dashes).
    Mac,
    /// Payment-card number (Luhn and IIN ranges checked).
    Ccn,
    /// IBAN (mod-97 and per-country length checked).
    Iban,
    /// E.164 phone number (`+` and 7-15 digits).
    Phone,
    /// Bitcoin address (base58check or bech32/bech32m checked).
    Btc,
    /// Ethereum address (EIP-55 checked when mixed case).
    Eth,
    /// EXIF GPS position, `value` = `latitude,longitude` in decimal degrees.
    Gps,
    /// A hit of a user keyword.
    Keyword,
}

impl Kind {
    /// Every pattern kind (keywords excluded: they come from the user).
    pub const ALL: [Kind; 12] = [
        Kind::Email,
        Kind::Url,
        Kind::Domain,
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Mac,
        Kind::Ccn,
        Kind::Iban,
        Kind::Phone,
        Kind::Btc,
        Kind::Eth,
        Kind::Gps,
    ];

    /// The name used in output and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Domain => "domain",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Mac => "mac",
            Kind::Ccn => "ccn",
            Kind::Iban => "iban",
            Kind::Phone => "phone",
            Kind::Btc => "btc",
            Kind::Eth => "eth",
            Kind::Gps => "gps",
            Kind::Keyword => "keyword",
        }
    }

    /// The kind named `name` (as [`Kind::name`] prints it, or a usual alias
    /// such as `card`, `bitcoin`, `ethereum`, `e-mail`).
    pub fn from_name(name: &str) -> Option<Kind> {
        let kind = match name.to_ascii_lowercase().replace('-', "_").as_str() {
            "email" | "e_mail" => Kind::Email,
            "url" => Kind::Url,
            "domain" => Kind::Domain,
            "ipv4" | "ip" => Kind::Ipv4,
            "ipv6" => Kind::Ipv6,
            "mac" | "ether" => Kind::Mac,
            "ccn" | "card" | "credit_card" | "payment_card" | "pan" => Kind::Ccn,
            "iban" => Kind::Iban,
            "phone" | "telephone" => Kind::Phone,
            "btc" | "bitcoin" => Kind::Btc,
            "eth" | "ethereum" => Kind::Eth,
            "gps" | "exif_gps" => Kind::Gps,
            "keyword" => Kind::Keyword,
            _ => return None,
        };
        Some(kind)
    }
}

/// The text encoding a feature was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// ASCII or UTF-8 bytes (and binary structures such as EXIF).
    Ascii,
    /// UTF-16 little-endian code units.
    Utf16le,
}

impl Encoding {
    /// The name used in output (`ascii`, `utf16le`).
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Ascii => "ascii",
            Encoding::Utf16le => "utf16le",
        }
    }
}

/// One feature found in the media.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feature {
    /// What it is.
    pub kind: Kind,
    /// The text as found (card numbers and IBANs keep their separators).
    pub value: String,
    /// Media offset of its first byte; for a hit inside decoded data, the
    /// offset of the outermost container.
    pub image_offset: u64,
    /// Encoding it was found in.
    pub encoding: Encoding,
    /// bulk_extractor forensic path: the image offset as decimal, or
    /// `OFFSET-GZIP-INNER[-ZIP-INNER...]` inside decoded data.
    pub forensic_path: String,
    /// Bytes around it, printable ASCII kept, the rest escaped as `\xNN`.
    pub context: String,
}

/// Sorts features by place (image offset, then forensic path with numbers
/// compared as numbers), kind, value and encoding: a total order, so the
/// output does not depend on the thread count.
pub fn sort_features(features: &mut [Feature]) {
    features.sort_by(compare);
}

fn compare(a: &Feature, b: &Feature) -> Ordering {
    a.image_offset
        .cmp(&b.image_offset)
        .then_with(|| compare_paths(&a.forensic_path, &b.forensic_path))
        .then_with(|| a.kind.cmp(&b.kind))
        .then_with(|| a.value.cmp(&b.value))
        .then_with(|| a.encoding.cmp(&b.encoding))
        .then_with(|| a.context.cmp(&b.context))
}

fn compare_paths(a: &str, b: &str) -> Ordering {
    let mut left = a.split('-');
    let mut right = b.split('-');
    loop {
        match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (x.parse::<u64>(), y.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => x.cmp(y),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_compare_numbers_as_numbers() {
        assert_eq!(compare_paths("100-GZIP-35", "100-GZIP-200"), Ordering::Less);
        assert_eq!(compare_paths("100", "100-GZIP-0"), Ordering::Less);
        assert_eq!(compare_paths("99", "100"), Ordering::Less);
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("credit-card"), Some(Kind::Ccn));
    }
}
