//! The sections of the HTML report, one function each.

use std::fmt::Write as _;

use base64::Engine as _;

use super::html::{Context, esc};
use super::thumbnail::{MAX_PICTURE_BYTES, picture_format, thumbnail_png};
use crate::case::{EvidenceRow, ReportFile};

/// Appends a table: header cells, then rows of already escaped cells.
fn table(cx: &mut Context<'_, '_>, class: &str, headers: &[&str], rows: &[Vec<String>]) {
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

fn empty(cx: &mut Context<'_, '_>, text: &str) {
    let _ = writeln!(cx.html, "<p class=\"empty\">{text}</p>");
}

fn status(ok: bool, text: &str) -> String {
    let class = if ok { "ok" } else { "fail" };
    format!("<span class=\"status {class}\">{}</span>", esc(text))
}

fn hash(text: &str) -> String {
    format!("<span class=\"hash\">{}</span>", esc(text))
}

fn time(value: Option<crate::time::Timestamp>) -> String {
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

fn thumbnail_cell(cx: &mut Context<'_, '_>, file: &ReportFile) -> String {
    let Some(pictures) = cx.pictures.as_deref_mut() else {
        return String::new();
    };
    if file.kind != "file" || file.size == 0 || file.size > MAX_PICTURE_BYTES as u64 {
        return String::new();
    }
    let Some(bytes) = pictures.picture(file, MAX_PICTURE_BYTES as u64) else {
        return String::new();
    };
    if picture_format(&bytes).is_none() {
        return String::new();
    }
    thumbnail_png(&bytes).map_or_else(String::new, |png| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(png);
        format!("<img class=\"thumb\" alt=\"thumbnail\" src=\"data:image/png;base64,{encoded}\">")
    })
}

/// Tagged objects; tagged pictures with thumbnails.
pub(super) fn tagged(cx: &mut Context<'_, '_>) {
    let data = cx.data;
    let files: Vec<&ReportFile> = data.files.iter().filter(|f| !f.tags.is_empty()).collect();
    let other_tags: Vec<Vec<String>> = data
        .tags
        .iter()
        .filter(|t| t.object_kind != "file")
        .map(|t| {
            vec![
                t.object_id.to_string(),
                esc(&t.object_kind),
                esc(&t.tag),
                esc(&t.examiner),
                esc(&t.at_utc),
            ]
        })
        .collect();
    if files.is_empty() && other_tags.is_empty() {
        return empty(cx, "Nothing has been tagged.");
    }
    let mut rows = Vec::new();
    for file in files {
        let thumb = thumbnail_cell(cx, file);
        let who = data
            .tags
            .iter()
            .filter(|t| t.object_id == file.object_id)
            .map(|t| format!("{} ({}, {})", esc(&t.tag), esc(&t.examiner), esc(&t.at_utc)))
            .collect::<Vec<_>>()
            .join("<br>");
        rows.push(vec![
            thumb,
            format!("<span class=\"path\">{}</span><br><span class=\"muted\">object {} · exhibit object {} · {} bytes{}</span>",
                esc(&file.path), file.object_id, file.evidence_id, file.size,
                if file.deleted { " · <b>deleted</b>" } else { "" }),
            who,
            file.sha256.as_deref().map_or("—".into(), hash),
        ]);
    }
    if !rows.is_empty() {
        table(cx, "grid tagged", &["", "File", "Tags", "SHA-256"], &rows);
    }
    if !other_tags.is_empty() {
        table(
            cx,
            "grid",
            &["Object", "Kind", "Tag", "Examiner", "When (UTC)"],
            &other_tags,
        );
    }
}

/// Notes and bookmarks in the order written.
pub(super) fn notes(cx: &mut Context<'_, '_>) {
    let rows: Vec<Vec<String>> = cx
        .data
        .notes
        .iter()
        .map(|n| {
            vec![
                n.note_id.to_string(),
                n.object_id.map_or("case".into(), |id| id.to_string()),
                if n.bookmark {
                    "bookmark".into()
                } else {
                    "note".into()
                },
                esc(&n.text),
                esc(&n.examiner),
                esc(&n.at_utc),
            ]
        })
        .collect();
    if rows.is_empty() {
        return empty(cx, "No notes.");
    }
    table(
        cx,
        "grid",
        &["#", "On", "Kind", "Text", "Examiner", "When (UTC)"],
        &rows,
    );
}

/// Files listed in known or notable hash sets.
pub(super) fn hash_set_hits(cx: &mut Context<'_, '_>) {
    let mut rows = Vec::new();
    for file in cx.data.files.iter() {
        for hit in &file.hash_matches {
            let kind = if hit.set_kind == "notable" {
                status(false, "notable")
            } else {
                esc(&hit.set_kind)
            };
            rows.push(vec![
                kind,
                esc(&hit.set_name),
                esc(hit.category.as_deref().unwrap_or("—")),
                esc(&hit.algorithm),
                format!("<span class=\"path\">{}</span>", esc(&file.path)),
                file.object_id.to_string(),
            ]);
        }
    }
    if rows.is_empty() {
        return empty(cx, "No file is listed in a hash set used at ingest.");
    }
    table(
        cx,
        "grid",
        &["Kind", "Set", "Category", "Matched on", "File", "Object"],
        &rows,
    );
}

/// Problems recorded while reading the evidence.
pub(super) fn problems(cx: &mut Context<'_, '_>) {
    let rows: Vec<Vec<String>> = cx
        .data
        .problems
        .iter()
        .map(|p| {
            vec![
                p.object_id.to_string(),
                esc(&p.object_kind),
                p.image_offset.map_or("—".into(), |o| o.to_string()),
                p.len_bytes.map_or("—".into(), |l| l.to_string()),
                esc(&p.message),
            ]
        })
        .collect();
    if rows.is_empty() {
        return empty(cx, "No problems were recorded.");
    }
    table(
        cx,
        "grid",
        &["Object", "Kind", "Image offset", "Length", "Problem"],
        &rows,
    );
}

/// The file listing (all files, or the tagged ones).
pub(super) fn files(cx: &mut Context<'_, '_>) {
    let rows: Vec<Vec<String>> = cx
        .data
        .files
        .iter()
        .map(|f| {
            vec![
                f.object_id.to_string(),
                format!(
                    "<span class=\"path\">{}</span>{}",
                    esc(&f.path),
                    if f.deleted {
                        " <span class=\"status fail\">deleted</span>"
                    } else {
                        ""
                    }
                ),
                esc(&f.kind),
                f.size.to_string(),
                time(f.times.modified),
                f.md5.as_deref().map_or("—".into(), hash),
            ]
        })
        .collect();
    if rows.is_empty() {
        return empty(cx, "No files.");
    }
    table(
        cx,
        "grid files",
        &["Object", "Path", "Kind", "Size", "Modified (UTC)", "MD5"],
        &rows,
    );
}

/// The custody log, its verification result and its head.
pub(super) fn custody(cx: &mut Context<'_, '_>) {
    let data = cx.data;
    let verdict = match &data.verification {
        Some(v) if v.holds => status(
            true,
            &format!(
                "Chain verified: {} entries ({} signed), {} evidence items re-hashed",
                v.entries, v.signed_entries, v.evidence_rehashed
            ),
        ),
        Some(v) => format!(
            "{}<ul>{}</ul>",
            status(false, "Verification FAILED"),
            v.failures
                .iter()
                .map(|f| format!("<li>{}</li>", esc(f)))
                .collect::<String>()
        ),
        None => status(
            false,
            "The chain was not verified when this report was made",
        ),
    };
    let _ = write!(
        cx.html,
        "<p>{verdict}</p>\n<p>Chain head: {}</p>\n",
        hash(data.chain_head.as_deref().unwrap_or("(empty)"))
    );
    let rows: Vec<Vec<String>> = data
        .custody
        .iter()
        .map(|e| {
            vec![
                e.seq.to_string(),
                esc(&e.at_utc),
                esc(&e.examiner),
                esc(&e.action),
                format!("<span class=\"details\">{}</span>", esc(&e.details_json)),
                format!(
                    "{}{}",
                    hash(&e.entry_hash),
                    e.key_id.as_deref().map_or(String::new(), |k| format!(
                        "<br><span class=\"muted\">signed by key {}</span>",
                        esc(k)
                    ))
                ),
            ]
        })
        .collect();
    table(
        cx,
        "grid custody",
        &[
            "#",
            "When (UTC)",
            "Examiner",
            "Action",
            "Details",
            "Entry hash",
        ],
        &rows,
    );
}
