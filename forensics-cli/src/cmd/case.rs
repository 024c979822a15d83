//! `forensics case …`: the case database from the command line.
//!
//! Every command that changes the case needs an examiner (`--examiner` or
//! `FORENSICS_EXAMINER`) and writes a custody entry with the command line and
//! host; `--key KEY` signs the entries. `case log` and `case verify` print the
//! chain head, to be recorded outside the case.

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, bail};
use forensics_core::case::ingest::{self, IngestOptions, IngestProgress};
use forensics_core::case::keys::SigningKey;
use forensics_core::case::{Case, CaseInfo, FileQuery};
use forensics_core::fs::Timestamp;
use forensics_core::hash::sets::DigestSet;
use indicatif::ProgressBar;
use serde_json::json;

use super::case_access::{new_passphrase, open_for_change, session};
use super::hash_sink::progress_bar;
use crate::args::{CaseAction, CaseAddArgs, ExaminerArgs};
use crate::{Outcome, output};
use forensics_core::carve::CarveOptions;
use forensics_core::scan::ScanOptions;

pub(crate) fn run(action: CaseAction) -> anyhow::Result<Outcome> {
    match action {
        CaseAction::Init {
            case,
            store,
            case_number,
            title,
            encrypt,
            who,
        } => match (store, case) {
            (Some(store), _) => super::case_store::init(&store, case_number, title, &who),
            (None, Some(case)) => init(&case, case_number, title, encrypt, &who),
            (None, None) => bail!("name the case file or --store"),
        },
        CaseAction::Add(args) => add(&args),
        CaseAction::Ls {
            case,
            path,
            deleted,
            kind,
            min_size,
            max_size,
            hash_set_kind,
            modified_from,
            modified_until,
            json,
        } => {
            let query = FileQuery {
                path_glob: path,
                deleted_only: deleted,
                kind,
                min_size,
                max_size,
                hash_set_kind,
                modified_from: modified_from.and_then(Timestamp::from_unix_seconds),
                modified_until: modified_until.and_then(Timestamp::from_unix_seconds),
            };
            ls(&case, &query, json)
        }
        CaseAction::Tag {
            case,
            object_id,
            tag,
            who,
        } => {
            let mut store = super::case_store::open_store(&case, Some(&who))?;
            let entry = forensics_core::case::annotate::tag(store.as_mut(), object_id, &tag)?;
            say!(
                "tagged object {object_id} {tag:?} (custody entry {})",
                entry.seq
            );
            Ok(Outcome::Success)
        }
        CaseAction::Note {
            case,
            words,
            bookmark,
            who,
        } => note(&case, &words, bookmark, &who),
        CaseAction::Grant {
            store,
            role,
            rights,
            who,
        } => super::case_store::grant(&store, &role, rights, &who),
        CaseAction::Log { case, store, json } => match store.or(case) {
            Some(target) if super::case_store::is_store(&target) => {
                super::case_store::log(&target, json)
            }
            Some(case) => super::case_verify::log(Path::new(&case), json),
            None => bail!("name the case file or --store"),
        },
        CaseAction::Verify {
            case,
            store,
            expect_head,
            threads,
            json,
        } => {
            let target = store.or(case);
            let store = target.as_deref().filter(|t| super::case_store::is_store(t));
            let file = target.as_deref().filter(|_| store.is_none()).map(Path::new);
            super::case_verify::verify(file, store, expect_head.as_deref(), threads, json)
        }
        CaseAction::Report {
            case,
            format,
            out,
            tagged_only,
            no_verify,
            threads,
        } => super::case_report::report(&case, format, &out, tagged_only, !no_verify, threads),
        CaseAction::Timeline { case, format } => super::case_report::timeline(&case, format),
        CaseAction::Export {
            case,
            out,
            tagged_only,
            no_verify,
            threads,
            who,
        } => super::case_report::export(&case, &who, &out, tagged_only, !no_verify, threads),
        CaseAction::VerifyBundle { bundle, json } => {
            super::case_report::verify_bundle(&bundle, json)
        }
        CaseAction::Keygen { out } => {
            let key = SigningKey::generate();
            key.write_private(&out)?;
            say!(
                "private key written to {} (keep it out of the case)",
                out.display()
            );
            say!("key id {}", key.key_id());
            say!("public key {}", key.public_key_hex());
            Ok(Outcome::Success)
        }
    }
}

fn print_head(case: &Case) -> anyhow::Result<()> {
    if let Some(head) = case.chain_head()? {
        say!("chain head {head}");
    }
    Ok(())
}

