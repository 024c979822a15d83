//! From MFT records to a listing: every base record is read once, names are
//! attached to their parent directory by the parent reference of their
//! `$FILE_NAME` (sequence number checked), and the tree is walked from the
//! root with siblings sorted by name. Deleted records whose parent is gone or
//! reused, records without a name and records cut off from the root (a
//! directory loop) go under `/$OrphanFiles`, as TSK shows them.

use std::collections::BTreeMap;

use ntfs::structured_values::NtfsFileNamespace;

use super::content::{Geometry, byte_runs};
use super::record::{Name, Record};
use crate::Problem;
use crate::fs::{EntryKind, FileEntry};

/// MFT record number of the root directory.
pub(super) const ROOT_RECORD: u64 = 5;
/// Name of the virtual folder holding entries without a reachable parent.
pub(super) const ORPHAN_FOLDER: &str = "$OrphanFiles";
/// Directories deeper than this are not descended into.
const MAX_DEPTH: usize = 1024;

/// Where a child hangs: a record under one of its names (`None` for a
/// nameless record shown as `OrphanFile-N`).
#[derive(Debug, Clone)]
struct Child {
    display: String,
    number: u64,
    name_index: Option<usize>,
}

/// The records of a volume, by number, and the tree built from them.
pub(super) struct Tree<'r> {
    records: &'r BTreeMap<u64, Record>,
    children: BTreeMap<u64, Vec<Child>>,
    orphans: Vec<Child>,
    /// Virtual id of the orphan folder (TSK: the first record number past the MFT).
    orphan_folder_id: u64,
    geometry: Geometry,
}

/// The names of a record that get entries: all but 8.3 DOS aliases (unless a
/// record has nothing else).
fn listed_names(record: &Record) -> Vec<usize> {
    let long: Vec<usize> = (0..record.names.len())
        .filter(|&i| record.names[i].namespace != NtfsFileNamespace::Dos)
        .collect();
    if long.is_empty() {
        (0..record.names.len()).collect()
    } else {
        long
    }
}

/// Whether `name` of `record` belongs in directory `parent`.
fn parent_matches(record: &Record, name: &Name, parent: &Record) -> bool {
    if !parent.is_directory || parent.number == record.number {
        return false;
    }
    if record.in_use {
        return parent.in_use && parent.sequence == name.parent_sequence;
    }
    // A deleted directory's sequence number went up by one when it was freed.
    parent.sequence == name.parent_sequence
        || (!parent.in_use && parent.sequence == name.parent_sequence.wrapping_add(1))
}

impl<'r> Tree<'r> {
    /// Builds the tree of `records`; `record_count` is the number of records
    /// the MFT has room for.
    pub(super) fn build(
        records: &'r BTreeMap<u64, Record>,
        record_count: u64,
        geometry: Geometry,
        problems: &mut Vec<Problem>,
    ) -> Self {
        let mut tree = Self {
            records,
            children: BTreeMap::new(),
            orphans: Vec::new(),
            orphan_folder_id: record_count,
            geometry,
        };
        for record in records.values() {
            if record.number == ROOT_RECORD {
                continue;
            }
            let names = listed_names(record);
            if names.is_empty() {
                // TSK lists only deleted nameless records that still hold
                // attributes; reserved in-use records (12-15) and formatted
                // but never used ones are not files.
                let holds_attributes = record.si_times.is_some() || !record.attrs.is_empty();
                if record.in_use || !holds_attributes {
                    continue;
                }
                tree.orphans.push(Child {
                    display: format!("OrphanFile-{}", record.number),
                    number: record.number,
                    name_index: None,
                });
                continue;
            }
            for index in names {
                let name = &record.names[index];
                let child = Child {
                    display: name.name.clone(),
                    number: record.number,
                    name_index: Some(index),
                };
                match records.get(&name.parent_number) {
                    Some(parent) if parent_matches(record, name, parent) => {
                        tree.children.entry(parent.number).or_default().push(child);
                    }
                    _ => tree.orphans.push(child),
                }
            }
        }
        tree.adopt_unreachable(problems);
        for list in tree.children.values_mut() {
            list.sort_by(|a, b| a.display.cmp(&b.display).then(a.number.cmp(&b.number)));
        }
        tree.orphans
            .sort_by(|a, b| a.display.cmp(&b.display).then(a.number.cmp(&b.number)));
        tree
    }

