//! `forensics case report` end to end on a case built from a corpus disk
//! image: DFXML validates against the DFXML schema (xmllint), the CASE/UCO
//! export passes `case_validate`, HTML/DFXML/CASE are byte-identical across
//! runs, and `case timeline` covers every file.
//!
//! The external checks skip, saying so, when their tool is missing:
//! `xmllint` (apt libxml2-utils) with the schema named by `DFXML_SCHEMA`
//! (path to `dfxml.xsd` of the dfxml_schema repository, with its `ref/`
//! folder beside it), and `case_validate` (PyPI case-utils) found through
//! `CASE_VALIDATE` or `PATH`.
#![allow(clippy::unwrap_used)] // test helpers fail loudly by design

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use forensics_e2e::forensics_exe;

fn case_cmd(args: &[&str]) -> Output {
    let output = Command::new(forensics_exe())
        .arg("case")
        .args(args)
        .env("FORENSICS_EXAMINER", "Report Tester")
        .output()
        .expect("the forensics binary starts");
    assert!(
        output.status.success(),
        "case {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A case holding the `disk-mbr` corpus image, two tags and a note.
fn build_case(dir: &Path) -> PathBuf {
    let options = corpus::ScenarioOptions::with_seed(2026);
    let key = corpus::generate("disk-mbr", &options, dir).expect("corpus generates the image");
    let image = dir.join(&key.image_files[0]);
    let case = dir.join("exchange.fcase");
    let case_arg = case.to_str().unwrap();
    case_cmd(&[
        "init",
        case_arg,
        "--case-number",
        "CR-2026-17",
        "--title",
        "Exchange test",
    ]);
    case_cmd(&["add", case_arg, image.to_str().unwrap()]);
    let listing = case_cmd(&["ls", case_arg, "--kind", "file", "--json"]);
    let rows = forensics_e2e::json_lines(&listing.stdout);
    let picture = rows
        .iter()
        .find(|r| r["path"].as_str().unwrap().to_lowercase().ends_with(".jpg"))
        .or_else(|| rows.first())
        .unwrap();
    let id = picture["object_id"].as_i64().unwrap().to_string();
    case_cmd(&["tag", case_arg, &id, "relevant"]);
    case_cmd(&[
        "note",
        case_arg,
        &id,
        "Picture found in the user's documents <b>&</b>",
    ]);
    case
}

fn report(case: &Path, format: &str, out: &Path) -> Vec<u8> {
    case_cmd(&[
        "report",
        case.to_str().unwrap(),
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ]);
    std::fs::read(out).unwrap()
}

fn tool_in_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

#[test]
fn exports_are_valid_and_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let case = build_case(dir.path());
    for (format, file) in [
        ("html", "r.html"),
        ("dfxml", "r.dfxml"),
        ("case", "r.jsonld"),
    ] {
        let out = dir.path().join(file);
        let first = report(&case, format, &out);
        let second = report(&case, format, &out);
        assert!(!first.is_empty());
        assert!(first == second, "{format} differs between two runs");
    }
    let html = String::from_utf8(std::fs::read(dir.path().join("r.html")).unwrap()).unwrap();
    assert!(html.contains("CR-2026-17"));
    assert!(
        html.contains("Chain verified"),
        "the report shows the verification"
    );
    assert!(
        html.contains("&lt;b&gt;&amp;&lt;/b&gt;"),
        "note text is escaped"
    );
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external assets"
    );
    let head = Command::new(forensics_exe())
        .args(["case", "log", case.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let last = forensics_e2e::json_lines(&head.stdout).pop().unwrap();
    assert!(
        html.contains(last["entry_hash"].as_str().unwrap()),
        "chain head shown"
    );

    check_dfxml(&dir.path().join("r.dfxml"), &case);
    let tagged = dir.path().join("tagged.dfxml");
    case_cmd(&[
        "report",
        case.to_str().unwrap(),
        "--format",
        "dfxml",
        "--tagged-only",
        "--no-verify",
        "--out",
        tagged.to_str().unwrap(),
    ]);
    let tagged = std::fs::read_to_string(&tagged).unwrap();
    assert_eq!(
        tagged.matches("<fileobject>").count(),
        1,
        "--tagged-only: the one tagged file"
    );
    check_case_uco(&dir.path().join("r.jsonld"));
}

fn check_dfxml(path: &Path, case: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let files =
        forensics_e2e::json_lines(&case_cmd(&["ls", case.to_str().unwrap(), "--json"]).stdout)
            .len();
    assert_eq!(
        text.matches("<fileobject>").count(),
        files,
        "one fileobject per file"
    );
    assert!(text.contains("<hashdigest type=\"sha256\">"));
    assert!(text.contains("<byte_run "));
    if tool_in_path("xmllint").is_none() {
        println!("skipped: xmllint not installed (apt libxml2-utils)");
        return;
    }
    let wellformed = Command::new("xmllint")
        .arg("--noout")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        wellformed.status.success(),
        "{}",
        String::from_utf8_lossy(&wellformed.stderr)
    );
    let Some(schema) = std::env::var_os("DFXML_SCHEMA")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    else {
        println!("skipped: dfxml.xsd not available (set DFXML_SCHEMA to validate against it)");
        return;
    };
    let valid = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        valid.status.success(),
        "DFXML does not validate against {}: {}",
        schema.display(),
        String::from_utf8_lossy(&valid.stderr)
    );
}

