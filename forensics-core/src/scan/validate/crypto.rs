//! Crypto-currency addresses: bitcoin base58check (P2PKH/P2SH), bitcoin
//! bech32/bech32m (BIP-173, BIP-350) and ethereum EIP-55.

use super::{Around, all_same};
use sha2::{Digest, Sha256};
use sha3::Keccak256;

const BASE58: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const BECH32: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
/// Bytes of a decoded base58check address: version, 20-byte hash, checksum.
const BASE58_ADDRESS_BYTES: usize = 25;

/// Whether `candidate` is a bitcoin address with a valid checksum.
pub fn check_bitcoin(candidate: &[u8], around: &Around<'_>) -> bool {
    if around.before_is(|b| b.is_ascii_alphanumeric())
        || around.after_is(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    if candidate.len() > 3 && candidate[..3].eq_ignore_ascii_case(b"bc1") {
        bech32_valid(candidate)
    } else {
        base58check_valid(candidate)
    }
}

/// Decodes base58 into exactly `N` bytes (leading `1`s are zero bytes).
fn base58_decode<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    let mut out = [0u8; N];
    for &c in text {
        let mut carry = BASE58.iter().position(|&x| x == c)? as u32;
        for byte in out.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return None;
        }
    }
    Some(out)
}

/// Base58check with version 0x00 (P2PKH) or 0x05 (P2SH) and a double
/// SHA-256 checksum.
pub fn base58check_valid(text: &[u8]) -> bool {
    let Some(bytes) = base58_decode::<BASE58_ADDRESS_BYTES>(text) else {
        return false;
    };
    if !matches!(bytes[0], 0x00 | 0x05) {
        return false;
    }
    // A version-0 address has exactly one leading `1` per leading zero byte.
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let ones = text.iter().take_while(|&&c| c == b'1').count();
    if zeros != ones {
        return false;
    }
    let digest = Sha256::digest(Sha256::digest(&bytes[..21]));
    digest[..4] == bytes[21..]
}

fn bech32_polymod(values: impl Iterator<Item = u8>) -> u32 {
    const GEN: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// Bech32 (witness version 0) or bech32m (versions 1-16) segwit address
/// with human-readable part `bc`.
pub fn bech32_valid(text: &[u8]) -> bool {
    if text.len() > 90
        || (text.iter().any(u8::is_ascii_lowercase) && text.iter().any(u8::is_ascii_uppercase))
    {
        return false;
    }
    let lower: Vec<u8> = text.to_ascii_lowercase();
    let Some(data_part) = lower.strip_prefix(b"bc1") else {
        return false;
    };
    let Some(data) = data_part
        .iter()
        .map(|c| BECH32.iter().position(|x| x == c).map(|p| p as u8))
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    if data.len() < 7 {
        return false;
    }
    let hrp_expanded = [b'b' >> 5, b'c' >> 5, 0, b'b' & 31, b'c' & 31];
    let constant = bech32_polymod(hrp_expanded.iter().copied().chain(data.iter().copied()));
    let version = data[0];
    let want = if version == 0 { 1 } else { 0x2bc8_30a3 };
    if constant != want || version > 16 {
        return false;
    }
    let Some(program) = convert_bits_5_to_8(&data[1..data.len() - 6]) else {
        return false;
    };
    if version == 0 {
        matches!(program.len(), 20 | 32)
    } else {
        (2..=40).contains(&program.len())
    }
}

fn convert_bits_5_to_8(data: &[u8]) -> Option<Vec<u8>> {
    let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::with_capacity(data.len() * 5 / 8));
    for &v in data {
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (bits < 5 && (acc & ((1 << bits) - 1)) == 0).then_some(out)
}

/// Whether `candidate` (`0x` and 40 hex digits) is an ethereum address:
/// all one case, or mixed case matching its EIP-55 checksum.
pub fn check_ethereum(candidate: &[u8], around: &Around<'_>) -> bool {
    if around.before_is(|b| b.is_ascii_alphanumeric())
        || around.after_is(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    let Some(hex) = candidate.get(2..42) else {
        return false;
    };
    if all_same(hex) {
        return false;
    }
    let has_lower = hex.iter().any(u8::is_ascii_lowercase);
    let has_upper = hex.iter().any(u8::is_ascii_uppercase);
    if !(has_lower && has_upper) {
        return true;
    }
    let hash = Keccak256::digest(hex.to_ascii_lowercase());
    hex.iter().enumerate().all(|(i, &c)| {
        let nibble = (hash[i / 2] >> if i % 2 == 0 { 4 } else { 0 }) & 0x0f;
        !c.is_ascii_alphabetic() || c.is_ascii_uppercase() == (nibble >= 8)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(text: &[u8]) -> Around<'_> {
        Around {
            text,
            start: 0,
            end: text.len(),
            before: None,
            after: None,
        }
    }

    #[test]
    fn base58check_addresses() {
        for ok in [
            &b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"[..],
            b"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
        ] {
            assert!(check_bitcoin(ok, &free(ok)));
        }
        assert!(!check_bitcoin(
            b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb",
            &free(b"x")
        ));
    }

    #[test]
    fn bech32_and_bech32m_addresses() {
        assert!(bech32_valid(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
        assert!(bech32_valid(b"BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
        assert!(bech32_valid(
            b"bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"
        ));
        // bech32m checksum on a version-0 program is invalid (BIP-350).
        assert!(!bech32_valid(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"));
        assert!(!bech32_valid(b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"));
    }

    #[test]
    fn eip55_mixed_case_is_checked() {
        let ok = b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert!(check_ethereum(ok, &free(ok)));
        let bad = b"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(!check_ethereum(bad, &free(bad)));
        let lower = b"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed";
        assert!(check_ethereum(lower, &free(lower)));
    }
}
