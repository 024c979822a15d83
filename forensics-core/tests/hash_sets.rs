//! Hash sets: every source format imports, round-trips through `.fhs` and
//! matches; malformed input is an error naming the line or record; damaged
//! `.fhs` files are refused.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on purpose

use std::path::{Path, PathBuf};

use forensics_core::hash::sets::{self, DigestSet, ImportOptions, SetBuilder, SetFormat, SetKind};
use forensics_core::hash::{Algorithm, Digests, from_hex};

const MD5_EMPTY: &str = "d41d8cd98f00b204e9800998ecf8427e";
const SHA1_EMPTY: &str = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const SHA256_EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const MD5_ABC: &str = "900150983cd24fb0d6963f7d28e17f72";
const SHA1_ABC: &str = "a9993e364706816aba3e25717850c26c9cd0d89d";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Imports `sources` into a set, writes it, and opens it again.
fn build(dir: &Path, sources: &[PathBuf], kind: SetKind) -> (DigestSet, sets::ImportSummary) {
    let mut builder = SetBuilder::new();
    for source in sources {
        sets::import_file(&mut builder, source, &ImportOptions::default()).unwrap();
    }
    let out = dir.join("set.fhs");
    let summary = builder.write_fhs(&out, "test set", kind).unwrap();
    (DigestSet::open(&out).unwrap(), summary)
}

fn digest(hex: &str) -> Vec<u8> {
    from_hex(hex).unwrap()
}

fn import_error(path: &Path) -> String {
    let mut builder = SetBuilder::new();
    sets::import_file(&mut builder, path, &ImportOptions::default())
        .unwrap_err()
        .to_string()
}

#[test]
fn md5sum_sha1sum_and_sha256sum_lists_import_and_match() {
    let dir = tempfile::tempdir().unwrap();
    let md5 = write(
        dir.path(),
        "a.md5",
        &format!("{MD5_EMPTY}  empty.txt\n{MD5_ABC} *abc.bin\n"),
    );
    let sha1 = write(
        dir.path(),
        "a.sha1",
        &format!("{SHA1_EMPTY}  empty.txt\r\n"),
    );
    let sha256 = write(
        dir.path(),
        "a.sha256",
        &format!("{SHA256_EMPTY}  empty.txt\n"),
    );
    assert_eq!(sets::detect_format(&md5).unwrap(), SetFormat::SumList);
    let (set, summary) = build(dir.path(), &[md5, sha1, sha256], SetKind::Known);
    assert_eq!((summary.md5, summary.sha1, summary.sha256), (2, 1, 1));
    assert_eq!(set.kind(), SetKind::Known);
    assert_eq!(set.contains(Algorithm::Md5, &digest(MD5_ABC)), Some(None));
    assert_eq!(set.contains(Algorithm::Sha1, &digest(SHA1_ABC)), None);
    let found = set
        .lookup(&Digests {
            sha1: Some(digest(SHA1_EMPTY).try_into().unwrap()),
            ..Digests::default()
        })
        .unwrap();
    assert_eq!(found.set_name, "test set");
    assert_eq!(found.algorithm, Algorithm::Sha1);
}

#[test]
fn plain_lists_and_bsd_tags_import() {
    let dir = tempfile::tempdir().unwrap();
    let plain = write(
        dir.path(),
        "plain.txt",
        &format!(
            "# EnCase export\n{}\n\n{MD5_ABC}\n",
            MD5_EMPTY.to_uppercase()
        ),
    );
    let tags = write(
        dir.path(),
        "tags.txt",
        &format!("SHA1 (abc) = {SHA1_ABC}\nSHA256 (e) = {SHA256_EMPTY}\n"),
    );
    let (set, summary) = build(dir.path(), &[plain, tags], SetKind::Notable);
    assert_eq!(summary.records, 4);
    assert!(set.contains(Algorithm::Md5, &digest(MD5_EMPTY)).is_some());
    assert!(set.contains(Algorithm::Sha1, &digest(SHA1_ABC)).is_some());
    assert!(
        set.contains(Algorithm::Sha256, &digest(SHA256_EMPTY))
            .is_some()
    );
}

