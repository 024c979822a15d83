//! `forensics hash EVIDENCE...`: the media digests from one read.
//!
//! Text output: with one algorithm, md5sum's format (`HEX  PATH`, checkable
//! with `md5sum -c`); with several, BSD-tag lines (`MD5 (PATH) = HEX`, as
//! `md5sum --tag` prints), one per algorithm. `--piecewise` adds
//! `piece OFFSET+LEN md5=HEX …` lines before them.
//!
//! `--json` prints JSON Lines, in this order per evidence item:
//! - `{"type":"piece","path","image_offset","size","md5","sha1","sha256","blake3"}`
//!   per window with `--piecewise`, in offset order (digests not selected are null);
//! - `{"type":"problem","path","image_offset","size","message"}` per damaged
//!   media range (E01 chunks whose checksum failed, hashed as zeros);
//! - `{"type":"hash","path","format","size","md5","sha1","sha256","blake3",
//!   "known_set","known_kind","category"}`: the media digests and the first
//!   `--known` set that lists them (null when none).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use forensics_core::evidence::{self, EvidenceSource};
use forensics_core::hash::sets::{DigestSet, SetMatch};
use forensics_core::hash::{self, AlgorithmSet, Digests, HashOptions};
use serde_json::{Value, json};

use super::hash_sink::{CliHashSink, digest_fields, progress_bar};
use crate::args::HashArgs;
use crate::{Outcome, output};

pub(crate) fn run(args: &HashArgs) -> anyhow::Result<Outcome> {
    let algorithms = AlgorithmSet::parse_list(&args.algo)?;
    anyhow::ensure!(!algorithms.is_empty(), "--algo names no algorithm");
    let sets = args
        .known
        .iter()
        .map(|path| DigestSet::open(path).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for (set, path) in sets.iter().zip(&args.known) {
        anyhow::ensure!(
            set.algorithms().iter().any(|a| algorithms.contains(a)),
            "{}: the set holds only {} digests, none of which --algo {} computes",
            path.display(),
            set.algorithms(),
            algorithms
        );
    }
    let options = HashOptions {
        algorithms,
        piecewise_len_bytes: args.piecewise,
        threads: args.threads,
    };
    for path in &args.evidence {
        hash_one(path, &options, &sets, args.json)?;
    }
    Ok(Outcome::Success)
}

/// Hashes one evidence item and prints its lines.
fn hash_one(
    path: &Path,
    options: &HashOptions,
    sets: &[DigestSet],
    json: bool,
) -> anyhow::Result<()> {
    let evidence = evidence::open(path).with_context(|| format!("{}", path.display()))?;
    let digests = hash_with_progress(evidence.source.as_ref(), path, options, json)?;
    let found = sets.iter().find_map(|set| set.lookup(&digests));
    let problems = evidence.source.damaged_ranges();
    if json {
        for problem in &problems {
            output::json_line(&json!({
                "type": "problem",
                "path": path,
                "image_offset": problem.image_offset,
                "size": problem.len_bytes,
                "message": problem.message,
            }))?;
        }
        let mut object = serde_json::Map::new();
        object.insert("type".into(), json!("hash"));
        object.insert("path".into(), json!(path));
        object.insert("format".into(), json!(evidence.info.format.name()));
        object.insert("size".into(), json!(evidence.source.len()));
        object.extend(digest_fields(&digests));
        object.insert(
            "known_set".into(),
            json!(found.as_ref().map(|m| &m.set_name)),
        );
        object.insert(
            "known_kind".into(),
            json!(found.as_ref().map(|m| m.kind.name())),
        );
        object.insert(
            "category".into(),
            json!(found.as_ref().and_then(|m| m.category.as_ref())),
        );
        output::json_line(&Value::Object(object))?;
    } else {
        for problem in &problems {
            eprintln!(
                "forensics: warning: {}: damaged media read as zeros: {problem}",
                path.display()
            );
        }
        print_text(path, &digests, found.as_ref())?;
    }
    Ok(())
}

/// Hashes `source` with a progress bar; shared with `verify`.
pub(crate) fn hash_with_progress(
    source: &dyn EvidenceSource,
    path: &Path,
    options: &HashOptions,
    json: bool,
) -> anyhow::Result<Digests> {
    let cancel = AtomicBool::new(false);
    let label = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut sink = CliHashSink {
        bar: progress_bar(source.len(), json, &label),
        path,
        json,
        cancel: &cancel,
        error: None,
    };
    let result = hash::hash_source(source, options, &mut sink, &cancel);
    sink.bar.finish_and_clear();
    if let Some(err) = sink.error {
        return Err(err.into());
    }
    result.with_context(|| format!("hashing {}", path.display()))
}

fn print_text(path: &Path, digests: &Digests, found: Option<&SetMatch>) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let algorithms = digests.algorithms();
    for algorithm in algorithms.iter() {
        let Some(hex) = digests.hex(algorithm) else {
            continue;
        };
        if algorithms.len() == 1 {
            writeln!(out, "{hex}  {}", path.display())?;
        } else {
            let tag = match algorithm {
                hash::Algorithm::Md5 => "MD5",
                hash::Algorithm::Sha1 => "SHA1",
                hash::Algorithm::Sha256 => "SHA256",
                hash::Algorithm::Blake3 => "BLAKE3",
            };
            writeln!(out, "{tag} ({}) = {hex}", path.display())?;
        }
    }
    if let Some(found) = found {
        let category = found
            .category
            .as_deref()
            .map(|c| format!(", category {c}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}: in {} set \"{}\" by {}{category}",
            path.display(),
            found.kind.name(),
            found.set_name,
            found.algorithm
        )?;
    }
    Ok(())
}
