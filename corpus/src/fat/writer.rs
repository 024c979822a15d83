//! Writes a FAT file system into an image: directories, files (contiguous or
//! fragmented), deletions that leave the content in place, and reuse of a
//! deleted file's clusters by a later file.

use super::dir::{
    self, ATTR_ARCHIVE, ATTR_DIRECTORY, ATTR_VOLUME_ID, DELETED_MARK, ENTRY_BYTES, FatTime,
    ShortEntry,
};
use super::layout::{FatType, Layout, SECTOR_BYTES};
use crate::error::{Error, Result};
use crate::sink::ImageSink;
use std::collections::BTreeSet;

/// Index of a directory inside a [`FatWriter`]; the root is [`ROOT`].
pub type DirId = usize;
/// The root directory.
pub const ROOT: DirId = 0;
/// Size of the FAT32 root directory we allocate (256 entries).
const FAT32_ROOT_BYTES: usize = 8192;

/// Times of an entry, epoch seconds.
#[derive(Debug, Clone, Copy)]
pub struct Times {
    /// Creation.
    pub created: i64,
    /// Last write.
    pub modified: i64,
    /// Last access.
    pub accessed: i64,
}

/// How to place a file's clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// One run from the next free cluster.
    Contiguous,
    /// Several runs separated by free gaps.
    Fragmented,
    /// Start at this cluster (reusing a deleted file's space), then continue
    /// contiguously.
    At(u32),
}

/// What the writer did with one entry, for the answer key.
#[derive(Debug, Clone)]
pub struct WrittenEntry {
    /// Full path with long names.
    pub path: String,
    /// 8.3 name as displayed (`NAME.EXT`).
    pub short_name: String,
    /// Directory or file.
    pub is_dir: bool,
    /// Size in bytes.
    pub size: u64,
    /// Times as stored (FAT resolution applied).
    pub times: Times,
    /// Clusters in file order.
    pub clusters: Vec<u32>,
    /// Deleted afterwards.
    pub deleted: bool,
    dir: DirId,
    slot_first: usize,
    slot_count: usize,
}

struct Directory {
    path: String,
    clusters: Vec<u32>,
    capacity_entries: usize,
    entries: Vec<[u8; ENTRY_BYTES]>,
    taken: BTreeSet<[u8; 11]>,
}

/// A FAT file system being written at `base_offset` of an image.
pub struct FatWriter {
    layout: Layout,
    base_offset: u64,
    hidden_sectors: u32,
    label: [u8; 11],
    volume_id: u32,
    fat: Vec<u32>,
    next_free: u32,
    dirs: Vec<Directory>,
    /// Every file and directory written, in creation order.
    pub entries: Vec<WrittenEntry>,
}

/// FAT resolution of times: writes at 2 s, access at whole days.
fn stored_times(times: Times) -> Times {
    Times {
        created: times.created,
        modified: times.modified - times.modified.rem_euclid(2),
        accessed: times.accessed - times.accessed.rem_euclid(86_400),
    }
}

impl FatWriter {
    /// Starts a file system of `len_bytes` at `base_offset` (`hidden_sectors` =
    /// partition start sector, 0 for a bare image).
    pub fn new(
        fat_type: FatType,
        base_offset: u64,
        len_bytes: u64,
        hidden_sectors: u32,
        label: &str,
        volume_id: u32,
    ) -> Result<Self> {
        let layout = Layout::compute(fat_type, len_bytes)?;
        let mut fat = vec![0u32; layout.cluster_count as usize + 2];
        fat[0] = 0x0FFF_FF00 | 0xF8;
        fat[1] = fat_type.end_of_chain();
        let mut label_bytes = [b' '; 11];
        for (slot, byte) in label_bytes
            .iter_mut()
            .zip(label.bytes().map(|b| b.to_ascii_uppercase()))
        {
            *slot = byte;
        }
        let mut writer = Self {
            layout,
            base_offset,
            hidden_sectors,
            label: label_bytes,
            volume_id,
            fat,
            next_free: 2,
            dirs: Vec::new(),
            entries: Vec::new(),
        };
        let (root_clusters, capacity) = if fat_type == FatType::Fat32 {
            let cluster_bytes = writer.layout.cluster_bytes() as usize;
            let count = (FAT32_ROOT_BYTES / cluster_bytes).max(1);
            let clusters = writer.allocate(count, Placement::Contiguous)?;
            (clusters, count * cluster_bytes / ENTRY_BYTES)
        } else {
            (Vec::new(), writer.layout.root_entries as usize)
        };
        let epoch_1980 = FatTime::from_epoch(315_532_800);
        let volume_entry = ShortEntry {
            name: label_bytes,
            attr: ATTR_VOLUME_ID,
            created: epoch_1980,
            accessed: epoch_1980,
            modified: epoch_1980,
            first_cluster: 0,
            size: 0,
        };
        writer.dirs.push(Directory {
            path: String::new(),
            clusters: root_clusters,
            capacity_entries: capacity,
            entries: vec![volume_entry.to_bytes()],
            taken: BTreeSet::from([label_bytes]),
        });
        Ok(writer)
    }

