//! The well-formed images the hostile cases are made from, and the little
//! structure readers and writers the mutations need (byte fields, FAT boot
//! sector, EWF section chain, checksums).

use std::path::Path;

/// The fuzz seeds directory (small ext2/ext4 volumes and E01 files made by
/// mke2fs and ewfacquire, committed beside the scripts that made them).
fn seeds_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds")
}

/// Base images, well-formed.
pub struct Bases {
    /// FAT12, FAT16 and FAT32 volumes (`corpus`).
    pub fat: Vec<(&'static str, Vec<u8>)>,
    /// The committed NTFS volume (`corpus` scenario `ntfs-small`).
    pub ntfs: Vec<u8>,
    /// MBR and GPT disks with FAT partitions (`corpus`).
    pub disks: Vec<(&'static str, Vec<u8>)>,
    /// ext2/ext4 volumes (mke2fs seeds).
    pub ext: Vec<(String, Vec<u8>)>,
    /// E01 files (ewfacquire seeds, one deflate-compressed, one not).
    pub ewf: Vec<(String, Vec<u8>)>,
}

fn generate(dir: &Path, scenario: &str, size: u64) -> Vec<u8> {
    let mut options = corpus::ScenarioOptions::with_seed(1313);
    options.image_size_bytes = Some(size);
    let key = corpus::generate(scenario, &options, &dir.join(scenario)).unwrap();
    std::fs::read(dir.join(scenario).join(&key.image_files[0])).unwrap()
}

fn seed_files(kind: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(seeds_dir().join(kind))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|e| e != "sh"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect()
}

impl Bases {
    /// Generates the corpus images into `dir` and reads the seeds.
    pub fn generate(dir: &Path) -> Self {
        Self {
            fat: vec![
                ("fat12", generate(dir, "fat12", 2 << 20)),
                ("fat16", generate(dir, "fat16", 4 << 20)),
                ("fat32", generate(dir, "fat32", 34 << 20)),
            ],
            ntfs: generate(dir, "ntfs-small", 6 << 20),
            disks: vec![
                ("disk-mbr", generate(dir, "disk-mbr", 64 << 20)),
                ("disk-gpt", generate(dir, "disk-gpt", 64 << 20)),
            ],
            ext: seed_files("ext4"),
            ewf: seed_files("ewf"),
        }
    }
}

/// Little-endian field readers and writers on a byte slice.
pub fn le16(bytes: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]))
}

/// Reads a little-endian u32.
pub fn le32(bytes: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()))
}

/// Reads a little-endian u64.
pub fn le64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap())
}

/// Writes a little-endian value of `width` bytes.
pub fn put(bytes: &mut [u8], at: usize, width: usize, value: u64) {
    bytes[at..at + width].copy_from_slice(&value.to_le_bytes()[..width]);
}

/// The regions of a FAT volume, from its boot sector.
pub struct FatLayout {
    pub bytes_per_sector: usize,
    pub cluster_bytes: usize,
    pub fat_offset: usize,
    pub fat_bytes: usize,
    pub fat_count: usize,
    /// Start of the fixed root directory (FAT12/16) or of the data area.
    pub root_offset: usize,
    pub data_offset: usize,
    /// FAT32: the root directory's first cluster.
    pub root_cluster: Option<u64>,
}

impl FatLayout {
    /// Reads the BIOS parameter block of `volume`.
    pub fn read(volume: &[u8]) -> Self {
        let bytes_per_sector = le16(volume, 11) as usize;
        let sectors_per_cluster = volume[13] as usize;
        let reserved = le16(volume, 14) as usize;
        let fat_count = volume[16] as usize;
        let root_entries = le16(volume, 17) as usize;
        let fat16_sectors = le16(volume, 22) as usize;
        let fat_sectors = if fat16_sectors == 0 {
            le32(volume, 36) as usize
        } else {
            fat16_sectors
        };
        let fat_offset = reserved * bytes_per_sector;
        let fat_bytes = fat_sectors * bytes_per_sector;
        let root_offset = fat_offset + fat_count * fat_bytes;
        let data_offset =
            root_offset + (root_entries * 32).div_ceil(bytes_per_sector) * bytes_per_sector;
        Self {
            bytes_per_sector,
            cluster_bytes: bytes_per_sector * sectors_per_cluster,
            fat_offset,
            fat_bytes,
            fat_count,
            root_offset,
            data_offset,
            root_cluster: (fat16_sectors == 0).then(|| le32(volume, 44)),
        }
    }

    /// Image offset of data cluster `cluster` (clusters start at 2).
    pub fn cluster_offset(&self, cluster: u64) -> usize {
        self.data_offset + (cluster as usize - 2) * self.cluster_bytes
    }

    /// Offset of the root directory's first entry.
    pub fn root_dir_offset(&self) -> usize {
        match self.root_cluster {
            Some(cluster) => self.cluster_offset(cluster),
            None => self.root_offset,
        }
    }
}

/// One EWF section: where its descriptor is, its type, next and size.
pub struct EwfSection {
    pub offset: usize,
    pub kind: String,
    pub next: u64,
    pub size: u64,
}

/// Length of an EWF section descriptor.
pub const EWF_DESCRIPTOR_LEN: usize = 76;

/// Walks the section chain of one E01 segment (stops at a loop or the end).
pub fn ewf_sections(segment: &[u8]) -> Vec<EwfSection> {
    let mut sections = Vec::new();
    let mut offset = 13usize;
    while offset + EWF_DESCRIPTOR_LEN <= segment.len() && sections.len() < 1000 {
        let kind_bytes = &segment[offset..offset + 16];
        let kind_len = kind_bytes.iter().position(|&b| b == 0).unwrap_or(16);
        let section = EwfSection {
            offset,
            kind: String::from_utf8_lossy(&kind_bytes[..kind_len]).into_owned(),
            next: le64(segment, offset + 16),
            size: le64(segment, offset + 24),
        };
        let next = section.next as usize;
        let last = section.kind == "done" || section.kind == "next" || next <= offset;
        sections.push(section);
        if last {
            break;
        }
        offset = next;
    }
    sections
}

/// Adler-32 as EWF uses it for its checksums.
pub fn adler32(data: &[u8]) -> u32 {
    let mut hasher = adler2::Adler32::new();
    hasher.write_slice(data);
    hasher.checksum()
}

/// Rewrites the checksum of the section descriptor at `offset`.
pub fn fix_ewf_descriptor(segment: &mut [u8], offset: usize) {
    let checksum = adler32(&segment[offset..offset + 72]);
    put(segment, offset + 72, 4, u64::from(checksum));
}

/// CRC-32 (IEEE) as GPT uses it.
pub fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}
