//! Opening and matching `.fhs` files (format in the module doc of
//! [`super`]): the file is memory-mapped read-only through the evidence
//! layer's [`RawImage`], checked once, then searched in place.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::fhs_reader::Reader;
use super::{Error, MAX_CATEGORIES, SetKind};
use crate::evidence::{self, EvidenceSource, RawImage};
use crate::hash::{Algorithm, Digests};

/// First bytes of every `.fhs` file.
pub(crate) const MAGIC: &[u8; 8] = b"FHSET\0\r\n";
/// The version this code writes and reads.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// Category index meaning "no category".
pub(crate) const NO_CATEGORY: u32 = u32::MAX;
/// Length of the BLAKE3 trailer.
const TRAILER_LEN: usize = 32;

/// A match of a digest in a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetMatch {
    /// The set's name.
    pub set_name: String,
    /// Known or notable.
    pub kind: SetKind,
    /// The category the set gives the file, if any.
    pub category: Option<String>,
    /// The algorithm whose digest matched.
    pub algorithm: Algorithm,
}

/// One table of a set, as `hashset info` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// The digest algorithm.
    pub algorithm: Algorithm,
    /// Number of distinct digests.
    pub count: u64,
    /// Whether entries carry categories.
    pub has_categories: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    pub(super) algorithm: Algorithm,
    pub(super) count: usize,
    pub(super) digests_at: usize,
    pub(super) categories_at: Option<usize>,
    /// Number of leading digest bits that pick a bucket.
    pub(super) prefix_bits: u32,
    /// `bucket_starts[b]` is the first entry whose prefix is `b` or more;
    /// one extra element holds `count`. Digests are uniformly distributed,
    /// so a lookup touches one bucket of about [`ENTRIES_PER_BUCKET`] entries
    /// instead of binary-searching the whole table (one cache miss per step).
    pub(super) bucket_starts: Vec<usize>,
}

/// Average entries per bucket of the prefix index.
const ENTRIES_PER_BUCKET: usize = 4;
/// Largest prefix index: 2^24 buckets (128 MiB of offsets on 64-bit).
const MAX_PREFIX_BITS: u32 = 24;

/// The first `bits` bits of `digest` as a number.
fn prefix_of(digest: &[u8], bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    let mut head = [0u8; 8];
    let len = digest.len().min(8);
    head[..len].copy_from_slice(&digest[..len]);
    usize::try_from(u64::from_be_bytes(head) >> (64 - bits)).unwrap_or(0)
}

/// An opened `.fhs` hash set.
pub struct DigestSet {
    path: PathBuf,
    map: RawImage,
    name: String,
    kind: SetKind,
    categories: Vec<String>,
    tables: Vec<Table>,
}

impl std::fmt::Debug for DigestSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DigestSet")
            .field("path", &self.path)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

