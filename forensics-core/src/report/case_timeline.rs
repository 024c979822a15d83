//! Timelines of a whole case, across all its evidence: the entries of every
//! file system, their paths prefixed with where they are (`e1/p2/DOCS/a.txt`:
//! evidence object 1, partition 2; `e1/p0/…` for a whole-medium volume), as
//! bodyfile lines or CSV rows sorted by time.

use super::data::ReportData;
use super::timeline::{TimelineRow, bodyfile_lines, timeline_csv_rows};
use crate::case::{ReportFile, ReportTimes};
use crate::fs::{EntryKind, FileEntry, Times};

fn times(times: &ReportTimes) -> Times {
    Times {
        modified: times.modified,
        accessed: times.accessed,
        changed: times.changed,
        created: times.created,
    }
}

fn kind(name: &str) -> EntryKind {
    match name {
        "file" => EntryKind::File,
        "directory" => EntryKind::Directory,
        "symlink" => EntryKind::Symlink,
        "stream" => EntryKind::Stream,
        _ => EntryKind::Other,
    }
}

/// The file entry of a case row, its path prefixed with its place.
fn entry(data: &ReportData, file: &ReportFile) -> FileEntry {
    let partition = data
        .volume_by_id(file.volume_id)
        .and_then(|v| v.partition_index)
        .unwrap_or(0);
    let path = format!("e{}/p{partition}{}", file.evidence_id, file.path);
    let mut entry = FileEntry::new(file.entry_id.clone(), path, kind(&file.kind), file.size);
    entry.name = file.name.clone();
    entry.deleted = file.deleted;
    entry.times = times(&file.times);
    entry.fn_times = file.fn_times.as_ref().map(times);
    entry.mode = file.mode;
    entry.uid = file.uid;
    entry.gid = file.gid;
    entry.link_target = file.link_target.clone();
    entry
}

/// Bodyfile lines (for `mactime`) of every file in `data`, in case order,
/// with the file's MD5 in the first column when known.
pub fn case_bodyfile_lines(data: &ReportData) -> Vec<String> {
    let mut lines = Vec::new();
    for file in &data.files {
        let md5 = file.md5.clone().unwrap_or_else(|| "0".into());
        for line in bodyfile_lines(&entry(data, file)) {
            // bodyfile_lines writes "0" for the MD5 column.
            let rest = line.strip_prefix('0').unwrap_or(&line);
            lines.push(format!("{md5}{rest}"));
        }
    }
    lines
}

/// Timeline rows of every file in `data`, sorted by time, then path.
pub fn case_timeline(data: &ReportData) -> Vec<TimelineRow> {
    let entries: Vec<FileEntry> = data.files.iter().map(|f| entry(data, f)).collect();
    timeline_csv_rows(&entries)
}
