//! What `hash` and `verify` show while hashing: a progress bar on a terminal
//! (never with `--json`, never when stderr is not a terminal) and the
//! piecewise windows as they complete.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use forensics_core::hash::{Algorithm, HashSink, Piece};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Map, Value, json};

/// A progress bar for `total_bytes`, or a hidden one when it must not show.
pub(crate) fn progress_bar(total_bytes: u64, json: bool, label: &str) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total_bytes);
    let style = ProgressStyle::with_template(
        "{msg} [{bar:40}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .map(|style| style.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(label.to_string());
    bar
}

/// The digests present in `digests`, as `"md5": "…"` fields (null when not computed).
pub(crate) fn digest_fields(digests: &forensics_core::hash::Digests) -> Map<String, Value> {
    Algorithm::ALL
        .into_iter()
        .map(|a| {
            (
                a.name().to_string(),
                digests.hex(a).map_or(Value::Null, Value::String),
            )
        })
        .collect()
}

/// Passes progress to the bar and prints piecewise windows.
pub(crate) struct CliHashSink<'a> {
    pub bar: ProgressBar,
    pub path: &'a Path,
    pub json: bool,
    /// Set when printing fails, so the engine stops.
    pub cancel: &'a AtomicBool,
    /// The first printing error.
    pub error: Option<std::io::Error>,
}

impl CliHashSink<'_> {
    fn print_piece(&self, piece: &Piece) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        if self.json {
            let mut object = Map::new();
            object.insert("type".into(), json!("piece"));
            object.insert("path".into(), json!(self.path));
            object.insert("image_offset".into(), json!(piece.data_offset));
            object.insert("size".into(), json!(piece.len_bytes));
            object.extend(digest_fields(&piece.digests));
            serde_json::to_writer(&mut out, &Value::Object(object))?;
            writeln!(out)
        } else {
            write!(out, "piece {}+{}", piece.data_offset, piece.len_bytes)?;
            for algorithm in piece.digests.algorithms().iter() {
                if let Some(hex) = piece.digests.hex(algorithm) {
                    write!(out, " {algorithm}={hex}")?;
                }
            }
            writeln!(out)
        }
    }
}

impl HashSink for CliHashSink<'_> {
    fn progress(&mut self, bytes_done: u64, _bytes_total: u64) {
        self.bar.set_position(bytes_done);
    }

    fn piece(&mut self, piece: Piece) {
        if self.error.is_some() {
            return;
        }
        if let Err(err) = self.print_piece(&piece) {
            self.error = Some(err);
            self.cancel.store(true, Ordering::Relaxed);
        }
    }
}
