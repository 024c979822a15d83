//! Audit against a hashdeep list: matched, moved, partially matched, new and
//! missing, like `hashdeep -a -k`.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on purpose

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use forensics_core::hash::audit::{self, AuditRecord, AuditSink, AuditStatus};
use forensics_core::hash::to_hex;
use md5::Digest as _;

#[derive(Default)]
struct Collect(Vec<AuditRecord>, Vec<PathBuf>);

impl AuditSink for Collect {
    fn record(&mut self, record: &AuditRecord) {
        self.0.push(record.clone());
    }

    fn unreadable(&mut self, path: &Path, _error: &dyn std::error::Error) {
        self.1.push(path.to_path_buf());
    }
}

fn md5(data: &[u8]) -> String {
    to_hex(&md5::Md5::digest(data))
}

fn sha256(data: &[u8]) -> String {
    to_hex(&sha2::Sha256::digest(data))
}

#[test]
fn an_audit_reports_matched_moved_partial_new_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("sub")).unwrap();
    std::fs::write(tree.join("a.txt"), b"alpha").unwrap();
    std::fs::write(tree.join("sub/b.txt"), b"bravo").unwrap();
    std::fs::write(tree.join("c.txt"), b"charlie").unwrap();
    std::fs::write(tree.join("e.txt"), b"echo").unwrap();
    let list = format!(
        "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n\
         5,{},{},a.txt\n\
         5,{},{},old/b.txt\n\
         5,{},{},d.txt\n\
         4,{},{},e.txt\n",
        md5(b"alpha"),
        sha256(b"alpha"),
        md5(b"bravo"),
        sha256(b"bravo"),
        md5(b"delta"),
        sha256(b"delta"),
        md5(b"echo"),
        sha256(b"not echo"),
    );
    let list_path = dir.path().join("list.txt");
    std::fs::write(&list_path, list).unwrap();
    let mut sink = Collect::default();
    let summary = audit::audit_tree(
        &list_path,
        std::slice::from_ref(&tree),
        2,
        &mut sink,
        &AtomicBool::new(false),
    )
    .unwrap();
    let got: Vec<(AuditStatus, Option<String>, Option<String>)> = sink
        .0
        .iter()
        .map(|r| {
            let path = r.path.as_ref().map(|p| {
                p.strip_prefix(&tree)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            });
            (r.status, path, r.listed_name.clone())
        })
        .collect();
    let s = |t: &str| Some(t.to_string());
    assert_eq!(
        got,
        [
            (AuditStatus::Matched, s("a.txt"), s("a.txt")),
            (AuditStatus::New, s("c.txt"), None),
            (AuditStatus::PartiallyMatched, s("e.txt"), s("e.txt")),
            (AuditStatus::Moved, s("sub/b.txt"), s("old/b.txt")),
            (AuditStatus::Missing, None, s("d.txt")),
            (AuditStatus::Missing, None, s("e.txt")),
        ]
    );
    assert_eq!(
        (
            summary.matched,
            summary.moved,
            summary.partially_matched,
            summary.new,
            summary.missing
        ),
        (1, 1, 1, 1, 2)
    );
    assert!(!summary.passed());
    assert!(sink.1.is_empty());
}

#[test]
fn an_audit_of_an_unchanged_tree_passes() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("t");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("x"), b"").unwrap();
    let list_path = dir.path().join("x.md5");
    std::fs::write(
        &list_path,
        format!("{}  {}\n", md5(b""), tree.join("x").display()),
    )
    .unwrap();
    let mut sink = Collect::default();
    let summary =
        audit::audit_tree(&list_path, &[tree], 1, &mut sink, &AtomicBool::new(false)).unwrap();
    assert!(summary.passed(), "{summary:?}");
    assert_eq!(summary.matched, 1);
}
