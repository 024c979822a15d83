//! The sealed export bundle: files named by a hostile file system stay
//! inside the bundle and distinct; `verify_bundle` holds on a fresh bundle,
//! catches a changed byte in any exported file, and survives hostile ZIPs
//! (traversal names, a zip bomb, absurd sizes) without extracting anything;
//! the same case gives a byte-identical bundle.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use forensics_core::case::ingest::{IngestOptions, NoProgress, add_evidence};
use forensics_core::case::keys::SigningKey;
use forensics_core::case::{Case, CaseInfo, Session, SteppingClock};
use forensics_core::evidence::EvidenceSource;
use forensics_core::fs::{self, ByteRun, EntryKind, FileEntry, FileSystem, FsType, Timestamp};
use forensics_core::report::bundle::{self, ExportOptions, MANIFEST_NAME, Manifest};
use forensics_core::report::{
    Creator, ReportData, ReportOptions, write_case_uco, write_dfxml, write_html, xml,
};
use forensics_core::volume::ByteRange;

/// Names a hostile file system may hold.
fn hostile_names() -> Vec<String> {
    vec![
        "../../x".into(),
        "/etc/passwd".into(),
        "a\u{0}b".into(),
        "CON".into(),
        "y".repeat(1000),
        "Photo.jpg".into(),
        "photo.jpg".into(),
        "..".into(),
        "C:\\Windows\\evil.dll".into(),
    ]
}

/// Bytes per file on the fake volume.
const FILE_LEN: u64 = 300;

/// A file system whose entries carry the hostile names; entry `i` holds
/// the volume bytes at `i * 512`.
struct HostileFs {
    volume: Arc<dyn EvidenceSource>,
}

impl FileSystem for HostileFs {
    fn fs_type(&self) -> FsType {
        FsType::Fat16
    }

    fn walk(
        &self,
        visit: &mut dyn FnMut(FileEntry),
    ) -> Result<Vec<forensics_core::Problem>, fs::Error> {
        for (index, name) in hostile_names().into_iter().enumerate() {
            let mut entry = FileEntry::new(
                index.to_string(),
                format!("/{name}"),
                EntryKind::File,
                FILE_LEN,
            );
            entry.name = name;
            entry.times.modified = Timestamp::from_unix_seconds(1_700_000_000 + index as i64);
            entry.byte_runs = vec![ByteRun {
                file_offset: 0,
                volume_offset: Some(index as u64 * 512),
                len_bytes: FILE_LEN,
            }];
            visit(entry);
        }
        Ok(Vec::new())
    }

    fn read_content(
        &self,
        id: &str,
        _stream: Option<&str>,
        out: &mut dyn Write,
    ) -> Result<u64, fs::Error> {
        let index: u64 = id
            .parse()
            .map_err(|_| fs::Error::NotFound { what: id.into() })?;
        let mut buf = vec![0u8; FILE_LEN as usize];
        let read = self.volume.read_at(index * 512, &mut buf)?;
        out.write_all(&buf[..read]).map_err(fs::Error::Output)?;
        Ok(read as u64)
    }

    fn unallocated(&self) -> Result<Vec<ByteRange>, fs::Error> {
        Ok(Vec::new())
    }
}

fn open_hostile(volume: Arc<dyn EvidenceSource>) -> Result<Box<dyn FileSystem>, fs::Error> {
    Ok(Box::new(HostileFs { volume }))
}

fn session() -> Session {
    let mut session = Session::new(
        "Bundle Tester",
        Box::new(SteppingClock::new(
            Timestamp::from_unix_seconds(1_750_000_000).unwrap(),
        )),
    );
    // Every entry signed, so bundles carry signatures to check.
    session.signing_key = Some(SigningKey::from_seed([7; 32]));
    session
}

/// A case with one evidence item read through [`HostileFs`], every file tagged.
fn hostile_case(dir: &Path) -> PathBuf {
    let image = dir.join("hostile.raw");
    let bytes: Vec<u8> = (0..64 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&image, bytes).unwrap();
    let path = dir.join("hostile.fcase");
    let info = CaseInfo {
        case_number: "CR-HOSTILE".into(),
        title: "Hostile names".into(),
        examiner: "Bundle Tester".into(),
    };
    let mut case = Case::create(&path, &info, session()).unwrap();
    let options = IngestOptions {
        file_system_opener: Some(open_hostile),
        ..IngestOptions::default()
    };
    let summary = add_evidence(
        &mut case,
        &[image],
        &options,
        &mut NoProgress,
        &AtomicBool::new(false),
    )
    .unwrap();
    assert_eq!(
        summary.evidence[0].files,
        hostile_names().len() as u64,
        "{summary:?}"
    );
    for row in case.files(&Default::default()).unwrap() {
        case.tag(row.object_id, "exported").unwrap();
    }
    path
}

