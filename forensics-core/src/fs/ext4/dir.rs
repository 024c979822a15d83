//! Linear directory entries, and removed entries left in their slack.
//!
//! Source: kernel `Documentation/filesystems/ext4/directory.rst`. An entry is
//! `inode` (u32), `rec_len` (u16), `name_len` (u8), `file_type` (u8, or the
//! high byte of a 16-bit name length without the filetype feature), then the
//! name. Removing an entry grows the previous entry's `rec_len` over it (or
//! zeroes the inode number of a block's first entry), so the removed entry's
//! bytes stay in the gap after the live entry's name: that gap is scanned for
//! plausible entries, which are reported as deleted (as The Sleuth Kit does).
//!
//! Hashed-tree (htree) directories are read linearly: their leaf blocks hold
//! ordinary entries. The root block's `..` entry spans the `dx_root` data and
//! interior `dx_node` blocks are one empty entry spanning the whole block; in
//! neither is the slack scanned.

use super::le::Le;

/// Length of the fixed part of an entry.
const ENTRY_HEADER_LEN: usize = 8;
/// Largest valid `file_type` value (symlink = 7).
const MAX_FILE_TYPE: u8 = 7;

/// One entry found in a directory block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// Inode number the entry names.
    pub inode: u32,
    /// The name's bytes (normally UTF-8).
    pub name: Vec<u8>,
    /// The `file_type` byte (0 when the feature is off).
    pub file_type: u8,
    /// False for an entry recovered from slack (a removed name).
    pub allocated: bool,
    /// Offset of the entry within the block.
    pub block_offset: usize,
}

/// How to read the entries of one block.
#[derive(Debug, Clone, Copy)]
pub struct DirBlockKind {
    /// Entries have a `file_type` byte (incompat filetype feature).
    pub has_file_type: bool,
    /// Highest valid inode number.
    pub inodes_count: u32,
    /// The block is the first block of an htree directory (`dx_root`).
    pub htree_root: bool,
    /// The directory is indexed (interior `dx_node` blocks are skipped).
    pub indexed: bool,
}

/// Parses the entries of one directory block (or inline-data region) into
/// `entries`; returns a problem (offset in the block, message) when an entry
/// is malformed, after keeping what came before it.
pub fn parse_dir_block(
    block: &[u8],
    kind: DirBlockKind,
    entries: &mut Vec<DirEntry>,
) -> Option<(usize, String)> {
    if kind.indexed && !kind.htree_root && is_dx_node(block) {
        return None;
    }
    let mut at = 0usize;
    while let Some(header) = block.get(at..at + ENTRY_HEADER_LEN) {
        let le = Le(header);
        let inode = le.u32(0);
        let rec_len = rec_len(le.u16(4), block.len());
        let (name_len, file_type) = name_len_and_type(le.u8(6), le.u8(7), kind.has_file_type);
        if rec_len < ENTRY_HEADER_LEN || !rec_len.is_multiple_of(4) || at + rec_len > block.len() {
            return Some((at, format!("directory entry has invalid rec_len {rec_len}")));
        }
        if ENTRY_HEADER_LEN + name_len > rec_len {
            return Some((
                at,
                format!("directory entry name of {name_len} bytes overruns rec_len {rec_len}"),
            ));
        }
        let Some(name) = block.get(at + ENTRY_HEADER_LEN..at + ENTRY_HEADER_LEN + name_len) else {
            return Some((at, "directory entry name lies past the block".to_owned()));
        };
        if inode != 0 && name_len > 0 {
            entries.push(DirEntry {
                inode,
                name: name.to_vec(),
                file_type,
                allocated: true,
                block_offset: at,
            });
        }
        let dotdot_of_root = kind.htree_root && name == b"..";
        if !dotdot_of_root {
            let used = (ENTRY_HEADER_LEN + name_len).next_multiple_of(4);
            scan_slack(block, at + used, at + rec_len, kind, entries);
        }
        at += rec_len;
    }
    None
}

/// `rec_len` in bytes; 64 KiB blocks store 65536 as 0 or 65535.
fn rec_len(raw: u16, block_len: usize) -> usize {
    if block_len == 65536 && (raw == 0 || raw == u16::MAX) {
        65536
    } else {
        usize::from(raw)
    }
}

fn name_len_and_type(low: u8, high: u8, has_file_type: bool) -> (usize, u8) {
    if has_file_type {
        (usize::from(low), high)
    } else {
        (usize::from(low) | usize::from(high) << 8, 0)
    }
}

/// An interior htree node: one empty entry spanning the block.
fn is_dx_node(block: &[u8]) -> bool {
    let le = Le(block);
    le.u32(0) == 0 && rec_len(le.u16(4), block.len()) == block.len() && le.u8(6) == 0
}

