//! Content kept inside the inode: inline data (the first 60 bytes in
//! `i_block`, the rest in the `system.data` extended attribute of the
//! inode's extra space) and fast symlink targets.
//!
//! Source: kernel `Documentation/filesystems/ext4/inlinedata.rst` and
//! `attributes.rst` (in-inode attributes start with magic 0xEA020000; each
//! entry is `e_name_len`, `e_name_index`, `e_value_offs`, `e_value_inum`,
//! `e_value_size`, `e_hash`, then the name padded to 4 bytes; value offsets
//! count from the first entry).

use super::inode::{I_BLOCK_LEN, Inode};
use super::le::Le;

/// `h_magic` of the in-inode attribute area.
const XATTR_MAGIC: u32 = 0xEA02_0000;
/// Length of an entry header before its name.
const XATTR_ENTRY_HEADER_LEN: usize = 16;
/// `e_name_index` of the `system.` prefix.
const XATTR_INDEX_SYSTEM: u8 = 7;

/// The inline content of `inode` (`i_block` then `system.data`), cut to
/// its size.
pub fn inline_content(inode: &Inode) -> Vec<u8> {
    let mut content = inode.block.to_vec();
    if let Some(rest) = system_data(inode) {
        content.extend_from_slice(rest);
    }
    let size = usize::try_from(inode.size_bytes).unwrap_or(usize::MAX);
    content.truncate(size);
    content
}

/// The pieces holding an inline directory's entries: `i_block` after the
/// 4-byte parent inode number, and the `system.data` value.
pub fn inline_dir_regions(inode: &Inode) -> Vec<&[u8]> {
    let mut regions = vec![inode.block.get(4..I_BLOCK_LEN).unwrap_or_default()];
    if let Some(rest) = system_data(inode).filter(|rest| !rest.is_empty()) {
        regions.push(rest);
    }
    regions
}

/// The value of the `system.data` attribute in the inode's extra space.
fn system_data(inode: &Inode) -> Option<&[u8]> {
    in_inode_xattr(&inode.xattr_area, XATTR_INDEX_SYSTEM, b"data")
}

/// The value of attribute `name` with prefix `name_index` in an in-inode
/// attribute area, if present and inside the area.
fn in_inode_xattr<'a>(area: &'a [u8], name_index: u8, name: &[u8]) -> Option<&'a [u8]> {
    if Le(area).u32(0) != XATTR_MAGIC {
        return None;
    }
    let entries = area.get(4..)?;
    let mut at = 0usize;
    while let Some(header) = entries.get(at..at + XATTR_ENTRY_HEADER_LEN) {
        let le = Le(header);
        if le.u32(0) == 0 {
            break;
        }
        let name_len = usize::from(header.first().copied().unwrap_or(0));
        let entry_name =
            entries.get(at + XATTR_ENTRY_HEADER_LEN..at + XATTR_ENTRY_HEADER_LEN + name_len)?;
        if header.get(1) == Some(&name_index) && entry_name == name && le.u32(4) == 0 {
            let value_at = usize::from(le.u16(2));
            let value_len = le.u32(8) as usize;
            return entries.get(value_at..value_at.checked_add(value_len)?);
        }
        at += (XATTR_ENTRY_HEADER_LEN + name_len).next_multiple_of(4);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_data_is_found_and_bounded() {
        let mut area = XATTR_MAGIC.to_le_bytes().to_vec();
        // One entry: name "data" (4), index 7, value at 24 (after the entry + end marker), 3 bytes.
        area.extend_from_slice(&[4, 7]);
        area.extend_from_slice(&24u16.to_le_bytes());
        area.extend_from_slice(&0u32.to_le_bytes());
        area.extend_from_slice(&3u32.to_le_bytes());
        area.extend_from_slice(&0u32.to_le_bytes());
        area.extend_from_slice(b"data");
        area.extend_from_slice(&[0; 4]);
        area.extend_from_slice(b"xyz");
        assert_eq!(in_inode_xattr(&area, 7, b"data"), Some(&b"xyz"[..]));
        assert_eq!(in_inode_xattr(&area, 7, b"other"), None);
        area.truncate(area.len() - 1);
        assert_eq!(
            in_inode_xattr(&area, 7, b"data"),
            None,
            "value past the area"
        );
    }
}