    /// Geometry in use.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Image offset of `cluster`.
    pub fn cluster_image_offset(&self, cluster: u32) -> u64 {
        self.base_offset + self.layout.cluster_offset(cluster)
    }

    fn allocate(&mut self, count: usize, placement: Placement) -> Result<Vec<u32>> {
        let limit = self.layout.cluster_count + 2;
        let mut clusters = Vec::with_capacity(count);
        let mut cursor = match placement {
            Placement::At(start) => start,
            _ => self.next_free,
        };
        let runs = if placement == Placement::Fragmented && count >= 3 {
            3
        } else {
            1
        };
        let run_len = count.div_ceil(runs);
        while clusters.len() < count {
            if cursor >= limit {
                return Err(Error::InvalidOption(
                    "the FAT file system is full; use a larger image or fewer files".into(),
                ));
            }
            if self.fat[cursor as usize] == 0 {
                clusters.push(cursor);
                if runs > 1 && clusters.len() % run_len == 0 && clusters.len() < count {
                    cursor += 2; // leave one free cluster as a gap
                    continue;
                }
            }
            cursor += 1;
        }
        for pair in clusters.windows(2) {
            self.fat[pair[0] as usize] = pair[1];
        }
        if let Some(&last) = clusters.last() {
            self.fat[last as usize] = self.layout.fat_type.end_of_chain();
        }
        self.next_free = self.next_free.max(cursor);
        Ok(clusters)
    }

    fn add_entry(
        &mut self,
        dir_id: DirId,
        name: &str,
        attr: u8,
        times: Times,
        first_cluster: u32,
        size: u32,
    ) -> Result<(String, usize, usize)> {
        let taken = &self.dirs[dir_id].taken;
        let (short, needs_lfn) = dir::short_name(name, &|candidate| taken.contains(candidate));
        let dir = &mut self.dirs[dir_id];
        let mut slots = if needs_lfn {
            dir::lfn_entries(name, &short)
        } else {
            Vec::new()
        };
        slots.push(
            ShortEntry {
                name: short,
                attr,
                created: FatTime::from_epoch(times.created),
                accessed: FatTime::from_epoch(times.accessed),
                modified: FatTime::from_epoch(times.modified),
                first_cluster,
                size,
            }
            .to_bytes(),
        );
        if dir.entries.len() + slots.len() > dir.capacity_entries {
            return Err(Error::InvalidOption(format!(
                "directory /{} is full",
                dir.path
            )));
        }
        let first = dir.entries.len();
        let count = slots.len();
        dir.entries.extend(slots);
        dir.taken.insert(short);
        Ok((dir::display_short(&short), first, count))
    }

    fn child_path(&self, dir_id: DirId, name: &str) -> String {
        format!("{}/{name}", self.dirs[dir_id].path)
    }

    /// Creates a directory able to hold `expected_children` entries.
    pub fn mkdir(
        &mut self,
        parent: DirId,
        name: &str,
        times: Times,
        expected_children: usize,
    ) -> Result<DirId> {
        let entry_slots = expected_children * 4 + 2;
        let clusters_needed =
            (entry_slots * ENTRY_BYTES).div_ceil(self.layout.cluster_bytes() as usize);
        let clusters = self.allocate(clusters_needed, Placement::Contiguous)?;
        let first = clusters[0];
        let (short_name, slot_first, slot_count) =
            self.add_entry(parent, name, ATTR_DIRECTORY, times, first, 0)?;
        let path = self.child_path(parent, name);
        let parent_cluster = self.dirs[parent]
            .clusters
            .first()
            .copied()
            .filter(|_| parent != ROOT)
            .unwrap_or(0);
        let dot = |name: &[u8; 11], cluster: u32| {
            ShortEntry {
                name: *name,
                attr: ATTR_DIRECTORY,
                created: FatTime::from_epoch(times.created),
                accessed: FatTime::from_epoch(times.accessed),
                modified: FatTime::from_epoch(times.modified),
                first_cluster: cluster,
                size: 0,
            }
            .to_bytes()
        };
        let capacity = clusters.len() * self.layout.cluster_bytes() as usize / ENTRY_BYTES;
        self.dirs.push(Directory {
            path: path.clone(),
            clusters: clusters.clone(),
            capacity_entries: capacity,
            entries: vec![
                dot(b".          ", first),
                dot(b"..         ", parent_cluster),
            ],
            taken: BTreeSet::from([*b".          ", *b"..         "]),
        });
        self.entries.push(WrittenEntry {
            path,
            short_name,
            is_dir: true,
            size: 0,
            times: stored_times(times),
            clusters,
            deleted: false,
            dir: parent,
            slot_first,
            slot_count,
        });
        Ok(self.dirs.len() - 1)
    }

