//! The `volume` / `disk` / `data` section: media geometry and chunk size.
//!
//! Source: libewf documentation "Expert Witness Compression Format (EWF)",
//! sections "Volume section" (EnCase 2–7 layout, 1052 bytes of data) and
//! "EWF-S01 volume section" (SMART layout, 94 bytes). The `data` section in
//! later segments repeats the volume data.

use super::sections::{adler32, le_u32, le_u64};

/// Data size of the EnCase volume section.
pub const VOLUME_DATA_SIZE: usize = 1052;
/// Data size of the SMART (EWF-S01) volume section.
const SMART_VOLUME_DATA_SIZE: usize = 94;
/// Largest chunk accepted: 64 MiB (EnCase writes 32 KiB; libewf allows up to
/// 32768 sectors per chunk, i.e. 16 MiB with 512-byte sectors).
pub const MAX_CHUNK_SIZE: u64 = 64 << 20;
/// Largest sector size accepted.
pub const MAX_BYTES_PER_SECTOR: u32 = 1 << 16;

/// What the volume section says about the media.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Volume {
    /// Media type byte: 0 removable, 1 fixed, 3 optical, 0x0e logical, 0x10 memory.
    pub media_type: u8,
    /// Chunk count stated by the writer.
    pub chunk_count: u32,
    /// Sectors in one chunk.
    pub sectors_per_chunk: u32,
    /// Bytes in one sector.
    pub bytes_per_sector: u32,
    /// Sectors of media.
    pub sector_count: u64,
    /// Media flags: 0x01 image file, 0x02 physical device.
    pub media_flags: u8,
    /// 0 none, 1 fast, 2 best.
    pub compression_level: u8,
    /// Sectors per error-granularity unit.
    pub error_granularity: u32,
}

impl Volume {
    /// Parses the section data (either layout). `Err` says what is wrong.
    pub fn parse(data: &[u8]) -> Result<Self, String> {
        if data.len() >= VOLUME_DATA_SIZE {
            let body = &data[..VOLUME_DATA_SIZE - 4];
            check_sum(body, le_u32(data, VOLUME_DATA_SIZE - 4))?;
            Ok(Self {
                media_type: body[0],
                chunk_count: le_u32(body, 4).unwrap_or(0),
                sectors_per_chunk: le_u32(body, 8).unwrap_or(0),
                bytes_per_sector: le_u32(body, 12).unwrap_or(0),
                sector_count: le_u64(body, 16).unwrap_or(0),
                media_flags: body[36],
                compression_level: body[52],
                error_granularity: le_u32(body, 56).unwrap_or(0),
            })
        } else if data.len() >= SMART_VOLUME_DATA_SIZE {
            let body = &data[..SMART_VOLUME_DATA_SIZE - 4];
            check_sum(body, le_u32(data, SMART_VOLUME_DATA_SIZE - 4))?;
            Ok(Self {
                media_type: 1,
                chunk_count: le_u32(body, 4).unwrap_or(0),
                sectors_per_chunk: le_u32(body, 8).unwrap_or(0),
                bytes_per_sector: le_u32(body, 12).unwrap_or(0),
                sector_count: u64::from(le_u32(body, 16).unwrap_or(0)),
                media_flags: 0x01,
                compression_level: 0,
                error_granularity: 0,
            })
        } else {
            Err(format!(
                "volume section holds {} bytes, fewer than the {SMART_VOLUME_DATA_SIZE} of the smallest layout",
                data.len()
            ))
        }
    }

