//! NTFS, read through the `ntfs` crate with the gaps it leaves closed here:
//! LZNT1-compressed values are decompressed ([`content`]), deleted files are
//! found by reading every MFT record and checking its in-use flag
//! ([`tree`]), the upcase table is read before anything else, and attribute
//! lists are followed extent by extent ([`record`]).
//!
//! The tree is built from the parent references of every record's
//! `$FILE_NAME` (sequence numbers checked), not by iterating `$I30` indexes:
//! one sequential pass over the MFT serves live and deleted files alike, and
//! the crate's index iterator follows a subnode loop without end. On the
//! reference images the result equals `fls -r -p` entry for entry.
//!
//! Known limits: `$MFT` records past the first `$DATA` extent of an `$MFT`
//! that itself has an attribute list cannot be read (the crate's
//! `Ntfs::file` assumes none; such records become problems); compressed
//! attributes are taken to use 16-cluster units (all NTFS writers do).
//!
//! Ids are TSK's addresses: the MFT record number for a file or directory
//! (`68`), `RECORD-TYPE-INSTANCE` for a named stream (`101-128-4`).

mod content;
mod io;
mod record;
mod tree;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};

use ntfs::{Ntfs, NtfsAttributeType, NtfsError};

use self::content::{Geometry, write_value};
use self::io::VolumeReader;
use self::record::{Attr, LoadError, Record};
use super::{Error, FileEntry, FileSystem, FsType};
use crate::Problem;
use crate::evidence::EvidenceSource;
use crate::volume::ByteRange;

/// MFT record number of `$MFT`.
const MFT_RECORD: u64 = 0;
/// MFT record number of `$Bitmap`.
const BITMAP_RECORD: u64 = 6;
/// Most MFT records one volume may have (2^32 would be 4 TiB of 1 KiB
/// records; far beyond this is a corrupt `$MFT` size).
const MAX_RECORDS: u64 = 1 << 32;

/// An NTFS volume opened read-only.
pub struct NtfsFileSystem {
    volume: Arc<dyn EvidenceSource>,
    ntfs: Ntfs,
    reader: Mutex<VolumeReader>,
    geometry: Geometry,
    record_count: u64,
    /// Found when opening: reported by every walk.
    open_problems: Vec<Problem>,
}

fn ntfs_error(what: &str, error: &dyn std::fmt::Display) -> Error {
    Error::Corrupt {
        volume_offset: 0,
        what: format!("NTFS {what}: {error}"),
    }
}

/// A volume shorter than its boot sector says: the sectors past the end,
/// and the backup boot sector in the sector after the last one, are lost.
fn truncation_problems(ntfs: &Ntfs, volume_len: u64) -> Vec<Problem> {
    let with_backup = ntfs.size().saturating_add(u64::from(ntfs.sector_size()));
    if volume_len >= with_backup {
        return Vec::new();
    }
    vec![Problem::at(
        volume_len,
        with_backup - volume_len,
        format!(
            "NTFS volume is {} bytes with its backup boot sector, but only {volume_len} are present: the volume is truncated",
            with_backup
        ),
    )]
}

impl NtfsFileSystem {
    /// Opens the NTFS volume `volume`: boot sector, `$MFT` and `$UpCase`.
    pub fn open(volume: Arc<dyn EvidenceSource>) -> Result<Self, Error> {
        let mut reader = VolumeReader::new(Arc::clone(&volume));
        // Last resort, as in `record::load`: the crate may panic on
        // structures that end early.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut ntfs = Ntfs::new(&mut reader).map_err(|e| ntfs_error("boot sector", &e))?;
            ntfs.read_upcase_table(&mut reader)
                .map_err(|e| ntfs_error("$UpCase", &e))?;
            Ok::<_, Error>(ntfs)
        }));
        let ntfs = opened.unwrap_or_else(|_| {
            Err(Error::Corrupt {
                volume_offset: 0,
                what: "NTFS boot sector or $UpCase is malformed".into(),
            })
        })?;
        let geometry = Geometry {
            cluster_bytes: u64::from(ntfs.cluster_size()),
        };
        let mft = record::load(&ntfs, &mut reader, MFT_RECORD, false)
            .map_err(|e| ntfs_error("$MFT record", &e))?;
        let mft_bytes = mft.unnamed_data().map_or(0, |a| a.size);
        // Records must lie on the volume: a corrupt $MFT size must not make
        // the walk try billions of records.
        let record_bytes = u64::from(ntfs.file_record_size()).max(1);
        let record_count = (mft_bytes / record_bytes)
            .min(volume.len() / record_bytes)
            .min(MAX_RECORDS);
        let open_problems = truncation_problems(&ntfs, volume.len());
        Ok(Self {
            volume,
            ntfs,
            reader: Mutex::new(reader),
            geometry,
            record_count,
            open_problems,
        })
    }

    /// Number of records the MFT has room for.
    pub fn record_count(&self) -> u64 {
        self.record_count
    }

    fn reader(&self) -> MutexGuard<'_, VolumeReader> {
        // A panic while holding the lock leaves only a stale cache behind.
        self.reader.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every base record of the MFT, by number; unreadable records become
    /// problems, never-used (zeroed) records are skipped in silence.
    fn read_records(&self, problems: &mut Vec<Problem>) -> BTreeMap<u64, Record> {
        let mut reader = self.reader();
        let mut records = BTreeMap::new();
        for number in 0..self.record_count {
            let loaded = record::load(&self.ntfs, &mut reader, number, false);
            if reader.take_damage() {
                problems.push(Problem::general(format!(
                    "NTFS: MFT record {number} lies (partly) beyond the end of the volume or on unreadable media; zeros were read"
                )));
            }
            match loaded {
                Ok(record) => {
                    for damage in &record.damage {
                        problems.push(Problem::general(format!(
                            "NTFS: MFT record {number}: {damage}"
                        )));
                    }
                    if record.base_number == 0 {
                        records.insert(number, record);
                    }
                }
                Err(LoadError::Ntfs(NtfsError::InvalidFileSignature { actual, .. }))
                    if actual == [0; 4] => {}
                Err(error) => problems.push(Problem::general(format!(
                    "NTFS: MFT record {number} cannot be read: {error}"
                ))),
            }
        }
        records
    }

    fn load_record(&self, number: u64) -> Result<Record, Error> {
        if number >= self.record_count {
            return Err(Error::NotFound {
                what: format!("MFT record {number}"),
            });
        }
        let mut reader = self.reader();
        record::load(&self.ntfs, &mut reader, number, true)
            .map_err(|e| ntfs_error(&format!("MFT record {number}"), &e))
    }
}