    /// Writes a file; returns its index in [`FatWriter::entries`].
    pub fn add_file(
        &mut self,
        sink: &mut ImageSink,
        parent: DirId,
        name: &str,
        content: &[u8],
        times: Times,
        placement: Placement,
    ) -> Result<usize> {
        let size = u32::try_from(content.len())
            .map_err(|_| Error::InvalidOption("file larger than 4 GiB".into()))?;
        let cluster_bytes = self.layout.cluster_bytes() as usize;
        let clusters = self.allocate(content.len().div_ceil(cluster_bytes), placement)?;
        for (chunk, &cluster) in content.chunks(cluster_bytes).zip(&clusters) {
            sink.write_at(self.cluster_image_offset(cluster), chunk)?;
        }
        let first = clusters.first().copied().unwrap_or(0);
        let (short_name, slot_first, slot_count) =
            self.add_entry(parent, name, ATTR_ARCHIVE, times, first, size)?;
        self.entries.push(WrittenEntry {
            path: self.child_path(parent, name),
            short_name,
            is_dir: false,
            size: u64::from(size),
            times: stored_times(times),
            clusters,
            deleted: false,
            dir: parent,
            slot_first,
            slot_count,
        });
        Ok(self.entries.len() - 1)
    }

    /// Deletes entry `index` the way FAT drivers do: 0xE5 on every directory
    /// slot of the entry, its cluster chain freed, content left in place.
    pub fn delete(&mut self, index: usize) {
        let Some(entry) = self.entries.get_mut(index) else {
            return;
        };
        entry.deleted = true;
        let dir = &mut self.dirs[entry.dir];
        for slot in entry.slot_first..entry.slot_first + entry.slot_count {
            dir.entries[slot][0] = DELETED_MARK;
        }
        for &cluster in &entry.clusters {
            self.fat[cluster as usize] = 0;
        }
    }

    /// Writes directories, both FATs, the boot sector(s) and FSInfo.
    pub fn finish(&self, sink: &mut ImageSink) -> Result<()> {
        let cluster_bytes = self.layout.cluster_bytes() as usize;
        for (id, dir) in self.dirs.iter().enumerate() {
            let mut bytes: Vec<u8> = dir.entries.iter().flatten().copied().collect();
            if id == ROOT && self.layout.fat_type != FatType::Fat32 {
                let at = self.base_offset
                    + u64::from(self.layout.root_dir_start()) * u64::from(SECTOR_BYTES);
                sink.write_at(at, &bytes)?;
                continue;
            }
            bytes.resize(dir.clusters.len() * cluster_bytes, 0);
            for (chunk, &cluster) in bytes.chunks(cluster_bytes).zip(&dir.clusters) {
                sink.write_at(self.cluster_image_offset(cluster), chunk)?;
            }
        }
        let fat_bytes = self.layout.encode_fat(&self.fat);
        for index in 0..2 {
            let at = self.base_offset
                + u64::from(self.layout.fat_start(index)) * u64::from(SECTOR_BYTES);
            sink.write_at(at, &fat_bytes)?;
        }
        let boot = self
            .layout
            .boot_sector(self.hidden_sectors, self.volume_id, &self.label);
        sink.write_at(self.base_offset, &boot)?;
        if self.layout.fat_type == FatType::Fat32 {
            let free = self.fat.iter().skip(2).filter(|&&v| v == 0).count() as u32;
            let fsinfo = self.layout.fsinfo_sector(free, self.next_free);
            let (fsinfo_sector, backup_sector) = Layout::fat32_special_sectors();
            let sector = |n: u32| self.base_offset + u64::from(n) * u64::from(SECTOR_BYTES);
            sink.write_at(sector(fsinfo_sector), &fsinfo)?;
            sink.write_at(sector(backup_sector), &boot)?;
            sink.write_at(sector(backup_sector + 1), &fsinfo)?;
        }
        Ok(())
    }
}
