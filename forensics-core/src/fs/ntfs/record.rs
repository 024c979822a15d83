//! One MFT record as the reader needs it: header flags, times, names and the
//! data-bearing attributes with their runs, gathered through the `ntfs` crate
//! (attribute lists included).

use ntfs::structured_values::{
    NtfsAttributeList, NtfsFileName, NtfsFileNamespace, NtfsStandardInformation,
};
use ntfs::{Ntfs, NtfsAttribute, NtfsAttributeFlags, NtfsAttributeType, NtfsFile};

use super::io::VolumeReader;
use crate::evidence::read_exact_at;
use crate::fs::{Times, Timestamp};

/// At most this many attributes are read from one record (a record of 4 KiB
/// holds far fewer; the cap stops a zero-length attribute from looping).
const MAX_ATTRIBUTES_PER_RECORD: usize = 512;
/// At most this many attribute-list entries are followed for one file.
const MAX_ATTRIBUTE_LIST_ENTRIES: usize = 4096;
/// At most this many data runs are kept for one attribute.
const MAX_RUNS_PER_ATTRIBUTE: usize = 1 << 20;
/// `$I30`: the name of a directory's file-name index.
pub(super) const DIRECTORY_INDEX: &str = "$I30";

/// MFT record header flag: the record is in use.
const FLAG_IN_USE: u16 = 0x0001;
/// MFT record header flag: the record is a directory.
const FLAG_DIRECTORY: u16 = 0x0002;

/// A `$FILE_NAME` attribute: one name (hard link) of a record.
#[derive(Debug, Clone)]
pub(super) struct Name {
    pub(super) name: String,
    pub(super) parent_number: u64,
    pub(super) parent_sequence: u16,
    pub(super) namespace: NtfsFileNamespace,
    pub(super) times: Times,
}

/// One piece of a non-resident value: `clusters` clusters at cluster `lcn`,
/// or sparse (`lcn` is `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    pub(super) lcn: Option<u64>,
    pub(super) clusters: u64,
}

/// Where an attribute's value lives.
#[derive(Debug, Clone)]
pub(super) enum Body {
    /// Stored in the record; the bytes (when asked for) and their volume offset.
    Resident {
        data: Vec<u8>,
        volume_offset: Option<u64>,
    },
    /// Stored in clusters, in VCN order.
    NonResident { runs: Vec<Run> },
}

/// A `$DATA` or `$INDEX_ROOT` attribute.
#[derive(Debug, Clone)]
pub(super) struct Attr {
    pub(super) ty: u32,
    pub(super) name: String,
    pub(super) instance: u16,
    pub(super) size: u64,
    /// Bytes of the value actually written (NTFS "initialized size"); the
    /// rest up to `size` reads as zeros. Equal to `size` when unknown.
    pub(super) initialized: u64,
    pub(super) compressed: bool,
    pub(super) body: Body,
}

/// What the reader keeps of one MFT record.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub(super) number: u64,
    pub(super) sequence: u16,
    pub(super) in_use: bool,
    pub(super) is_directory: bool,
    /// Base record of an extension record (0 for a base record).
    pub(super) base_number: u64,
    pub(super) si_times: Option<Times>,
    pub(super) names: Vec<Name>,
    pub(super) attrs: Vec<Attr>,
    /// Attributes that could not be read, as sentences.
    pub(super) damage: Vec<String>,
}

impl Record {
    /// The unnamed `$DATA` attribute.
    pub(super) fn unnamed_data(&self) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.ty == NtfsAttributeType::Data as u32 && a.name.is_empty())
    }

    /// The `$I30` index root (directories).
    pub(super) fn directory_root(&self) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.ty == NtfsAttributeType::IndexRoot as u32 && a.name == DIRECTORY_INDEX)
    }

    /// Named attributes listed as streams: named `$DATA`, and named index
    /// roots other than `$I30` (as TSK lists `$Secure:$SDH`).
    pub(super) fn named_streams(&self) -> impl Iterator<Item = &Attr> {
        self.attrs.iter().filter(|a| {
            !a.name.is_empty()
                && (a.ty == NtfsAttributeType::Data as u32
                    || (a.ty == NtfsAttributeType::IndexRoot as u32 && a.name != DIRECTORY_INDEX))
        })
    }
}

/// Converts the crate's FILETIME to our timestamp.
fn time(value: ntfs::NtfsTime) -> Option<Timestamp> {
    Timestamp::from_filetime(value.nt_timestamp())
}

/// Why a record could not be read.
#[derive(Debug)]
pub(super) enum LoadError {
    /// The `ntfs` crate reported an error.
    Ntfs(ntfs::NtfsError),
    /// The `ntfs` crate panicked on the record (it does on some truncated
    /// structures, e.g. a short attribute-list entry); caught, see [`load`].
    CratePanic,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ntfs(error) => write!(f, "{error}"),
            Self::CratePanic => f.write_str("malformed record (the NTFS parser gave up on it)"),
        }
    }
}