fn export(case_path: &Path, out: &Path) -> bundle::ExportSummary {
    let mut case = Case::open(case_path).unwrap();
    case.set_session(session()).unwrap();
    let options = ExportOptions {
        tagged_only: true,
        file_system_opener: Some(open_hostile),
    };
    bundle::export_bundle(
        &mut case,
        out,
        &Creator::this_tool(Vec::new(), String::new()),
        None,
        &options,
    )
    .unwrap()
}

fn manifest_of(bundle_path: &Path) -> Manifest {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle_path).unwrap()).unwrap();
    let mut text = String::new();
    archive
        .by_name(MANIFEST_NAME)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn hostile_names_stay_inside_and_distinct_and_the_bundle_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let case = hostile_case(dir.path());
    let out = dir.path().join("bundle.zip");
    let summary = export(&case, &out);
    assert_eq!(
        summary.files_exported,
        hostile_names().len() as u64,
        "{summary:?}"
    );
    assert!(summary.not_exported.is_empty());

    let manifest = manifest_of(&out);
    let mut originals: Vec<String> = manifest
        .files
        .iter()
        .filter_map(|f| f.original_path.clone())
        .collect();
    originals.sort();
    let mut expected: Vec<String> = hostile_names().iter().map(|n| format!("/{n}")).collect();
    expected.sort();
    assert_eq!(originals, expected, "original paths kept in the manifest");
    let mut lowered = std::collections::BTreeSet::new();
    for file in &manifest.files {
        let name = &file.bundle_path;
        assert!(
            !name.starts_with('/') && !name.contains('\\') && !name.contains('\0'),
            "{name:?}"
        );
        assert!(
            name.split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".."),
            "{name:?}"
        );
        assert!(name.len() < 200, "{name:?} is short");
        assert!(
            lowered.insert(name.to_lowercase()),
            "{name:?} collides ignoring case"
        );
        assert_eq!(file.matches_case, file.original_path.as_ref().map(|_| true));
    }
    let check = bundle::verify_bundle(&out).unwrap();
    assert!(check.holds(), "{:?}", check.failures);
    assert_eq!(check.files_checked, manifest.files.len() as u64);

    // The custody log of the case records the manifest's hash.
    let log = Case::open(&case).unwrap().custody_log().unwrap();
    let last = log.last().unwrap();
    assert_eq!(last.action, "export_bundle");
    assert!(last.details_json.contains(&summary.manifest_sha256));

    hostile_names_in_documents(&case, dir.path());

    // Extracted by a real unzip, everything lands inside the target folder.
    if std::process::Command::new("unzip")
        .arg("-v")
        .output()
        .is_err()
    {
        println!("skipped: unzip not installed");
        return;
    }
    let target = dir.path().join("extract").join("here");
    std::fs::create_dir_all(&target).unwrap();
    let status = std::process::Command::new("unzip")
        .args(["-q", out.to_str().unwrap(), "-d", target.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let extracted = walk(&target);
    assert_eq!(extracted.len(), manifest.files.len() + 2, "{extracted:?}");
    assert_eq!(
        walk(&dir.path().join("extract")).len(),
        extracted.len(),
        "nothing outside"
    );
}

/// DFXML, CASE and HTML of the hostile case are well formed and carry no
/// character their format cannot hold.
fn hostile_names_in_documents(case_path: &Path, dir: &Path) {
    let case = Case::open(case_path).unwrap();
    let data = ReportData::load(&case, ReportOptions::default(), None).unwrap();
    let creator = Creator::this_tool(
        vec!["forensics".into(), "<&\"\u{1}>".into()],
        "host\u{0}".into(),
    );
    let mut dfxml = Vec::new();
    write_dfxml(&data, &creator, &mut dfxml).unwrap();
    let dfxml = String::from_utf8(dfxml).unwrap();
    assert!(
        dfxml.chars().all(xml::is_xml_char),
        "no character XML 1.0 cannot hold"
    );
    assert!(dfxml.contains("<filename>../../x</filename>"));
    assert!(dfxml.contains("<filename>a\u{FFFD}b</filename>"));
    let mut case_json = Vec::new();
    write_case_uco(&data, &creator, &mut case_json).unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&case_json).unwrap();
    assert!(
        parsed.to_string().contains("a\\u0000b"),
        "JSON keeps the NUL, escaped"
    );
    let mut html = Vec::new();
    write_html(&data, &creator, None, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(!html.contains('\u{0}') && html.contains("C:\\Windows\\evil.dll"));
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("skipped: xmllint not installed (apt libxml2-utils)");
        return;
    }
    let path = dir.join("hostile.dfxml");
    std::fs::write(&path, &dfxml).unwrap();
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// Copies `bundle` to `out`, letting `change` alter each entry's bytes.
fn rewrite(bundle_path: &Path, out: &Path, change: &dyn Fn(&str, &mut Vec<u8>)) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(bundle_path).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        change(&name, &mut bytes);
        writer
            .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn a_changed_byte_in_any_exported_file_is_caught_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let case = hostile_case(dir.path());
    let out = dir.path().join("bundle.zip");
    export(&case, &out);
    let manifest = manifest_of(&out);
    let untouched = dir.path().join("copy.zip");
    rewrite(&out, &untouched, &|_, _| {});
    assert!(
        bundle::verify_bundle(&untouched).unwrap().holds(),
        "a faithful copy verifies"
    );
    // A re-signed (forged) custody entry is caught too.
    let forged = dir.path().join("forged.zip");
    rewrite(&out, &forged, &|name, bytes| {
        if name == "custody_log.jsonl" {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let at = text.find("\"signature\":\"").unwrap() + 13;
            let flipped = if &text[at..=at] == "0" { "1" } else { "0" };
            *bytes = format!("{}{flipped}{}", &text[..at], &text[at + 1..]).into_bytes();
        }
    });
    let check = bundle::verify_bundle(&forged).unwrap();
    assert!(
        check
            .failures
            .iter()
            .any(|f| f.name == "custody_log.jsonl" && f.message.contains("signature")),
        "{:?}",
        check.failures
    );
    for file in &manifest.files {
        let tampered = dir.path().join("tampered.zip");
        let target = file.bundle_path.clone();
        rewrite(&out, &tampered, &|name, bytes| {
            if name == target {
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0x01;
            }
        });
        let check = bundle::verify_bundle(&tampered).unwrap();
        assert!(!check.holds(), "{target} changed but the bundle verifies");
        assert!(
            check.failures.iter().any(|f| f.name == target),
            "{target}: {:?}",
            check.failures
        );
        // The CLI exits 1 naming the file.
        let output =
            forensics_e2e::forensics(&["case", "verify-bundle", tampered.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&output.stdout).contains(&target));
    }
}

