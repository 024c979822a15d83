//! The HTML report's table helpers and its first sections: summary,
//! evidence items, volumes and file systems.

use std::fmt::Write as _;

use super::html::{Context, esc};

use crate::case::EvidenceRow;

/// Appends a table: header cells, then rows of already escaped cells.
pub(super) fn table(cx: &mut Context<'_, '_>, class: &str, headers: &[&str], rows: &[Vec<String>]) {
    let _ = write!(cx.html, "<table class=\"{class}\"><thead><tr>");
    for header in headers {
        let _ = write!(cx.html, "<th>{header}</th>");
    }
    cx.html.push_str("</tr></thead><tbody>\n");
    for row in rows {
        cx.html.push_str("<tr>");
        for cell in row {
            let _ = write!(cx.html, "<td>{cell}</td>");
        }
        cx.html.push_str("</tr>\n");
    }
    cx.html.push_str("</tbody></table>\n");
}

pub(super) fn empty(cx: &mut Context<'_, '_>, text: &str) {
    let _ = writeln!(cx.html, "<p class=\"empty\">{text}</p>");
}

pub(super) fn status(ok: bool, text: &str) -> String {
    let class = if ok { "ok" } else { "fail" };
    format!("<span class=\"status {class}\">{}</span>", esc(text))
}

pub(super) fn hash(text: &str) -> String {
    format!("<span class=\"hash\">{}</span>", esc(text))
}

pub(super) fn time(value: Option<crate::time::Timestamp>) -> String {
    value.map_or_else(|| "—".into(), |t| esc(&t.to_rfc3339()))
}

/// Counts and the verification verdict.
pub(super) fn summary(cx: &mut Context<'_, '_>) {
    let data = cx.data;
    let tagged_files = data.files.iter().filter(|f| !f.tags.is_empty()).count();
    let hits = data
        .files
        .iter()
        .filter(|f| !f.hash_matches.is_empty())
        .count();
    let verdict = match &data.verification {
        Some(v) if v.holds => status(true, "Verified: custody chain intact, evidence unchanged"),
        Some(_) => status(false, "Verification FAILED (see Chain of custody)"),
        None => status(false, "Not verified when the report was made"),
    };
    let rows = vec![
        vec!["Evidence items".into(), data.evidence.len().to_string()],
        vec!["Volumes".into(), data.volumes.len().to_string()],
        vec!["File systems".into(), data.file_systems.len().to_string()],
        vec![
            if data.tagged_only {
                "Files (tagged only)"
            } else {
                "Files"
            }
            .into(),
            data.files.len().to_string(),
        ],
        vec!["Tagged files".into(), tagged_files.to_string()],
        vec!["Files in hash sets".into(), hits.to_string()],
        vec!["Notes and bookmarks".into(), data.notes.len().to_string()],
        vec!["Problems recorded".into(), data.problems.len().to_string()],
        vec!["Custody entries".into(), data.custody.len().to_string()],
        vec!["Verification".into(), verdict],
    ];
    table(cx, "kv", &["", ""], &rows);
}

/// Stored-hash comparison of one digest.
fn stored_check(intake: &str, stored: Option<&String>) -> String {
    match stored {
        None => "<span class=\"muted\">none stored</span>".into(),
        Some(s) if s.eq_ignore_ascii_case(intake) => status(true, "matches stored"),
        Some(s) => status(false, &format!("MISMATCH: container stores {s}")),
    }
}

fn evidence_item(cx: &mut Context<'_, '_>, ordinal: usize, item: &EvidenceRow) {
    let rehash = match &cx.data.verification {
        Some(v) if v.failed_evidence.contains(&item.object_id) => status(false, "FAILED"),
        Some(v) if v.evidence_rehashed > 0 => status(true, "re-hashed, unchanged"),
        _ => "<span class=\"muted\">not re-hashed</span>".into(),
    };
    let _ = writeln!(
        cx.html,
        "<article class=\"item\"><h3>Exhibit {} <span class=\"muted\">· object {}</span></h3>",
        ordinal, item.object_id
    );
    let mut facts = vec![
        vec!["Path".into(), esc(&item.path)],
        vec!["Format".into(), esc(&item.format)],
        vec!["Media size".into(), format!("{} bytes", item.media_size)],
        vec!["Sector size".into(), format!("{} bytes", item.sector_size)],
    ];
    if let Some(chunk) = item.chunk_size {
        facts.push(vec!["Chunk size".into(), format!("{chunk} bytes")]);
    }
    if let Some(compression) = &item.compression {
        facts.push(vec!["Compression".into(), esc(compression)]);
    }
    if item.segments.len() > 1 {
        facts.push(vec!["Segments".into(), item.segments.len().to_string()]);
    }
    for (key, value) in &item.metadata {
        facts.push(vec![esc(key), esc(value)]);
    }
    facts.push(vec![
        "Ingest".into(),
        if item.ingest_done {
            status(true, "complete")
        } else {
            status(false, "incomplete")
        },
    ]);
    table(cx, "kv", &["Acquisition", ""], &facts);
    let digests = vec![
        vec![
            "MD5".into(),
            hash(&item.md5),
            stored_check(&item.md5, item.stored_md5.as_ref()),
            rehash.clone(),
        ],
        vec![
            "SHA-1".into(),
            hash(&item.sha1),
            stored_check(&item.sha1, item.stored_sha1.as_ref()),
            rehash.clone(),
        ],
        vec![
            "SHA-256".into(),
            hash(&item.sha256),
            stored_check(&item.sha256, item.stored_sha256.as_ref()),
            rehash.clone(),
        ],
        vec![
            "BLAKE3".into(),
            hash(&item.blake3),
            "<span class=\"muted\">—</span>".into(),
            rehash,
        ],
    ];
    table(
        cx,
        "digests",
        &["Digest", "Value at intake", "Container", "Re-hash"],
        &digests,
    );
    cx.html.push_str("</article>\n");
}

/// Each evidence item: acquisition metadata, digests and their status.
pub(super) fn evidence(cx: &mut Context<'_, '_>) {
    let data = cx.data;
    if data.evidence.is_empty() {
        return empty(cx, "No evidence has been added to the case.");
    }
    for (index, item) in data.evidence.iter().enumerate() {
        evidence_item(cx, index + 1, item);
    }
}

/// Volumes with their file systems.
pub(super) fn volumes(cx: &mut Context<'_, '_>) {
    let data = cx.data;
    let rows: Vec<Vec<String>> = data
        .volumes
        .iter()
        .map(|v| {
            let fs = data
                .file_systems
                .iter()
                .find(|f| f.volume_id == v.object_id);
            vec![
                v.evidence_id.to_string(),
                v.partition_index
                    .map_or("whole medium".into(), |i| format!("p{i}")),
                v.image_offset.to_string(),
                v.len_bytes.to_string(),
                esc(fs
                    .map(|f| f.fs_type.as_str())
                    .or(v.fs_type.as_deref())
                    .unwrap_or("—")),
                fs.map_or("—".into(), |f| f.entries.to_string()),
            ]
        })
        .collect();
    if rows.is_empty() {
        return empty(cx, "No volumes recorded.");
    }
    table(
        cx,
        "grid",
        &[
            "Exhibit object",
            "Volume",
            "Offset (bytes)",
            "Length (bytes)",
            "File system",
            "Entries",
        ],
        &rows,
    );
}
