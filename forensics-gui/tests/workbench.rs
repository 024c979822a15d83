//! Drives the app by its labels, as an examiner would: create a case, add a
//! corpus image, wait for the ingest, find a file, look at its bytes, tag
//! it, and see the tag in the custody log, verified.
//! (One test binary: the modules below are further subjects.)
#![allow(clippy::unwrap_used)]

mod browse;
mod cancel;
mod deleted;
mod features;
mod frames;
mod keyboard;
mod reports;
mod search;

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_gui::{App, Workbench};

fn harness() -> Harness<'static, App> {
    Harness::builder()
        .with_size([1500.0, 900.0])
        .build_ui_state(|ui, app: &mut App| app.main_ui(ui), App::headless())
}

/// Steps the UI until `done` holds; fails after 120 seconds (a loaded CI machine is slow; only a failure waits that long).
fn run_until(harness: &mut Harness<'static, App>, what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !done(harness.state()) {
        if Instant::now() > deadline {
            let app = harness.state();
            let seen = app.workbench().map(|b| {
                (
                    b.status().to_string(),
                    b.ingest_results(),
                    b.listed(),
                    b.evidence_count(),
                )
            });
            panic!(
                "timed out waiting for {what}; error {:?}, workbench {seen:?}",
                app.error()
            );
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run_steps(2);
}

/// Runs until the UI settles (no spinner left), which also runs kittest's
/// check that every widget, text fields included, is labelled.
fn settle(harness: &mut Harness<'static, App>) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while harness.run_ok().is_none() {
        assert!(Instant::now() < deadline, "the UI never settled");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn bench(app: &App) -> &Workbench {
    app.workbench().expect("a case is open")
}

/// Focuses the text field labelled `label` and types `text` into it
/// (again if the field did not take the focus in time).
fn type_into(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    type_checked(harness, label, text, |harness| {
        harness.get_by_label(label).value().as_deref() == Some(text)
    });
}

/// [`type_into`] for a passphrase field, whose value accessibility hides:
/// the start screen's state is checked instead.
fn type_secret(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    type_checked(harness, label, text, |harness| {
        let start = harness.state().start_screen();
        start.new_passphrase == text || start.open_passphrase == text
    });
}

fn type_checked(
    harness: &mut Harness<'static, App>,
    label: &str,
    text: &str,
    typed: impl Fn(&Harness<'static, App>) -> bool,
) {
    for _ in 0..5 {
        harness.get_by_label(label).focus();
        harness.run_steps(2);
        if harness.get_by_label(label).is_focused() {
            harness.get_by_label(label).type_text(text);
            harness.run_steps(2);
        }
        if typed(harness) {
            return;
        }
    }
    panic!("could not type into {label}");
}

/// Creates a case in `dir` through the start screen.
fn create_case(harness: &mut Harness<'static, App>, dir: &Path) {
    type_into(harness, "Examiner", "Test Examiner");
    type_into(harness, "Case number", "2026-T-1");
    type_into(harness, "Title", "kittest");
    type_into(harness, "Case file", dir.join("t.case").to_str().unwrap());
    harness.get_by_label("Create case").click();
    run_until(harness, "the case to open", |app| app.workbench().is_some());
}

/// Creates an encrypted case at `case_path` through the start screen
/// (passphrase "correct horse battery").
fn create_encrypted_case(harness: &mut Harness<'static, App>, case_path: &Path, number: &str) {
    type_into(harness, "Examiner", "Test Examiner");
    type_into(harness, "Case number", number);
    type_into(harness, "Case file", case_path.to_str().unwrap());
    harness.get_by_label("Encrypt the case file").click();
    harness.run_steps(2);
    type_secret(harness, "New passphrase", "correct horse battery");
    harness.get_by_label("Create case").click();
    run_until(harness, "the case to open", |app| app.workbench().is_some());
}

fn corpus_image(dir: &Path) -> (std::path::PathBuf, corpus::AnswerKey) {
    let mut options = corpus::ScenarioOptions::with_seed(3);
    options.image_size_bytes = Some(4 << 20);
    let key = corpus::generate("fat16", &options, dir).unwrap();
    (dir.join("fat16.raw"), key)
}

#[test]
fn an_examiner_creates_a_case_adds_evidence_views_and_tags_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let (image, key) = corpus_image(dir.path());
    let mut harness = harness();
    create_case(&mut harness, dir.path());

    type_into(&mut harness, "Evidence path:", image.to_str().unwrap());
    harness.get_by_label("Add evidence").click();
    run_until(&mut harness, "the ingest", |app| {
        let bench = bench(app);
        bench.ingest_idle()
            && !bench.ingest_results().is_empty()
            && bench.evidence_count() == 1
            && bench.listed().0 > 0
            && !bench.listed().1
    });
    let results = bench(harness.state()).ingest_results();
    assert!(results[0].contains("files"), "{results:?}");
    harness.get_by_label("fat16.raw");

    // Every allocated file of the answer key is listed.
    let listed = bench(harness.state()).listed_paths();
    let wanted = key
        .all_files()
        .find(|(_, f)| !f.deleted && !f.is_dir && f.size > 16 && f.content_type == "txt")
        .map(|(_, f)| f.clone())
        .expect("a text file in the key");
    for (_, file) in key.all_files().filter(|(_, f)| !f.deleted) {
        assert!(listed.contains(&file.path), "{} not listed", file.path);
    }

    // Filter down to one file by name, select it, see its bytes.
    let name = wanted.path.rsplit('/').next().unwrap().to_string();
    type_into(&mut harness, "Name contains", &name);
    harness.get_by_label("Apply filter").click();
    run_until(&mut harness, "the filtered listing", |app| {
        bench(app).listed() == (1, false)
    });
    harness.get_by_label(&name).click();
    run_until(&mut harness, "the hex view", |app| {
        bench(app).selected().is_some()
    });
    for _ in 0..200 {
        if harness.query_by_label_contains("0000000000  ").is_some() {
            break;
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.get_by_label_contains("0000000000  ");

    // Tag it; the tag shows on the file and lands in the custody log.
    type_into(&mut harness, "Tag", "evidence-of-fraud");
    harness.get_by_label("Add tag").click();
    run_until(&mut harness, "the tag", |app| {
        bench(app).selected_tags() == Some(vec!["evidence-of-fraud".to_string()])
    });
    run_until(&mut harness, "the custody entry", |app| {
        bench(app).custody_actions().iter().any(|a| a == "tag")
    });
    harness.get_by_label("Custody log").click();
    run_until(&mut harness, "the verification", |app| {
        bench(app).verified_ok().is_some()
            && bench(app).custody_actions().iter().any(|a| a == "tag")
    });
    assert_eq!(bench(harness.state()).verified_ok(), Some(true));
    harness.get_by_label("tag");
    harness.get_by_label_contains("Verification OK");
    settle(&mut harness);
}

#[test]
fn opening_a_missing_case_shows_an_error_not_a_crash() {
    let mut harness = harness();
    type_into(&mut harness, "Examiner", "Test Examiner");
    type_into(&mut harness, "Case file to open", "/nonexistent/case.db");
    harness.get_by_label("Open case").click();
    run_until(&mut harness, "the error", |app| app.error().is_some());
    assert!(
        harness
            .state()
            .error()
            .unwrap()
            .contains("/nonexistent/case.db")
    );
    assert!(harness.state().workbench().is_none());
    settle(&mut harness);
}

#[test]
fn a_new_case_is_remembered_among_recent_cases() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    let recent = &harness.state().start_screen().recent;
    assert_eq!(recent.len(), 1);
    assert_eq!(recent[0].path, dir.path().join("t.case"));
    harness.get_by_label("Close case").click();
    harness.run_steps(3);
    harness.get_by_label_contains("2026-T-1 kittest");
}

#[test]
fn an_encrypted_case_is_created_ingested_and_reopened_only_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = corpus_image(dir.path());
    let case_path = dir.path().join("t.case");
    let mut harness = harness();
    create_encrypted_case(&mut harness, &case_path, "2026-T-2");
    assert!(forensics_core::case::is_encrypted(&case_path).unwrap());

    // The ingest runs on its own connection, which needs the key too.
    type_into(&mut harness, "Evidence path:", image.to_str().unwrap());
    harness.get_by_label("Add evidence").click();
    run_until(&mut harness, "the ingest", |app| {
        let bench = bench(app);
        bench.ingest_idle() && bench.evidence_count() == 1 && bench.listed().0 > 0
    });
    harness.get_by_label("Close case").click();
    harness.run_steps(3);

    type_into(
        &mut harness,
        "Case file to open",
        case_path.to_str().unwrap(),
    );
    type_secret(&mut harness, "Passphrase", "wrong horse battery");
    harness.get_by_label("Open case").click();
    run_until(&mut harness, "the error", |app| app.error().is_some());
    assert!(harness.state().workbench().is_none());

    // A fresh start screen (passphrases are never kept).
    let mut harness = self::harness();
    type_into(&mut harness, "Examiner", "Test Examiner");
    type_into(
        &mut harness,
        "Case file to open",
        case_path.to_str().unwrap(),
    );
    type_secret(&mut harness, "Passphrase", "correct horse battery");
    harness.get_by_label("Open case").click();
    run_until(&mut harness, "the case to reopen", |app| {
        app.workbench().is_some_and(|b| b.evidence_count() == 1)
    });
    settle(&mut harness);
}
