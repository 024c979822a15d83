//! Bounds-checked parsing of the `.fhs` header and table descriptors.

use std::path::Path;

use super::fhs::Table;
use super::{Error, MAX_NAME_BYTES};
use crate::hash::Algorithm;

/// A bounds-checked reader over the body of an `.fhs` file.
pub(super) struct Reader<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) at: usize,
    pub(super) path: &'a Path,
}

impl<'a> Reader<'a> {
    pub(super) fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let end = self
            .at
            .checked_add(len)
            .filter(|&end| end <= self.bytes.len());
        let Some(end) = end else {
            return Err(Error::invalid(
                self.path,
                format!("truncated: {len} bytes wanted at offset {}", self.at),
            ));
        };
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    pub(super) fn u32(&mut self) -> Result<u32, Error> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes(bytes.try_into().unwrap_or([0; 4])))
    }

    pub(super) fn u64(&mut self) -> Result<u64, Error> {
        let bytes = self.take(8)?;
        Ok(u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])))
    }

    pub(super) fn count(&mut self, limit: usize, what: &str) -> Result<usize, Error> {
        let value = self.u32()? as usize;
        if value > limit {
            return Err(Error::invalid(
                self.path,
                format!("{what} {value} above the limit of {limit}"),
            ));
        }
        Ok(value)
    }

    pub(super) fn text(&mut self) -> Result<String, Error> {
        let len = self.count(MAX_NAME_BYTES, "name length")?;
        let at = self.at;
        String::from_utf8(self.take(len)?.to_vec())
            .map_err(|_| Error::invalid(self.path, format!("name at offset {at} is not UTF-8")))
    }

    pub(super) fn table(&mut self) -> Result<Table, Error> {
        let at = self.at;
        let head = self.take(8)?;
        let algorithm = head
            .first()
            .and_then(|&code| Algorithm::from_code(code))
            .ok_or_else(|| {
                Error::invalid(
                    self.path,
                    format!("unknown algorithm in the table at offset {at}"),
                )
            })?;
        let has_categories = match head.get(1) {
            Some(0) => false,
            Some(1) => true,
            _ => {
                return Err(Error::invalid(
                    self.path,
                    format!("bad category flag in the table at offset {at}"),
                ));
            }
        };
        let count = usize::try_from(self.u64()?)
            .map_err(|_| Error::invalid(self.path, "table count above the address space"))?;
        let digests_len = count
            .checked_mul(algorithm.digest_len_bytes())
            .ok_or_else(|| Error::invalid(self.path, "table size overflows"))?;
        let digests_at = self.at;
        self.take(digests_len)?;
        let categories_at = if has_categories {
            let at = self.at;
            self.take(
                count
                    .checked_mul(4)
                    .ok_or_else(|| Error::invalid(self.path, "table size overflows"))?,
            )?;
            Some(at)
        } else {
            None
        };
        Ok(Table {
            algorithm,
            count,
            digests_at,
            categories_at,
            prefix_bits: 0,
            bucket_starts: Vec::new(),
        })
    }
}