/// `68` → (68, None); `101-128-4` → (101, Some((128, 4))).
fn parse_id(id: &str) -> Option<(u64, Option<(u32, u16)>)> {
    let mut parts = id.split('-');
    let number = parts.next()?.parse().ok()?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some((number, None)),
        (Some(ty), Some(instance), None) => {
            Some((number, Some((ty.parse().ok()?, instance.parse().ok()?))))
        }
        _ => None,
    }
}

/// The attribute of `record` that `address` and `stream` name.
fn pick_attr<'r>(
    record: &'r Record,
    address: Option<(u32, u16)>,
    stream: Option<&str>,
) -> Option<&'r Attr> {
    if let Some((ty, instance)) = address {
        return record
            .attrs
            .iter()
            .find(|a| a.ty == ty && a.instance == instance);
    }
    let Some(stream) = stream
        .map(|s| s.trim_start_matches(':'))
        .filter(|s| !s.is_empty())
    else {
        return record.unnamed_data();
    };
    let named = || record.named_streams();
    named()
        .find(|a| a.name == stream)
        .or_else(|| named().find(|a| a.name.to_lowercase() == stream.to_lowercase()))
        .filter(|a| a.ty == NtfsAttributeType::Data as u32 || a.name.starts_with('$'))
}

impl FileSystem for NtfsFileSystem {
    fn fs_type(&self) -> FsType {
        FsType::Ntfs
    }

    fn walk(&self, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, Error> {
        let mut problems = self.open_problems.clone();
        let records = self.read_records(&mut problems);
        if !records.contains_key(&tree::ROOT_RECORD) {
            return Err(Error::Corrupt {
                volume_offset: 0,
                what: "NTFS root directory (MFT record 5) cannot be read".into(),
            });
        }
        let tree = tree::Tree::build(&records, self.record_count, self.geometry, &mut problems);
        tree.walk(visit, &mut problems);
        Ok(problems)
    }

    fn read_content(
        &self,
        id: &str,
        stream: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, Error> {
        let not_found = || Error::NotFound {
            what: match stream {
                Some(stream) => format!("#{id} stream {stream}"),
                None => format!("#{id}"),
            },
        };
        let (number, address) = parse_id(id).ok_or_else(not_found)?;
        let record = self.load_record(number)?;
        let attr = pick_attr(&record, address, stream).ok_or_else(not_found)?;
        write_value(self.volume.as_ref(), self.geometry, attr, out)
    }

    fn unallocated(&self) -> Result<Vec<ByteRange>, Error> {
        let record = self.load_record(BITMAP_RECORD)?;
        let attr = record.unnamed_data().ok_or_else(|| Error::Corrupt {
            volume_offset: 0,
            what: "NTFS $Bitmap has no data".into(),
        })?;
        let cluster_bytes = self.geometry.cluster_bytes;
        // Clusters past the end of the image hold nothing to list; the cap
        // also bounds the bitmap a corrupt sector count could ask for.
        let total_clusters = self.ntfs.size().min(self.volume.len()) / cluster_bytes;
        let bitmap_cap = total_clusters.div_ceil(8).saturating_add(cluster_bytes);
        if attr.size > bitmap_cap {
            return Err(Error::Corrupt {
                volume_offset: 0,
                what: format!(
                    "NTFS $Bitmap of {} bytes for {total_clusters} clusters",
                    attr.size
                ),
            });
        }
        let mut bitmap = Vec::new();
        write_value(self.volume.as_ref(), self.geometry, attr, &mut bitmap)?;
        Ok(free_ranges(&bitmap, total_clusters, cluster_bytes))
    }
}

/// Runs of clear bits in `bitmap` (cluster allocation), as volume ranges.
fn free_ranges(bitmap: &[u8], total_clusters: u64, cluster_bytes: u64) -> Vec<ByteRange> {
    let mut ranges: Vec<ByteRange> = Vec::new();
    let mut start: Option<u64> = None;
    for cluster in 0..=total_clusters {
        let free = cluster < total_clusters
            && bitmap
                .get((cluster / 8) as usize)
                .is_some_and(|byte| byte >> (cluster % 8) & 1 == 0);
        match (free, start) {
            (true, None) => start = Some(cluster),
            (false, Some(first)) => {
                ranges.push(ByteRange {
                    image_offset: first * cluster_bytes,
                    len_bytes: (cluster - first) * cluster_bytes,
                });
                start = None;
            }
            _ => {}
        }
    }
    ranges
}
