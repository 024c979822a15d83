//! The file table follows the keyboard: Home selects the first row, the
//! arrow keys move the selection and End reaches the last row — but not
//! while a text field has the keyboard. The theme menu switches light and
//! dark.

use eframe::egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use forensics_gui::App;

use crate::search::ingest;
use crate::{bench, corpus_image, create_case, harness, run_until};

/// Presses `key` and waits until the selection is the row at `index`.
fn press_until(harness: &mut Harness<'static, App>, key: Key, index: usize) {
    harness.key_press(key);
    let wanted = bench(harness.state()).listed_paths()[index].clone();
    run_until(harness, &format!("row {index} selected"), |app| {
        bench(app).selected_path() == Some(wanted.as_str())
    });
}

#[test]
fn arrows_home_and_end_move_the_selection_in_the_file_table() {
    let dir = tempfile::tempdir().unwrap();
    let (image, _) = corpus_image(dir.path());
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    ingest(&mut harness, &image);
    // The evidence path field still has the keyboard after typing: the
    // table must not react to keys meant for it.
    harness.get_by_label("Evidence path:").focus();
    harness.run_steps(2);
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    assert_eq!(bench(harness.state()).selected(), None);
    harness.key_press(Key::Escape);
    harness.run_steps(2);

    let listed = bench(harness.state()).listed_paths().len();
    assert!(listed > 3, "{listed} rows");
    press_until(&mut harness, Key::Home, 0);
    press_until(&mut harness, Key::ArrowDown, 1);
    press_until(&mut harness, Key::ArrowDown, 2);
    press_until(&mut harness, Key::ArrowUp, 1);
    press_until(&mut harness, Key::End, listed - 1);
    press_until(&mut harness, Key::ArrowDown, listed - 1);
}

#[test]
fn the_theme_menu_switches_between_dark_and_light() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = harness();
    create_case(&mut harness, dir.path());
    for (name, theme) in [
        ("Dark", eframe::egui::Theme::Dark),
        ("Light", eframe::egui::Theme::Light),
    ] {
        harness.get_by_label("Theme").click();
        harness.run_steps(2);
        harness.get_by_label(name).click();
        harness.run_steps(2);
        assert_eq!(harness.ctx.theme(), theme, "after choosing {name}");
    }
}
