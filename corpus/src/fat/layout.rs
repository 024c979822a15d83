//! FAT geometry and the boot sector, BPB and FSInfo (Microsoft FAT
//! specification, "Boot Sector and BPB", "FAT32 FSInfo Sector Structure").

use crate::error::{Error, Result};

/// Bytes per sector (the only size we write).
pub const SECTOR_BYTES: u32 = 512;
/// Root directory entries for FAT12/16.
const ROOT_ENTRIES_FAT1216: u32 = 512;
/// FAT32 sector of the FSInfo structure and of the backup boot sector.
const FSINFO_SECTOR: u32 = 1;
const BACKUP_BOOT_SECTOR: u32 = 6;

/// FAT variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FatType {
    /// 12-bit FAT entries, fewer than 4085 clusters.
    Fat12,
    /// 16-bit FAT entries, 4085..65525 clusters.
    Fat16,
    /// 28-bit FAT entries, 65525 clusters or more.
    Fat32,
}

impl FatType {
    /// `fat12`, `fat16`, `fat32`.
    pub fn name(self) -> &'static str {
        match self {
            FatType::Fat12 => "fat12",
            FatType::Fat16 => "fat16",
            FatType::Fat32 => "fat32",
        }
    }

    fn cluster_range(self) -> (u32, u32) {
        match self {
            FatType::Fat12 => (1, 4084),
            FatType::Fat16 => (4085, 65524),
            FatType::Fat32 => (65525, 0x0FFF_FFF4),
        }
    }

    /// End-of-chain value.
    pub fn end_of_chain(self) -> u32 {
        match self {
            FatType::Fat12 => 0xFFF,
            FatType::Fat16 => 0xFFFF,
            FatType::Fat32 => 0x0FFF_FFFF,
        }
    }
}

/// log2 of the smallest sectors-per-cluster we use: FAT32 volumes get the
/// cluster sizes `mkfs.fat` picks (512 B up to 260 MiB, 4 KiB up to 8 GiB,
/// then 8, 16, 32 KiB), which also bounds the in-memory FAT.
fn min_cluster_shift(fat_type: FatType, len_bytes: u64) -> u32 {
    const MIB: u64 = 1 << 20;
    if fat_type != FatType::Fat32 || len_bytes <= 260 * MIB {
        0
    } else if len_bytes <= 8192 * MIB {
        3
    } else if len_bytes <= 16384 * MIB {
        4
    } else if len_bytes <= 32768 * MIB {
        5
    } else {
        6
    }
}

/// Where everything is, in sectors from the start of the file system.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Variant.
    pub fat_type: FatType,
    /// Total sectors.
    pub total_sectors: u32,
    /// Sectors per cluster.
    pub sectors_per_cluster: u32,
    /// Reserved sectors before the first FAT.
    pub reserved_sectors: u32,
    /// Sectors per FAT.
    pub fat_sectors: u32,
    /// Root directory entries (FAT12/16), 0 for FAT32.
    pub root_entries: u32,
    /// Number of data clusters (numbered 2..cluster_count+2).
    pub cluster_count: u32,
}

impl Layout {
    /// Chooses the smallest cluster size giving a legal cluster count for
    /// `fat_type` in `len_bytes`.
    pub fn compute(fat_type: FatType, len_bytes: u64) -> Result<Self> {
        let total_sectors = u32::try_from(len_bytes / u64::from(SECTOR_BYTES))
            .map_err(|_| Error::InvalidOption(format!("{len_bytes} bytes is too large for FAT")))?;
        let (reserved_sectors, root_entries) = match fat_type {
            FatType::Fat32 => (32, 0),
            _ => (4, ROOT_ENTRIES_FAT1216),
        };
        let root_sectors = root_entries * 32 / SECTOR_BYTES;
        let (min, max) = fat_type.cluster_range();
        for shift in min_cluster_shift(fat_type, len_bytes)..8 {
            let spc = 1u32 << shift;
            let mut fat_sectors = 1u32;
            let mut clusters = 0u32;
            for _ in 0..8 {
                let overhead = reserved_sectors + 2 * fat_sectors + root_sectors;
                clusters = total_sectors.saturating_sub(overhead) / spc;
                let fat_bytes = match fat_type {
                    FatType::Fat12 => (u64::from(clusters) + 2) * 3 / 2 + 1,
                    FatType::Fat16 => (u64::from(clusters) + 2) * 2,
                    FatType::Fat32 => (u64::from(clusters) + 2) * 4,
                };
                fat_sectors = fat_bytes.div_ceil(u64::from(SECTOR_BYTES)) as u32;
            }
            let overhead = reserved_sectors + 2 * fat_sectors + root_sectors;
            clusters = clusters.min(total_sectors.saturating_sub(overhead) / spc);
            if clusters > max {
                continue;
            }
            if clusters < min {
                break;
            }
            return Ok(Self {
                fat_type,
                total_sectors,
                sectors_per_cluster: spc,
                reserved_sectors,
                fat_sectors,
                root_entries,
                cluster_count: clusters,
            });
        }
        Err(Error::InvalidOption(format!(
            "{len_bytes} bytes cannot hold a {} file system",
            fat_type.name()
        )))
    }

    /// Cluster size in bytes.
    pub fn cluster_bytes(&self) -> u32 {
        self.sectors_per_cluster * SECTOR_BYTES
    }

    /// First sector of FAT number `index` (0 or 1).
    pub fn fat_start(&self, index: u32) -> u32 {
        self.reserved_sectors + index * self.fat_sectors
    }

