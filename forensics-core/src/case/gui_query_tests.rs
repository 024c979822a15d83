//! Tests of the browsing queries on a case whose rows are written directly.

use rusqlite::params;

use super::*;
use crate::case::{CaseInfo, Session, SteppingClock};

/// Path, name, kind, size, deleted, MD5 of a sample file row.
type SampleFile = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    bool,
    Option<&'static str>,
);

/// A case with one evidence item, one partition, one FAT file system and
/// `/docs`, `/docs/a.txt`, `/docs/sub`, `/docs/sub/b.jpg`, deleted `/c.bin`.
fn sample_case(dir: &std::path::Path) -> (Case, i64) {
    let session = Session::new(
        "Examiner",
        Box::new(SteppingClock::new(Timestamp { unix_ns: 0 })),
    );
    let info = CaseInfo {
        case_number: "C-1".into(),
        title: "t".into(),
        examiner: "Examiner".into(),
    };
    let case = Case::create(&dir.join("case.db"), &info, session).unwrap();
    let conn = &case.conn;
    conn.execute_batch(
        "INSERT INTO objects (id, parent_id, kind) VALUES (1, NULL, 'evidence'), (2, 1, 'volume'),
                (3, 2, 'file_system');
         INSERT INTO evidence (object_id, path, format, media_size, sector_size, md5, sha1, sha256,
                blake3, metadata_json, segments_json, layout_done, ingest_done)
         VALUES (1, '/e/img.raw', 'raw', 8192, 512, 'm', 's1', 's256', 'b3', '[]', '[]', 1, 1);
         INSERT INTO volumes (object_id, evidence_id, partition_index, image_offset, len_bytes, fs_type, done)
         VALUES (2, 1, 1, 1024, 4096, 'fat16', 1);
         INSERT INTO file_systems (object_id, volume_id, fs_type, done) VALUES (3, 2, 'fat16', 1);",
    )
    .unwrap();
    let files: [SampleFile; 5] = [
        ("/docs", "docs", "directory", 0, false, None),
        ("/docs/a.txt", "a.txt", "file", 10, false, Some("abcdef")),
        ("/docs/sub", "sub", "directory", 0, false, None),
        (
            "/docs/sub/b.jpg",
            "b.jpg",
            "file",
            2000,
            false,
            Some("123456"),
        ),
        ("/c.bin", "c.bin", "file", 30, true, None),
    ];
    for (index, (path, name, kind, size, deleted, md5)) in files.iter().enumerate() {
        let object_id = 10 + index as i64;
        conn.execute(
            "INSERT INTO objects (id, parent_id, kind) VALUES (?1, 3, 'file')",
            params![object_id],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO files (object_id, fs_id, walk_index, entry_id, path, name, kind, size,
                                deleted, streams_json, md5)
             VALUES (?1, 3, ?2, ?3, ?4, ?5, ?6, ?7, ?8, '[]', ?9)",
            params![
                object_id,
                index as i64,
                format!("e{index}"),
                path,
                name,
                kind,
                size,
                deleted,
                md5
            ],
        )
        .unwrap();
    }
    conn.execute_batch(
        "INSERT INTO byte_runs (file_id, seq, file_offset, image_offset, len_bytes)
         VALUES (13, 0, 0, 3072, 1024), (13, 1, 1024, 5120, 976);
         INSERT INTO hash_matches (object_id, set_name, set_kind, algorithm)
         VALUES (13, 'bad', 'notable', 'md5'), (13, 'nsrl', 'known', 'md5');",
    )
    .unwrap();
    (case, 3)
}

fn listed(case: &Case, query: &FileListQuery) -> Vec<String> {
    let mut paths = Vec::new();
    case.for_each_file(query, &mut |row| paths.push(row.path))
        .unwrap();
    paths
}

#[test]
fn tree_queries_list_evidence_volumes_and_folders() {
    let dir = tempfile::tempdir().unwrap();
    let (case, fs_id) = sample_case(dir.path());
    let evidence = case.evidence_items().unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].path, "/e/img.raw");
    assert!(evidence[0].ingest_done);
    let volumes = case.volumes().unwrap();
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0].partition_index, Some(1));
    assert_eq!(volumes[0].file_system_id, Some(fs_id));
    let root: Vec<String> = case
        .subfolders(fs_id, "/")
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert_eq!(root, ["/docs"]);
    let docs = case.subfolders(fs_id, "/docs").unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].name, "sub");
}

#[test]
fn file_listing_filters_by_scope_name_size_digest_and_hash_set() {
    let dir = tempfile::tempdir().unwrap();
    let (case, fs_id) = sample_case(dir.path());
    assert_eq!(listed(&case, &FileListQuery::default()).len(), 5);
    let folder = FileListQuery {
        scope: FileScope::Folder {
            fs_id,
            path: "/docs".into(),
        },
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &folder), ["/docs/a.txt", "/docs/sub"]);
    let root = FileListQuery {
        scope: FileScope::Folder {
            fs_id,
            path: "/".into(),
        },
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &root), ["/c.bin", "/docs"]);
    let by_name = FileListQuery {
        name_contains: Some("B.JP".into()),
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &by_name), ["/docs/sub/b.jpg"]);
    let deleted = FileListQuery {
        deleted_only: true,
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &deleted), ["/c.bin"]);
    let sized = FileListQuery {
        min_size: Some(20),
        max_size: Some(100),
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &sized), ["/c.bin"]);
    let digest = FileListQuery {
        digest_prefix: Some("ABC".into()),
        ..FileListQuery::default()
    };
    assert_eq!(listed(&case, &digest), ["/docs/a.txt"]);
    let notable = FileListQuery {
        hash_set_kind: Some("notable".into()),
        ..FileListQuery::default()
    };
    let mut rows = Vec::new();
    case.for_each_file(&notable, &mut |row| rows.push(row))
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].hash_set_kind.as_deref(), Some("notable"));
    assert!(!rows[0].tagged);
}

#[test]
fn file_by_id_and_location_find_the_file_and_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (mut case, _) = sample_case(dir.path());
    case.tag(13, "csam-review").unwrap();
    let file = case.file_by_id(13).unwrap().unwrap();
    assert_eq!(file.path, "/docs/sub/b.jpg");
    assert_eq!(file.tags, ["csam-review"]);
    assert_eq!(file.hash_sets, ["bad", "nsrl"]);
    assert!(case.file_by_id(999).unwrap().is_none());
    let location = case.file_location(13).unwrap();
    assert_eq!(location.evidence_path, "/e/img.raw");
    assert_eq!(location.partition_index, Some(1));
    assert_eq!(location.size, 2000);
    assert_eq!(location.runs.len(), 2);
    assert_eq!(location.runs[1].image_offset, Some(5120));
    assert!(case.file_location(999).is_err());
}

#[test]
fn glob_literal_escapes_specials() {
    assert_eq!(glob_literal("/a[1]*?.txt"), "/a[[]1][*][?].txt");
}
