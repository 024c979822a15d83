//! Search from the top bar: a file name finds the file (a click selects
//! it), and a note's text finds the note on that file.

use std::path::Path;

use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_gui::{App, Tab};

use crate::{bench, corpus_image, create_case, harness, run_until, settle, type_into};

/// Adds `image` through the intake panel and waits for its listing.
pub(crate) fn ingest(harness: &mut Harness<'static, App>, image: &Path) {
    type_into(harness, "Evidence path:", image.to_str().unwrap());
    harness.get_by_label("Add evidence").click();
    run_until(harness, "the ingest", |app| {
        let bench = bench(app);
        bench.ingest_idle()
            && bench.evidence_count() == 1
            && bench.listed().0 > 0
            && !bench.listed().1
    });
}

/// Replaces what the field labelled `label` holds with `text`.
fn retype(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    for _ in 0..5 {
        harness.get_by_label(label).focus();
        harness.run_steps(2);
        if harness.get_by_label(label).is_focused() {
            harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
            harness.run_steps(1);
            harness.get_by_label(label).type_text(text);
            harness.run_steps(2);
        }
        if harness.get_by_label(label).value().as_deref() == Some(text) {
            return;
        }
    }
    panic!("could not type into {label}");
}

/// Searches for `text` and waits for the results.
pub(crate) fn search(harness: &mut Harness<'static, App>, text: &str) {
    retype(harness, "Search", text);
    harness.get_by_label("Find").click();
    run_until(harness, "the search results", |app| {
        bench(app)
            .search_results()
            .is_some_and(|(searched, _)| searched == text)
    });
}

#[test]
fn a_search_finds_a_file_by_name_and_a_click_selects_it() {
    let dir = tempfile::tempdir().unwrap();
    let (image, key) = corpus_image(dir.path());
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    ingest(&mut harness, &image);

    let wanted = key
        .all_files()
        .find(|(_, f)| !f.deleted && !f.is_dir && f.content_type == "txt")
        .map(|(_, f)| f.path.clone())
        .expect("a text file in the key");
    let name = wanted.rsplit('/').next().unwrap().to_string();
    // Upper case: the search ignores the case of ASCII letters.
    search(&mut harness, &name.to_uppercase());
    assert_eq!(bench(harness.state()).tab, Tab::Search);
    let (_, results) = bench(harness.state()).search_results().unwrap();
    let files = &results.unwrap().files;
    assert!(!files.capped);
    for hit in &files.hits {
        assert!(
            hit.label.to_lowercase().contains(&name.to_lowercase()),
            "{hit:?}"
        );
    }
    let object_id = files
        .hits
        .iter()
        .find(|hit| hit.label == wanted)
        .and_then(|hit| hit.object_id)
        .unwrap_or_else(|| panic!("{wanted} not among {files:?}"));
    harness.get_by_label_contains("Files: ");

    harness.get_by_label(&wanted).click();
    run_until(&mut harness, "the selection", |app| {
        bench(app).selected_path() == Some(wanted.as_str())
    });
    assert_eq!(bench(harness.state()).selected(), Some(object_id));
    assert_eq!(bench(harness.state()).tab, Tab::Files);

    // A note on the file is found by its text, and belongs to the file.
    type_into(&mut harness, "Note", "ledger totals do not add up");
    harness.get_by_label("Add note").click();
    run_until(&mut harness, "the note", |app| {
        bench(app).custody_actions().iter().any(|a| a == "note")
    });
    search(&mut harness, "TOTALS DO");
    let (_, results) = bench(harness.state()).search_results().unwrap();
    let notes = &results.unwrap().notes.hits;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].label, "ledger totals do not add up");
    assert_eq!(notes[0].object_id, Some(object_id));
    assert!(notes[0].context.contains(&wanted), "{:?}", notes[0]);
    harness.get_by_label_contains("Notes and bookmarks: 1");
    settle(&mut harness);
}
