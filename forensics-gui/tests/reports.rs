//! The Report and Export bundle windows: an HTML report and a sealed
//! bundle are written on background threads, the bundle verifies, and the
//! custody log gains exactly what `forensics case report` and `forensics
//! case export` add (nothing for a report, one `export_bundle` entry
//! naming the manifest for a bundle).

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_core::case::{Case, CustodyEntry};
use forensics_core::report::bundle::verify_bundle;
use forensics_gui::App;

use crate::search::ingest;
use crate::{bench, corpus_image, create_case, create_encrypted_case, harness, run_until, settle};

fn custody_log(case: &Path) -> Vec<CustodyEntry> {
    Case::open(case).unwrap().custody_log().unwrap()
}

/// Clicks `button` in the open window and waits for its outcome.
fn run_dialog(harness: &mut Harness<'static, App>, button: &str) -> Result<String, String> {
    harness.get_by_label(button).click();
    harness.run_steps(2);
    run_until(harness, button, |app| bench(app).output_outcome().is_some());
    let outcome = bench(harness.state()).output_outcome().unwrap();
    outcome.map(str::to_string).map_err(str::to_string)
}

#[test]
fn a_report_and_a_bundle_are_written_and_custody_records_only_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = corpus_image(dir.path());
    let case_path = dir.path().join("t.case");
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    ingest(&mut harness, &image);
    let before = custody_log(&case_path);

    harness.get_by_label("Report…").click();
    harness.run_steps(2);
    // The proposed file is beside the case, named after it.
    let report = dir.path().join("t.html");
    assert_eq!(
        harness.get_by_label("Report file").value().as_deref(),
        report.to_str()
    );
    let message = run_dialog(&mut harness, "Write report").unwrap();
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("<html"), "{}", &html[..200.min(html.len())]);
    assert!(message.contains(report.to_str().unwrap()), "{message}");
    assert!(
        message.contains(&format!("({} bytes)", html.len())),
        "{message}"
    );
    assert_eq!(custody_log(&case_path), before, "a report records nothing");

    // The other formats, each proposed under its own name.
    for (format, ending, marker) in [
        ("DFXML", "dfxml.xml", "<dfxml"),
        ("CASE/UCO JSON-LD", "case.jsonld", "@context"),
        (
            "Timeline CSV",
            "timeline.csv",
            "time,macb,source,size,deleted,id,path",
        ),
        ("Bodyfile", "body", "|"),
    ] {
        harness.get_by_label(format).click();
        harness.run_steps(2);
        let out = dir.path().join(format!("t.{ending}"));
        assert_eq!(
            harness.get_by_label("Report file").value().as_deref(),
            out.to_str()
        );
        run_dialog(&mut harness, "Write report").unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains(marker),
            "{format}: {}",
            &text[..200.min(text.len())]
        );
    }
    assert_eq!(custody_log(&case_path), before, "nor do the others");

    harness.get_by_label("Export bundle…").click();
    harness.run_steps(2);
    let bundle = dir.path().join("t.bundle.zip");
    assert_eq!(
        harness.get_by_label("Bundle file").value().as_deref(),
        bundle.to_str()
    );
    let message = run_dialog(&mut harness, "Export").unwrap();
    assert!(message.contains(bundle.to_str().unwrap()), "{message}");
    let check = verify_bundle(&bundle).unwrap();
    assert!(check.holds(), "{:?}", check.failures);
    assert!(check.files_checked > 1);

    let after = custody_log(&case_path);
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after[..before.len()], before[..]);
    let entry = after.last().unwrap();
    assert_eq!(entry.action, "export_bundle");
    assert_eq!(entry.examiner, "Test Examiner");
    let details: serde_json::Value = serde_json::from_str(&entry.details_json).unwrap();
    assert_eq!(
        details["manifest_sha256"].as_str(),
        check.manifest_sha256.as_deref()
    );
    assert_eq!(details["bundle_file"], "t.bundle.zip");
    assert!(message.contains(&format!("custody entry {}", entry.seq)));
    run_until(&mut harness, "the log to show the export", |app| {
        bench(app).custody_actions().last().map(String::as_str) == Some("export_bundle")
    });

    // A bundle is never overwritten: a second export fails and records nothing.
    let error = run_dialog(&mut harness, "Export").unwrap_err();
    assert!(error.contains("t.bundle.zip"), "{error}");
    harness.get_by_label_contains("Failed: ");
    assert_eq!(custody_log(&case_path), after);
    settle(&mut harness);
}

#[test]
fn an_encrypted_case_exports_a_bundle_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = corpus_image(dir.path());
    let case_path = dir.path().join("t.case");
    let mut harness = harness();
    create_encrypted_case(&mut harness, &case_path, "2026-T-4");
    ingest(&mut harness, &image);

    // The worker thread opens its own keyed connection, for the
    // verification and for the export's custody entry.
    harness.get_by_label("Export bundle…").click();
    harness.run_steps(2);
    let message = run_dialog(&mut harness, "Export").unwrap();
    let bundle = dir.path().join("t.bundle.zip");
    assert!(message.contains("custody entry"), "{message}");
    assert!(verify_bundle(&bundle).unwrap().holds());
    run_until(&mut harness, "the log to show the export", |app| {
        bench(app).custody_actions().last().map(String::as_str) == Some("export_bundle")
    });
    settle(&mut harness);
}
