//! The investigator's desktop workbench over `forensics-core`.
//!
//! A front-end only: every evidence and case operation goes through the
//! core's public API on background threads (module `worker` for the case
//! database, `content` for file content and pictures, `ingest` for the
//! ingest queue, verification in `custody_panel`, reports and export
//! bundles in `output_jobs`); the UI thread only
//! sends requests and draws replies, so it stays responsive on large
//! images.
#![forbid(unsafe_code)]

mod app;
mod content;
mod custody_panel;
mod details;
mod features_plot;
mod file_browser;
mod file_table;
mod filters;
mod findings_panel;
mod gallery;
mod ingest;
mod ingest_panel;
mod inspect;
mod notes_tab;
mod output_dialog;
mod output_jobs;
mod picture;
mod replies;
mod rows;
mod search_panel;
mod session;
mod start;
mod tags;
mod tree;
mod viewers;
mod workbench;
mod worker;

pub use app::App;
pub use start::{RecentCase, StartScreen};
pub use workbench::{Tab, ViewerTab, Workbench};
