//! Ingest through a simple in-memory file system (a plug-in opener): every
//! entry stored with its digests, batches resumable after a cancel, hash-set
//! matches, and edited file rows named by `verify_case`.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use forensics_core::Problem;
use forensics_core::case::ingest::{self, IngestOptions, IngestProgress, NoProgress};
use forensics_core::case::verify::{Subject, verify_case};
use forensics_core::case::{Case, CaseInfo, FileQuery, Session, SteppingClock};
use forensics_core::evidence::EvidenceSource;
use forensics_core::fs::{self, ByteRun, EntryKind, FileEntry, FileSystem, FsType, Timestamp};
use forensics_core::volume::ByteRange;

/// Entries in the toy file system.
const ENTRY_COUNT: u64 = 45;
/// Bytes of content per file, laid out back to back from volume offset 4096.
const FILE_LEN: u64 = 1000;

/// A toy file system: `/dir/fNN` files whose content lies in the volume.
struct ToyFs {
    volume: Arc<dyn EvidenceSource>,
}

impl FileSystem for ToyFs {
    fn fs_type(&self) -> FsType {
        FsType::Fat16
    }

    fn walk(&self, visit: &mut dyn FnMut(FileEntry)) -> Result<Vec<Problem>, fs::Error> {
        visit(FileEntry::new("d1", "/dir", EntryKind::Directory, 0));
        for index in 0..ENTRY_COUNT - 1 {
            let mut entry = FileEntry::new(
                format!("f{index}"),
                format!("/dir/f{index:02}"),
                EntryKind::File,
                FILE_LEN,
            );
            entry.deleted = index % 7 == 3;
            entry.times.modified = Timestamp::from_unix_seconds(1_600_000_000 + index as i64);
            if index % 5 != 0 {
                entry.byte_runs = vec![ByteRun {
                    file_offset: 0,
                    volume_offset: Some(4096 + index * FILE_LEN),
                    len_bytes: FILE_LEN,
                }];
            }
            visit(entry);
        }
        Ok(vec![Problem::at(512, 16, "toy problem")])
    }

    fn read_content(
        &self,
        id: &str,
        _: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, fs::Error> {
        let index: u64 = id
            .trim_start_matches('f')
            .parse()
            .map_err(|_| fs::Error::NotFound {
                what: id.to_string(),
            })?;
        let mut buf = vec![0u8; FILE_LEN as usize];
        forensics_core::evidence::read_exact_at(
            self.volume.as_ref(),
            4096 + index * FILE_LEN,
            &mut buf,
        )?;
        out.write_all(&buf).map_err(fs::Error::Output)?;
        Ok(FILE_LEN)
    }

    fn unallocated(&self) -> Result<Vec<ByteRange>, fs::Error> {
        Ok(Vec::new())
    }
}

fn open_toy(volume: Arc<dyn EvidenceSource>) -> Result<Box<dyn FileSystem>, fs::Error> {
    Ok(Box::new(ToyFs { volume }))
}

fn options(batch_files: usize) -> IngestOptions {
    IngestOptions {
        batch_files,
        threads: 1,
        file_system_opener: Some(open_toy),
        ..IngestOptions::default()
    }
}

fn new_case(dir: &Path, name: &str) -> (Case, PathBuf) {
    let evidence = dir.join("toy.raw");
    if !evidence.exists() {
        let bytes: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        std::fs::write(&evidence, bytes).unwrap();
    }
    let clock = SteppingClock::new(Timestamp::from_unix_seconds(1_700_000_000).unwrap());
    let info = CaseInfo {
        case_number: "7".into(),
        title: String::new(),
        examiner: "E".into(),
    };
    let case = Case::create(&dir.join(name), &info, Session::new("E", Box::new(clock))).unwrap();
    (case, evidence)
}

/// Cancels after `after_batches` batches have been stored.
struct CancelAfter<'a> {
    batches: usize,
    after_batches: usize,
    cancel: &'a AtomicBool,
}

impl IngestProgress for CancelAfter<'_> {
    fn files_stored(&mut self, _: u64) {
        self.batches += 1;
        if self.batches >= self.after_batches {
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}

#[test]
fn every_entry_is_stored_with_the_digests_of_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let (mut case, evidence) = new_case(dir.path(), "a.fcase");
    let summary = ingest::add_evidence(
        &mut case,
        std::slice::from_ref(&evidence),
        &options(10),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(summary.evidence[0].files, ENTRY_COUNT);
    let bytes = std::fs::read(&evidence).unwrap();
    let files = case.files(&FileQuery::default()).unwrap();
    assert_eq!(files.len() as u64, ENTRY_COUNT);
    for row in files.iter().filter(|r| r.kind == "file") {
        let index: u64 = row.entry_id[1..].parse().unwrap();
        let start = (4096 + index * FILE_LEN) as usize;
        let expected = blake3::hash(&bytes[start..start + FILE_LEN as usize])
            .to_hex()
            .to_string();
        assert_eq!(
            row.blake3.as_deref(),
            Some(expected.as_str()),
            "{}",
            row.path
        );
        assert_eq!(row.deleted, index % 7 == 3);
    }
    let deleted = case
        .files(&FileQuery {
            deleted_only: true,
            path_glob: Some("/dir/f*".into()),
            ..FileQuery::default()
        })
        .unwrap();
    assert_eq!(deleted.len(), 6);
    let window = FileQuery {
        modified_from: Timestamp::from_unix_seconds(1_600_000_010),
        modified_until: Timestamp::from_unix_seconds(1_600_000_015),
        ..FileQuery::default()
    };
    let in_window: Vec<String> = case
        .files(&window)
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        in_window,
        ["/dir/f10", "/dir/f11", "/dir/f12", "/dir/f13", "/dir/f14"]
    );
    let problems = case.problems().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].image_offset, Some(512));
    assert!(verify_case(case.path(), None).unwrap().holds());
}