/// Reads MFT record `number`. `with_resident_data` keeps resident values in
/// memory (for reading content); a walk leaves it off.
///
/// Last resort: the `ntfs` crate turns some parse errors into panics
/// (`unreachable!` on a binrw error that is not plain I/O). The reader never
/// hands it an I/O error (see `io.rs`), but structures that end early inside
/// a record still reach that path, so the crate call is wrapped in
/// `catch_unwind` and such a record becomes a problem.
pub(super) fn load(
    ntfs: &Ntfs,
    reader: &mut VolumeReader,
    number: u64,
    with_resident_data: bool,
) -> Result<Record, LoadError> {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        load_unguarded(ntfs, reader, number, with_resident_data)
    }));
    match attempt {
        Ok(result) => result.map_err(LoadError::Ntfs),
        Err(_) => Err(LoadError::CratePanic),
    }
}

fn load_unguarded(
    ntfs: &Ntfs,
    reader: &mut VolumeReader,
    number: u64,
    with_resident_data: bool,
) -> Result<Record, ntfs::NtfsError> {
    let file = ntfs.file(reader, number)?;
    let mut header = [0u8; 0x28];
    let header_offset = file.position().value().map_or(0, |p| p.get());
    let header_ok = read_exact_at(reader.volume().as_ref(), header_offset, &mut header).is_ok();
    let u16_at = |at: usize| u16::from_le_bytes([header[at], header[at + 1]]);
    let flags = u16_at(0x16);
    let base_number = u64::from_le_bytes([
        header[0x20],
        header[0x21],
        header[0x22],
        header[0x23],
        header[0x24],
        header[0x25],
        0,
        0,
    ]);
    let mut record = Record {
        number,
        sequence: file.sequence_number(),
        in_use: flags & FLAG_IN_USE != 0,
        is_directory: flags & FLAG_DIRECTORY != 0,
        base_number: if header_ok { base_number } else { 0 },
        si_times: None,
        names: Vec::new(),
        attrs: Vec::new(),
        damage: Vec::new(),
    };
    let mut list_attribute_seen = false;
    for attribute in file.attributes_raw().take(MAX_ATTRIBUTES_PER_RECORD) {
        let attribute = match attribute {
            Ok(attribute) => attribute,
            Err(error) => {
                record.damage.push(error.to_string());
                break;
            }
        };
        if attribute.ty().ok() == Some(NtfsAttributeType::AttributeList) {
            list_attribute_seen = true;
            continue;
        }
        if let Err(error) = add_attribute(&mut record, &attribute, 0, reader, with_resident_data) {
            record.damage.push(error.to_string());
        }
    }
    if list_attribute_seen
        && let Err(error) = add_listed(ntfs, reader, &file, &mut record, with_resident_data)
    {
        record.damage.push(format!("attribute list: {error}"));
    }
    Ok(record)
}

/// Adds the attributes an `$ATTRIBUTE_LIST` places in extension records, and
/// joins the extents of attributes split over several records.
fn add_listed(
    ntfs: &Ntfs,
    reader: &mut VolumeReader,
    file: &NtfsFile<'_>,
    record: &mut Record,
    with_resident_data: bool,
) -> Result<(), ntfs::NtfsError> {
    let Some(list_attribute) = file
        .attributes_raw()
        .take(MAX_ATTRIBUTES_PER_RECORD)
        .filter_map(Result::ok)
        .find(|a| a.ty().ok() == Some(NtfsAttributeType::AttributeList))
    else {
        return Ok(());
    };
    let list = list_attribute.structured_value::<_, NtfsAttributeList>(reader)?;
    let mut entries = list.entries();
    let mut followed = 0usize;
    while let Some(entry) = entries.next(reader) {
        let entry = entry?;
        followed += 1;
        if followed > MAX_ATTRIBUTE_LIST_ENTRIES {
            record.damage.push(format!(
                "attribute list has more than {MAX_ATTRIBUTE_LIST_ENTRIES} entries; the rest is ignored"
            ));
            break;
        }
        let holder = entry.base_file_reference().file_record_number();
        if holder == record.number {
            continue;
        }
        let extension = match entry.to_file(ntfs, reader) {
            Ok(extension) => extension,
            Err(error) => {
                record
                    .damage
                    .push(format!("extension record {holder}: {error}"));
                continue;
            }
        };
        let attribute = match entry.to_attribute(&extension) {
            Ok(attribute) => attribute,
            Err(error) => {
                record
                    .damage
                    .push(format!("extension record {holder}: {error}"));
                continue;
            }
        };
        let lowest_vcn = u64::try_from(entry.lowest_vcn().value()).unwrap_or(0);
        if let Err(error) =
            add_attribute(record, &attribute, lowest_vcn, reader, with_resident_data)
        {
            record
                .damage
                .push(format!("extension record {holder}: {error}"));
        }
    }
    Ok(())
}

