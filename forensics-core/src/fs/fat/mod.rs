//! Read-only FAT12/16/32 reader.
//!
//! - The BPB is checked field by field and the FAT type follows from the
//!   cluster count ([`bpb`]); the FSInfo sector is not trusted for anything.
//! - Entry ids are The Sleuth Kit's virtual addresses: the root is 2, every
//!   32-byte directory slot from the first sector after the FATs is numbered
//!   from 3 in on-disk order, and `$MBR`, `$FAT1`, `$FAT2` follow the last
//!   possible slot. So `forensics cat '#ID'` takes the numbers `fls` prints.
//!   (TSK's `$OrphanFiles` is not listed: orphan entries are not searched.)
//! - Times are FAT local times read as UTC (as TSK with TZ=UTC): modified =
//!   write date and time (2 s), accessed = access date, created = creation
//!   date, time and 10-ms units; no change time.
//! - Deleted entries (0xE5) are listed with TSK's names and content recovered
//!   as TSK does: the free clusters from the first cluster on, skipping
//!   allocated ones, until the size is covered; none if the first cluster is
//!   allocated again. Content may then be short or belong to another file;
//!   that is the nature of FAT recovery and not reported as a problem.
//! - Allocated content follows the FAT chain for as many clusters as the size
//!   needs; a cycle, invalid or free link ends it early (short content) and
//!   is reported by [`FileSystem::walk`]. Loops are found in constant memory
//!   (Brent); directories are read at most once (a directory reached again,
//!   or pointing at the root, is a cycle: cut and reported); the cluster
//!   steps of one walk are capped at a multiple of the cluster count.
//! - Listing order: depth first, siblings sorted by name, then `$MBR`,
//!   `$FAT1`, `$FAT2` (as TSK lists them, last). The volume label is not an
//!   entry.
//! - Creation times keep the whole second that the 10-ms field can add
//!   (values 100-199), as the FAT specification says; TSK 4.11 drops it, so
//!   bodyfile `crtime` can be 1 s later than TSK's.

mod bpb;
mod content;
mod dir;
mod table;
mod walk;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, OnceLock};

use bpb::Geometry;
use table::{MAX_FAT_BYTES, Table};

use crate::Problem;
use crate::evidence::{EvidenceSource, read_exact_at};
use crate::fs::{ByteRun, EntryKind, Error, FileEntry, FileSystem, FsType};
use crate::volume::ByteRange;

/// Bytes copied per read when writing content.
const COPY_CHUNK_BYTES: u64 = 1 << 20;

/// What `read_content` needs of an entry.
struct Located {
    kind: EntryKind,
    size: u64,
    deleted: bool,
    runs: Vec<ByteRun>,
}

/// A FAT12/16/32 file system opened read-only on a volume.
pub struct FatFs {
    volume: Arc<dyn EvidenceSource>,
    geometry: Geometry,
    table: Table,
    /// Found while opening (volume shorter than the BPB says, …).
    open_problems: Vec<Problem>,
    /// Entries by id, built by the first `read_content`.
    index: OnceLock<BTreeMap<String, Located>>,
}

impl FatFs {
    /// Reads the boot sector and the first FAT of `volume`.
    pub fn open(volume: Arc<dyn EvidenceSource>) -> Result<Self, Error> {
        let mut boot = [0u8; 512];
        read_exact_at(volume.as_ref(), 0, &mut boot)?;
        let geometry = Geometry::parse(&boot)?;
        let fat_end = geometry.fat_offset(geometry.fat_count);
        if fat_end > volume.len() {
            return Err(Error::Corrupt {
                volume_offset: 0,
                what: format!(
                    "FAT area ends at byte {fat_end}, past the end of the {}-byte volume",
                    volume.len()
                ),
            });
        }
        if geometry.fat_bytes() > MAX_FAT_BYTES {
            return Err(Error::Corrupt {
                volume_offset: geometry.fat_offset(0),
                what: format!(
                    "FAT of {} bytes is larger than the {MAX_FAT_BYTES}-byte limit",
                    geometry.fat_bytes()
                ),
            });
        }
        let mut fat = vec![0u8; usize::try_from(geometry.fat_bytes()).unwrap_or(0)];
        read_exact_at(volume.as_ref(), geometry.fat_offset(0), &mut fat)?;
        let mut open_problems = Vec::new();
        if geometry.volume_bytes() > volume.len() {
            open_problems.push(Problem::at(
                volume.len(),
                geometry.volume_bytes() - volume.len(),
                format!(
                    "file system is {} bytes but the volume only {}: clusters past the end cannot be read",
                    geometry.volume_bytes(),
                    volume.len()
                ),
            ));
        }
        let table = Table::new(fat, geometry.fs_type);
        Ok(Self {
            volume,
            geometry,
            table,
            open_problems,
            index: OnceLock::new(),
        })
    }

    fn index(&self) -> &BTreeMap<String, Located> {
        self.index.get_or_init(|| {
            let mut index = BTreeMap::new();
            // A walk that fails (unreadable root) still leaves the special
            // files readable.
            let result = self.walk_entries(&mut |entry| {
                index.insert(entry.id.clone(), located(entry));
            });
            if result.is_err() {
                for entry in self.special_entries() {
                    index.insert(entry.id.clone(), located(entry));
                }
            }
            index
        })
    }

    fn copy_runs(&self, runs: &[ByteRun], out: &mut dyn Write) -> Result<u64, Error> {
        let mut buffer = Vec::new();
        let mut written = 0u64;
        for run in runs {
            let Some(start) = run.volume_offset else {
                continue;
            };
            let mut done = 0u64;
            while done < run.len_bytes {
                let len = (run.len_bytes - done).min(COPY_CHUNK_BYTES);
                buffer.resize(usize::try_from(len).unwrap_or(0), 0);
                read_exact_at(self.volume.as_ref(), start + done, &mut buffer)?;
                out.write_all(&buffer).map_err(Error::Output)?;
                done += len;
            }
            written += run.len_bytes;
        }
        Ok(written)
    }
}

fn located(entry: FileEntry) -> Located {
    Located {
        kind: entry.kind,
        size: entry.size,
        deleted: entry.deleted,
        runs: entry.byte_runs,
    }
}

impl FileSystem for FatFs {
    fn fs_type(&self) -> FsType {
        self.geometry.fs_type
    }

    fn walk(&self, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, Error> {
        self.walk_entries(visit)
    }

    fn read_content(
        &self,
        id: &str,
        stream: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, Error> {
        if let Some(stream) = stream {
            return Err(Error::NotFound {
                what: format!("#{id}:{stream} (FAT has no named streams)"),
            });
        }
        let Some(found) = self.index().get(id) else {
            return Err(Error::NotFound {
                what: format!("#{id}"),
            });
        };
        if found.kind == EntryKind::Directory {
            return Err(Error::NotFound {
                what: format!("#{id} content: it is a directory"),
            });
        }
        if found.deleted && found.size > 0 && found.runs.is_empty() {
            return Err(Error::NotFound {
                what: format!(
                    "#{id} content: deleted, and its first cluster is allocated to another file or invalid"
                ),
            });
        }
        self.copy_runs(&found.runs, out)
    }

    fn unallocated(&self) -> Result<Vec<ByteRange>, Error> {
        let g = &self.geometry;
        Ok(self
            .table
            .free_runs(g)
            .into_iter()
            .map(|(first, count)| ByteRange {
                image_offset: g.cluster_offset(first),
                len_bytes: count * g.cluster_bytes,
            })
            .collect())
    }
}