#[test]
fn hashdeep_lists_follow_their_column_header() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "list.hashdeep",
        &format!(
            "%%%% HASHDEEP-1.0\n%%%% size,md5,sha256,filename\n## Invoked from: /tmp\n## $ hashdeep -r x\n##\n0,{MD5_EMPTY},{SHA256_EMPTY},/x/empty, with comma.txt\n"
        ),
    );
    assert_eq!(sets::detect_format(&list).unwrap(), SetFormat::Hashdeep);
    let mut names = Vec::new();
    sets::read_list(&list, Algorithm::Sha256, &mut |entry, line| {
        names.push((entry.name.unwrap(), entry.size, line));
        Ok(())
    })
    .unwrap();
    assert_eq!(
        names,
        [("/x/empty, with comma.txt".to_string(), Some(0), 6)]
    );
    let (set, _) = build(dir.path(), &[list], SetKind::Known);
    assert!(
        set.contains(Algorithm::Sha256, &digest(SHA256_EMPTY))
            .is_some()
    );
}

#[test]
fn vics_json_keeps_categories_and_names_bad_records() {
    let dir = tempfile::tempdir().unwrap();
    let json = format!(
        r#"{{"odata.metadata":"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/$metadata#Media",
        "value":[
          {{"MediaID":1,"Category":1,"MD5":"{}","SHA1":"{}","MediaSize":3,"Series":"x"}},
          {{"MediaID":2,"Category":2,"MD5":"{MD5_EMPTY}"}}
        ]}}"#,
        MD5_ABC.to_uppercase(),
        SHA1_ABC.to_uppercase()
    );
    let path = write(dir.path(), "vics.json", &json);
    assert_eq!(sets::detect_format(&path).unwrap(), SetFormat::VicsJson);
    let (set, _) = build(dir.path(), &[path], SetKind::Notable);
    assert_eq!(set.categories(), ["1", "2"]);
    assert_eq!(
        set.contains(Algorithm::Md5, &digest(MD5_ABC)),
        Some(Some("1"))
    );
    assert_eq!(
        set.contains(Algorithm::Sha1, &digest(SHA1_ABC)),
        Some(Some("1"))
    );
    assert_eq!(
        set.contains(Algorithm::Md5, &digest(MD5_EMPTY)),
        Some(Some("2"))
    );

    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"value":[{"MD5":"d41d8cd98f00b204e9800998ecf8427e"},{"MD5":"xyz","Category":1}]}"#,
    );
    let err = import_error(&bad);
    assert!(err.contains("record 2"), "{err}");
    let no_hash = write(dir.path(), "nohash.json", r#"{"value":[{"Category":1}]}"#);
    assert!(import_error(&no_hash).contains("record 1"));
    let broken = write(dir.path(), "broken.json", "{\"value\":[{\"MD5\":\n");
    assert!(import_error(&broken).contains("broken.json"));
}

#[test]
fn nsrl_rds_v3_databases_import_from_the_file_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("RDS_mini.db");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(&format!(
        "CREATE TABLE FILE (sha256 VARCHAR NOT NULL, sha1 VARCHAR NOT NULL, md5 VARCHAR NOT NULL,
            crc32 VARCHAR, file_name VARCHAR, file_size INTEGER, package_id INTEGER);
         INSERT INTO FILE VALUES ('{}', '{}', '{}', '00000000', 'empty', 0, 1);
         INSERT INTO FILE VALUES ('{}', '{}', '{}', '00000000', 'empty', 0, 2);",
        SHA256_EMPTY.to_uppercase(),
        SHA1_EMPTY.to_uppercase(),
        MD5_EMPTY.to_uppercase(),
        SHA256_EMPTY.to_uppercase(),
        SHA1_EMPTY.to_uppercase(),
        MD5_EMPTY.to_uppercase(),
    ))
    .unwrap();
    drop(db);
    assert_eq!(sets::detect_format(&path).unwrap(), SetFormat::NsrlSqlite);
    let (set, summary) = build(dir.path(), &[path], SetKind::Known);
    assert_eq!(summary.records, 2);
    assert_eq!((summary.md5, summary.sha1, summary.sha256), (1, 1, 1));
    assert_eq!(summary.duplicates, 3);
    assert!(set.contains(Algorithm::Sha1, &digest(SHA1_EMPTY)).is_some());

    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x);")
        .unwrap();
    assert!(import_error(&other).contains("not NSRL"));
}