impl DigestSet {
    /// Maps and checks the `.fhs` file at `path`: trailer digest, header,
    /// bounds, category indexes and strictly ascending digests.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let map = RawImage::open(path).map_err(|e| match e {
            evidence::Error::Io { source, .. } => Error::io(path, source),
            other => Error::invalid(path, other.to_string()),
        })?;
        let bytes = map.as_bytes().unwrap_or(&[]);
        let body_len = bytes
            .len()
            .checked_sub(TRAILER_LEN)
            .ok_or_else(|| Error::invalid(path, "shorter than its trailer"))?;
        let (body, trailer) = bytes.split_at(body_len);
        if blake3::hash(body).as_bytes().as_slice() != trailer {
            return Err(Error::invalid(
                path,
                "the BLAKE3 trailer does not match the content (damaged or altered)",
            ));
        }
        let mut reader = Reader {
            bytes: body,
            at: 0,
            path,
        };
        if reader.take(MAGIC.len())? != MAGIC {
            return Err(Error::invalid(path, "wrong magic"));
        }
        let version = reader.u32()?;
        if version != FORMAT_VERSION {
            return Err(Error::invalid(
                path,
                format!("version {version}, expected {FORMAT_VERSION}"),
            ));
        }
        let kind = match reader.take(4)?.first() {
            Some(1) => SetKind::Known,
            Some(2) => SetKind::Notable,
            other => return Err(Error::invalid(path, format!("unknown kind {other:?}"))),
        };
        let name = reader.text()?;
        let category_count = reader.count(MAX_CATEGORIES, "category count")?;
        let categories = (0..category_count)
            .map(|_| reader.text())
            .collect::<Result<Vec<_>, _>>()?;
        let table_count = reader.count(Algorithm::ALL.len(), "table count")?;
        let mut tables: Vec<Table> = Vec::with_capacity(table_count);
        for _ in 0..table_count {
            let table = reader.table()?;
            if tables.iter().any(|t| t.algorithm == table.algorithm) {
                return Err(Error::invalid(
                    path,
                    format!("two {} tables", table.algorithm),
                ));
            }
            tables.push(table);
        }
        if reader.at != body.len() {
            return Err(Error::invalid(
                path,
                format!(
                    "{} unexpected bytes after the tables",
                    body.len() - reader.at
                ),
            ));
        }
        let mut set = Self {
            path: path.to_path_buf(),
            name,
            kind,
            categories,
            tables,
            map,
        };
        set.check_tables()?;
        Ok(set)
    }

    fn bytes(&self) -> &[u8] {
        self.map.as_bytes().unwrap_or(&[])
    }

    /// Every table is strictly ascending and its category indexes are valid;
    /// builds each table's prefix index on the way.
    fn check_tables(&mut self) -> Result<(), Error> {
        let mut tables = std::mem::take(&mut self.tables);
        for table in &mut tables {
            for i in 1..table.count {
                if self.digest(table, i - 1) >= self.digest(table, i) {
                    return Err(Error::invalid(
                        &self.path,
                        format!(
                            "{} table not strictly ascending at entry {i}",
                            table.algorithm
                        ),
                    ));
                }
            }
            for i in 0..table.count {
                let index = self.category_index(table, i);
                if index != NO_CATEGORY && index as usize >= self.categories.len() {
                    return Err(Error::invalid(
                        &self.path,
                        format!(
                            "{} entry {i} names category {index} of {}",
                            table.algorithm,
                            self.categories.len()
                        ),
                    ));
                }
            }
            self.build_index(table);
        }
        self.tables = tables;
        Ok(())
    }

    fn build_index(&self, table: &mut Table) {
        let wanted_buckets = (table.count / ENTRIES_PER_BUCKET).max(1);
        let bits = (usize::BITS - wanted_buckets.leading_zeros()).saturating_sub(1);
        let bits = bits.min(MAX_PREFIX_BITS);
        let buckets = 1usize << bits;
        let mut starts = Vec::with_capacity(buckets + 1);
        let mut entry = 0usize;
        for bucket in 0..buckets {
            while entry < table.count && prefix_of(self.digest(table, entry), bits) < bucket {
                entry += 1;
            }
            starts.push(entry);
        }
        starts.push(table.count);
        table.prefix_bits = bits;
        table.bucket_starts = starts;
    }

    fn digest(&self, table: &Table, index: usize) -> &[u8] {
        let len = table.algorithm.digest_len_bytes();
        let start = table.digests_at + index * len;
        self.bytes().get(start..start + len).unwrap_or(&[])
    }

    fn category_index(&self, table: &Table, index: usize) -> u32 {
        let Some(at) = table.categories_at else {
            return NO_CATEGORY;
        };
        let start = at + index * 4;
        self.bytes()
            .get(start..start + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(NO_CATEGORY, u32::from_le_bytes)
    }

    /// The set's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Known or notable.
    pub fn kind(&self) -> SetKind {
        self.kind
    }

    /// The category names, sorted.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The tables, one per algorithm present.
    pub fn tables(&self) -> Vec<TableInfo> {
        self.tables
            .iter()
            .map(|t| TableInfo {
                algorithm: t.algorithm,
                count: t.count as u64,
                has_categories: t.categories_at.is_some(),
            })
            .collect()
    }

    /// Whether `digest` (of `algorithm`) is in the set: `None` if not,
    /// `Some(category)` if it is.
    pub fn contains(&self, algorithm: Algorithm, digest: &[u8]) -> Option<Option<&str>> {
        let table = self.tables.iter().find(|t| t.algorithm == algorithm)?;
        if digest.len() != algorithm.digest_len_bytes() {
            return None;
        }
        let bucket = prefix_of(digest, table.prefix_bits);
        let mut low = table.bucket_starts.get(bucket).copied().unwrap_or(0);
        let mut high = table
            .bucket_starts
            .get(bucket + 1)
            .copied()
            .unwrap_or(table.count);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.digest(table, middle).cmp(digest) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => {
                    let index = self.category_index(table, middle);
                    return Some(self.categories.get(index as usize).map(String::as_str));
                }
            }
        }
        None
    }

    /// The first match of `digests`, trying SHA-256, SHA-1, MD5, BLAKE3.
    pub fn lookup(&self, digests: &Digests) -> Option<SetMatch> {
        [
            Algorithm::Sha256,
            Algorithm::Sha1,
            Algorithm::Md5,
            Algorithm::Blake3,
        ]
        .into_iter()
        .find_map(|algorithm| {
            let category = self.contains(algorithm, digests.get(algorithm)?)?;
            Some(SetMatch {
                set_name: self.name.clone(),
                kind: self.kind,
                category: category.map(str::to_string),
                algorithm,
            })
        })
    }

    /// The algorithms this set has tables for.
    pub fn algorithms(&self) -> crate::hash::AlgorithmSet {
        self.tables
            .iter()
            .fold(crate::hash::AlgorithmSet::EMPTY, |set, t| {
                set.with(t.algorithm)
            })
    }
}
