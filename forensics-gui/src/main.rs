//! `forensics-gui`: starts the desktop app; everything else lives in the library.
#![forbid(unsafe_code)]

fn main() -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: eframe::egui::ViewportBuilder::default()
            .with_title("Forensics workbench")
            .with_inner_size([1100.0, 720.0]),
        ..Default::default()
    };
    let initial = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    eframe::run_native(
        "forensics-gui",
        options,
        Box::new(move |cc| Ok(Box::new(forensics_gui::App::new(cc, initial)))),
    )
}