#[test]
fn malformed_text_lines_are_errors_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "short.md5",
            format!("{MD5_EMPTY}  a\n{}  b\n", &MD5_ABC[..31]),
            "line 2",
        ),
        (
            "onespace.md5",
            format!("{MD5_EMPTY}  a\n\n{MD5_ABC} b\n"),
            "line 3",
        ),
        (
            "mixed.txt",
            format!("{MD5_EMPTY}\n{MD5_ABC}  name\n"),
            "line 2",
        ),
        (
            "nothex.txt",
            format!("{MD5_EMPTY}\n{}\n", "g".repeat(32)),
            "line 2",
        ),
        (
            "hd.txt",
            format!("%%%% HASHDEEP-1.0\n%%%% size,md5,filename\nx,{MD5_EMPTY},a\n"),
            "line 3",
        ),
        (
            "hd2.txt",
            format!("%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n0,{MD5_EMPTY}\n"),
            "line 3",
        ),
        (
            "hd3.txt",
            format!("%%%% HASHDEEP-1.0\n0,{MD5_EMPTY},a\n"),
            "line 2",
        ),
    ];
    for (name, text, line) in cases {
        let path = write(dir.path(), name, &text);
        let err = import_error(&path);
        assert!(err.contains(line) && err.contains(name), "{name}: {err}");
    }
    let empty = write(dir.path(), "empty.txt", "\n\n");
    assert!(import_error(&empty).contains("no hash lines"));
}

#[test]
fn damaged_truncated_or_reordered_set_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let list = write(
        dir.path(),
        "l.md5",
        &format!("{MD5_EMPTY}  a\n{MD5_ABC}  b\n"),
    );
    let (_, _) = build(dir.path(), &[list], SetKind::Known);
    let good = std::fs::read(dir.path().join("set.fhs")).unwrap();

    let mut flipped = good.clone();
    let at = flipped.len() - 40;
    flipped[at] ^= 1;
    let path = dir.path().join("flipped.fhs");
    std::fs::write(&path, &flipped).unwrap();
    assert!(
        DigestSet::open(&path)
            .unwrap_err()
            .to_string()
            .contains("trailer")
    );

    let path = dir.path().join("short.fhs");
    std::fs::write(&path, &good[..20]).unwrap();
    assert!(DigestSet::open(&path).is_err());

    // Swap the two digests and re-seal: the trailer holds, the order does not.
    let body_len = good.len() - 32;
    let mut swapped = good[..body_len].to_vec();
    let table = body_len - 32;
    let (first, second) = (
        swapped[table..table + 16].to_vec(),
        swapped[table + 16..table + 32].to_vec(),
    );
    swapped[table..table + 16].copy_from_slice(&second);
    swapped[table + 16..table + 32].copy_from_slice(&first);
    let trailer = *blake3::hash(&swapped).as_bytes();
    swapped.extend_from_slice(&trailer);
    let path = dir.path().join("swapped.fhs");
    std::fs::write(&path, &swapped).unwrap();
    assert!(
        DigestSet::open(&path)
            .unwrap_err()
            .to_string()
            .contains("ascending")
    );
}

#[test]
fn the_same_inputs_in_another_order_give_an_identical_set_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        &format!(r#"{{"value":[{{"MD5":"{MD5_ABC}","Category":"b"}}]}}"#),
    );
    let b = write(
        dir.path(),
        "b.json",
        &format!(r#"{{"value":[{{"MD5":"{MD5_EMPTY}","Category":"a"}}]}}"#),
    );
    build(dir.path(), &[a.clone(), b.clone()], SetKind::Notable);
    let first = std::fs::read(dir.path().join("set.fhs")).unwrap();
    build(dir.path(), &[b, a], SetKind::Notable);
    let second = std::fs::read(dir.path().join("set.fhs")).unwrap();
    assert_eq!(first, second);
}

