//! The stream of blocks the hashers see: byte runs cut into blocks, each
//! borrowed from the memory map, read into a pooled buffer, or zeros.

use std::ops::Deref;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::{ByteRun, Error};
use crate::evidence::{self, EvidenceSource, read_exact_at};

/// How many free buffers the pool keeps for reuse.
const POOL_CAPACITY: usize = 64;

/// One piece of the work list: up to one block of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockSpec {
    /// `len_bytes` of the source at `image_offset`.
    Data { image_offset: u64, len_bytes: usize },
    /// `len_bytes` zeros (a sparse run).
    Zeros { len_bytes: usize },
}

/// Checks that every data run lies inside a source of `media_size` bytes and
/// returns the total length of the runs.
pub(crate) fn check_runs(runs: &[ByteRun], media_size: u64) -> Result<u64, Error> {
    let mut total_bytes = 0u64;
    for run in runs {
        if let Some(image_offset) = run.image_offset {
            let end = image_offset.checked_add(run.len_bytes);
            if end.is_none_or(|end| end > media_size) {
                return Err(Error::Evidence(evidence::Error::OutOfRange {
                    image_offset,
                    len_bytes: run.len_bytes,
                    media_size,
                }));
            }
        }
        total_bytes = total_bytes
            .checked_add(run.len_bytes)
            .ok_or(Error::RunsTooLong)?;
    }
    Ok(total_bytes)
}

/// The runs cut into blocks of at most `block_len` bytes, in order.
pub(crate) fn block_specs(runs: &[ByteRun], block_len: usize) -> impl Iterator<Item = BlockSpec> {
    runs.iter().flat_map(move |run| {
        let block_len_u64 = block_len as u64;
        let count = run.len_bytes.div_ceil(block_len_u64);
        (0..count).map(move |i| {
            let start = i * block_len_u64;
            // Bounded by block_len, so the conversion cannot fail.
            let len_bytes =
                usize::try_from((run.len_bytes - start).min(block_len_u64)).unwrap_or(block_len);
            match run.image_offset {
                Some(offset) => BlockSpec::Data {
                    image_offset: offset + start,
                    len_bytes,
                },
                None => BlockSpec::Zeros { len_bytes },
            }
        })
    })
}

/// A block of the stream, shareable by the lanes.
pub(crate) enum Block<'a> {
    /// A slice of the memory map or of the zero block.
    Borrowed(&'a [u8]),
    /// Bytes read into a pooled buffer.
    Owned(Arc<PooledBuf>),
}

impl Deref for Block<'_> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Borrowed(bytes) => bytes,
            Self::Owned(buf) => buf.data.get(..buf.len_bytes).unwrap_or(&[]),
        }
    }
}

impl Clone for Block<'_> {
    fn clone(&self) -> Self {
        match self {
            Self::Borrowed(bytes) => Self::Borrowed(bytes),
            Self::Owned(buf) => Self::Owned(Arc::clone(buf)),
        }
    }
}

/// A read buffer that returns to its pool when the last lane drops it.
pub(crate) struct PooledBuf {
    data: Vec<u8>,
    len_bytes: usize,
    home: SyncSender<Vec<u8>>,
}

impl Drop for PooledBuf {
    fn drop(&mut self) {
        // A full or closed pool only means the buffer is freed instead of reused.
        let _ = self.home.try_send(std::mem::take(&mut self.data));
    }
}

/// Turns [`BlockSpec`]s into [`Block`]s.
pub(crate) struct BlockReader<'a> {
    source: &'a dyn EvidenceSource,
    mapped: Option<&'a [u8]>,
    zeros: &'a [u8],
    block_len: usize,
    free: Receiver<Vec<u8>>,
    home: SyncSender<Vec<u8>>,
}

impl<'a> BlockReader<'a> {
    /// A reader of `source`; `zeros` must hold at least `block_len` zero bytes.
    pub(crate) fn new(source: &'a dyn EvidenceSource, zeros: &'a [u8], block_len: usize) -> Self {
        let (home, free) = sync_channel(POOL_CAPACITY);
        Self {
            source,
            mapped: source.as_bytes(),
            zeros,
            block_len,
            free,
            home,
        }
    }

    /// The bytes of `spec`.
    pub(crate) fn block(&self, spec: BlockSpec) -> Result<Block<'a>, Error> {
        match spec {
            BlockSpec::Zeros { len_bytes } => Ok(Block::Borrowed(
                self.zeros.get(..len_bytes).unwrap_or(self.zeros),
            )),
            BlockSpec::Data {
                image_offset,
                len_bytes,
            } => {
                if let Some(bytes) = self
                    .mapped
                    .and_then(|map| slice_at(map, image_offset, len_bytes))
                {
                    return Ok(Block::Borrowed(bytes));
                }
                let mut data = self
                    .free
                    .try_recv()
                    .unwrap_or_else(|_| vec![0u8; self.block_len]);
                data.resize(self.block_len.max(len_bytes), 0);
                read_exact_at(self.source, image_offset, &mut data[..len_bytes])?;
                Ok(Block::Owned(Arc::new(PooledBuf {
                    data,
                    len_bytes,
                    home: self.home.clone(),
                })))
            }
        }
    }
}

fn slice_at(map: &[u8], image_offset: u64, len_bytes: usize) -> Option<&[u8]> {
    let start = usize::try_from(image_offset).ok()?;
    map.get(start..start.checked_add(len_bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_cut_into_blocks_with_a_short_last_block() {
        let runs = [
            ByteRun::data(10, 9),
            ByteRun::sparse(4),
            ByteRun::data(0, 0),
        ];
        let specs: Vec<_> = block_specs(&runs, 4).collect();
        assert_eq!(
            specs,
            [
                BlockSpec::Data {
                    image_offset: 10,
                    len_bytes: 4
                },
                BlockSpec::Data {
                    image_offset: 14,
                    len_bytes: 4
                },
                BlockSpec::Data {
                    image_offset: 18,
                    len_bytes: 1
                },
                BlockSpec::Zeros { len_bytes: 4 },
            ]
        );
    }

    #[test]
    fn runs_past_the_media_or_overflowing_are_refused() {
        assert!(check_runs(&[ByteRun::data(5, 6)], 10).is_err());
        assert!(check_runs(&[ByteRun::data(u64::MAX, 2)], 10).is_err());
        assert!(check_runs(&[ByteRun::sparse(u64::MAX), ByteRun::sparse(1)], 10).is_err());
        assert_eq!(
            check_runs(&[ByteRun::data(5, 5), ByteRun::sparse(7)], 10).unwrap(),
            12
        );
    }
}
