//! Feature values for the memory scenario, valid and decoy, with the
//! checksums scanners are expected to verify: Luhn for card numbers, ISO 13616
//! mod-97 for IBANs, base58check (double SHA-256) for bitcoin P2PKH addresses.

use crate::rng::Rng;
use crate::words;
use sha2::{Digest, Sha256};

const DOMAINS: &[&str] = &[
    "example.com",
    "mail.example.org",
    "example.net",
    "corp.example.co.uk",
];
const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// One generated feature value.
#[derive(Debug, Clone)]
pub struct Value {
    /// `email`, `url`, `ipv4`, `ccn`, `iban`, `btc`.
    pub kind: &'static str,
    /// Text as written into the image.
    pub text: String,
    /// Checksum validity, for kinds that have one.
    pub valid: Option<bool>,
}

/// Kinds in key order.
pub const KINDS: &[&str] = &["email", "url", "ipv4", "ccn", "iban", "btc"];

/// A feature of `kind`; `decoy` asks for a checksum-failing value (only for
/// `ccn`, `iban`, `btc`).
pub fn make(rng: &mut Rng, kind: &'static str, decoy: bool) -> Value {
    let (text, valid) = match kind {
        "email" => (format!("{}@{}", words::login(rng), rng.pick(DOMAINS)), None),
        "url" => (
            format!(
                "https://www.{}/{}/{}?id={}",
                rng.pick(DOMAINS),
                words::word(rng),
                words::word(rng),
                rng.below(100_000)
            ),
            None,
        ),
        "ipv4" => (
            format!(
                "{}.{}.{}.{}",
                rng.range(11, 223),
                rng.range(0, 255),
                rng.range(0, 255),
                rng.range(1, 254)
            ),
            None,
        ),
        "ccn" => (card_number(rng, decoy), Some(!decoy)),
        "iban" => (iban(rng, decoy), Some(!decoy)),
        _ => (bitcoin_address(rng, decoy), Some(!decoy)),
    };
    Value { kind, text, valid }
}

/// Luhn check digit for `digits` (without the check digit).
pub fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// True if the digits of `text` pass the Luhn check.
pub fn luhn_valid(text: &str) -> bool {
    let digits: Vec<u8> = text
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    match digits.split_last() {
        Some((&check, body)) => luhn_check_digit(body) == check,
        None => false,
    }
}

fn card_number(rng: &mut Rng, decoy: bool) -> String {
    let mut digits: Vec<u8> = if rng.below(2) == 0 {
        vec![4]
    } else {
        vec![5, rng.range(1, 5) as u8]
    };
    while digits.len() < 15 {
        digits.push(rng.below(10) as u8);
    }
    let check = luhn_check_digit(&digits);
    digits.push(if decoy {
        (check + 1 + rng.below(8) as u8) % 10
    } else {
        check
    });
    let plain: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    match rng.below(3) {
        0 => plain,
        n => {
            let sep = if n == 1 { " " } else { "-" };
            plain
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(sep)
        }
    }
}

/// ISO 13616 mod-97 of an IBAN (spaces ignored); 1 means valid.
pub fn iban_mod97(text: &str) -> u32 {
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if compact.len() < 5 {
        return 0;
    }
    let rearranged = compact[4..].iter().chain(&compact[..4]);
    let mut rem = 0u32;
    for &b in rearranged {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b.to_ascii_uppercase() - b'A') + 10
        };
        rem = if value >= 10 {
            (rem * 100 + value) % 97
        } else {
            (rem * 10 + value) % 97
        };
    }
    rem
}

fn iban(rng: &mut Rng, decoy: bool) -> String {
    let (country, len) = *rng.pick(&[("DE", 18usize), ("NL", 14), ("FR", 23), ("AT", 16)]);
    let mut bban = String::new();
    if country == "NL" {
        bban.push_str("ABNA");
    }
    while bban.len() < len {
        bban.push(char::from(b'0' + rng.below(10) as u8));
    }
    let check = 98 - iban_mod97(&format!("{country}00{bban}"));
    let check = if decoy {
        (check + 1 + rng.below(90) as u32) % 97 + 2
    } else {
        check
    };
    let plain = format!("{country}{check:02}{bban}");
    if rng.below(2) == 0 {
        plain
    } else {
        plain
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Base58 encoding (leading zero bytes become `1`).
pub fn base58(data: &[u8]) -> String {
    let mut digits: Vec<u8> = Vec::new();
    for &byte in data {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = data.iter().take_while(|&&b| b == 0).count();
    std::iter::repeat_n('1', zeros)
        .chain(digits.iter().rev().map(|&d| char::from(BASE58[d as usize])))
        .collect()
}

/// First four bytes of SHA-256(SHA-256(data)).
pub fn checksum4(data: &[u8]) -> [u8; 4] {
    let twice = Sha256::digest(Sha256::digest(data));
    [twice[0], twice[1], twice[2], twice[3]]
}

fn bitcoin_address(rng: &mut Rng, decoy: bool) -> String {
    let mut payload = vec![0x00u8];
    let mut hash = [0u8; 20];
    rng.fill(&mut hash);
    payload.extend_from_slice(&hash);
    let mut check = checksum4(&payload);
    if decoy {
        check[3] ^= 1 + rng.below(255) as u8;
    }
    payload.extend_from_slice(&check);
    base58(&payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111 1111 1111 1111"));
        assert!(!luhn_valid("4111 1111 1111 1112"));
        let mut rng = Rng::new(9);
        for _ in 0..50 {
            assert!(luhn_valid(&card_number(&mut rng, false)));
            assert!(!luhn_valid(&card_number(&mut rng, true)));
        }
    }

    #[test]
    fn iban_checks() {
        assert_eq!(iban_mod97("DE89 3704 0044 0532 0130 00"), 1);
        assert_eq!(iban_mod97("GB82 WEST 1234 5698 7654 32"), 1);
        let mut rng = Rng::new(4);
        for _ in 0..50 {
            assert_eq!(iban_mod97(&iban(&mut rng, false)), 1);
            assert_ne!(iban_mod97(&iban(&mut rng, true)), 1);
        }
    }

    #[test]
    fn bitcoin() {
        // Well-known address of the hash160 of all zero bytes.
        let mut payload = vec![0u8; 21];
        let check = checksum4(&payload);
        payload.extend_from_slice(&check);
        assert_eq!(base58(&payload), "1111111111111111111114oLvT2");
        let mut rng = Rng::new(2);
        let address = bitcoin_address(&mut rng, false);
        assert!(address.starts_with('1'));
    }
}
