//! The boot sector's BIOS parameter block (BPB): the volume's geometry, checked
//! field by field, and the FAT type from the cluster count (Microsoft's FAT
//! specification, "FAT type determination").

use crate::fs::{Error, FsType};

/// Fewer clusters than this make a FAT12 volume.
const FAT12_MAX_CLUSTERS: u64 = 4085;
/// Fewer clusters than this (and at least [`FAT12_MAX_CLUSTERS`]) make FAT16.
const FAT16_MAX_CLUSTERS: u64 = 65_525;
/// Largest cluster count a FAT32 volume can address (28-bit entries).
const FAT32_MAX_CLUSTERS: u64 = 0x0FFF_FFF5;
/// Size of one directory entry.
pub(super) const DIR_ENTRY_BYTES: u64 = 32;
/// Largest FAT copy count we accept (the specification says 1 or 2).
const MAX_FAT_COUNT: u8 = 4;
/// Largest sectors-per-cluster value (the field is a power of two up to 128).
const MAX_SECTORS_PER_CLUSTER: u8 = 128;

/// Where things are on a FAT volume, all checked against each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Geometry {
    /// FAT12, FAT16 or FAT32, from the cluster count.
    pub fs_type: FsType,
    /// Bytes per sector (512, 1024, 2048 or 4096).
    pub sector_bytes: u64,
    /// Bytes per cluster.
    pub cluster_bytes: u64,
    /// Sectors before the first FAT.
    pub reserved_sectors: u64,
    /// Number of FAT copies.
    pub fat_count: u64,
    /// Sectors of one FAT copy.
    pub fat_sectors: u64,
    /// Sectors of the fixed root directory (0 on FAT32).
    pub root_dir_sectors: u64,
    /// Sectors of the whole file system, as the BPB says.
    pub total_sectors: u64,
    /// First sector after the FATs: the fixed root directory on FAT12/16,
    /// the cluster area on FAT32 (TSK numbers entries from here).
    pub first_data_sector: u64,
    /// First sector of cluster 2.
    pub first_cluster_sector: u64,
    /// Number of data clusters (valid cluster numbers are 2..=count+1).
    pub cluster_count: u64,
    /// First cluster of the root directory (FAT32), 0 for a fixed root.
    pub root_cluster: u32,
}

