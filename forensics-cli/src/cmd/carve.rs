//! `carve`: files found by structure in the media (or its unallocated space),
//! written to a directory with an audit file, listed as text or JSON Lines.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use forensics_core::carve::{self, CarveOptions, CarveReport, Carved};
use forensics_core::evidence::{self, EvidenceSource};
use forensics_core::fs;
use forensics_core::volume::ByteRange;
use serde_json::json;

use crate::Outcome;
use crate::args::CarveArgs;
use crate::output::json_line;

/// Unallocated ranges (media offsets) of every file system, or of partition
/// `partition` only; volumes without a file system are carved whole.
fn unallocated_ranges(
    media: &Arc<dyn EvidenceSource>,
    partition: Option<u32>,
) -> anyhow::Result<(Vec<ByteRange>, String)> {
    let (ranges, with_fs) = fs::unallocated_ranges(media, partition, None)?;
    if with_fs == 0 {
        bail!("--unallocated: no file system found on the media");
    }
    let prefix = match partition {
        Some(index) => format!("p{index}/unalloc"),
        None => "unalloc".to_owned(),
    };
    Ok((ranges, prefix))
}

fn file_name(file: &Carved, report: &CarveReport) -> PathBuf {
    let status = match file.status {
        carve::Status::Complete => "",
        carve::Status::Truncated => "-truncated",
        carve::Status::Fragmented => "-fragmented",
    };
    let name = format!("{:012}{status}.{}", file.image_offset, file.extension);
    match file.nested_in.and_then(|p| report.files.get(p)) {
        Some(container) => {
            Path::new("nested").join(format!("{:012}-{name}", container.image_offset))
        }
        None => PathBuf::from(name),
    }
}

pub(crate) fn run(args: &CarveArgs) -> anyhow::Result<Outcome> {
    if args.types.iter().any(|t| t == "list") {
        for sig in carve::signatures::SIGNATURES {
            println!(
                "{}\t.{}\tmax {} bytes",
                sig.name, sig.extension, sig.max_len_bytes
            );
        }
        return Ok(Outcome::Success);
    }
    let evidence =
        evidence::open(&args.evidence).with_context(|| format!("{}", args.evidence.display()))?;
    let mut options = CarveOptions {
        types: args.types.clone(),
        aligned_bytes: args.aligned,
        no_gap_carving: args.no_gap_carving || (args.aligned > 0 && !args.gap_carving),
        ..CarveOptions::default()
    };
    if args.unallocated {
        let (ranges, prefix) = unallocated_ranges(&evidence.source, args.partition)
            .with_context(|| format!("{}", args.evidence.display()))?;
        options.ranges = Some(ranges);
        options.path_prefix = Some(prefix);
    }
    if args.out.exists()
        && std::fs::read_dir(&args.out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "{}: output directory exists and is not empty",
            args.out.display()
        );
    }
    std::fs::create_dir_all(args.out.join("nested"))
        .with_context(|| format!("{}", args.out.display()))?;
    let report = carve::carve(evidence.source.as_ref(), &options)
        .with_context(|| format!("{}", args.evidence.display()))?;
    let mut audit = BufWriter::new(File::create(args.out.join("audit.txt"))?);
    writeln!(audit, "{}", forensics_core::TOOL_VERSION)?;
    writeln!(audit, "Evidence: {}", args.evidence.display())?;
    writeln!(
        audit,
        "Media size: {} bytes; scanned {} bytes; {} candidate headers",
        evidence.source.len(),
        report.scanned_bytes,
        report.candidates
    )?;
    writeln!(
        audit,
        "Options: types={} aligned={} unallocated={}",
        if args.types.is_empty() {
            "all".to_owned()
        } else {
            args.types.join(",")
        },
        args.aligned,
        args.unallocated
    )?;
    writeln!(audit)?;
    writeln!(
        audit,
        "Num\tName\tType\tStatus\tOffset\tLength\tSHA-256\tForensic path\tFragments"
    )?;
    for file in &report.files {
        let name = file_name(file, &report);
        let path = args.out.join(&name);
        let mut out =
            BufWriter::new(File::create(&path).with_context(|| format!("{}", path.display()))?);
        carve::write_carved(evidence.source.as_ref(), file, &mut out)?;
        out.flush()?;
        let fragments: Vec<String> = file
            .fragments
            .iter()
            .map(|f| format!("{}+{}", f.image_offset, f.length))
            .collect();
        writeln!(
            audit,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            file.id,
            name.display(),
            file.file_type,
            file.status.as_str(),
            file.image_offset,
            file.length,
            file.sha256,
            file.forensic_path,
            fragments.join(",")
        )?;
        let container = file
            .nested_in
            .and_then(|p| report.files.get(p))
            .map(|c| c.forensic_path.clone());
        if args.json {
            json_line(&json!({
                "type": file.file_type,
                "extension": file.extension,
                "image_offset": file.image_offset,
                "length": file.length,
                "sha256": file.sha256,
                "status": file.status.as_str(),
                "fragments": file.fragments,
                "forensic_path": file.forensic_path,
                "nested_in": container,
                "file": name.to_string_lossy(),
            }))?;
        } else {
            println!(
                "{:>12}  {:<6} {:<10} {:>10}  {}  {}",
                file.image_offset,
                file.extension,
                file.status.as_str(),
                file.length,
                file.sha256,
                name.display()
            );
        }
    }
    writeln!(audit)?;
    let top = report
        .files
        .iter()
        .filter(|f| f.nested_in.is_none())
        .count();
    writeln!(
        audit,
        "{} files carved ({} top-level, {} nested)",
        report.files.len(),
        top,
        report.files.len() - top
    )?;
    for problem in &report.problems {
        writeln!(audit, "Problem: {problem}")?;
        eprintln!("forensics: {problem}");
    }
    audit.flush()?;
    Ok(Outcome::Success)
}
