//! Command-line arguments (clap derive); no logic.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Forensic examination of disk images and memory dumps.
#[derive(Debug, Parser)]
#[command(name = "forensics", version, about)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Format, media size, container metadata, stored hashes.
    Info {
        /// The evidence file (first segment for split and E01 images).
        evidence: PathBuf,
        /// Print JSON Lines instead of text.
        #[arg(long)]
        json: bool,
    },
}
