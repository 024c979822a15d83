//! `forensics scan EVIDENCE`: features and keywords in the raw bytes.
//!
//! Text output: one line per feature, `FORENSIC_PATH<TAB>KIND<TAB>VALUE<TAB>
//! ENCODING<TAB>CONTEXT`, like a bulk_extractor feature file. `--json` prints
//! `{"kind","value","image_offset","encoding","forensic_path","context"}` per
//! feature, then `{"type":"problem",...}` per unreadable page. Histograms
//! (`--histogram DIR`, `--histogram-only`) count values per kind.

use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, bail};
use forensics_core::evidence;
use forensics_core::scan::histogram::{self as hist, HistogramEntry};
use forensics_core::scan::{Keywords, Kind, RecursionLimits, ScanOptions, histogram, scan_source};
use serde_json::json;

use crate::args::ScanArgs;
use crate::{Outcome, output};

fn options(args: &ScanArgs) -> anyhow::Result<ScanOptions> {
    let mut options = ScanOptions::default();
    if !args.features.is_empty() {
        options.kinds = args
            .features
            .iter()
            .map(|name| {
                Kind::from_name(name.trim())
                    .filter(|k| *k != Kind::Keyword)
                    .with_context(|| format!("unknown feature kind {name:?}"))
            })
            .collect::<anyhow::Result<_>>()?;
    }
    if let Some(path) = &args.keywords {
        options.keywords = Some(Keywords::from_file(path, args.ignore_case)?);
        if args.features.is_empty() {
            options.kinds.clear();
        }
    }
    options.utf16 = !args.no_utf16;
    if args.no_recurse {
        options.recursion = RecursionLimits {
            max_depth: 0,
            ..RecursionLimits::default()
        };
    }
    options.page_bytes = usize::try_from(args.page_size).context("page size too large")?;
    options.threads = args.threads;
    Ok(options)
}

fn write_histograms(dir: &Path, entries: &[HistogramEntry]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    let mut kinds: Vec<Kind> = entries.iter().map(|e| e.kind).collect();
    kinds.dedup();
    for kind in kinds {
        let path = dir.join(format!("{}_histogram.txt", kind.name()));
        let of_kind: Vec<HistogramEntry> =
            entries.iter().filter(|e| e.kind == kind).cloned().collect();
        std::fs::write(&path, hist::to_text(&of_kind))
            .with_context(|| format!("{}", path.display()))?;
    }
    Ok(())
}

pub(crate) fn run(args: &ScanArgs) -> anyhow::Result<Outcome> {
    let options = options(args)?;
    if options.kinds.is_empty() && options.keywords.is_none() {
        bail!("nothing to scan for: no feature kind and no keywords");
    }
    let path = &args.evidence;
    let evidence = evidence::open(path).with_context(|| format!("{}", path.display()))?;
    let report = scan_source(evidence.source.as_ref(), &options)
        .with_context(|| format!("{}", path.display()))?;
    let histogram = histogram(&report.features);
    if let Some(dir) = &args.histogram {
        write_histograms(dir, &histogram)?;
    }
    if args.histogram_only {
        let mut out = BufWriter::new(std::io::stdout().lock());
        for entry in &histogram {
            if args.json {
                serde_json::to_writer(
                    &mut out,
                    &json!({"type": "histogram", "kind": entry.kind, "value": entry.value, "count": entry.count}),
                )?;
                out.write_all(b"\n")?;
            } else {
                writeln!(
                    out,
                    "{}\tn={}\t{}",
                    entry.kind.name(),
                    entry.count,
                    entry.value
                )?;
            }
        }
        out.flush()?;
    } else if args.json {
        for feature in &report.features {
            output::json_line(feature)?;
        }
    } else {
        let mut out = BufWriter::new(std::io::stdout().lock());
        for f in &report.features {
            writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}",
                f.forensic_path,
                f.kind.name(),
                f.value,
                f.encoding.name(),
                f.context
            )?;
        }
        out.flush()?;
    }
    for problem in &report.problems {
        if args.json {
            output::json_line(
                &json!({"type": "problem", "path": path, "image_offset": problem.image_offset, "size": problem.len_bytes, "message": problem.message}),
            )?;
        } else {
            eprintln!("forensics: {}: {problem}", path.display());
        }
    }
    Ok(Outcome::Success)
}
