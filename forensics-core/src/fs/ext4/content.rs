//! Writing an inode's content: inline bytes, or its byte runs read from the
//! volume with holes and unwritten extents as zeros.

use std::io::Write;

use super::inline::inline_content;
use super::inode::{I_BLOCK_LEN, Inode};
use super::map::{Storage, storage};
use super::{Error, Ext4, read_volume};
use crate::fs::EntryKind;

/// Bytes read from the volume per write to the output.
const COPY_CHUNK_BYTES: usize = 64 * 1024;
/// Longest symlink target kept in a listing (Linux `PATH_MAX`).
pub const MAX_LINK_TARGET_BYTES: u64 = 4096;

/// Writes the content of `inode` to `out` and returns the bytes written.
pub fn write_content(fs: &Ext4, inode: &Inode, out: &mut dyn Write) -> Result<u64, Error> {
    match storage(&fs.blocks(), inode)? {
        Storage::Inline => {
            let bytes = inline_bytes(inode);
            out.write_all(&bytes).map_err(Error::Output)?;
            Ok(bytes.len() as u64)
        }
        Storage::Runs(runs) => {
            let mut written = 0u64;
            let mut chunk = vec![0u8; COPY_CHUNK_BYTES];
            for run in runs {
                let mut done = 0u64;
                while done < run.len_bytes {
                    let step = (run.len_bytes - done).min(COPY_CHUNK_BYTES as u64) as usize;
                    let piece = chunk.get_mut(..step).unwrap_or_default();
                    match run.volume_offset {
                        Some(start) => {
                            let at = start.checked_add(done).ok_or_else(|| {
                                super::corrupt(
                                    start,
                                    format!("inode {}: run offset overflows", inode.number),
                                )
                            })?;
                            read_volume(fs.volume.as_ref(), at, piece)?;
                        }
                        None => piece.fill(0),
                    }
                    out.write_all(piece).map_err(Error::Output)?;
                    done += step as u64;
                }
                written += run.len_bytes;
            }
            Ok(written)
        }
    }
}

/// Inline content: a fast symlink's target from `i_block`, or inline data.
fn inline_bytes(inode: &Inode) -> Vec<u8> {
    if inode.kind() == EntryKind::Symlink && !inode.has_flag(super::inode::FLAG_INLINE_DATA) {
        let len = usize::try_from(inode.size_bytes)
            .unwrap_or(I_BLOCK_LEN)
            .min(I_BLOCK_LEN);
        return inode.block.get(..len).unwrap_or_default().to_vec();
    }
    inline_content(inode)
}

/// The target of symlink `inode`, if it is no longer than
/// [`MAX_LINK_TARGET_BYTES`] and readable.
pub fn link_target(fs: &Ext4, inode: &Inode) -> Result<String, Error> {
    if inode.size_bytes > MAX_LINK_TARGET_BYTES {
        return Err(super::corrupt(
            0,
            format!(
                "inode {}: symlink target of {} bytes is too long",
                inode.number, inode.size_bytes
            ),
        ));
    }
    let mut target = Vec::new();
    write_content(fs, inode, &mut target)?;
    Ok(String::from_utf8_lossy(&target).into_owned())
}
