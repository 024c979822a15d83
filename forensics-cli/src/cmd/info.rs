//! `forensics info EVIDENCE`: format, size, segments, metadata, stored hashes.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use forensics_core::evidence::{self, EvidenceInfo};
use forensics_core::fs::{self, Layout};
use serde_json::{Map, Value, json};

use crate::{Outcome, output};

pub(crate) fn run(path: &Path, json: bool) -> anyhow::Result<Outcome> {
    let evidence = evidence::open(path).with_context(|| format!("{}", path.display()))?;
    let info = &evidence.info;
    let layout = fs::layout(&evidence.source).with_context(|| format!("{}", path.display()))?;
    if json {
        output::json_line(&info_json(info, &layout))?;
    } else {
        print_text(info)?;
        print_layout(&layout)?;
    }
    Ok(Outcome::Success)
}

/// The JSON object of `info --json`: stable field names, metadata flattened.
fn info_json(info: &EvidenceInfo, layout: &Layout) -> Value {
    let metadata: Map<String, Value> = info
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "path": info.path,
        "format": info.format.name(),
        "media_size": info.media_size,
        "sector_size": info.sector_size,
        "segment_files": info.segment_files,
        "chunk_size": info.chunk_size,
        "compression": info.compression,
        "stored_md5": info.stored_hashes.md5,
        "stored_sha1": info.stored_hashes.sha1,
        "stored_sha256": info.stored_hashes.sha256,
        "metadata": metadata,
        "memory_ranges": info.memory_ranges,
        "problems": info.problems,
        "partition_table": layout.partition_table,
        "volumes": layout.volumes,
    })
}

fn print_text(info: &EvidenceInfo) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "Path:          {}", info.path.display())?;
    writeln!(out, "Format:        {}", info.format.name())?;
    writeln!(out, "Media size:    {} bytes", info.media_size)?;
    writeln!(out, "Sector size:   {} bytes", info.sector_size)?;
    if let Some(chunk_size) = info.chunk_size {
        writeln!(out, "Chunk size:    {chunk_size} bytes")?;
    }
    if let Some(compression) = &info.compression {
        writeln!(out, "Compression:   {compression}")?;
    }
    writeln!(out, "Segments:      {}", info.segment_files.len())?;
    for segment in &info.segment_files {
        writeln!(out, "  {}", segment.display())?;
    }
    if !info.metadata.is_empty() {
        writeln!(out, "Acquisition metadata:")?;
        for (key, value) in &info.metadata {
            writeln!(out, "  {key:<26} {value}")?;
        }
    }
    let stored = &info.stored_hashes;
    for (name, value) in [
        ("MD5", &stored.md5),
        ("SHA-1", &stored.sha1),
        ("SHA-256", &stored.sha256),
    ] {
        if let Some(value) = value {
            writeln!(out, "Stored {name:<8} {value}")?;
        }
    }
    if !info.memory_ranges.is_empty() {
        writeln!(out, "Physical memory ranges:")?;
        for range in &info.memory_ranges {
            writeln!(
                out,
                "  {:#014x}-{:#014x} ({} bytes) at file offset {}",
                range.physical_start,
                range.physical_start + range.len_bytes,
                range.len_bytes,
                range.file_offset
            )?;
        }
    }
    for problem in &info.problems {
        writeln!(out, "Problem:       {problem}")?;
    }
    Ok(())
}

fn print_layout(layout: &Layout) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match &layout.partition_table {
        Some(table) => {
            writeln!(
                out,
                "Partition table: {:?} ({}-byte sectors)",
                table.scheme, table.sector_size
            )?;
            writeln!(
                out,
                "  {:>3}  {:>12}  {:>12}  {:>14}  {:<6}  {:<22}  name",
                "#", "start sector", "sectors", "bytes", "type", "description"
            )?;
            for p in &table.partitions {
                let sector = u64::from(table.sector_size);
                writeln!(
                    out,
                    "  {:>3}  {:>12}  {:>12}  {:>14}  {:<6}  {:<22}  {}",
                    p.index,
                    p.image_offset / sector,
                    p.len_bytes / sector,
                    p.len_bytes,
                    if p.type_id.len() > 6 {
                        "guid"
                    } else {
                        p.type_id.as_str()
                    },
                    p.type_name,
                    p.name
                )?;
            }
            for gap in &table.unpartitioned {
                writeln!(
                    out,
                    "  unpartitioned: {} bytes at offset {}",
                    gap.len_bytes, gap.image_offset
                )?;
            }
            for problem in &table.problems {
                writeln!(out, "  problem: {problem}")?;
            }
        }
        None => writeln!(out, "Partition table: none")?,
    }
    for volume in &layout.volumes {
        let place = volume.partition_index.map_or_else(
            || "whole media".to_owned(),
            |index| format!("partition {index}"),
        );
        let fs_name = volume.fs_type.map_or_else(
            || "not recognised".to_owned(),
            |fs| format!("{fs:?}").to_lowercase(),
        );
        writeln!(
            out,
            "File system ({place}, offset {}): {fs_name}",
            volume.image_offset
        )?;
    }
    Ok(())
}