#[test]
fn a_set_file_claiming_an_absurd_table_is_refused_without_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"FHSET\0\r\n".to_vec();
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&[1, 0, 0, 0]);
    body.extend_from_slice(&1u32.to_le_bytes());
    body.push(b'x');
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&[2, 0, 0, 0, 0, 0, 0, 0]);
    body.extend_from_slice(&(u64::MAX / 3).to_le_bytes());
    let trailer = *blake3::hash(&body).as_bytes();
    body.extend_from_slice(&trailer);
    let path = dir.path().join("absurd.fhs");
    std::fs::write(&path, &body).unwrap();
    let err = DigestSet::open(&path).unwrap_err().to_string();
    assert!(err.contains("absurd.fhs"), "{err}");
}

#[test]
fn an_overlong_line_is_an_error_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{MD5_EMPTY}\n{}\n", "a".repeat(sets::MAX_LINE_BYTES + 10));
    let path = write(dir.path(), "long.txt", &text);
    let err = import_error(&path);
    assert!(
        err.contains("line 2") && err.contains("longer than"),
        "{err}"
    );
}

#[test]
fn lookups_in_a_large_set_agree_with_a_naive_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut next_digest = || {
        let mut digest = [0u8; 20];
        for byte in &mut digest {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = (state >> 24) as u8;
        }
        digest
    };
    let listed: Vec<[u8; 20]> = (0..50_000).map(|_| next_digest()).collect();
    // Edge digests land in the first and last buckets.
    let mut listed = listed;
    listed.push([0u8; 20]);
    listed.push([0xff; 20]);
    let text: String = listed
        .iter()
        .map(|d| format!("{}\n", forensics_core::hash::to_hex(d)))
        .collect();
    let list = write(dir.path(), "big.txt", &text);
    let (set, summary) = build(dir.path(), &[list], SetKind::Known);
    assert_eq!(summary.sha1, 50_002);
    let naive: std::collections::BTreeSet<[u8; 20]> = listed.iter().copied().collect();
    for digest in &listed {
        assert!(set.contains(Algorithm::Sha1, digest).is_some());
    }
    for _ in 0..50_000 {
        let probe = next_digest();
        assert_eq!(
            set.contains(Algorithm::Sha1, &probe).is_some(),
            naive.contains(&probe)
        );
    }
    assert!(set.contains(Algorithm::Sha1, &[0u8; 19]).is_none());
}

#[test]
fn garbage_lists_and_set_files_give_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = 0xdead_beef_cafe_f00du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"0123456789abcdefABCDEF  *\\\n\r,%#{}[]\":()=SHA1MD5value";
    for round in 0..300 {
        let len = (next() % 400) as usize;
        let mut bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let prefix: Vec<u8> = match round % 4 {
            0 => b"%%%% HASHDEEP-1.0\n%%%% size,md5,filename\n".to_vec(),
            1 => b"{\"value\":[".to_vec(),
            2 => format!("{MD5_EMPTY}  x\n").into_bytes(),
            _ => Vec::new(),
        };
        bytes.splice(0..0, prefix);
        let path = dir.path().join(format!("garbage-{round}"));
        std::fs::write(&path, &bytes).unwrap();
        let mut builder = SetBuilder::new();
        let _ = sets::import_file(&mut builder, &path, &ImportOptions::default());
        let fhs = dir.path().join(format!("garbage-{round}.fhs"));
        let mut sealed = b"FHSET\0\r\n".to_vec();
        sealed.extend_from_slice(&bytes);
        let trailer = *blake3::hash(&sealed).as_bytes();
        sealed.extend_from_slice(&trailer);
        std::fs::write(&fhs, &sealed).unwrap();
        // No byte of the alphabet can spell version 1, so every file is refused.
        assert!(DigestSet::open(&fhs).is_err());
    }
}
