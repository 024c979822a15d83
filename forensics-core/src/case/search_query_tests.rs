//! Tests of [`Case::search`] on a case whose rows are written directly.

use rusqlite::params;

use super::*;
use crate::case::{CaseInfo, Session, SteppingClock};
use crate::time::Timestamp;

/// Files of the sample file system: path and deleted flag.
const FILES: [(&str, bool); 7] = [
    ("/Docs", false),
    ("/Docs/Invoice_2024.PDF", false),
    ("/Docs/invoiceX2024.pdf", false),
    ("/Docs/100%.txt", false),
    ("/old/INVOICE_2023.pdf", true),
    ("/back\\slash.txt", false),
    ("/Überweisung März.txt", false),
];

/// A case with one evidence item and file system holding [`FILES`]
/// (object ids from 10), three features (two inside files) and two notes.
fn sample_case(dir: &std::path::Path) -> Case {
    let session = Session::new(
        "Examiner",
        Box::new(SteppingClock::new(Timestamp { unix_ns: 0 })),
    );
    let info = CaseInfo {
        case_number: "C-1".into(),
        title: "t".into(),
        examiner: "Examiner".into(),
    };
    let mut case = Case::create(&dir.join("case.db"), &info, session).unwrap();
    let conn = &case.conn;
    conn.execute_batch(
        "INSERT INTO objects (id, parent_id, kind) VALUES (1, NULL, 'evidence'), (2, 1, 'volume'),
                (3, 2, 'file_system');
         INSERT INTO evidence (object_id, path, format, media_size, sector_size, md5, sha1, sha256,
                blake3, metadata_json, segments_json, layout_done, ingest_done)
         VALUES (1, '/e/img.raw', 'raw', 8192, 512, 'm', 's1', 's256', 'b3', '[]', '[]', 1, 1);
         INSERT INTO volumes (object_id, evidence_id, partition_index, image_offset, len_bytes, fs_type, done)
         VALUES (2, 1, NULL, 0, 8192, 'fat16', 1);
         INSERT INTO file_systems (object_id, volume_id, fs_type, done) VALUES (3, 2, 'fat16', 1);",
    )
    .unwrap();
    for (index, (path, deleted)) in FILES.iter().enumerate() {
        let object_id = 10 + index as i64;
        let name = path.rsplit('/').next().unwrap();
        let kind = if index == 0 { "directory" } else { "file" };
        conn.execute(
            "INSERT INTO objects (id, parent_id, kind) VALUES (?1, 3, 'file')",
            params![object_id],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO files (object_id, fs_id, walk_index, entry_id, path, name, kind, size,
                                deleted, streams_json)
             VALUES (?1, 3, ?2, ?3, ?4, ?5, ?6, 100, ?7, '[]')",
            params![
                object_id,
                index as i64,
                format!("e{index}"),
                path,
                name,
                kind,
                deleted
            ],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO features (id, evidence_id, scan_index, kind, value, image_offset, encoding,
                               forensic_path, context, file_id)
         VALUES (1, 1, 0, 'url', 'https://invoices.example.com/a', 4096, 'ascii', '4096', '', 11),
                (2, 1, 1, 'email', 'Billing@Invoice.example.org', 5000, 'ascii', '5000', '', NULL),
                (3, 1, 2, 'email', 'someone@example.net', 6000, 'utf16le', '6000', '', 12);",
    )
    .unwrap();
    case.note(Some(11), "Invoice looks forged", false).unwrap();
    case.note(None, "ask about the invoices", true).unwrap();
    case.note(Some(13), "unrelated", false).unwrap();
    case
}

fn labels(hits: &SearchHits) -> Vec<&str> {
    hits.hits.iter().map(|h| h.label.as_str()).collect()
}

#[test]
fn search_finds_files_features_and_notes_case_insensitively_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let case = sample_case(dir.path());
    let results = case.search("invoice", 10).unwrap();
    assert_eq!(
        labels(&results.files),
        [
            "/Docs/Invoice_2024.PDF",
            "/Docs/invoiceX2024.pdf",
            "/old/INVOICE_2023.pdf"
        ]
    );
    assert_eq!(results.files.hits[0].object_id, Some(11));
    assert_eq!(results.files.hits[0].record_id, 11);
    assert!(results.files.hits[2].context.ends_with("deleted"));
    assert!(!results.files.capped);

    // Features: sorted by kind then value; each carries its file, if any.
    assert_eq!(
        labels(&results.features),
        [
            "email: Billing@Invoice.example.org",
            "url: https://invoices.example.com/a"
        ]
    );
    assert_eq!(results.features.hits[0].object_id, None);
    assert!(
        results.features.hits[0]
            .context
            .contains("outside any file")
    );
    assert_eq!(results.features.hits[1].object_id, Some(11));
    assert!(
        results.features.hits[1]
            .context
            .contains("in /Docs/Invoice_2024.PDF")
    );

    // Notes: oldest first, with the object they are on.
    assert_eq!(
        labels(&results.notes),
        ["Invoice looks forged", "ask about the invoices"]
    );
    assert_eq!(results.notes.hits[0].object_id, Some(11));
    assert!(results.notes.hits[0].context.starts_with("note on /Docs/"));
    assert_eq!(results.notes.hits[1].object_id, None);
    assert!(
        results.notes.hits[1]
            .context
            .starts_with("bookmark on the case")
    );
    assert_eq!(results.len(), 7);
}

#[test]
fn like_wildcards_and_backslashes_in_the_text_match_only_themselves() {
    let dir = tempfile::tempdir().unwrap();
    let case = sample_case(dir.path());
    // `_` would match the X of invoiceX2024 if it were not escaped.
    let underscore = case.search("invoice_20", 10).unwrap();
    assert_eq!(
        labels(&underscore.files),
        ["/Docs/Invoice_2024.PDF", "/old/INVOICE_2023.pdf"]
    );
    let percent = case.search("0%.", 10).unwrap();
    assert_eq!(labels(&percent.files), ["/Docs/100%.txt"]);
    assert!(case.search("%", 10).unwrap().files.hits.len() == 1);
    let backslash = case.search("k\\s", 10).unwrap();
    assert_eq!(labels(&backslash.files), ["/back\\slash.txt"]);
    assert!(case.search("no such thing", 10).unwrap().is_empty());
}

#[test]
fn each_kind_is_capped_at_the_limit_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let case = sample_case(dir.path());
    let results = case.search("invoice", 2).unwrap();
    assert_eq!(
        labels(&results.files),
        ["/Docs/Invoice_2024.PDF", "/Docs/invoiceX2024.pdf"]
    );
    assert!(results.files.capped);
    assert_eq!(results.features.hits.len(), 2);
    assert!(!results.features.capped, "exactly the limit is not capped");
    let none = case.search("invoice", 0).unwrap();
    assert!(none.is_empty());
    assert!(none.files.capped && none.features.capped && none.notes.capped);
    // The same search gives the same results.
    assert_eq!(case.search("invoice", 2).unwrap(), results);
}

#[test]
fn empty_search_text_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let case = sample_case(dir.path());
    assert!(matches!(case.search("  ", 10), Err(Error::Invalid(_))));
}

#[test]
fn letters_of_every_script_match_in_either_case() {
    let dir = tempfile::tempdir().unwrap();
    let case = sample_case(dir.path());
    for text in ["ÜBERWEISUNG MÄRZ", "überweisung märz", "Überweisung"] {
        let results = case.search(text, 10).unwrap();
        assert_eq!(labels(&results.files), ["/Überweisung März.txt"], "{text}");
    }
}