#[test]
fn the_same_case_gives_a_byte_identical_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let case = hostile_case(dir.path());
    let copy = dir.path().join("copy.fcase");
    std::fs::copy(&case, &copy).unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    let (first, second) = (
        dir.path().join("a/bundle.zip"),
        dir.path().join("b/bundle.zip"),
    );
    export(&case, &first);
    export(&copy, &second);
    assert!(std::fs::read(&first).unwrap() == std::fs::read(&second).unwrap());
}

#[test]
fn hostile_zips_give_failures_not_extraction_or_exhaustion() {
    let dir = tempfile::tempdir().unwrap();
    let case = hostile_case(dir.path());
    let out = dir.path().join("bundle.zip");
    export(&case, &out);
    let manifest = manifest_of(&out);
    let victim = manifest
        .files
        .iter()
        .find(|f| f.role == "exported_file")
        .unwrap()
        .bundle_path
        .clone();

    // A zip bomb in place of an exported file: 256 MiB of zeros.
    let bomb = dir.path().join("bomb.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&bomb).unwrap());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().to_string();
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        writer.start_file(name.as_str(), options).unwrap();
        if name == victim {
            let zeros = vec![0u8; 1 << 20];
            for _ in 0..256 {
                writer.write_all(&zeros).unwrap();
            }
        } else {
            std::io::copy(&mut entry, &mut writer).unwrap();
        }
    }
    // Traversal and absolute names that are not in the manifest.
    for name in ["../../escaped.txt", "/tmp/absolute.txt"] {
        writer
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        writer.write_all(b"evil").unwrap();
    }
    writer.finish().unwrap();
    let check = bundle::verify_bundle(&bomb).unwrap();
    assert!(
        check.failures.iter().any(|f| f.name == victim),
        "{:?}",
        check.failures
    );
    assert!(check.failures.iter().any(|f| f.name == "../../escaped.txt"));
    assert!(check.failures.iter().any(|f| f.name == "/tmp/absolute.txt"));
    assert!(!dir.path().join("escaped.txt").exists() && !Path::new("/tmp/absolute.txt").exists());

    // Not a ZIP at all, and a truncated one.
    let junk = dir.path().join("junk.zip");
    std::fs::write(&junk, b"PK\x03\x04 this is not a zip").unwrap();
    assert!(!bundle::verify_bundle(&junk).unwrap().holds());
    let bytes = std::fs::read(&out).unwrap();
    std::fs::write(&junk, &bytes[..bytes.len() / 2]).unwrap();
    assert!(!bundle::verify_bundle(&junk).unwrap().holds());
}
