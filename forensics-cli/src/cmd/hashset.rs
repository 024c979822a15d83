//! `forensics hashset import|info`: build `.fhs` hash sets from NSRL RDS v3,
//! VICS JSON, hashdeep, md5sum-style and plain lists, and describe them.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use forensics_core::hash::Algorithm;
use forensics_core::hash::sets::{self, DigestSet, ImportOptions, SetBuilder, SetKind};
use serde_json::json;

use crate::args::{HashsetAction, Hex64Arg, SetKindArg};
use crate::{Outcome, output};

pub(crate) fn run(action: HashsetAction) -> anyhow::Result<Outcome> {
    match action {
        HashsetAction::Import {
            sources,
            out,
            name,
            kind,
            hex64,
            json,
        } => import(&sources, &out, &name, kind, hex64, json),
        HashsetAction::Info { set, json } => info(&set, json),
    }
}

fn import(
    sources: &[PathBuf],
    out: &PathBuf,
    name: &str,
    kind: SetKindArg,
    hex64: Hex64Arg,
    json: bool,
) -> anyhow::Result<Outcome> {
    let options = ImportOptions {
        hex64: match hex64 {
            Hex64Arg::Sha256 => Algorithm::Sha256,
            Hex64Arg::Blake3 => Algorithm::Blake3,
        },
    };
    let kind = match kind {
        SetKindArg::Known => SetKind::Known,
        SetKindArg::Notable => SetKind::Notable,
    };
    let mut builder = SetBuilder::new();
    let mut formats = Vec::new();
    for source in sources {
        let before = builder.records();
        let format = sets::import_file(&mut builder, source, &options)?;
        formats.push((source, format, builder.records() - before));
    }
    let summary = builder
        .write_fhs(out, name, kind)
        .with_context(|| format!("writing {}", out.display()))?;
    if json {
        for (source, format, records) in &formats {
            output::json_line(
                &json!({"type": "source", "path": source, "format": format, "records": records}),
            )?;
        }
        output::json_line(
            &json!({"type": "hashset", "path": out, "name": name, "kind": kind, "summary": summary}),
        )?;
    } else {
        let mut stdout = std::io::stdout().lock();
        for (source, format, records) in &formats {
            writeln!(
                stdout,
                "{}: {records} records ({})",
                source.display(),
                serde_json::to_value(format)?.as_str().unwrap_or("?")
            )?;
        }
        writeln!(
            stdout,
            "{}: set \"{name}\" ({}): {} md5, {} sha1, {} sha256, {} blake3 distinct; {} duplicates dropped, {} listed under two categories",
            out.display(),
            kind.name(),
            summary.md5,
            summary.sha1,
            summary.sha256,
            summary.blake3,
            summary.duplicates,
            summary.conflicting_categories
        )?;
    }
    Ok(Outcome::Success)
}

fn info(path: &PathBuf, json: bool) -> anyhow::Result<Outcome> {
    let set = DigestSet::open(path)?;
    if json {
        output::json_line(&json!({
            "type": "hashset", "path": path, "name": set.name(), "kind": set.kind(),
            "categories": set.categories(), "tables": set.tables(),
        }))?;
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "Path:        {}", path.display())?;
        writeln!(out, "Name:        {}", set.name())?;
        writeln!(out, "Kind:        {}", set.kind().name())?;
        for table in set.tables() {
            let categories = if table.has_categories {
                " (with categories)"
            } else {
                ""
            };
            writeln!(
                out,
                "{:<12} {} digests{categories}",
                format!("{}:", table.algorithm),
                table.count
            )?;
        }
        if !set.categories().is_empty() {
            writeln!(out, "Categories:  {}", set.categories().join(", "))?;
        }
    }
    Ok(Outcome::Success)
}