/// Little-endian u16 at `at` of the boot sector.
fn u16_at(boot: &[u8], at: usize) -> u16 {
    boot.get(at..at + 2)
        .map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

/// Little-endian u32 at `at` of the boot sector.
fn u32_at(boot: &[u8], at: usize) -> u32 {
    boot.get(at..at + 4)
        .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn corrupt(what: impl Into<String>) -> Error {
    Error::Corrupt {
        volume_offset: 0,
        what: format!("FAT boot sector: {}", what.into()),
    }
}

impl Geometry {
    /// Parses and checks the BPB in the first 512 bytes of the volume.
    pub fn parse(boot: &[u8]) -> Result<Self, Error> {
        if boot.len() < 512 {
            return Err(corrupt("shorter than 512 bytes"));
        }
        let sector_bytes = u16_at(boot, 11);
        if !matches!(sector_bytes, 512 | 1024 | 2048 | 4096) {
            return Err(corrupt(format!(
                "bytes per sector {sector_bytes} is not 512, 1024, 2048 or 4096"
            )));
        }
        let sectors_per_cluster = boot[13];
        if !sectors_per_cluster.is_power_of_two() || sectors_per_cluster > MAX_SECTORS_PER_CLUSTER {
            return Err(corrupt(format!(
                "sectors per cluster {sectors_per_cluster} is not a power of two up to 128"
            )));
        }
        let reserved_sectors = u64::from(u16_at(boot, 14));
        if reserved_sectors == 0 {
            return Err(corrupt("reserved sector count is 0"));
        }
        let fat_count = boot[16];
        if !(1..=MAX_FAT_COUNT).contains(&fat_count) {
            return Err(corrupt(format!("FAT count {fat_count} is not 1 to 4")));
        }
        let root_entries = u64::from(u16_at(boot, 17));
        let total_16 = u16_at(boot, 19);
        let total_sectors = if total_16 != 0 {
            u64::from(total_16)
        } else {
            u64::from(u32_at(boot, 32))
        };
        let fat_16 = u16_at(boot, 22);
        let fat_sectors = if fat_16 != 0 {
            u64::from(fat_16)
        } else {
            u64::from(u32_at(boot, 36))
        };
        if fat_sectors == 0 {
            return Err(corrupt("FAT size is 0 sectors"));
        }
        let sector_bytes = u64::from(sector_bytes);
        let root_dir_sectors = (root_entries * DIR_ENTRY_BYTES).div_ceil(sector_bytes);
        let first_data_sector = fat_sectors
            .checked_mul(u64::from(fat_count))
            .and_then(|fats| fats.checked_add(reserved_sectors))
            .ok_or_else(|| corrupt("FAT area size overflows"))?;
        let first_cluster_sector = first_data_sector + root_dir_sectors;
        let data_sectors = total_sectors
            .checked_sub(first_cluster_sector)
            .filter(|&sectors| sectors > 0)
            .ok_or_else(|| {
                corrupt(format!(
                    "total sectors {total_sectors} leave no room for data after sector {first_cluster_sector}"
                ))
            })?;
        let cluster_count = data_sectors / u64::from(sectors_per_cluster);
        if cluster_count == 0 {
            return Err(corrupt("no data cluster fits in the volume"));
        }
        let fs_type = if fat_16 == 0 {
            // The FAT32 BPB layout (FAT size in the 32-bit field) decides.
            if root_entries != 0 {
                return Err(corrupt("FAT32 layout with a fixed root directory"));
            }
            FsType::Fat32
        } else if cluster_count < FAT12_MAX_CLUSTERS {
            FsType::Fat12
        } else if cluster_count < FAT16_MAX_CLUSTERS {
            FsType::Fat16
        } else {
            return Err(corrupt(format!(
                "{cluster_count} clusters need FAT32, but the BPB has the FAT12/16 layout"
            )));
        };
        if fs_type != FsType::Fat32 && root_entries == 0 {
            return Err(corrupt("FAT12/16 volume without root directory entries"));
        }
        if cluster_count > FAT32_MAX_CLUSTERS {
            return Err(corrupt(format!("{cluster_count} clusters is too many")));
        }
        let geometry = Self {
            fs_type,
            sector_bytes,
            cluster_bytes: sector_bytes * u64::from(sectors_per_cluster),
            reserved_sectors,
            fat_count: u64::from(fat_count),
            fat_sectors,
            root_dir_sectors,
            total_sectors,
            first_data_sector,
            first_cluster_sector,
            cluster_count,
            root_cluster: if fs_type == FsType::Fat32 {
                u32_at(boot, 44) & 0x0FFF_FFFF
            } else {
                0
            },
        };
        geometry.check_fat_size()?;
        if fs_type == FsType::Fat32 && !geometry.is_cluster(geometry.root_cluster) {
            return Err(corrupt(format!(
                "root directory cluster {} is outside 2..={}",
                geometry.root_cluster,
                geometry.last_cluster()
            )));
        }
        Ok(geometry)
    }

    /// The FAT must hold an entry for every cluster.
    fn check_fat_size(&self) -> Result<(), Error> {
        let entries = self.cluster_count + 2;
        let needed_bytes = match self.fs_type {
            FsType::Fat12 => (entries * 3).div_ceil(2),
            FsType::Fat16 => entries * 2,
            _ => entries * 4,
        };
        if self.fat_bytes() < needed_bytes {
            return Err(corrupt(format!(
                "FAT of {} bytes cannot hold {} cluster entries",
                self.fat_bytes(),
                entries
            )));
        }
        Ok(())
    }

    /// Bytes of one FAT copy (sectors are at most 4096 bytes and the FAT at
    /// most 2^32 sectors, so this cannot overflow).
    pub fn fat_bytes(&self) -> u64 {
        self.fat_sectors * self.sector_bytes
    }

    /// Volume offset of FAT copy `index` (0-based).
    pub fn fat_offset(&self, index: u64) -> u64 {
        (self.reserved_sectors + index * self.fat_sectors) * self.sector_bytes
    }

    /// Highest valid cluster number.
    pub fn last_cluster(&self) -> u64 {
        self.cluster_count + 1
    }

    /// Whether `cluster` is a data cluster of this volume.
    pub fn is_cluster(&self, cluster: u32) -> bool {
        (2..=self.last_cluster()).contains(&u64::from(cluster))
    }

    /// Volume offset of the first byte of `cluster` (which must be valid).
    pub fn cluster_offset(&self, cluster: u32) -> u64 {
        let index = u64::from(cluster).saturating_sub(2);
        self.first_cluster_sector * self.sector_bytes + index * self.cluster_bytes
    }

    /// Volume offset of the fixed root directory (FAT12/16).
    pub fn root_dir_offset(&self) -> u64 {
        self.first_data_sector * self.sector_bytes
    }

    /// Size of the whole file system in bytes.
    pub fn volume_bytes(&self) -> u64 {
        self.total_sectors * self.sector_bytes
    }

    /// Directory entries per sector.
    pub fn entries_per_sector(&self) -> u64 {
        self.sector_bytes / DIR_ENTRY_BYTES
    }

    /// TSK's address of the directory entry at `volume_offset`: entries are
    /// numbered from 3 in on-disk order starting at the first data sector.
    pub fn entry_id(&self, volume_offset: u64) -> u64 {
        let first = self.first_data_sector * self.sector_bytes;
        FIRST_ENTRY_ID + volume_offset.saturating_sub(first) / DIR_ENTRY_BYTES
    }

    /// TSK's address of the first special file (`$MBR`), just past the
    /// addresses of every possible directory entry.
    pub fn first_special_id(&self) -> u64 {
        FIRST_ENTRY_ID + (self.total_sectors - self.first_data_sector) * self.entries_per_sector()
    }
}

/// Address of the first directory entry.
pub(super) const FIRST_ENTRY_ID: u64 = 3;
