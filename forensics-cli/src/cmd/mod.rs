//! One module per subcommand: parse -> call core -> print.

/// `println!` that returns the error (a closed pipe) instead of panicking
/// (the caller has `std::io::Write` in scope).
macro_rules! say {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

mod acquire;
mod audit;
mod batch;
mod batch_sched;
mod carve;
mod case;
mod case_access;
mod case_jobs;
mod case_report;
mod case_store;
mod case_verify;
mod files;
mod hash;
mod hash_sink;
mod hashset;
mod info;
mod scan;
mod verify;

use crate::Outcome;
use crate::args::{Args, Command};

/// Runs the chosen subcommand.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Info { evidence, json } => info::run(&evidence, json),
        Command::Ls {
            evidence,
            path,
            partition,
            recursive,
            deleted,
            json,
            bodyfile,
        } => {
            let listing = files::Listing {
                path,
                recursive,
                deleted_only: deleted,
                style: if json {
                    files::Style::Json
                } else if bodyfile {
                    files::Style::Bodyfile
                } else {
                    files::Style::Text
                },
            };
            files::ls(&evidence, partition, &listing)
        }
        Command::Cat {
            evidence,
            target,
            partition,
            stream,
        } => files::cat(&evidence, partition, &target, stream.as_deref()),
        Command::Timeline {
            evidence,
            partition,
            format,
        } => files::timeline(&evidence, partition, format),
        Command::Hash(hash_args) => hash::run(&hash_args),
        Command::Verify {
            evidence,
            json,
            threads,
        } => verify::run(&evidence, json, threads),
        Command::Hashset { action } => hashset::run(action),
        Command::Audit {
            list,
            paths,
            json,
            threads,
        } => audit::run(&list, &paths, json, threads),
        Command::Acquire(acquire_args) => acquire::run(&acquire_args),
        Command::Carve(carve_args) => carve::run(&carve_args),
        Command::Scan(scan_args) => scan::run(&scan_args),
        Command::Case { action } => case::run(action),
        Command::Batch { command } => batch::run(command),
    }
}