    /// Records that have a parent but cannot be reached from the root or the
    /// orphan folder (a directory loop) become orphans.
    fn adopt_unreachable(&mut self, problems: &mut Vec<Problem>) {
        let mut reached = std::collections::BTreeSet::new();
        let mut queue: Vec<u64> = vec![ROOT_RECORD];
        queue.extend(self.orphans.iter().map(|c| c.number));
        self.mark_reached(&mut queue, &mut reached);
        // Lowest record number first: a loop is cut at its oldest member.
        let placed: std::collections::BTreeSet<u64> =
            self.children.values().flatten().map(|c| c.number).collect();
        let mut adopted = std::collections::BTreeSet::new();
        for number in placed {
            if reached.contains(&number) {
                continue;
            }
            problems.push(Problem::general(format!(
                "NTFS: MFT record {number} is not reachable from the root (directory loop); listed under /{ORPHAN_FOLDER}"
            )));
            if let Some(record) = self.records.get(&number) {
                for index in listed_names(record) {
                    self.orphans.push(Child {
                        display: record.names[index].name.clone(),
                        number,
                        name_index: Some(index),
                    });
                }
            }
            adopted.insert(number);
            queue.push(number);
            self.mark_reached(&mut queue, &mut reached);
        }
        // The loop's links are dropped so that each record is listed once.
        if !adopted.is_empty() {
            for list in self.children.values_mut() {
                list.retain(|c| !adopted.contains(&c.number));
            }
        }
    }

    fn mark_reached(&self, queue: &mut Vec<u64>, reached: &mut std::collections::BTreeSet<u64>) {
        while let Some(number) = queue.pop() {
            if !reached.insert(number) {
                continue;
            }
            if let Some(list) = self.children.get(&number) {
                queue.extend(list.iter().map(|c| c.number));
            }
        }
    }

    /// Calls `visit` with every entry: parents before children, siblings by name.
    pub(super) fn walk(&self, visit: &mut dyn FnMut(FileEntry), problems: &mut Vec<Problem>) {
        let mut root_children = self.children.get(&ROOT_RECORD).cloned().unwrap_or_default();
        if !self.orphans.is_empty() {
            root_children.push(Child {
                display: ORPHAN_FOLDER.to_owned(),
                number: self.orphan_folder_id,
                name_index: None,
            });
            root_children.sort_by(|a, b| a.display.cmp(&b.display).then(a.number.cmp(&b.number)));
        }
        // Stack of (child, parent path, depth), popped in sorted order.
        let mut stack: Vec<(Child, String, usize)> = root_children
            .into_iter()
            .rev()
            .map(|c| (c, String::new(), 1))
            .collect();
        let mut expanded = std::collections::BTreeSet::new();
        while let Some((child, parent_path, depth)) = stack.pop() {
            let path = format!("{parent_path}/{}", child.display);
            if child.number == self.orphan_folder_id && child.name_index.is_none() {
                let mut folder = FileEntry::new(
                    child.number.to_string(),
                    path.clone(),
                    EntryKind::Directory,
                    0,
                );
                folder.deleted = false;
                visit(folder);
                for orphan in self.orphans.iter().rev() {
                    stack.push((orphan.clone(), path.clone(), depth + 1));
                }
                continue;
            }
            let Some(record) = self.records.get(&child.number) else {
                continue;
            };
            let name = child.name_index.and_then(|i| record.names.get(i));
            for entry in self.entries_for(record, name, &path) {
                visit(entry);
            }
            if !record.is_directory {
                continue;
            }
            if depth >= MAX_DEPTH {
                problems.push(Problem::general(format!(
                    "NTFS: {path} is {depth} directories deep; its content is not listed"
                )));
                continue;
            }
            if !expanded.insert(record.number) {
                continue;
            }
            if let Some(list) = self.children.get(&record.number) {
                for grandchild in list.iter().rev() {
                    stack.push((grandchild.clone(), path.clone(), depth + 1));
                }
            }
        }
    }

    /// The entry of `record` at `path` and one entry per named stream.
    fn entries_for(&self, record: &Record, name: Option<&Name>, path: &str) -> Vec<FileEntry> {
        let data = record.unnamed_data();
        let mut streams: Vec<String> = record
            .named_streams()
            .filter(|a| a.ty == ntfs::NtfsAttributeType::Data as u32)
            .map(|a| a.name.clone())
            .collect();
        streams.sort();
        let times = record.si_times.unwrap_or_default();
        let mut entries = Vec::new();
        let has_named = record.named_streams().next().is_some();
        if record.is_directory || data.is_some() || !has_named {
            let (kind, size) = if record.is_directory {
                (
                    EntryKind::Directory,
                    record.directory_root().map_or(0, |a| a.size),
                )
            } else {
                (EntryKind::File, data.map_or(0, |a| a.size))
            };
            let mut entry = FileEntry::new(record.number.to_string(), path, kind, size);
            entry.deleted = !record.in_use;
            entry.times = times;
            entry.fn_times = name.map(|n| n.times);
            entry.streams = streams;
            if let (Some(data), false) = (data, record.is_directory) {
                entry.byte_runs = byte_runs(data, self.geometry);
            }
            entries.push(entry);
        }
        let mut named: Vec<_> = record.named_streams().collect();
        named.sort_by(|a, b| a.name.cmp(&b.name).then(a.instance.cmp(&b.instance)));
        for attr in named {
            let id = format!("{}-{}-{}", record.number, attr.ty, attr.instance);
            let mut entry = FileEntry::new(
                id,
                format!("{path}:{}", attr.name),
                EntryKind::Stream,
                attr.size,
            );
            entry.deleted = !record.in_use;
            entry.times = times;
            entry.byte_runs = byte_runs(attr, self.geometry);
            entries.push(entry);
        }
        entries
    }
}