/// Looks for removed entries in `block[start..end]` at 4-byte steps.
fn scan_slack(
    block: &[u8],
    start: usize,
    end: usize,
    kind: DirBlockKind,
    entries: &mut Vec<DirEntry>,
) {
    let mut at = start;
    while at + ENTRY_HEADER_LEN <= end {
        match plausible_removed_entry(block, at, end, kind) {
            Some(entry) => {
                at += (ENTRY_HEADER_LEN + entry.name.len()).next_multiple_of(4);
                entries.push(entry);
            }
            None => at += 4,
        }
    }
}

/// The entry at `at` if it looks like a real removed one: inode in range,
/// sane `rec_len`, name inside the gap, known file type, no NUL or `/`.
fn plausible_removed_entry(
    block: &[u8],
    at: usize,
    end: usize,
    kind: DirBlockKind,
) -> Option<DirEntry> {
    let le = Le(block.get(at..)?);
    let inode = le.u32(0);
    let rec_len = usize::from(le.u16(4));
    let (name_len, file_type) = name_len_and_type(le.u8(6), le.u8(7), kind.has_file_type);
    let name = block.get(at + ENTRY_HEADER_LEN..at + ENTRY_HEADER_LEN + name_len)?;
    let plausible = inode != 0
        && inode <= kind.inodes_count
        && name_len > 0
        && at + ENTRY_HEADER_LEN + name_len <= end
        && rec_len >= ENTRY_HEADER_LEN + name_len
        && rec_len.is_multiple_of(4)
        && at + rec_len <= block.len()
        && file_type <= MAX_FILE_TYPE
        && !name.iter().any(|&b| b == 0 || b == b'/')
        && name != b"."
        && name != b"..";
    plausible.then(|| DirEntry {
        inode,
        name: name.to_vec(),
        file_type,
        allocated: false,
        block_offset: at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: DirBlockKind = DirBlockKind {
        has_file_type: true,
        inodes_count: 100,
        htree_root: false,
        indexed: false,
    };

    fn entry(inode: u32, rec_len: u16, name: &[u8]) -> Vec<u8> {
        let mut e = inode.to_le_bytes().to_vec();
        e.extend_from_slice(&rec_len.to_le_bytes());
        e.push(u8::try_from(name.len()).unwrap());
        e.push(1);
        e.extend_from_slice(name);
        e.resize(usize::from(rec_len), 0);
        e
    }

    #[test]
    fn a_removed_entry_in_the_previous_entrys_slack_is_found() {
        // "a" grew over "bb" (removed); "c" follows.
        let mut block = entry(11, 12, b"a");
        block.truncate(12);
        let mut a = entry(11, 24, b"a");
        a[12..24].copy_from_slice(&entry(12, 12, b"bb"));
        block = a;
        block.extend_from_slice(&entry(13, 1000, b"c"));
        let mut found = Vec::new();
        assert_eq!(parse_dir_block(&block, KIND, &mut found), None);
        let names: Vec<(&[u8], bool)> = found.iter().map(|e| (&e.name[..], e.allocated)).collect();
        assert_eq!(
            names,
            vec![(&b"a"[..], true), (&b"bb"[..], false), (&b"c"[..], true)]
        );
    }

    #[test]
    fn rec_len_zero_or_past_the_block_is_a_problem_not_a_hang() {
        let mut block = entry(11, 12, b"a");
        block.extend_from_slice(&[5, 0, 0, 0, 0, 0, 1, 1, b'x', 0, 0, 0]);
        let mut found = Vec::new();
        let problem = parse_dir_block(&block, KIND, &mut found);
        assert!(problem.is_some());
        assert_eq!(found.len(), 1);
        let block = entry(11, 2000, b"a");
        assert!(parse_dir_block(&block[..1024], KIND, &mut Vec::new()).is_some());
    }

    #[test]
    fn htree_root_and_interior_nodes_yield_no_fake_entries() {
        let mut root = entry(2, 12, b".");
        root.extend_from_slice(&entry(2, 1012, b".."));
        // dx_root_info and dx entries: garbage that could look like entries.
        root[24..36].copy_from_slice(&entry(7, 12, b"zz"));
        let kind = DirBlockKind {
            htree_root: true,
            indexed: true,
            ..KIND
        };
        let mut found = Vec::new();
        parse_dir_block(&root, kind, &mut found);
        assert!(found.iter().all(|e| e.allocated));
        let mut node = entry(0, 1024, b"");
        node[20..32].copy_from_slice(&entry(7, 12, b"zz"));
        let kind = DirBlockKind {
            indexed: true,
            ..KIND
        };
        let mut found = Vec::new();
        parse_dir_block(&node, kind, &mut found);
        assert!(found.is_empty());
    }
}
