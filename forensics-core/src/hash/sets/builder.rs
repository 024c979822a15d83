//! Collects digests from source lists, then sorts, deduplicates and writes
//! them as an `.fhs` file.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::Serialize;

use super::fhs::{FORMAT_VERSION, MAGIC, NO_CATEGORY};
use super::{Error, MAX_CATEGORIES, MAX_NAME_BYTES, SetKind};
use crate::hash::{Algorithm, Digests};

/// What an import put into a set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Records (lines, JSON media, database rows) read.
    pub records: u64,
    /// Distinct MD5 digests in the set.
    pub md5: u64,
    /// Distinct SHA-1 digests in the set.
    pub sha1: u64,
    /// Distinct SHA-256 digests in the set.
    pub sha256: u64,
    /// Distinct BLAKE3 digests in the set.
    pub blake3: u64,
    /// Digests listed more than once (kept once).
    pub duplicates: u64,
    /// Digests listed under more than one category; the first category by
    /// name is kept.
    pub conflicting_categories: u64,
}

/// Digests collected for one set, not yet sorted.
#[derive(Debug, Default)]
pub struct SetBuilder {
    md5: Vec<([u8; 16], u32)>,
    sha1: Vec<([u8; 20], u32)>,
    sha256: Vec<([u8; 32], u32)>,
    blake3: Vec<([u8; 32], u32)>,
    /// Category name -> provisional index (order of first appearance).
    category_ids: BTreeMap<String, u32>,
    records: u64,
    /// Exact duplicates already dropped by [`Self::compact`].
    dropped_duplicates: u64,
    /// Row count at which to compact next.
    compact_at_rows: usize,
}

/// Rows collected before the first compaction: NSRL lists the same digest
/// in many packages, so sorting out exact duplicates along the way keeps the
/// memory near the number of distinct digests.
const COMPACT_EVERY_ROWS: usize = 16 * 1024 * 1024;

impl SetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one record's digests under `category`; `source` names the list
    /// for the error when the category limit is reached.
    pub fn add(
        &mut self,
        digests: &Digests,
        category: Option<&str>,
        source: &Path,
    ) -> Result<(), Error> {
        let category_id = match category {
            None => NO_CATEGORY,
            Some(name) => self.category_id(name, source)?,
        };
        self.records += 1;
        if let Some(d) = digests.md5 {
            self.md5.push((d, category_id));
        }
        if let Some(d) = digests.sha1 {
            self.sha1.push((d, category_id));
        }
        if let Some(d) = digests.sha256 {
            self.sha256.push((d, category_id));
        }
        if let Some(d) = digests.blake3 {
            self.blake3.push((d, category_id));
        }
        let rows = self.md5.len() + self.sha1.len() + self.sha256.len() + self.blake3.len();
        if rows >= self.compact_at_rows.max(COMPACT_EVERY_ROWS) {
            self.compact();
            let kept = self.md5.len() + self.sha1.len() + self.sha256.len() + self.blake3.len();
            self.compact_at_rows = kept.saturating_mul(2);
        }
        Ok(())
    }

    /// Sorts every table and drops rows equal in digest and category.
    fn compact(&mut self) {
        self.dropped_duplicates += drop_exact_duplicates(&mut self.md5)
            + drop_exact_duplicates(&mut self.sha1)
            + drop_exact_duplicates(&mut self.sha256)
            + drop_exact_duplicates(&mut self.blake3);
    }

    fn category_id(&mut self, name: &str, source: &Path) -> Result<u32, Error> {
        if let Some(&id) = self.category_ids.get(name) {
            return Ok(id);
        }
        if name.len() > MAX_NAME_BYTES {
            return Err(Error::LimitExceeded {
                path: source.to_path_buf(),
                what: format!("category name of {} bytes", name.len()),
                limit: MAX_NAME_BYTES as u64,
            });
        }
        if self.category_ids.len() >= MAX_CATEGORIES {
            return Err(Error::LimitExceeded {
                path: source.to_path_buf(),
                what: "number of categories".into(),
                limit: MAX_CATEGORIES as u64,
            });
        }
        let id = u32::try_from(self.category_ids.len()).unwrap_or(NO_CATEGORY - 1);
        self.category_ids.insert(name.to_string(), id);
        Ok(id)
    }

    /// Records added so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Sorts, deduplicates and writes the set to `out` (through a temporary
    /// file renamed at the end, so a failed write leaves no half set).
    pub fn write_fhs(
        mut self,
        out: &Path,
        name: &str,
        kind: SetKind,
    ) -> Result<ImportSummary, Error> {
        if name.len() > MAX_NAME_BYTES {
            return Err(Error::LimitExceeded {
                path: out.to_path_buf(),
                what: format!("set name of {} bytes", name.len()),
                limit: MAX_NAME_BYTES as u64,
            });
        }
        // Final category indexes follow name order, so the file does not
        // depend on the order of the input lists.
        let mut remap = vec![0u32; self.category_ids.len()];
        for (final_id, (_, &provisional)) in self.category_ids.iter().enumerate() {
            if let Some(slot) = remap.get_mut(provisional as usize) {
                *slot = u32::try_from(final_id).unwrap_or(NO_CATEGORY - 1);
            }
        }
        let mut summary = ImportSummary {
            records: self.records,
            duplicates: self.dropped_duplicates,
            ..ImportSummary::default()
        };
        summary.md5 = finish_table(&mut self.md5, &remap, &mut summary);
        summary.sha1 = finish_table(&mut self.sha1, &remap, &mut summary);
        summary.sha256 = finish_table(&mut self.sha256, &remap, &mut summary);
        summary.blake3 = finish_table(&mut self.blake3, &remap, &mut summary);

        let tmp = out.with_extension("fhs.tmp");
        let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let mut writer = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: blake3::Hasher::new(),
        };
        let categories: Vec<&str> = self.category_ids.keys().map(String::as_str).collect();
        self.write_body(&mut writer, name, kind, &categories)
            .map_err(|e| Error::io(&tmp, e))?;
        let trailer = *writer.hasher.finalize().as_bytes();
        let mut inner = writer.inner;
        inner
            .write_all(&trailer)
            .and_then(|()| inner.flush())
            .and_then(|()| inner.get_ref().sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
        drop(inner);
        std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
        Ok(summary)
    }

    fn write_body(
        &self,
        w: &mut impl Write,
        name: &str,
        kind: SetKind,
        categories: &[&str],
    ) -> std::io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&FORMAT_VERSION.to_le_bytes())?;
        w.write_all(&[kind_code(kind), 0, 0, 0])?;
        write_text(w, name)?;
        write_len(w, categories.len())?;
        for category in categories {
            write_text(w, category)?;
        }
        let tables = [
            (Algorithm::Md5, self.md5.len()),
            (Algorithm::Sha1, self.sha1.len()),
            (Algorithm::Sha256, self.sha256.len()),
            (Algorithm::Blake3, self.blake3.len()),
        ];
        let present = tables.iter().filter(|(_, len)| *len > 0).count();
        write_len(w, present)?;
        write_table(w, Algorithm::Md5, &self.md5)?;
        write_table(w, Algorithm::Sha1, &self.sha1)?;
        write_table(w, Algorithm::Sha256, &self.sha256)?;
        write_table(w, Algorithm::Blake3, &self.blake3)
    }
}

