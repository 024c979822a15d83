//! The layout of a medium: its partition table (if any) and the file system
//! found in each partition, or on the whole medium.

use std::sync::Arc;

use serde::Serialize;

use super::Error;
use super::{FsType, detect};
use crate::evidence::{EvidenceSource, Window};
use crate::volume::{self, PartitionTable};

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
