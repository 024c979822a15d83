//! Compact file rows for the table: a million of them fit in memory and
//! sort in a background thread.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, sync_channel};

use forensics_core::case::FileListRow;

/// "No time" in a compact row.
pub(crate) const NO_TIME: i64 = i64::MIN;

/// Hash-set verdict of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verdict {
    /// No hash set lists the file.
    None,
    /// A known-file set lists it (NSRL and the like).
    Known,
    /// A notable set lists it.
    Notable,
}

/// One file of the table, without the fields only the details show.
#[derive(Debug, Clone)]
pub(crate) struct CompactRow {
    /// Object id.
    pub(crate) object_id: i64,
    /// Absolute path inside the file system.
    pub(crate) path: Box<str>,
    /// `file`, `directory`, …
    pub(crate) kind: &'static str,
    /// Size in bytes.
    pub(crate) size: u64,
    /// Deleted entry.
    pub(crate) deleted: bool,
    /// Tagged at least once.
    pub(crate) tagged: bool,
    /// Modified, accessed, changed, created (unix ns, [`NO_TIME`] if none).
    pub(crate) times_ns: [i64; 4],
    /// MD5 of the content.
    pub(crate) md5: Option<[u8; 16]>,
    /// Hash-set verdict.
    pub(crate) verdict: Verdict,
}

impl CompactRow {
    /// The compact form of `row`.
    pub(crate) fn from_list_row(row: FileListRow) -> Self {
        let ns = |t: Option<forensics_core::fs::Timestamp>| t.map_or(NO_TIME, |t| t.unix_ns);
        Self {
            object_id: row.object_id,
            kind: kind_name(&row.kind),
            size: row.size,
            deleted: row.deleted,
            tagged: row.tagged,
            times_ns: [
                ns(row.modified),
                ns(row.accessed),
                ns(row.changed),
                ns(row.created),
            ],
            md5: row.md5.as_deref().and_then(md5_bytes),
            verdict: match row.hash_set_kind.as_deref() {
                Some("notable") => Verdict::Notable,
                Some(_) => Verdict::Known,
                None => Verdict::None,
            },
            path: row.path.into_boxed_str(),
        }
    }

    /// The last path component.
    pub(crate) fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The MD5 as lowercase hex, or an empty string.
    pub(crate) fn md5_hex(&self) -> String {
        self.md5
            .map(|bytes| bytes.iter().map(|b| format!("{b:02x}")).collect())
            .unwrap_or_default()
    }
}

fn kind_name(kind: &str) -> &'static str {
    match kind {
        "file" => "file",
        "directory" => "directory",
        "symlink" => "symlink",
        "stream" => "stream",
        _ => "other",
    }
}

fn md5_bytes(hex: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    if hex.len() != 32 {
        return None;
    }
    for (index, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(hex.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Columns the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    /// File name.
    Name,
    /// Full path.
    Path,
    /// Size.
    Size,
    /// One of the four times (index into `times_ns`).
    Time(usize),
    /// Deleted first or last.
    Deleted,
    /// Hash-set verdict.
    Verdict,
    /// Kind.
    Kind,
    /// MD5.
    Md5,
}

/// Row order by `key`, ties by path, reversed when not `ascending`.
pub(crate) fn sorted_order(rows: &[CompactRow], key: SortKey, ascending: bool) -> Vec<u32> {
    let mut order: Vec<u32> = (0..u32::try_from(rows.len()).unwrap_or(u32::MAX)).collect();
    let row = |i: &u32| &rows[*i as usize];
    match key {
        SortKey::Name => order.sort_by(|a, b| row(a).name().cmp(row(b).name())),
        SortKey::Path => {}
        SortKey::Size => order.sort_by_key(|i| row(i).size),
        SortKey::Time(which) => order.sort_by_key(|i| row(i).times_ns[which.min(3)]),
        SortKey::Deleted => order.sort_by_key(|i| row(i).deleted),
        SortKey::Verdict => order.sort_by_key(|i| row(i).verdict),
        SortKey::Kind => order.sort_by_key(|i| row(i).kind),
        SortKey::Md5 => order.sort_by_key(|i| row(i).md5),
    }
    if !ascending {
        order.reverse();
    }
    order
}

/// Sorting on a background thread.
pub(crate) struct SortJob {
    result: Receiver<Vec<u32>>,
}

impl SortJob {
    /// Starts sorting `rows`; `ctx` is repainted when done.
    pub(crate) fn spawn(
        rows: Arc<Vec<CompactRow>>,
        key: SortKey,
        ascending: bool,
        ctx: eframe::egui::Context,
    ) -> Self {
        let (sender, result) = sync_channel(1);
        std::thread::spawn(move || {
            sender.send(sorted_order(&rows, key, ascending)).ok();
            ctx.request_repaint();
        });
        Self { result }
    }

    /// The order, once sorted.
    pub(crate) fn poll(&self) -> Option<Vec<u32>> {
        self.result.try_recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, size: u64) -> CompactRow {
        CompactRow {
            object_id: 1,
            path: path.into(),
            kind: "file",
            size,
            deleted: false,
            tagged: false,
            times_ns: [NO_TIME; 4],
            md5: None,
            verdict: Verdict::None,
        }
    }

    #[test]
    fn sorts_by_name_and_size_both_ways() {
        let rows = vec![row("/b/a", 3), row("/a/c", 1), row("/z/b", 2)];
        assert_eq!(sorted_order(&rows, SortKey::Name, true), [0, 2, 1]);
        assert_eq!(sorted_order(&rows, SortKey::Size, false), [0, 2, 1]);
        assert_eq!(rows[0].name(), "a");
    }

    #[test]
    fn md5_round_trips() {
        let hex = "00112233445566778899aabbccddeeff";
        let mut r = row("/x", 0);
        r.md5 = md5_bytes(hex);
        assert_eq!(r.md5_hex(), hex);
        assert_eq!(md5_bytes("zz"), None);
    }
}
