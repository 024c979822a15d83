//! Layer 6: documents made from what the lower layers found. For now,
//! timelines: the Sleuth Kit bodyfile (read by `mactime`) and CSV.

mod timeline;

pub use timeline::{
    TimelineRow, bodyfile_lines, mode_string, timeline_csv_rows, write_timeline_csv,
};
