//! Drives the app by its labels, as a user would.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_gui::App;

fn harness() -> Harness<'static, App> {
    Harness::new_ui_state(|ui, app: &mut App| app.main_ui(ui), App::headless())
}

/// Steps the UI until `done` holds or five seconds pass.
fn run_until(harness: &mut Harness<'static, App>, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done(harness.state()) && Instant::now() < deadline {
        harness.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    harness.run();
}

#[test]
fn typing_a_path_and_clicking_open_shows_the_evidence_summary() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("disk.raw");
    std::fs::write(&image, vec![0u8; 4096]).unwrap();

    let mut harness = harness();
    let field = harness.get_by_label("Evidence file:");
    field.click();
    harness.run();
    harness
        .get_by_label("Evidence file:")
        .type_text(image.to_str().unwrap());
    harness.run();
    harness.get_by_label("Open").click();
    run_until(&mut harness, |app| app.opened().is_some());

    let info = harness.state().opened().expect("the evidence opened");
    assert_eq!(info.media_size, 4096);
    harness.get_by_label("4096 bytes");
    harness.get_by_label("raw");
}

#[test]
fn a_missing_file_shows_an_error_not_a_crash() {
    let mut harness = harness();
    let field = harness.get_by_label("Evidence file:");
    field.click();
    harness.run();
    harness
        .get_by_label("Evidence file:")
        .type_text("/nonexistent/evidence.E01");
    harness.run();
    harness.get_by_label("Open").click();
    run_until(&mut harness, |app| app.error().is_some());
    assert!(
        harness
            .state()
            .error()
            .unwrap()
            .contains("/nonexistent/evidence.E01")
    );
}