/// Adds one attribute (or one extent of a split attribute) to `record`.
fn add_attribute(
    record: &mut Record,
    attribute: &NtfsAttribute<'_, '_>,
    lowest_vcn: u64,
    reader: &mut VolumeReader,
    with_resident_data: bool,
) -> Result<(), ntfs::NtfsError> {
    let ty = attribute.ty()?;
    match ty {
        NtfsAttributeType::StandardInformation => {
            let info = attribute.resident_structured_value::<NtfsStandardInformation>()?;
            record.si_times = Some(Times {
                modified: time(info.modification_time()),
                accessed: time(info.access_time()),
                changed: time(info.mft_record_modification_time()),
                created: time(info.creation_time()),
            });
        }
        NtfsAttributeType::FileName => {
            let name = attribute.structured_value::<_, NtfsFileName>(reader)?;
            let parent = name.parent_directory_reference();
            record.names.push(Name {
                name: name.name().to_string_lossy(),
                parent_number: parent.file_record_number(),
                parent_sequence: parent.sequence_number(),
                namespace: name.namespace(),
                times: Times {
                    modified: time(name.modification_time()),
                    accessed: time(name.access_time()),
                    changed: time(name.mft_record_modification_time()),
                    created: time(name.creation_time()),
                },
            });
        }
        NtfsAttributeType::Data | NtfsAttributeType::IndexRoot => {
            add_value_attribute(
                record,
                attribute,
                ty,
                lowest_vcn,
                reader,
                with_resident_data,
            )?;
        }
        _ => {}
    }
    Ok(())
}

fn add_value_attribute(
    record: &mut Record,
    attribute: &NtfsAttribute<'_, '_>,
    ty: NtfsAttributeType,
    lowest_vcn: u64,
    reader: &mut VolumeReader,
    with_resident_data: bool,
) -> Result<(), ntfs::NtfsError> {
    let name = attribute.name()?.to_string_lossy();
    let value = attribute.value(reader)?;
    let body = match value {
        ntfs::attribute_value::NtfsAttributeValue::Resident(resident) => Body::Resident {
            data: if with_resident_data {
                resident.data().to_vec()
            } else {
                Vec::new()
            },
            volume_offset: resident.data_position().value().map(|p| p.get()),
        },
        ntfs::attribute_value::NtfsAttributeValue::NonResident(non_resident) => {
            let cluster_size = u64::from(non_resident.ntfs().cluster_size());
            let mut runs = Vec::new();
            for run in non_resident.data_runs().take(MAX_RUNS_PER_ATTRIBUTE) {
                let run = run?;
                let lcn = run.data_position().value().map(|p| p.get() / cluster_size);
                runs.push(Run {
                    lcn,
                    clusters: run.allocated_size() / cluster_size,
                });
            }
            Body::NonResident { runs }
        }
        ntfs::attribute_value::NtfsAttributeValue::AttributeListNonResident(_) => {
            // Never produced: attributes are read one extent at a time.
            Body::NonResident { runs: Vec::new() }
        }
    };
    let compressed = attribute.flags().contains(NtfsAttributeFlags::COMPRESSED);
    let size = attribute.value_length();
    let initialized = match body {
        Body::NonResident { .. } if lowest_vcn == 0 => {
            initialized_size(reader, attribute).unwrap_or(size)
        }
        _ => size,
    };
    let existing = record.attrs.iter_mut().find(|a| {
        a.ty == ty as u32 && a.name == name && matches!(a.body, Body::NonResident { .. })
    });
    match (existing, body) {
        (Some(first), Body::NonResident { runs }) if lowest_vcn > 0 => {
            if let Body::NonResident { runs: known } = &mut first.body {
                let known_clusters: u64 = known.iter().map(|r| r.clusters).sum();
                if lowest_vcn > known_clusters {
                    known.push(Run {
                        lcn: None,
                        clusters: lowest_vcn - known_clusters,
                    });
                }
                known.extend(runs);
            }
        }
        (_, body) => record.attrs.push(Attr {
            ty: ty as u32,
            name,
            instance: attribute.instance(),
            size,
            initialized: initialized.min(size),
            compressed,
            body,
        }),
    }
    Ok(())
}

/// Offset of the initialized size in a non-resident attribute header.
const INITIALIZED_SIZE_OFFSET: u64 = 0x38;

/// The initialized size of a non-resident attribute, read from its header on
/// the volume (the crate does not expose it). `None` when the field shares a
/// sector's last two bytes, which the on-disk copy holds the update sequence
/// number in.
fn initialized_size(reader: &VolumeReader, attribute: &NtfsAttribute<'_, '_>) -> Option<u64> {
    let at = attribute
        .position()
        .value()?
        .get()
        .checked_add(INITIALIZED_SIZE_OFFSET)?;
    let in_sector = at % 512;
    if in_sector + 8 > 510 {
        return None;
    }
    let mut field = [0u8; 8];
    read_exact_at(reader.volume().as_ref(), at, &mut field).ok()?;
    Some(u64::from_le_bytes(field))
}
