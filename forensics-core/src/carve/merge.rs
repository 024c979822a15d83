//! Merging validated candidates into the report: sorted by offset, files
//! inside a complete file become nested under it, truncated files are cut
//! where the next file starts.

use std::collections::BTreeMap;

use super::signatures::Signature;
use super::{Carved, Fragment, Status};

/// A validated candidate.
#[derive(Debug, Clone)]
pub struct Found {
    /// Offset of the first byte.
    pub image_offset: u64,
    /// Its type.
    pub signature: &'static Signature,
    /// Extension (refined by the type's subtype function).
    pub extension: &'static str,
    /// Complete, truncated or fragmented.
    pub status: Status,
    /// (media offset, length) of each piece.
    pub fragments: Vec<(u64, u64)>,
    /// For a reassembled file: the length present contiguously at its
    /// header, used when the reassembly conflicts with another file.
    pub fallback_present: u64,
}

/// Whether `a`'s continuation (a fragment after the first) overlaps a piece
/// of `b` that `b` has a better claim to: one starting at or before it.
fn loses_to(a: &Found, b: &Found) -> bool {
    a.fragments.iter().skip(1).any(|&(start, len)| {
        b.fragments.iter().any(|&(b_start, b_len)| {
            let overlap = start < b_start + b_len && b_start < start + len;
            overlap && (b_start < start || (b_start == start && b.image_offset < a.image_offset))
        })
    })
}

/// Reassemblies whose continuation lies inside another file are undone.
fn undo_conflicting_reassemblies(found: &mut [Found]) {
    let solid: Vec<Found> = found
        .iter()
        .filter(|f| f.status != Status::Truncated)
        .cloned()
        .collect();
    for hit in found.iter_mut().filter(|f| f.status == Status::Fragmented) {
        let conflict = solid
            .iter()
            .any(|other| other.image_offset != hit.image_offset && loses_to(hit, other));
        if conflict {
            hit.status = Status::Truncated;
            hit.fragments = vec![(hit.image_offset, hit.fallback_present)];
        }
    }
}

/// Orders, nests and numbers the found files.
pub fn resolve(mut found: Vec<Found>, prefix: &str) -> Vec<Carved> {
    found.sort_by(|a, b| {
        (a.image_offset, a.signature.name, a.status.as_str()).cmp(&(
            b.image_offset,
            b.signature.name,
            b.status.as_str(),
        ))
    });
    found.dedup_by(|b, a| a.image_offset == b.image_offset && a.signature.name == b.signature.name);
    undo_conflicting_reassemblies(&mut found);
    // Ranges claimed by complete top-level files: start -> (end, index in tops).
    let mut claimed: BTreeMap<u64, (u64, usize)> = BTreeMap::new();
    let mut tops: Vec<(Found, Vec<Found>)> = Vec::new();
    for hit in found {
        let hit_end = hit
            .fragments
            .first()
            .map_or(hit.image_offset, |f| f.0 + f.1);
        let container = claimed
            .range(..=hit.image_offset)
            .next_back()
            .filter(|(_, (end, _))| hit.image_offset < *end)
            .map(|(start, (end, index))| (*start, *end, *index));
        if let Some((start, end, index)) = container {
            let truncated_container = tops[index].0.status == Status::Truncated;
            if !truncated_container || hit_end <= end {
                let container_type = tops[index].0.signature.name;
                let same_type = container_type == hit.signature.name;
                // Exif metadata in a JPEG is a TIFF structure, not a file.
                let exif = container_type == "jpg" && hit.signature.name == "tif";
                // One level of nesting: a file inside a nested file is part of it.
                let inside_nested = tops[index].1.iter().any(|inner| {
                    inner
                        .fragments
                        .first()
                        .is_some_and(|f| f.0 <= hit.image_offset && hit.image_offset < f.0 + f.1)
                });
                if hit.status == Status::Complete
                    && !exif
                    && !inside_nested
                    && (!same_type || hit.signature.name == "jpg")
                {
                    tops[index].1.push(hit);
                }
                continue;
            }
            // A file starting inside a truncated one and running past it:
            // the truncated file ends where this one starts.
            if let Some(piece) = tops[index].0.fragments.first_mut() {
                piece.1 = hit.image_offset - piece.0;
            }
            tops[index]
                .1
                .retain(|inner| inner.image_offset < hit.image_offset);
            claimed.insert(start, (hit.image_offset, index));
        }
        for &(start, len) in &hit.fragments {
            claimed.insert(start, (start + len, tops.len()));
        }
        tops.push((hit, Vec::new()));
    }
    let mut files = Vec::new();
    for (top, nested) in tops {
        let top_id = files.len();
        let top_path = format!("{prefix}+0x{:x}/{}", top.image_offset, top.extension);
        let top_start = top.image_offset;
        files.push(carved(top_id, top, None, top_path.clone()));
        for inner in nested {
            let path = format!(
                "{top_path}+0x{:x}/{}",
                inner.image_offset - top_start,
                inner.extension
            );
            files.push(carved(files.len(), inner, Some(top_id), path));
        }
    }
    // Truncated files cut to nothing are dropped; ids are renumbered.
    let mut new_ids = vec![0usize; files.len()];
    let mut kept = 0usize;
    for (old, file) in files.iter().enumerate() {
        new_ids[old] = kept;
        if file.length > 0 {
            kept += 1;
        }
    }
    files.retain(|f| f.length > 0);
    for file in &mut files {
        file.id = new_ids[file.id];
        file.nested_in = file.nested_in.map(|parent| new_ids[parent]);
    }
    files
}

fn carved(id: usize, hit: Found, nested_in: Option<usize>, forensic_path: String) -> Carved {
    let fragments: Vec<Fragment> = hit
        .fragments
        .iter()
        .map(|&(image_offset, length)| Fragment {
            image_offset,
            length,
        })
        .collect();
    Carved {
        id,
        file_type: hit.signature.name,
        extension: hit.extension,
        image_offset: hit.image_offset,
        length: fragments.iter().map(|f| f.length).sum(),
        status: hit.status,
        fragments,
        nested_in,
        forensic_path,
        sha256: String::new(),
    }
}
