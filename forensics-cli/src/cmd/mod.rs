//! One module per subcommand: parse -> call core -> print.

mod audit;
mod hash;
mod hash_sink;
mod hashset;
mod info;
mod verify;

use crate::Outcome;
use crate::args::{Args, Command};

/// Runs the chosen subcommand.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Info { evidence, json } => info::run(&evidence, json),
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
    }
}