    /// First sector of the FAT12/16 root directory.
    pub fn root_dir_start(&self) -> u32 {
        self.fat_start(2)
    }

    /// First sector of cluster 2.
    pub fn data_start(&self) -> u32 {
        self.root_dir_start() + self.root_entries * 32 / SECTOR_BYTES
    }

    /// Byte offset (from the file system start) of `cluster`.
    pub fn cluster_offset(&self, cluster: u32) -> u64 {
        (u64::from(self.data_start())
            + u64::from(cluster - 2) * u64::from(self.sectors_per_cluster))
            * u64::from(SECTOR_BYTES)
    }

    /// Boot sector bytes (512).
    pub fn boot_sector(&self, hidden_sectors: u32, volume_id: u32, label: &[u8; 11]) -> Vec<u8> {
        let mut b = vec![0u8; SECTOR_BYTES as usize];
        let fat32 = self.fat_type == FatType::Fat32;
        b[..3].copy_from_slice(if fat32 {
            &[0xEB, 0x58, 0x90]
        } else {
            &[0xEB, 0x3C, 0x90]
        });
        b[3..11].copy_from_slice(b"CORPUS  ");
        b[11..13].copy_from_slice(&(SECTOR_BYTES as u16).to_le_bytes());
        b[13] = self.sectors_per_cluster as u8;
        b[14..16].copy_from_slice(&(self.reserved_sectors as u16).to_le_bytes());
        b[16] = 2;
        b[17..19].copy_from_slice(&(self.root_entries as u16).to_le_bytes());
        if self.total_sectors < 0x10000 && !fat32 {
            b[19..21].copy_from_slice(&(self.total_sectors as u16).to_le_bytes());
        } else {
            b[32..36].copy_from_slice(&self.total_sectors.to_le_bytes());
        }
        b[21] = 0xF8;
        if !fat32 {
            b[22..24].copy_from_slice(&(self.fat_sectors as u16).to_le_bytes());
        }
        b[24..26].copy_from_slice(&32u16.to_le_bytes()); // sectors per track
        b[26..28].copy_from_slice(&64u16.to_le_bytes()); // heads
        b[28..32].copy_from_slice(&hidden_sectors.to_le_bytes());
        let ext = if fat32 {
            b[36..40].copy_from_slice(&self.fat_sectors.to_le_bytes());
            b[44..48].copy_from_slice(&2u32.to_le_bytes()); // root cluster
            b[48..50].copy_from_slice(&(FSINFO_SECTOR as u16).to_le_bytes());
            b[50..52].copy_from_slice(&(BACKUP_BOOT_SECTOR as u16).to_le_bytes());
            64
        } else {
            36
        };
        b[ext] = 0x80;
        b[ext + 2] = 0x29;
        b[ext + 3..ext + 7].copy_from_slice(&volume_id.to_le_bytes());
        b[ext + 7..ext + 18].copy_from_slice(label);
        let fs_name: &[u8; 8] = match self.fat_type {
            FatType::Fat12 => b"FAT12   ",
            FatType::Fat16 => b"FAT16   ",
            FatType::Fat32 => b"FAT32   ",
        };
        b[ext + 18..ext + 26].copy_from_slice(fs_name);
        b[510] = 0x55;
        b[511] = 0xAA;
        b
    }

    /// FAT32 FSInfo sector with the free cluster count and next-free hint.
    pub fn fsinfo_sector(&self, free_clusters: u32, next_free: u32) -> Vec<u8> {
        let mut b = vec![0u8; SECTOR_BYTES as usize];
        b[..4].copy_from_slice(&0x4161_5252u32.to_le_bytes());
        b[484..488].copy_from_slice(&0x6141_7272u32.to_le_bytes());
        b[488..492].copy_from_slice(&free_clusters.to_le_bytes());
        b[492..496].copy_from_slice(&next_free.to_le_bytes());
        b[508..512].copy_from_slice(&0xAA55_0000u32.to_le_bytes());
        b
    }

    /// Sectors (from the file-system start) where FAT32 keeps FSInfo and the
    /// backup boot sector.
    pub fn fat32_special_sectors() -> (u32, u32) {
        (FSINFO_SECTOR, BACKUP_BOOT_SECTOR)
    }

    /// The on-disk FAT bytes for cluster values `entries` (index = cluster).
    pub fn encode_fat(&self, entries: &[u32]) -> Vec<u8> {
        let mut out = vec![0u8; (self.fat_sectors * SECTOR_BYTES) as usize];
        for (cluster, &value) in entries.iter().enumerate() {
            match self.fat_type {
                FatType::Fat12 => {
                    let at = cluster * 3 / 2;
                    if at + 1 >= out.len() {
                        break;
                    }
                    let v = (value & 0xFFF) as u16;
                    if cluster % 2 == 0 {
                        out[at] = v as u8;
                        out[at + 1] = (out[at + 1] & 0xF0) | (v >> 8) as u8;
                    } else {
                        out[at] = (out[at] & 0x0F) | ((v << 4) as u8);
                        out[at + 1] = (v >> 4) as u8;
                    }
                }
                FatType::Fat16 => {
                    let at = cluster * 2;
                    if let Some(slot) = out.get_mut(at..at + 2) {
                        slot.copy_from_slice(&(value as u16).to_le_bytes());
                    }
                }
                FatType::Fat32 => {
                    let at = cluster * 4;
                    if let Some(slot) = out.get_mut(at..at + 4) {
                        slot.copy_from_slice(&(value & 0x0FFF_FFFF).to_le_bytes());
                    }
                }
            }
        }
        out
    }
}