#[test]
fn a_cancelled_ingest_resumes_to_the_same_contents() {
    let dir = tempfile::tempdir().unwrap();
    let (mut whole, evidence) = new_case(dir.path(), "whole.fcase");
    ingest::add_evidence(
        &mut whole,
        std::slice::from_ref(&evidence),
        &options(10),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();

    let (mut parts, _) = new_case(dir.path(), "parts.fcase");
    let mut runs = 0;
    loop {
        runs += 1;
        let cancel = AtomicBool::new(false);
        let mut progress = CancelAfter {
            batches: 0,
            after_batches: 2,
            cancel: &cancel,
        };
        match ingest::add_evidence(
            &mut parts,
            std::slice::from_ref(&evidence),
            &options(10),
            &mut progress,
            &cancel,
        ) {
            Ok(summary) => {
                assert!(summary.evidence[0].resumed);
                break;
            }
            Err(forensics_core::case::Error::Cancelled) => {
                assert!(verify_case(parts.path(), None).unwrap().holds());
            }
            Err(other) => panic!("{other}"),
        }
        assert!(runs < 10, "the ingest never finished");
    }
    assert!(runs >= 3, "expected several interrupted runs, got {runs}");
    assert_eq!(
        parts.normalised_dump().unwrap(),
        whole.normalised_dump().unwrap()
    );
    assert!(verify_case(parts.path(), None).unwrap().holds());
}

#[test]
fn an_edited_file_row_is_named_by_its_batch_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (mut case, evidence) = new_case(dir.path(), "rows.fcase");
    ingest::add_evidence(
        &mut case,
        &[evidence],
        &options(10),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    let conn = rusqlite::Connection::open(case.path()).unwrap();
    conn.execute("UPDATE files SET deleted = 0 WHERE walk_index = 25", [])
        .unwrap();
    let report = verify_case(case.path(), None).unwrap();
    assert!(
        matches!(report.failures[0].subject, Subject::Rows { .. }),
        "{report:?}"
    );
    assert!(report.failures[0].message.contains("20..=29"), "{report:?}");
}

#[test]
fn files_listed_in_a_hash_set_are_matched() {
    use forensics_core::hash::Digests;
    use forensics_core::hash::sets::{DigestSet, SetBuilder, SetKind};
    let dir = tempfile::tempdir().unwrap();
    let (mut case, evidence) = new_case(dir.path(), "sets.fcase");
    let bytes = std::fs::read(&evidence).unwrap();
    let start = (4096 + 12 * FILE_LEN) as usize;
    let digests = Digests {
        blake3: Some(*blake3::hash(&bytes[start..start + FILE_LEN as usize]).as_bytes()),
        ..Digests::default()
    };
    let mut builder = SetBuilder::new();
    builder
        .add(&digests, Some("cat-1"), Path::new("list"))
        .unwrap();
    let set_path = dir.path().join("notable.fhs");
    builder
        .write_fhs(&set_path, "Notable test set", SetKind::Notable)
        .unwrap();
    let mut options = options(10);
    options.hash_sets = vec![DigestSet::open(&set_path).unwrap()];
    ingest::add_evidence(
        &mut case,
        &[evidence],
        &options,
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    let query = FileQuery {
        hash_set_kind: Some("notable".into()),
        ..FileQuery::default()
    };
    let matched = case.files(&query).unwrap();
    assert_eq!(matched.len(), 1, "{matched:?}");
    assert_eq!(matched[0].path, "/dir/f12");
    assert_eq!(matched[0].hash_sets, vec!["Notable test set".to_string()]);
}

#[test]
fn several_items_in_one_call_each_get_a_summary_and_a_missing_one_does_not_stop_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (mut case, evidence) = new_case(dir.path(), "many.fcase");
    let second = dir.path().join("second.raw");
    std::fs::write(&second, vec![1u8; 50_000]).unwrap();
    let paths = [evidence, dir.path().join("missing.raw"), second];
    let summary = ingest::add_evidence(
        &mut case,
        &paths,
        &options(10),
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(summary.evidence.len(), 3);
    assert_eq!(summary.evidence[0].files, ENTRY_COUNT);
    assert!(
        summary.evidence[1]
            .error
            .as_deref()
            .unwrap()
            .contains("missing.raw")
    );
    assert_eq!(summary.evidence[2].object_id, ENTRY_COUNT as i64 + 4);
    assert!(summary.evidence[2].error.is_none());
    let report = verify_case(case.path(), None).unwrap();
    assert!(report.holds(), "{:?}", report.failures);
    assert_eq!(report.evidence_checked, 2);
}
