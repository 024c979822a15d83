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
    /// List file-system entries, allocated and deleted, like `fls`.
    Ls {
        /// The evidence file.
        evidence: PathBuf,
        /// Directory to list (default: the root).
        path: Option<String>,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Descend into subdirectories.
        #[arg(short = 'r', long)]
        recursive: bool,
        /// Only deleted entries (like `fls -d`).
        #[arg(long)]
        deleted: bool,
        /// Print JSON Lines instead of text.
        #[arg(long, conflicts_with = "bodyfile")]
        json: bool,
        /// Print a TSK bodyfile (for `mactime`).
        #[arg(long)]
        bodyfile: bool,
    },
    /// Write an entry's content to stdout.
    Cat {
        /// The evidence file.
        evidence: PathBuf,
        /// Path inside the file system, or `#ID` with the id `ls` prints.
        target: String,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Named data stream (NTFS alternate data stream) to read.
        #[arg(long)]
        stream: Option<String>,
    },
    /// Timeline of every entry's times.
    Timeline {
        /// The evidence file.
        evidence: PathBuf,
        /// Partition to read, by its index as `info` lists it.
        #[arg(short = 'p', long = "partition")]
        partition: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TimelineFormat::Bodyfile)]
        format: TimelineFormat,
    },
}

/// Timeline output formats.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum TimelineFormat {
    /// TSK bodyfile, for `mactime`.
    Bodyfile,
    /// CSV sorted by time, one row per moment and entry.
    Csv,
}
