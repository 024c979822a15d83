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
    eframe::run_native(
        "forensics-gui",
        options,
        Box::new(|cc| Ok(Box::new(forensics_gui::App::new(cc)))),
    )
}