fn check_case_uco(path: &Path) {
    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let graph = document["@graph"].as_array().unwrap();
    let of_type = |t: &str| graph.iter().filter(|n| n["@type"] == t).count();
    assert_eq!(of_type("case-investigation:Investigation"), 1);
    assert_eq!(of_type("case-investigation:ProvenanceRecord"), 1);
    assert!(of_type("case-investigation:InvestigativeAction") >= 5);
    assert!(of_type("uco-observable:File") > 3);
    assert!(of_type("uco-observable:ObservableRelationship") > 3);
    let validator = std::env::var_os("CASE_VALIDATE")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .or_else(|| tool_in_path("case_validate"));
    let Some(validator) = validator else {
        println!("skipped: case_validate not installed (pip install case-utils)");
        return;
    };
    let output = Command::new(validator)
        .args(["--built-version", "case-1.4.0"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "case_validate failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn e01_acquisition_metadata_and_stored_hashes_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = corpus::ScenarioOptions::with_seed(7);
    options.format = corpus::OutputFormat::E01;
    let key = corpus::generate("fat16", &options, dir.path()).expect("corpus generates the E01");
    let image = dir.path().join(&key.image_files[0]);
    let case = dir.path().join("e01.fcase");
    let case_arg = case.to_str().unwrap();
    case_cmd(&["init", case_arg, "--case-number", "E-1"]);
    case_cmd(&["add", case_arg, image.to_str().unwrap()]);
    let out = dir.path().join("e01.html");
    let html = String::from_utf8(report(&case, "html", &out)).unwrap();
    assert!(
        html.contains("<td>evidence_number</td><td>SEED-7</td>"),
        "container metadata shown"
    );
    assert_eq!(
        html.matches("matches stored").count(),
        2,
        "MD5 and SHA-1 stored in the E01 match"
    );
    assert!(!html.contains("MISMATCH"));
}

#[test]
fn case_timeline_lists_every_file_of_every_evidence_item() {
    let dir = tempfile::tempdir().unwrap();
    let case = build_case(dir.path());
    let case_arg = case.to_str().unwrap();
    let files = forensics_e2e::json_lines(&case_cmd(&["ls", case_arg, "--json"]).stdout);
    let bodyfile = String::from_utf8(case_cmd(&["timeline", case_arg]).stdout).unwrap();
    let lines: Vec<&str> = bodyfile.lines().collect();
    assert!(lines.len() >= files.len());
    for line in &lines {
        assert_eq!(line.split('|').count(), 11, "bodyfile line {line:?}");
        assert!(
            line.split('|').nth(1).unwrap().starts_with("e1/p"),
            "{line}"
        );
    }
    let with_md5 = files.iter().filter(|f| f["md5"].is_string()).count();
    let md5_lines = lines
        .iter()
        .filter(|l| l.split('|').next().unwrap().len() == 32)
        .count();
    assert!(md5_lines >= with_md5, "the MD5 column is filled");
    let csv =
        String::from_utf8(case_cmd(&["timeline", case_arg, "--format", "csv"]).stdout).unwrap();
    let mut rows = csv.lines();
    assert_eq!(rows.next(), Some("time,macb,source,size,deleted,id,path"));
    let times: Vec<&str> = rows.map(|r| r.split(',').next().unwrap()).collect();
    assert!(!times.is_empty());
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "sorted by time");
}