    /// Chunk size in bytes, refusing 0 and sizes above [`MAX_CHUNK_SIZE`].
    pub fn chunk_size(&self) -> Result<u32, String> {
        if self.bytes_per_sector == 0 || self.bytes_per_sector > MAX_BYTES_PER_SECTOR {
            return Err(format!(
                "bytes per sector is {}, not within 1..={MAX_BYTES_PER_SECTOR}",
                self.bytes_per_sector
            ));
        }
        let size = u64::from(self.sectors_per_chunk) * u64::from(self.bytes_per_sector);
        if size == 0 || size > MAX_CHUNK_SIZE {
            return Err(format!(
                "chunk size of {} sectors x {} bytes = {size} bytes is not within 1..={MAX_CHUNK_SIZE}",
                self.sectors_per_chunk, self.bytes_per_sector
            ));
        }
        u32::try_from(size).map_err(|_| format!("chunk size {size} does not fit 32 bits"))
    }

    /// Media size in bytes (sectors × bytes per sector), `None` on overflow.
    pub fn media_size(&self) -> Option<u64> {
        self.sector_count
            .checked_mul(u64::from(self.bytes_per_sector))
    }

    /// The media type as `ewfinfo` names it.
    pub fn media_type_name(&self) -> &'static str {
        match self.media_type {
            0x00 => "removable disk",
            0x01 => "fixed disk",
            0x03 => "optical disk (CD/DVD/BD)",
            0x0e => "logical evidence",
            0x10 => "memory (RAM)",
            _ => "unknown",
        }
    }

    /// Whether the media flags mark a physical device.
    pub fn is_physical(&self) -> bool {
        self.media_flags & 0x02 != 0
    }

    /// The EnCase layout of this volume (1052 bytes, checksum included).
    pub fn to_bytes(self) -> Vec<u8> {
        let mut out = vec![0u8; VOLUME_DATA_SIZE];
        out[0] = self.media_type;
        out[4..8].copy_from_slice(&self.chunk_count.to_le_bytes());
        out[8..12].copy_from_slice(&self.sectors_per_chunk.to_le_bytes());
        out[12..16].copy_from_slice(&self.bytes_per_sector.to_le_bytes());
        out[16..24].copy_from_slice(&self.sector_count.to_le_bytes());
        out[36] = self.media_flags;
        out[52] = self.compression_level;
        out[56..60].copy_from_slice(&self.error_granularity.to_le_bytes());
        let checksum = adler32(&out[..VOLUME_DATA_SIZE - 4]);
        out[VOLUME_DATA_SIZE - 4..].copy_from_slice(&checksum.to_le_bytes());
        out
    }
}

fn check_sum(body: &[u8], stored: Option<u32>) -> Result<(), String> {
    let computed = adler32(body);
    match stored {
        Some(stored) if stored == computed => Ok(()),
        Some(stored) => Err(format!(
            "volume checksum mismatch (stored {stored:#010x}, computed {computed:#010x})"
        )),
        None => Err("volume section is cut short".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume(sectors_per_chunk: u32, bytes_per_sector: u32) -> Volume {
        Volume {
            media_type: 1,
            chunk_count: 1,
            sectors_per_chunk,
            bytes_per_sector,
            sector_count: 64,
            media_flags: 3,
            compression_level: 2,
            error_granularity: 64,
        }
    }

    #[test]
    fn round_trips_and_checks_its_checksum() {
        let v = volume(64, 512);
        let bytes = v.to_bytes();
        assert_eq!(Volume::parse(&bytes), Ok(v));
        let mut bad = bytes.clone();
        bad[8] ^= 1;
        assert!(Volume::parse(&bad).unwrap_err().contains("checksum"));
        assert!(Volume::parse(&bytes[..50]).is_err());
    }

    #[test]
    fn chunk_sizes_zero_and_huge_are_refused() {
        assert_eq!(volume(64, 512).chunk_size(), Ok(32768));
        assert!(
            volume(0, 512)
                .chunk_size()
                .unwrap_err()
                .contains("chunk size")
        );
        // 4 GiB: 8,388,608 sectors of 512 bytes.
        assert!(
            volume(8 << 20, 512)
                .chunk_size()
                .unwrap_err()
                .contains("4294967296")
        );
        assert!(volume(64, 0).chunk_size().is_err());
    }
}
