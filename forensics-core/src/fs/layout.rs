//! The layout of a medium: its partition table (if any) and the file system
//! found in each partition, or on the whole medium.

use std::sync::Arc;

use serde::Serialize;

use super::Error;
use super::{FsType, detect};
use crate::evidence::{EvidenceSource, Window};
use crate::volume::{self, ByteRange, PartitionTable};

/// One place a file system may live: a partition, or the whole medium.
#[derive(Debug, Clone, Serialize)]
pub struct VolumeLayout {
    /// The partition's index as listed (`-p N`), or `None` for the whole medium.
    pub partition_index: Option<u32>,
    /// Offset of the volume's first byte in the media.
    pub image_offset: u64,
    /// Length of the volume in bytes.
    pub len_bytes: u64,
    /// The file system recognised there.
    pub fs_type: Option<FsType>,
}

/// Partition table and volumes of a medium.
#[derive(Debug, Clone, Serialize)]
pub struct Layout {
    /// The partition table, when the medium has one.
    pub partition_table: Option<PartitionTable>,
    /// Volumes in media order: one per partition, or the whole medium.
    pub volumes: Vec<VolumeLayout>,
}

/// Reads the partition table of `media` and recognises each volume's file system.
pub fn layout(media: &Arc<dyn EvidenceSource>) -> Result<Layout, Error> {
    let partition_table = volume::detect(media.as_ref())?;
    let mut volumes = Vec::new();
    match &partition_table {
        Some(table) => {
            for partition in &table.partitions {
                let fs_type =
                    match Window::new(media.clone(), partition.image_offset, partition.len_bytes) {
                        Ok(window) => detect(&window)?,
                        Err(_) => None,
                    };
                volumes.push(VolumeLayout {
                    partition_index: Some(partition.index),
                    image_offset: partition.image_offset,
                    len_bytes: partition.len_bytes,
                    fs_type,
                });
            }
        }
        None => volumes.push(VolumeLayout {
            partition_index: None,
            image_offset: 0,
            len_bytes: media.len(),
            fs_type: detect(media.as_ref())?,
        }),
    }
    Ok(Layout {
        partition_table,
        volumes,
    })
}

/// Opens the file system of partition `partition_index` (as [`layout`] numbers
/// them), or, without an index, of the only volume that holds a recognised
/// file system. Returns the volume's place and the opened file system.
pub fn open_volume(
    media: &Arc<dyn EvidenceSource>,
    partition_index: Option<u32>,
) -> Result<(VolumeLayout, Box<dyn super::FileSystem>), Error> {
    let found = layout(media)?;
    let volume = match partition_index {
        Some(index) => found
            .volumes
            .iter()
            .find(|v| v.partition_index == Some(index))
            .ok_or_else(|| Error::NotFound {
                what: format!(
                    "partition {index} (the media has {} volumes)",
                    found.volumes.len()
                ),
            })?,
        None => {
            let with_fs: Vec<&VolumeLayout> = found
                .volumes
                .iter()
                .filter(|v| v.fs_type.is_some())
                .collect();
            match with_fs.as_slice() {
                [only] => *only,
                [] => return Err(Error::NotRecognised),
                several => {
                    return Err(Error::NotFound {
                        what: format!(
                            "single file system: {} partitions hold one; choose with -p N",
                            several.len()
                        ),
                    });
                }
            }
        }
    };
    let window = Window::new(media.clone(), volume.image_offset, volume.len_bytes)?;
    let fs = super::open(Arc::new(window))?;
    Ok((volume.clone(), fs))
}

/// The media ranges no file system uses: each file system's unallocated
/// space, whole volumes without a recognised file system, and (for the
/// whole medium) the gaps no partition covers. With `partition_index`, only
/// that partition. Also returns how many file systems were read. Sorted by
/// offset.
pub fn unallocated_ranges(
    media: &Arc<dyn EvidenceSource>,
    partition_index: Option<u32>,
    opener: Option<OpenFs>,
) -> Result<(Vec<ByteRange>, usize), Error> {
    let layout = layout(media)?;
    let mut ranges = Vec::new();
    let mut file_systems = 0usize;
    for volume in &layout.volumes {
        if partition_index.is_some() && volume.partition_index != partition_index {
            continue;
        }
        let whole = ByteRange {
            image_offset: volume.image_offset,
            len_bytes: volume.len_bytes,
        };
        if volume.fs_type.is_none() {
            ranges.push(whole);
            continue;
        }
        let window: Arc<dyn EvidenceSource> = Arc::new(Window::new(
            media.clone(),
            volume.image_offset,
            volume.len_bytes,
        )?);
        let open = opener.unwrap_or(super::open);
        let file_system = open(window)?;
        file_systems += 1;
        for range in file_system.unallocated()? {
            ranges.push(ByteRange {
                image_offset: volume.image_offset.saturating_add(range.image_offset),
                len_bytes: range.len_bytes,
            });
        }
    }
    if partition_index.is_none()
        && let Some(table) = &layout.partition_table
    {
        ranges.extend(table.unpartitioned.iter().copied());
    }
    ranges.sort_by_key(|range| (range.image_offset, range.len_bytes));
    Ok((ranges, file_systems))
}

/// Opens a file system on a volume (a plug point for readers outside the
/// crate, as in ingest).
pub type OpenFs = fn(Arc<dyn EvidenceSource>) -> Result<Box<dyn super::FileSystem>, Error>;
