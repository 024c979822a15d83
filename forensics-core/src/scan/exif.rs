//! EXIF GPS positions: from an `Exif\0\0` header, the TIFF structure, IFD0's
//! GPS pointer (tag 0x8825) and the GPS IFD's latitude and longitude.

/// Most bytes of TIFF data read after `Exif\0\0` (an APP1 segment's limit).
pub const MAX_EXIF_BYTES: usize = 64 << 10;
/// Most entries read from one IFD.
const MAX_IFD_ENTRIES: usize = 512;

struct Tiff<'a> {
    data: &'a [u8],
    little_endian: bool,
}

impl Tiff<'_> {
    fn u16_at(&self, offset: usize) -> Option<u16> {
        let b: [u8; 2] = self
            .data
            .get(offset..offset.checked_add(2)?)?
            .try_into()
            .ok()?;
        Some(if self.little_endian {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32_at(&self, offset: usize) -> Option<u32> {
        let b: [u8; 4] = self
            .data
            .get(offset..offset.checked_add(4)?)?
            .try_into()
            .ok()?;
        Some(if self.little_endian {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    /// Entries of the IFD at `offset`: (tag, type, count, value/offset field position).
    fn entries(&self, offset: usize) -> Option<Vec<(u16, u16, u32, usize)>> {
        let count = usize::from(self.u16_at(offset)?).min(MAX_IFD_ENTRIES);
        (0..count)
            .map(|i| {
                let at = offset.checked_add(2)?.checked_add(i.checked_mul(12)?)?;
                Some((
                    self.u16_at(at)?,
                    self.u16_at(at + 2)?,
                    self.u32_at(at + 4)?,
                    at + 8,
                ))
            })
            .collect()
    }

    /// Three RATIONALs (degrees, minutes, seconds) as decimal degrees.
    fn degrees(&self, field: usize) -> Option<f64> {
        let at = usize::try_from(self.u32_at(field)?).ok()?;
        let mut total = 0.0;
        for (i, scale) in [1.0, 60.0, 3600.0].iter().enumerate() {
            let num = self.u32_at(at.checked_add(i * 8)?)?;
            let den = self.u32_at(at.checked_add(i * 8 + 4)?)?;
            if den == 0 {
                return None;
            }
            total += f64::from(num) / f64::from(den) / scale;
        }
        Some(total)
    }
}

/// The GPS position in the EXIF block at the start of `data` (which begins
/// with `Exif\0\0`), as `latitude,longitude` in decimal degrees with six
/// decimals; `None` when there is none or the structure is broken.
pub fn gps_position(data: &[u8]) -> Option<String> {
    let tiff_bytes = data.get(6..)?;
    let tiff = Tiff {
        data: tiff_bytes.get(..tiff_bytes.len().min(MAX_EXIF_BYTES))?,
        little_endian: tiff_bytes.starts_with(b"II"),
    };
    let ifd0 = usize::try_from(tiff.u32_at(4)?).ok()?;
    let (_, _, _, field) = tiff
        .entries(ifd0)?
        .into_iter()
        .find(|(tag, kind, _, _)| *tag == 0x8825 && matches!(kind, 4 | 13))?;
    let gps_ifd = usize::try_from(tiff.u32_at(field)?).ok()?;
    let (mut lat, mut lon, mut lat_ref, mut lon_ref) = (None, None, b'N', b'E');
    for (tag, kind, count, field) in tiff.entries(gps_ifd)? {
        match (tag, kind, count) {
            (1, 2, _) => lat_ref = *tiff.data.get(field)?,
            (3, 2, _) => lon_ref = *tiff.data.get(field)?,
            (2, 5, 3) => lat = tiff.degrees(field),
            (4, 5, 3) => lon = tiff.degrees(field),
            _ => {}
        }
    }
    let lat = lat? * if lat_ref == b'S' { -1.0 } else { 1.0 };
    let lon = lon? * if lon_ref == b'W' { -1.0 } else { 1.0 };
    let in_range = lat.abs() <= 90.0 && lon.abs() <= 180.0 && lat.is_finite() && lon.is_finite();
    in_range.then(|| format!("{lat:.6},{lon:.6}"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian EXIF block with one GPS position (for tests).
    pub(crate) fn exif_with_gps(lat: [u32; 6], lat_ref: u8, lon: [u32; 6], lon_ref: u8) -> Vec<u8> {
        let mut t = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
        // IFD0 at 8: one entry, GPS pointer to 26.
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&0x8825u16.to_le_bytes());
        t.extend_from_slice(&4u16.to_le_bytes());
        t.extend_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(&26u32.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        // GPS IFD at 26: four entries (2 + 48 + 4 = 54 bytes), rationals at 80.
        t.extend_from_slice(&4u16.to_le_bytes());
        let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
            t.extend_from_slice(&tag.to_le_bytes());
            t.extend_from_slice(&kind.to_le_bytes());
            t.extend_from_slice(&count.to_le_bytes());
            t.extend_from_slice(&value);
        };
        entry(&mut t, 1, 2, 2, [lat_ref, 0, 0, 0]);
        entry(&mut t, 2, 5, 3, 80u32.to_le_bytes());
        entry(&mut t, 3, 2, 2, [lon_ref, 0, 0, 0]);
        entry(&mut t, 4, 5, 3, 104u32.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        for v in lat.iter().chain(&lon) {
            t.extend_from_slice(&v.to_le_bytes());
        }
        let mut out = b"Exif\x00\x00".to_vec();
        out.extend_from_slice(&t);
        out
    }

    #[test]
    fn reads_a_gps_position() {
        let block = exif_with_gps(
            [48, 1, 51, 1, 2400, 100],
            b'N',
            [2, 1, 17, 1, 4000, 100],
            b'W',
        );
        assert_eq!(gps_position(&block).as_deref(), Some("48.856667,-2.294444"));
    }

    #[test]
    fn truncated_blocks_give_nothing() {
        let block = exif_with_gps([48, 1, 51, 1, 24, 1], b'N', [2, 1, 17, 1, 40, 1], b'E');
        for len in 0..block.len() {
            let _ = gps_position(&block[..len]);
        }
        assert!(gps_position(&block[..block.len() - 1]).is_none());
    }
}
