//! `forensics-gui`: starts the desktop app; everything else lives in the library.
#![forbid(unsafe_code)]

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Forensics workbench")
            .with_inner_size([1500.0, 900.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    // `forensics-gui [CASE]`: with FORENSICS_EXAMINER set, the case opens at
    // once (an encrypted one with the passphrase in FORENSICS_CASE_PASSPHRASE).
    let initial = std::env::args_os()
        .nth(1)
        .map(std::path::PathBuf::from)
        .zip(
            std::env::var("FORENSICS_EXAMINER")
                .ok()
                .filter(|e| !e.trim().is_empty()),
        );
    eframe::run_native(
        "forensics-gui",
        options,
        Box::new(move |cc| Ok(Box::new(forensics_gui::App::new(cc, initial)))),
    )
}