pub(crate) fn kind_code(kind: SetKind) -> u8 {
    match kind {
        SetKind::Known => 1,
        SetKind::Notable => 2,
    }
}

fn drop_exact_duplicates<const N: usize>(rows: &mut Vec<([u8; N], u32)>) -> u64 {
    let before = rows.len();
    rows.sort_unstable();
    rows.dedup();
    (before - rows.len()) as u64
}

/// Maps categories to their final indexes, sorts, and keeps one row per
/// digest; returns the number of distinct digests.
fn finish_table<const N: usize>(
    rows: &mut Vec<([u8; N], u32)>,
    remap: &[u32],
    summary: &mut ImportSummary,
) -> u64 {
    for row in rows.iter_mut() {
        if row.1 != NO_CATEGORY {
            row.1 = remap.get(row.1 as usize).copied().unwrap_or(NO_CATEGORY);
        }
    }
    rows.sort_unstable();
    let before = rows.len();
    let mut conflicts = 0u64;
    rows.dedup_by(|later, first| {
        let same = later.0 == first.0;
        if same && later.1 != first.1 {
            conflicts += 1;
        }
        same
    });
    summary.duplicates += (before - rows.len()) as u64;
    summary.conflicting_categories += conflicts;
    rows.len() as u64
}

fn write_table<const N: usize>(
    w: &mut impl Write,
    algorithm: Algorithm,
    rows: &[([u8; N], u32)],
) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let has_categories = rows.iter().any(|row| row.1 != NO_CATEGORY);
    w.write_all(&[algorithm.code(), u8::from(has_categories), 0, 0, 0, 0, 0, 0])?;
    w.write_all(&(rows.len() as u64).to_le_bytes())?;
    for (digest, _) in rows {
        w.write_all(digest)?;
    }
    if has_categories {
        for (_, category) in rows {
            w.write_all(&category.to_le_bytes())?;
        }
    }
    Ok(())
}

fn write_len(w: &mut impl Write, len: usize) -> std::io::Result<()> {
    let len = u32::try_from(len).map_err(|_| std::io::Error::other("length above 2^32"))?;
    w.write_all(&len.to_le_bytes())
}

fn write_text(w: &mut impl Write, text: &str) -> std::io::Result<()> {
    write_len(w, text.len())?;
    w.write_all(text.as_bytes())
}

/// Writes through and hashes what it writes, for the trailer.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
