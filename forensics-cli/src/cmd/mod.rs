//! One module per subcommand: parse -> call core -> print.

mod info;

use crate::Outcome;
use crate::args::{Args, Command};

/// Runs the chosen subcommand.
pub(crate) fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        Command::Info { evidence, json } => info::run(&evidence, json),
    }
}
