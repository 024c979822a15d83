//! Layer 6: documents made from a case and from what the lower layers found.
//!
//! # Brief overview
//! 1. [`ReportData::load`] reads everything a document shows from the case,
//!    sorted; every document is a pure function of it and of a [`Creator`]
//!    (tool, command line, host), so the same case gives the same bytes.
//! 2. [`write_html`]: a self-contained HTML report with print CSS.
//! 3. [`write_dfxml`]: DFXML; [`write_case_uco`]: CASE/UCO JSON-LD.
//! 4. Timelines: the Sleuth Kit bodyfile (read by `mactime`) and CSV, from
//!    file entries ([`bodyfile_lines`]) or from a case ([`case_timeline`]).
//! 5. [`bundle`]: a sealed ZIP export (report, exported files, manifest with
//!    every digest, custody log) and its verification.

pub mod bundle;
mod case_timeline;
mod case_uco;
mod case_uco_observables;
mod content;
mod data;
mod dfxml;
mod html;
mod html_findings;
mod html_sections;
mod html_stages;
mod thumbnail;
mod timeline;
pub mod xml;

pub use case_timeline::{case_bodyfile_lines, case_timeline};
pub use case_uco::{CASE_UCO_VERSION, case_uco_document, write_case_uco};
pub use content::{ContentReader, MAX_CONTENT_BYTES};
pub use data::{MAX_HISTOGRAM_VALUES, ReportData, ReportOptions, Verification, xsd_date_time};
pub use dfxml::{DFXML_NAMESPACE, DFXML_VERSION, write_dfxml};
pub use html::{PictureSource, write_html};
pub use html_findings::MAX_LISTED_FILES;
pub use thumbnail::{THUMBNAIL_MAX_PIXELS, thumbnail_png};
pub use timeline::{
    TimelineRow, bodyfile_lines, mode_string, timeline_csv_rows, write_timeline_csv,
};

/// Who made a document: written into DFXML's `creator`, CASE's `Tool` and
/// the HTML footer. Nothing in it comes from the wall clock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Creator {
    /// Program name.
    pub program: String,
    /// Program version.
    pub version: String,
    /// The command line that made the document (may be empty).
    pub command_line: Vec<String>,
    /// Host name (may be empty).
    pub host: String,
}

impl Creator {
    /// This library as the creator, with `command_line` and `host`.
    pub fn this_tool(command_line: Vec<String>, host: String) -> Self {
        Self {
            program: "forensics".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            command_line,
            host,
        }
    }
}

/// Errors of report and bundle writing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing the case failed.
    #[error(transparent)]
    Case(#[from] crate::case::Error),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A file's content could not be read back from its evidence.
    #[error("content of {path} (object {object_id}): {message}")]
    Content {
        /// The object id.
        object_id: i64,
        /// The file's path in its file system.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Writing the ZIP archive failed.
    #[error("bundle {}: {message}", path.display())]
    Bundle {
        /// The bundle file.
        path: std::path::PathBuf,
        /// What went wrong.
        message: String,
    },
}
