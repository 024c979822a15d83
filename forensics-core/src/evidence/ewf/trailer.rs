//! The `hash`, `digest` and `error2` sections.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! sections "Hash section" (MD5, 16 unknown bytes, Adler-32), "Digest
//! section" (MD5, SHA-1, 40 bytes padding, Adler-32) and "Error2 section"
//! (entry count, 512 bytes padding, Adler-32, then (first sector, sector
//! count) pairs and an Adler-32 of them).

use super::sections::{adler32, le_u32};

/// Data size of the hash section.
pub const HASH_DATA_SIZE: usize = 36;
/// Data size of the digest section.
pub const DIGEST_DATA_SIZE: usize = 80;
/// Cap on error2 entries read (each names a range of unreadable sectors).
pub const MAX_ERROR2_ENTRIES: usize = 1 << 16;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the Adler-32 stored after `body_len` bytes of `data`.
fn checked_body(data: &[u8], body_len: usize, what: &str) -> Result<(), String> {
    let body = data
        .get(..body_len)
        .ok_or_else(|| format!("{what} section is cut short ({} bytes)", data.len()))?;
    let stored =
        le_u32(data, body_len).ok_or_else(|| format!("{what} section lacks its checksum"))?;
    let computed = adler32(body);
    if stored != computed {
        return Err(format!(
            "{what} section checksum mismatch (stored {stored:#010x}, computed {computed:#010x})"
        ));
    }
    Ok(())
}

/// The MD5 of the hash section, lowercase hex.
pub fn parse_hash(data: &[u8]) -> Result<String, String> {
    checked_body(data, HASH_DATA_SIZE - 4, "hash")?;
    Ok(hex(&data[..16]))
}

/// The MD5 and SHA-1 of the digest section, lowercase hex.
pub fn parse_digest(data: &[u8]) -> Result<(String, String), String> {
    checked_body(data, DIGEST_DATA_SIZE - 4, "digest")?;
    Ok((hex(&data[..16]), hex(&data[16..36])))
}

/// `(first_sector, sector_count)` ranges the acquiring tool could not read.
pub fn parse_error2(data: &[u8]) -> Result<Vec<(u64, u64)>, String> {
    const HEADER: usize = 520;
    checked_body(data, HEADER - 4, "error2")?;
    let count = le_u32(data, 0).unwrap_or(0) as usize;
    if count > MAX_ERROR2_ENTRIES {
        return Err(format!(
            "error2 section claims {count} entries, above the limit of {MAX_ERROR2_ENTRIES}"
        ));
    }
    let entries_len = count * 8;
    let entries = data
        .get(HEADER..HEADER + entries_len)
        .ok_or_else(|| format!("error2 section is too short for {count} entries"))?;
    checked_body(&data[HEADER..], entries_len, "error2 entries")?;
    Ok(entries
        .chunks_exact(8)
        .map(|e| {
            (
                u64::from(le_u32(e, 0).unwrap_or(0)),
                u64::from(le_u32(e, 4).unwrap_or(0)),
            )
        })
        .collect())
}

/// Error2 section data for `(first_sector, sector_count)` ranges; `None`
/// when a value does not fit the 32-bit fields.
pub fn error2_bytes(ranges: &[(u64, u64)]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; 520];
    out[..4].copy_from_slice(&u32::try_from(ranges.len()).ok()?.to_le_bytes());
    let checksum = adler32(&out[..516]);
    out[516..520].copy_from_slice(&checksum.to_le_bytes());
    for &(first_sector, sector_count) in ranges {
        out.extend(u32::try_from(first_sector).ok()?.to_le_bytes());
        out.extend(u32::try_from(sector_count).ok()?.to_le_bytes());
    }
    let checksum = adler32(&out[520..]);
    out.extend(checksum.to_le_bytes());
    Some(out)
}

/// Hash section data for `md5`.
pub fn hash_bytes(md5: &[u8; 16]) -> Vec<u8> {
    let mut out = vec![0u8; HASH_DATA_SIZE];
    out[..16].copy_from_slice(md5);
    let checksum = adler32(&out[..HASH_DATA_SIZE - 4]);
    out[HASH_DATA_SIZE - 4..].copy_from_slice(&checksum.to_le_bytes());
    out
}

/// Digest section data for `md5` and `sha1`.
pub fn digest_bytes(md5: &[u8; 16], sha1: &[u8; 20]) -> Vec<u8> {
    let mut out = vec![0u8; DIGEST_DATA_SIZE];
    out[..16].copy_from_slice(md5);
    out[16..36].copy_from_slice(sha1);
    let checksum = adler32(&out[..DIGEST_DATA_SIZE - 4]);
    out[DIGEST_DATA_SIZE - 4..].copy_from_slice(&checksum.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_digest_round_trip_and_check_their_sums() {
        let md5 = [0xabu8; 16];
        let sha1 = [0x01u8; 20];
        assert_eq!(parse_hash(&hash_bytes(&md5)).unwrap(), "ab".repeat(16));
        let (m, s) = parse_digest(&digest_bytes(&md5, &sha1)).unwrap();
        assert_eq!(
            (m.as_str(), s.as_str()),
            ("ab".repeat(16).as_str(), "01".repeat(20).as_str())
        );
        let mut bad = hash_bytes(&md5);
        bad[0] = 0;
        assert!(parse_hash(&bad).is_err());
        assert!(parse_digest(&[0u8; 10]).is_err());
    }

    #[test]
    fn error2_entries_are_read() {
        let mut data = vec![0u8; 520];
        data[..4].copy_from_slice(&1u32.to_le_bytes());
        let sum = adler32(&data[..516]);
        data[516..520].copy_from_slice(&sum.to_le_bytes());
        let entry = [10u32.to_le_bytes(), 4u32.to_le_bytes()].concat();
        data.extend(&entry);
        data.extend(adler32(&entry).to_le_bytes());
        assert_eq!(parse_error2(&data).unwrap(), vec![(10, 4)]);
        assert_eq!(error2_bytes(&[(10, 4)]).unwrap(), data);
        assert!(error2_bytes(&[(1 << 32, 1)]).is_none());
    }
}
