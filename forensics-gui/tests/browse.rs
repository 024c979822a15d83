//! The in-app file chooser: browse to an evidence image (into a subfolder
//! and back up), add it; choose a case file from the start screen; an
//! unreadable folder and a huge folder are shown, not fatal.

use std::path::Path;
use std::time::{Duration, Instant};

use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_gui::App;

use super::{bench, corpus_image, create_case, harness, run_until, settle, type_into};

/// Steps the UI until a widget labelled `label` shows; fails after thirty
/// seconds.
fn wait_for_label(harness: &mut Harness<'static, App>, label: &str) {
    wait_for(harness, label, |h| h.query_by_label(label).is_some());
}

/// Steps the UI until `shown` holds; fails after thirty seconds.
fn wait_for(
    harness: &mut Harness<'static, App>,
    what: &str,
    shown: impl Fn(&Harness<'static, App>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !shown(harness) {
        assert!(Instant::now() < deadline, "{what} never showed");
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Clicks the entry `name` of the chooser, then its "Open" button.
fn open_entry(harness: &mut Harness<'static, App>, name: &str) {
    wait_for_label(harness, name);
    harness.run_steps(2);
    harness.get_by_label(name).click();
    harness.run_steps(2);
    harness.get_by_label("Open").click();
    harness.run_steps(2);
}

/// Replaces the text of the chooser's folder field with `folder` and goes.
fn go_to_folder(harness: &mut Harness<'static, App>, folder: &Path) {
    harness.get_by_label("Folder:").focus();
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    harness
        .get_by_label("Folder:")
        .type_text(folder.to_str().unwrap());
    harness.run_steps(1);
    harness.get_by_label("Go").click();
    harness.run_steps(2);
}

#[test]
fn evidence_is_chosen_in_the_file_browser_and_ingested() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = corpus_image(dir.path());
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("inner.txt"), b"inside").unwrap();
    std::fs::write(sub.join(".hidden"), b"secret").unwrap();
    let mut harness = harness();
    create_case(&mut harness, dir.path());

    // The chooser starts in the folder typed in the field.
    let folder = format!("{}/", dir.path().display());
    type_into(&mut harness, "Evidence path:", &folder);
    harness.get_by_label("Browse…").click();
    harness.run_steps(2);
    harness.get_by_label("Choose evidence");
    open_entry(&mut harness, "sub/");
    wait_for_label(&mut harness, "inner.txt");
    assert!(harness.query_by_label(".hidden").is_none());
    harness.get_by_label("Show hidden files").click();
    harness.run_steps(2);
    harness.get_by_label(".hidden");
    assert!(harness.query_by_label("fat16.raw").is_none());

    open_entry(&mut harness, "..");
    open_entry(&mut harness, "fat16.raw");
    assert!(harness.query_by_label("Choose evidence").is_none());
    assert_eq!(
        harness.get_by_label("Evidence path:").value().as_deref(),
        image.to_str()
    );

    harness.get_by_label("Add evidence").click();
    run_until(&mut harness, "the ingest", |app| {
        let bench = bench(app);
        bench.ingest_idle() && bench.evidence_count() == 1 && bench.listed().0 > 0
    });
    harness.get_by_label("fat16.raw");
    settle(&mut harness);
}

#[test]
fn a_case_file_is_chosen_from_the_start_screen() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("old.case");
    std::fs::write(&case, b"not really a case").unwrap();
    let mut harness = harness();
    type_into(
        &mut harness,
        "Case file to open",
        dir.path().join("missing.case").to_str().unwrap(),
    );
    // The second "Browse…" is the one beside "Case file to open".
    harness.get_all_by_label("Browse…").nth(1).unwrap().click();
    harness.run_steps(2);
    harness.get_by_label("Choose a case file");
    open_entry(&mut harness, "old.case");
    assert_eq!(
        harness.get_by_label("Case file to open").value().as_deref(),
        case.to_str()
    );

    // The new case file is named in a chosen folder.
    harness.get_all_by_label("Browse…").next().unwrap().click();
    harness.run_steps(2);
    go_to_folder(&mut harness, dir.path());
    wait_for_label(&mut harness, "old.case");
    type_into(&mut harness, "File name:", "new.case");
    harness.get_by_label("Save here").click();
    harness.run_steps(2);
    assert_eq!(
        harness.get_by_label("Case file").value().as_deref(),
        dir.path().join("new.case").to_str()
    );
    settle(&mut harness);
}

#[test]
fn unreadable_and_huge_folders_are_reported_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge");
    std::fs::create_dir(&huge).unwrap();
    for index in 0..10_050 {
        std::fs::File::create(huge.join(format!("f{index:05}"))).unwrap();
    }
    let mut harness = harness();
    harness.get_all_by_label("Browse…").nth(1).unwrap().click();
    harness.run_steps(2);
    go_to_folder(&mut harness, &dir.path().join("no such folder"));
    wait_for(&mut harness, "the error", |h| {
        h.query_by_label_contains("Cannot read").is_some()
    });
    open_entry(&mut harness, "..");
    open_entry(&mut harness, "huge/");
    wait_for_label(
        &mut harness,
        "Only the first 10000 entries of this folder are listed.",
    );
    assert!(harness.query_all_by_label_contains("f0").next().is_some());
    // Every widget of the open chooser is labelled.
    settle(&mut harness);
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Choose a case file").is_none());
}

#[test]
fn the_report_file_is_named_in_the_file_browser() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    harness.get_by_label("Report…").click();
    harness.run_steps(2);
    // The window's "Browse…" is right of the evidence panel's.
    let browse = harness
        .get_all_by_label("Browse…")
        .max_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
        .unwrap();
    browse.click();
    harness.run_steps(2);
    harness.get_by_label("Save the report as");
    // It starts beside the case with the proposed name.
    assert_eq!(
        harness.get_by_label("File name:").value().as_deref(),
        Some("t.html")
    );
    open_entry(&mut harness, "out/");
    wait_for_label(&mut harness, "..");
    harness.get_by_label("Save here").click();
    harness.run_steps(2);
    assert_eq!(
        harness.get_by_label("Report file").value().as_deref(),
        out.join("t.html").to_str()
    );
    settle(&mut harness);
}
