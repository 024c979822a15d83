//! The finding sections of the HTML report: tagged items (with
//! thumbnails), notes, hash-set hits, problems, the file listing and the
//! custody log.

use std::fmt::Write as _;

use base64::Engine as _;

use super::html::{Context, esc};
use super::html_sections::{empty, hash, status, table, time};
use super::thumbnail::{MAX_PICTURE_BYTES, picture_format, thumbnail_png};
use crate::case::ReportFile;

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

/// Most files listed in the HTML report (the exports list all).
pub const MAX_LISTED_FILES: usize = 10_000;

/// The file listing (all files, or the tagged ones), at most
/// [`MAX_LISTED_FILES`] rows.
pub(super) fn files(cx: &mut Context<'_, '_>) {
    let total = cx.data.files.len();
    let rows: Vec<Vec<String>> = cx
        .data
        .files
        .iter()
        .take(MAX_LISTED_FILES)
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
    if total > MAX_LISTED_FILES {
        let _ = writeln!(
            cx.html,
            "<p class=\"empty\">… and {} more files, not listed here: the DFXML and \
             CASE/UCO exports of the case list every file.</p>",
            total - MAX_LISTED_FILES
        );
    }
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
