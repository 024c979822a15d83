//! The investigator's desktop workbench over `forensics-core`.
//!
//! For now it opens an evidence item and shows what its container says (the
//! `forensics info` view). Evidence is opened on a background thread: the UI
//! thread never parses evidence.
#![forbid(unsafe_code)]

mod app;
mod jobs;

pub use app::App;