fn init(
    path: &Path,
    case_number: String,
    title: String,
    encrypt: bool,
    who: &ExaminerArgs,
) -> anyhow::Result<Outcome> {
    let session = session(who)?;
    let passphrase = if encrypt {
        Some(new_passphrase()?)
    } else {
        None
    };
    let info = CaseInfo {
        case_number,
        title,
        examiner: session.examiner.clone(),
    };
    let case = Case::create_with(path, &info, session, passphrase.as_ref())?;
    let how = if encrypt { ", encrypted" } else { "" };
    say!(
        "created case {} ({}{how})",
        path.display(),
        info.case_number
    );
    print_head(&case)?;
    Ok(Outcome::Success)
}

/// Shows intake hashing on a progress bar and counts stored files.
struct CliProgress {
    json: bool,
    bar: Option<ProgressBar>,
}

impl IngestProgress for CliProgress {
    fn evidence_started(&mut self, path: &Path, index: usize, count: usize) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let total = std::fs::metadata(path).map_or(0, |m| m.len());
        let label = format!("[{}/{count}] {}", index + 1, path.display());
        self.bar = Some(progress_bar(total, self.json, &label));
    }

    fn intake_hashed(&mut self, bytes_done: u64, bytes_total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes_total);
            bar.set_position(bytes_done);
        }
    }

    fn files_stored(&mut self, files_stored: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{files_stored} files stored"));
        }
    }
}

fn add(args: &CaseAddArgs) -> anyhow::Result<Outcome> {
    let CaseAddArgs {
        case: path,
        evidence,
        json,
        ..
    } = args;
    let json = *json;
    if args.jobs != 1 || super::case_store::is_store(path) {
        return super::case_jobs::add_with_jobs(args);
    }
    let mut case = open_for_change(Path::new(path), &args.who)?;
    let options = IngestOptions {
        hash_sets: args
            .hash_set
            .iter()
            .map(|set| DigestSet::open(set))
            .collect::<Result<_, _>>()?,
        batch_files: args.batch,
        threads: args.threads,
        carve: args.carve.then(|| CarveOptions {
            types: args.carve_types.clone(),
            ..CarveOptions::default()
        }),
        scan: args.scan.then(ScanOptions::default),
        ..IngestOptions::default()
    };
    let mut progress = CliProgress { json, bar: None };
    let summary = ingest::add_evidence(
        &mut case,
        evidence,
        &options,
        &mut progress,
        &AtomicBool::new(false),
    );
    if let Some(bar) = progress.bar.take() {
        bar.finish_and_clear();
    }
    let summary = summary?;
    for item in &summary.evidence {
        if json {
            let mut value = serde_json::to_value(item)?;
            value["type"] = json!("evidence");
            output::json_line(&value)?;
        } else {
            if let Some(error) = &item.error {
                eprintln!("forensics: {}: {error}", item.path.display());
                continue;
            }
            let state = if item.already_done {
                "already in the case"
            } else if item.resumed {
                "resumed and completed"
            } else {
                "added"
            };
            say!(
                "evidence {} {}: {state}; {} volumes, {} file systems, {} files ({} new), {} problems",
                item.object_id,
                item.path.display(),
                item.volumes,
                item.file_systems,
                item.files,
                item.files_added,
                item.problems
            );
        }
    }
    let head = case.chain_head()?;
    if json {
        output::json_line(&json!({"type": "head", "entry_hash": head}))?;
    } else {
        print_head(&case)?;
    }
    let failed = summary
        .evidence
        .iter()
        .filter(|e| e.error.is_some())
        .count();
    if failed > 0 {
        bail!(
            "{failed} of {} evidence items could not be added",
            summary.evidence.len()
        );
    }
    Ok(Outcome::Success)
}

/// `case ls` on a case file or a PostgreSQL store.
fn ls(target: &str, query: &FileQuery, json: bool) -> anyhow::Result<Outcome> {
    let mut store = super::case_store::open_store(target, None)?;
    let rows = forensics_core::case::query::read_with(store.as_mut(), |tx| {
        forensics_core::case::query::files(tx, query)
    })?;
    for row in rows {
        if json {
            output::json_line(&row)?;
        } else {
            say!(
                "{:>8} {} {:>12} {} {}",
                row.object_id,
                if row.deleted { "*" } else { " " },
                row.size,
                row.sha256.as_deref().unwrap_or("-"),
                row.path
            );
        }
    }
    Ok(Outcome::Success)
}

fn note(
    target: &str,
    words: &[String],
    bookmark: bool,
    who: &ExaminerArgs,
) -> anyhow::Result<Outcome> {
    let (object_id, text) = match words {
        [text] => (None, text),
        [object, text] => {
            let id = object
                .parse::<i64>()
                .with_context(|| format!("{object:?} is not an object id"))?;
            (Some(id), text)
        }
        _ => bail!("case note takes [OBJECT_ID] TEXT"),
    };
    let mut store = super::case_store::open_store(target, Some(who))?;
    let (note_id, entry) =
        forensics_core::case::annotate::note(store.as_mut(), object_id, text, bookmark)?;
    say!("note {note_id} added (custody entry {})", entry.seq);
    Ok(Outcome::Success)
}
