//! The layout of a medium: its partition table (if any) and the file system
//! found in each partition, or on the whole medium.

use std::sync::Arc;

use serde::Serialize;

use super::{FsType, detect};
use crate::evidence::{Error, EvidenceSource, Window};
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
