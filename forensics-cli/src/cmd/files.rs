//! `ls`, `cat` and `timeline`: file-system entries of one volume.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use forensics_core::evidence;
use forensics_core::fs::{self, EntryKind, FileEntry, FileSystem, VolumeLayout};
use forensics_core::report;
use serde_json::json;

use crate::Outcome;
use crate::args::TimelineFormat;

/// How `ls` prints.
pub(crate) enum Style {
    Text,
    Json,
    Bodyfile,
}

/// What `ls` lists.
pub(crate) struct Listing {
    pub path: Option<String>,
    pub recursive: bool,
    pub deleted_only: bool,
    pub style: Style,
}

fn open(
    path: &Path,
    partition: Option<u32>,
) -> anyhow::Result<(VolumeLayout, Box<dyn FileSystem>)> {
    let evidence = evidence::open(path).with_context(|| format!("{}", path.display()))?;
    fs::open_volume(&evidence.source, partition).with_context(|| format!("{}", path.display()))
}

pub(crate) fn ls(
    path: &Path,
    partition: Option<u32>,
    listing: &Listing,
) -> anyhow::Result<Outcome> {
    let (volume, fs) = open(path, partition)?;
    let root = fs::normalise_path(listing.path.as_deref().unwrap_or("/"));
    let prefix = if root == "/" {
        "/".to_owned()
    } else {
        format!("{root}/")
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut result = Ok(());
    let problems = fs.walk(&mut |entry| {
        if result.is_err() || (listing.deleted_only && !entry.deleted) {
            return;
        }
        let Some(relative) = entry.path.strip_prefix(&prefix) else {
            return;
        };
        if relative.is_empty() || (!listing.recursive && relative.contains('/')) {
            return;
        }
        result = print_entry(&mut out, &entry, &volume, &listing.style);
    })?;
    result?;
    out.flush()?;
    report_problems(&problems);
    Ok(Outcome::Success)
}

fn print_entry(
    out: &mut dyn Write,
    entry: &FileEntry,
    volume: &VolumeLayout,
    style: &Style,
) -> anyhow::Result<()> {
    match style {
        Style::Text => {
            let kind = report::mode_string(entry);
            let star = if entry.deleted { "* " } else { "" };
            writeln!(
                out,
                "{} {star}{}:\t{}",
                &kind[..3],
                entry.id,
                entry.path.trim_start_matches('/')
            )?;
        }
        Style::Bodyfile => {
            for line in report::bodyfile_lines(entry) {
                writeln!(out, "{line}")?;
            }
        }
        Style::Json => {
            let image_offset = entry
                .byte_runs
                .first()
                .and_then(|run| run.volume_offset)
                .map(|offset| volume.image_offset + offset);
            let value = json!({
                "path": entry.path,
                "id": entry.id,
                "kind": entry.kind,
                "size": entry.size,
                "deleted": entry.deleted,
                "modified": entry.times.modified,
                "accessed": entry.times.accessed,
                "changed": entry.times.changed,
                "created": entry.times.created,
                "fn_times": entry.fn_times,
                "streams": entry.streams,
                "link_target": entry.link_target,
                "image_offset": image_offset,
                "forensic_path": forensic_path(volume, entry),
            });
            serde_json::to_writer(&mut *out, &value)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// `p1/fat32/#12` style path that re-finds the entry.
fn forensic_path(volume: &VolumeLayout, entry: &FileEntry) -> String {
    let place = volume
        .partition_index
        .map_or_else(String::new, |index| format!("p{index}/"));
    let fs_name = volume
        .fs_type
        .map_or_else(|| "fs".to_owned(), |t| format!("{t:?}").to_lowercase());
    format!("{place}{fs_name}/#{}", entry.id)
}

pub(crate) fn cat(
    path: &Path,
    partition: Option<u32>,
    target: &str,
    stream: Option<&str>,
) -> anyhow::Result<Outcome> {
    let (_, fs) = open(path, partition)?;
    let id = match target.strip_prefix('#') {
        Some(id) => id.to_owned(),
        None => {
            let entry = fs::find_by_path(fs.as_ref(), target)?
                .with_context(|| format!("{}: no entry {target}", path.display()))?;
            if entry.kind == EntryKind::Directory {
                anyhow::bail!("{}: {target} is a directory", path.display());
            }
            entry.id
        }
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    fs.read_content(&id, stream, &mut out)
        .with_context(|| format!("{}: {target}", path.display()))?;
    out.flush()?;
    Ok(Outcome::Success)
}

pub(crate) fn timeline(
    path: &Path,
    partition: Option<u32>,
    format: TimelineFormat,
) -> anyhow::Result<Outcome> {
    let (_, fs) = open(path, partition)?;
    let mut entries = Vec::new();
    let problems = fs.walk(&mut |entry| entries.push(entry))?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    match format {
        TimelineFormat::Bodyfile => {
            for entry in &entries {
                for line in report::bodyfile_lines(entry) {
                    writeln!(out, "{line}")?;
                }
            }
        }
        TimelineFormat::Csv => {
            report::write_timeline_csv(&report::timeline_csv_rows(&entries), &mut out)?
        }
    }
    out.flush()?;
    report_problems(&problems);
    Ok(Outcome::Success)
}

/// Problems go to stderr, one line each: the listing is still complete for
/// what could be read.
fn report_problems(problems: &[forensics_core::Problem]) {
    for problem in problems {
        eprintln!("forensics: problem {problem}");
    }
}
