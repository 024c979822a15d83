//! Timelines of file-system entries.
//!
//! Bodyfile format (TSK 3.x, as `fls -m` writes and `mactime` reads):
//! `MD5|name|inode|mode_as_string|UID|GID|size|atime|mtime|ctime|crtime`,
//! times as Unix seconds, 0 when unknown. NTFS `$FILE_NAME` times get a
//! second line whose name ends in ` ($FILE_NAME)`, as TSK does.

use std::io::{self, Write};

use crate::fs::{EntryKind, FileEntry, Times, Timestamp};

/// The bodyfile lines of one entry (one, or two with `$FILE_NAME` times),
/// each without its newline. Deleted entries get ` (deleted)` after the name
/// as in TSK; a `|` in a name would break the columns and becomes `_`.
pub fn bodyfile_lines(entry: &FileEntry) -> Vec<String> {
    let mode = mode_string(entry);
    let mut name = entry.path.replace('|', "_");
    if let Some(target) = &entry.link_target {
        // TSK writes a link's target after its name.
        name = format!("{name} -> {}", target.replace('|', "_"));
    }
    let deleted = if entry.deleted { " (deleted)" } else { "" };
    let line = |name: &str, times: &Times| {
        format!(
            "0|{name}{deleted}|{}|{mode}|{}|{}|{}|{}|{}|{}|{}",
            entry.id,
            entry.uid.unwrap_or(0),
            entry.gid.unwrap_or(0),
            entry.size,
            seconds(times.accessed),
            seconds(times.modified),
            seconds(times.changed),
            seconds(times.created),
        )
    };
    let mut lines = vec![line(&name, &entry.times)];
    if let Some(fn_times) = &entry.fn_times {
        lines.push(line(&format!("{name} ($FILE_NAME)"), fn_times));
    }
    lines
}

fn seconds(time: Option<Timestamp>) -> i64 {
    time.map_or(0, Timestamp::unix_seconds)
}

/// TSK's mode string: type letter twice (`r/r`, `d/d`, `l/l`), then the nine
/// permission letters (all granted when the file system has no modes).
pub fn mode_string(entry: &FileEntry) -> String {
    let kind = match entry.kind {
        EntryKind::File | EntryKind::Stream => 'r',
        EntryKind::Directory => 'd',
        EntryKind::Symlink => 'l',
        EntryKind::Other => '-',
    };
    let bits = entry.mode.unwrap_or(0o777);
    let mut text = format!("{kind}/{kind}");
    for (shift, letters) in [(6, "rwx"), (3, "rwx"), (0, "rwx")] {
        for (i, letter) in letters.chars().enumerate() {
            let granted = bits >> (shift + 2 - i) & 1 == 1;
            text.push(if granted { letter } else { '-' });
        }
    }
    text
}

/// One timeline row: a moment and which of an entry's times fall on it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimelineRow {
    /// The moment.
    pub time: Timestamp,
    /// `m`, `a`, `c`, `b` letters that fall on it, `.` for the others.
    pub macb: String,
    /// The entry's path.
    pub path: String,
    /// The entry's id.
    pub id: String,
    /// The entry's size in bytes.
    pub size: u64,
    /// Whether the entry is deleted.
    pub deleted: bool,
    /// `si` for the main times, `fn` for NTFS `$FILE_NAME` times.
    pub source: &'static str,
}

/// Timeline rows of `entries`, sorted by time, then path.
pub fn timeline_csv_rows(entries: &[FileEntry]) -> Vec<TimelineRow> {
    let mut rows = Vec::new();
    for entry in entries {
        let mut sets = vec![("si", entry.times)];
        if let Some(fn_times) = entry.fn_times {
            sets.push(("fn", fn_times));
        }
        for (source, times) in sets {
            let all = [times.modified, times.accessed, times.changed, times.created];
            let mut moments: Vec<Timestamp> = all.iter().flatten().copied().collect();
            moments.sort();
            moments.dedup();
            for time in moments {
                let macb: String = all
                    .iter()
                    .zip(['m', 'a', 'c', 'b'])
                    .map(|(t, letter)| if *t == Some(time) { letter } else { '.' })
                    .collect();
                rows.push(TimelineRow {
                    time,
                    macb,
                    path: entry.path.clone(),
                    id: entry.id.clone(),
                    size: entry.size,
                    deleted: entry.deleted,
                    source,
                });
            }
        }
    }
    rows.sort();
    rows
}

/// Writes `rows` as CSV with a header line.
pub fn write_timeline_csv(rows: &[TimelineRow], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "time,macb,source,size,deleted,id,path")?;
    for row in rows {
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            row.time.to_rfc3339(),
            row.macb,
            row.source,
            row.size,
            row.deleted,
            csv_field(&row.id),
            csv_field(&row.path)
        )?;
    }
    Ok(())
}

/// Quotes a CSV field when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}
