//! The HTML sections of the carve and scan stages: carved files (nested
//! ones under their container, hash-set hits flagged) and the feature
//! histograms.

use std::fmt::Write as _;

use super::html::{Context, esc};
use super::html_sections::{empty, hash, status, table};

/// Carved files, by evidence and offset.
pub(super) fn carved(cx: &mut Context<'_, '_>) {
    let rows: Vec<Vec<String>> = cx
        .data
        .carved
        .iter()
        .map(|file| {
            let state = status(file.status == "complete", &file.status);
            let sets = if file.hash_sets.is_empty() {
                "—".to_string()
            } else {
                status(!file.hash_sets.contains("notable"), &file.hash_sets)
            };
            vec![
                file.object_id.to_string(),
                esc(&file.file_type),
                file.image_offset.to_string(),
                file.len_bytes.to_string(),
                state,
                format!("<span class=\"path\">{}</span>", esc(&file.forensic_path)),
                file.nested_in.map_or("—".into(), |id| id.to_string()),
                hash(&file.sha256),
                sets,
            ]
        })
        .collect();
    if rows.is_empty() {
        return empty(
            cx,
            "No files were carved (carving was not run, or found nothing).",
        );
    }
    table(
        cx,
        "grid",
        &[
            "Object",
            "Type",
            "Offset",
            "Bytes",
            "Status",
            "Found at",
            "Inside",
            "SHA-256",
            "Hash sets",
        ],
        &rows,
    );
}

/// The most frequent values of each feature kind.
pub(super) fn features(cx: &mut Context<'_, '_>) {
    if cx.data.feature_histogram.is_empty() {
        return empty(
            cx,
            "No features were stored (scanning was not run, or found nothing).",
        );
    }
    let mut kinds: Vec<&str> = cx
        .data
        .feature_histogram
        .iter()
        .map(|entry| entry.kind.as_str())
        .collect();
    kinds.dedup();
    for kind in kinds {
        let _ = writeln!(cx.html, "<h3>{}</h3>", esc(kind));
        let rows: Vec<Vec<String>> = cx
            .data
            .feature_histogram
            .iter()
            .filter(|entry| entry.kind == kind)
            .map(|entry| vec![entry.count.to_string(), esc(&entry.value)])
            .collect();
        table(cx, "grid", &["Count", "Value"], &rows);
    }
}
